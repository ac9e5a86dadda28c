"""``/api/v1/reports``: summary, weekly grid and detailed entries, as JSON or as files
(the same route with ``.csv``, ``.xlsx`` or ``.pdf``). The query keys are described in
docs/reports.md; every bad one is a 422 naming the field."""

from __future__ import annotations

from urllib.parse import quote

from fastapi import Request
from fastapi.responses import StreamingResponse

from timeledger.dependencies import ActorDep, ClockDep, SessionDep, api_router
from timeledger.errors import error_responses
from timeledger.reports import service
from timeledger.reports.schemas import DetailedReport, SummaryReport, WeeklyReport

router = api_router(prefix="/api/v1/reports", tags=["Reports"])
_ERRORS = error_responses(400, 401, 403, 422)
_RANGE = (
    "Range: `from` and `to` (inclusive local dates in the firm's time zone) or `period` "
    "(today, this_week, last_week, this_month, last_month, this_tax_year, last_tax_year); "
    "with none of them, this week. "
    "Filters: `filter[staff]`, `filter[clients]`, `filter[cases]`, `filter[trackable_type]`. "
    "`attribution` start|split, `rounding` none|up|down|nearest with `rounding_minutes`, "
    "`include_running`, `as_of`. See docs/reports.md."
)
_FILE = {
    200: {
        "content": {
            "text/csv": {},
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": {},
            "application/pdf": {},
        }
    },
    **error_responses(400, 401, 403, 404, 422),
}


def _query(request: Request) -> dict[str, str]:
    return dict(request.query_params)


@router.get(
    "/summary",
    summary="Summary report",
    description=f"Totals grouped by up to three of `group_by`. {_RANGE}",
    responses=_ERRORS,
)
def summary(
    request: Request, actor: ActorDep, session: SessionDep, clock: ClockDep
) -> SummaryReport:
    return service.summary(session, actor=actor, query=_query(request), now=clock.now())


@router.get(
    "/weekly",
    summary="Weekly timesheet grid",
    description=f"The firm week holding `week_of` (default today). {_RANGE}",
    responses=_ERRORS,
)
def weekly(request: Request, actor: ActorDep, session: SessionDep, clock: ClockDep) -> WeeklyReport:
    return service.weekly(session, actor=actor, query=_query(request), now=clock.now())


@router.get(
    "/detailed",
    summary="Detailed report",
    description=f"The entries behind a summary, by start then id; `cursor`, `per_page`. {_RANGE}",
    responses=_ERRORS,
)
def detailed(
    request: Request, actor: ActorDep, session: SessionDep, clock: ClockDep
) -> DetailedReport:
    return service.detailed(session, actor=actor, query=_query(request), now=clock.now())


@router.get(
    "/{report}.{file_format}",
    summary="Export a report",
    description="`report` is summary, weekly or detailed; `file_format` csv, xlsx or pdf. "
    "The same query keys as the report, plus `bom` (CSV, default true).",
    response_class=StreamingResponse,
    responses=_FILE,
)
def export(
    report: str,
    file_format: str,
    request: Request,
    actor: ActorDep,
    session: SessionDep,
    clock: ClockDep,
) -> StreamingResponse:
    exported = service.export(
        session,
        actor=actor,
        report=report,
        file_format=file_format,
        query=_query(request),
        now=clock.now(),
    )
    disposition = (
        f"attachment; filename=\"{exported.filename}\"; filename*=UTF-8''{quote(exported.filename)}"
    )
    return StreamingResponse(
        exported.chunks(),
        media_type=exported.media_type,
        headers={"Content-Disposition": disposition},
    )
