"""The Reports page: a period, a grouping, a chart of time over the period, a breakdown
table and downloads, all from ``reports.service`` (the API's summary and export)."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, timedelta
from typing import Any
from urllib.parse import quote, urlencode

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response, StreamingResponse
from sqlalchemy.orm import Session

from timeledger.auth.service import Actor
from timeledger.db import UnitOfWork
from timeledger.dependencies import ClockDep, SessionDep
from timeledger.errors import AppError, ValidationFailed
from timeledger.reports import service
from timeledger.reports.calendar import DateRange
from timeledger.reports.labels import group_label
from timeledger.reports.params import Dimension
from timeledger.reports.schemas import GroupKey, SummaryReport
from timeledger.web.charts import hours_bar_chart
from timeledger.web.deps import WebActorDep
from timeledger.web.report_filters import (
    BILLABLE,
    ROUNDING,
    STEPS,
    choices,
    filter_query,
    form_values,
)
from timeledger.web.templating import render

router = APIRouter(prefix="/app", include_in_schema=False)

PERIODS = {
    "this_week": "This week",
    "last_week": "Last week",
    "this_month": "This month",
    "last_month": "Last month",
    "this_tax_year": "This tax year",
    "custom": "Custom dates",
}
GROUPS = {
    "client": "Client",
    "case": "Case",
    "staff": "Staff member",
    "trackable": "Tracked on",
    "trackable_type": "Kind of record",
    "day": "Day",
    "week": "Week",
    "month": "Month",
}
# Up to this many days the chart has a bar per day, beyond it a bar per month.
CHART_DAYS = 31


def chosen_period(params: Mapping[str, str]) -> str:
    """The period the page runs: ``custom`` whenever a ``from`` or ``to`` date is given
    (typed dates win over the preset picker, docs/web.md), else the preset asked for,
    else this week."""
    if params.get("from") or params.get("to"):
        return "custom"
    return params.get("period") or "this_week"


def _dates_readable(query: Mapping[str, str]) -> bool:
    """Whether every date typed reads as one (else the service names the bad one first)."""
    try:
        for name in ("from", "to"):
            if query.get(name):
                date.fromisoformat(query[name])
    except ValueError:
        return False
    return True


def report_query(params: Mapping[str, str]) -> dict[str, str]:
    """The API's query keys for what the page's form asks: ``period`` (a preset, or
    ``custom`` with ``from`` and ``to``), ``group_by``, and the filters and rounding
    (``report_filters.filter_query``). Unknown form values are passed on as they are, so
    the service refuses them with its own message."""
    period = chosen_period(params)
    query = {"group_by": params.get("group_by") or "client"}
    if period == "custom":
        query["from"] = params.get("from", "")
        query["to"] = params.get("to", "")
        missing = [name for name in ("from", "to") if not query[name]]
        if missing and _dates_readable(query):
            # One date typed: say that dates replace the period, not only "to required".
            raise ValidationFailed.field(
                missing[0],
                "Custom dates need both From and To. A period and custom dates are "
                "exclusive: to use a period, leave both dates empty.",
            )
    else:
        query["period"] = period
    return {**query, **filter_query(params)}


def _whose(params: Mapping[str, str], staff: list[tuple[str, str]], everyone: bool) -> str:
    """Whose time the report holds, as the line above the totals says it."""
    chosen = params.get("staff", "").strip()
    if chosen:
        name = dict(staff).get(chosen)
        return f"the time of {name}" if name else "the chosen staff member's time"
    return "the whole firm" if everyone else "your own time"


def form_context(session: Session, actor: Actor, params: Mapping[str, str]) -> dict[str, Any]:
    """The form's choices and the values it shows again."""
    picks = choices(session, actor)
    everyone = actor.account.role.value in ("owner", "admin")
    return {
        "title": "Reports",
        "actor": actor,
        "periods": PERIODS,
        "groups": GROUPS,
        "billable_choices": BILLABLE,
        "rounding_choices": ROUNDING,
        "steps": STEPS,
        "choices": picks,
        "form": {
            "period": chosen_period(params),
            "group_by": params.get("group_by") or "client",
            "from": params.get("from", ""),
            "to": params.get("to", ""),
            **form_values(params),
        },
        "everyone": everyone,
        "whose": _whose(params, picks.staff, everyone),
    }


def key_label(key: GroupKey) -> str:
    """A group's name as the table shows it: the exports' label (``reports.labels``)."""
    return group_label(key)


def _buckets(first: date, last: date) -> tuple[str, list[str]]:
    """The chart's grouping and every bucket of the period, empty ones included, labelled
    as ``key_label`` labels the report's groups (``2025-08-04``, ``2025-08``)."""
    days = [first + timedelta(days=offset) for offset in range((last - first).days + 1)]
    if len(days) <= CHART_DAYS:
        return "day", [day.isoformat() for day in days]
    return "month", sorted({day.isoformat()[:7] for day in days})


def _series_dimension(dates: DateRange) -> Dimension:
    """The chart's grouping for the period (``_buckets``' rule)."""
    return Dimension(_buckets(dates.first, dates.last)[0])


def chart_series(report: SummaryReport, labels: list[str]) -> dict[str, list[int]]:
    """Seconds per bucket, billable and non-billable (``seconds - billable_seconds`` of the
    summary's group), 0 for a bucket without time."""
    groups = {key_label(group.key): group for group in report.groups}
    billable = [groups[label].billable_seconds if label in groups else 0 for label in labels]
    total = [groups[label].seconds if label in groups else 0 for label in labels]
    return {
        "Billable": billable,
        "Non-billable": [whole - part for whole, part in zip(total, billable, strict=True)],
    }


def page_context(
    session: Session, actor: Actor, params: Mapping[str, str], now: Any
) -> dict[str, Any]:
    query = report_query(params)
    context = form_context(session, actor, params)
    report, over_time = service.summary_with_series(
        session, actor=actor, query=query, now=now, series_by=_series_dimension
    )
    bucket, labels = _buckets(report.meta.from_, report.meta.to)
    title = f"Time from {report.meta.from_} to {report.meta.to}"
    bars = chart_series(over_time, labels)
    export_query = urlencode(query)
    context.update(
        report=report,
        rounded=report.meta.rounding.mode != "none",
        rows=[(key_label(group.key), group) for group in report.groups],
        chart=hours_bar_chart(title, labels, bars, stacked=True),
        chart_phone=hours_bar_chart(title, labels, bars, stacked=True, phone=True),
        chart_title=f"Hours per {bucket}, billable and non-billable",
        downloads=[
            (kind.upper(), f"/app/reports/export/summary.{kind}?{export_query}")
            for kind in ("csv", "xlsx", "pdf")
        ],
    )
    return context


def _refused(
    request: Request, session: Session, actor: Actor, params: Mapping[str, str], exc: AppError
) -> Response:
    """The Reports form with the service's message (role=alert) and its status: what a
    browser gets for a bad question, never the API's JSON."""
    context = {**form_context(session, actor, params), "error": exc.message}
    return render(request, "reports.html", context, status_code=exc.status_code)


@router.get("/reports", response_class=HTMLResponse)
def reports_page(
    request: Request, actor: WebActorDep, session: SessionDep, clock: ClockDep
) -> Response:
    """Owners and admins see the whole firm, members their own time (the service's rule,
    ``permissions.reports_default_to_own_time``)."""
    params = dict(request.query_params)
    try:
        context = page_context(session, actor, params, clock.now())
    except AppError as exc:
        UnitOfWork.of(session).rollback()
        return _refused(request, session, actor, params, exc)
    return render(request, "reports.html", context)


@router.get("/reports/export/{report}.{file_format}")
def export_report(
    report: str,
    file_format: str,
    request: Request,
    actor: WebActorDep,
    session: SessionDep,
    clock: ClockDep,
) -> Response:
    """The API's export (``GET /api/v1/reports/{report}.{format}``) for a signed-in
    browser, which has a session cookie rather than a bearer token."""
    params = dict(request.query_params)
    try:
        exported = service.export(
            session,
            actor=actor,
            report=report,
            file_format=file_format,
            query=params,
            now=clock.now(),
        )
    except AppError as exc:
        UnitOfWork.of(session).rollback()
        return _refused(request, session, actor, params, exc)
    disposition = (
        f"attachment; filename=\"{exported.filename}\"; filename*=UTF-8''{quote(exported.filename)}"
    )
    return StreamingResponse(
        exported.chunks(),
        media_type=exported.media_type,
        headers={"Content-Disposition": disposition},
    )
