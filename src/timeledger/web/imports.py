"""The CSV import for owners and admins: the same importer as ``timeledger import
records`` (all or nothing; every problem of every line, sorted by line), fed by an
upload no larger than the server's request body limit."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, File, Request, UploadFile
from fastapi.responses import HTMLResponse, Response

from timeledger.auth.service import Actor
from timeledger.config import Settings
from timeledger.dependencies import ClockDep, SessionDep, SettingsDep
from timeledger.imports.schemas import ImportSummary
from timeledger.imports.service import ImportRejected, import_records_as
from timeledger.permissions import may_import_records, may_use_admin_pages
from timeledger.web.actions import attempt
from timeledger.web.deps import WebActorDep
from timeledger.web.templating import render
from timeledger.web.words import counted

router = APIRouter(prefix="/app", include_in_schema=False)
# Room left in the request for the form's own parts (boundaries, headers, file name), so
# a file the page accepts never meets the body limit's 413.
FORM_ROOM_BYTES = 4096
EXAMPLE = (
    "kind,ref,first_name,last_name,email,role,name,participants,description,priority,due_at,on\n"
    "client,c1,Gareth,Thompson,gareth@example.com,individual,,,,,,\n"
    "client,c2,Priya,Shah,,joint,,,,,,\n"
    "case,k1,,,,,Pension transfer,c1;c2,,,,\n"
    "task,,,,,,Annual review,,Book the meeting,high,2025-09-01 09:00:00,c1\n"
    "task,,,,,,Gather statements,,,,,k1\n"
)


def max_file_bytes(settings: Settings) -> int:
    """The largest file the page sends: the body limit less room for the form."""
    return max(settings.max_body_bytes - FORM_ROOM_BYTES, settings.max_body_bytes // 2)


def import_context(actor: Actor, settings: Settings, **extra: Any) -> dict[str, Any]:
    limit = max_file_bytes(settings)
    return {
        "title": "Import records",
        "actor": actor,
        "max_bytes": limit,
        "max_kb": limit // 1024,
        "may_import": bool(may_import_records(actor)),
        "example": EXAMPLE,
        **extra,
    }


def _forbidden(request: Request, actor: Actor, message: str | None) -> Response:
    context = {"title": "Not allowed", "actor": actor, "error": message}
    return render(request, "base.html", context, status_code=403)


@router.get("/import", response_class=HTMLResponse)
def import_page(request: Request, actor: WebActorDep, settings: SettingsDep) -> Response:
    verdict = may_use_admin_pages(actor)
    if not verdict:
        return _forbidden(request, actor, verdict.reason)
    return render(request, "import.html", import_context(actor, settings))


@router.get("/import/example.csv")
def example_file(actor: WebActorDep) -> Response:
    """The example of docs/admin.md as a file to start from."""
    return Response(
        EXAMPLE,
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": 'attachment; filename="timeledger-import-example.csv"'},
    )


@router.post("/import", response_class=HTMLResponse)
def import_file(
    request: Request,
    actor: WebActorDep,
    session: SessionDep,
    clock: ClockDep,
    settings: SettingsDep,
    file: Annotated[UploadFile | None, File()] = None,
) -> Response:
    """Import the uploaded CSV into the actor's firm, or nothing: the page lists every
    problem (``line N: ...``, sorted) or the counts of what was imported."""
    verdict = may_use_admin_pages(actor)
    if not verdict:
        return _forbidden(request, actor, verdict.reason)
    if file is None or not file.filename:
        context = import_context(actor, settings, error="Choose a CSV file to import.")
        return render(request, "import.html", context)
    name = file.filename
    # The body limit (BodyLimitMiddleware) has already bounded the upload.
    data = file.file.read()
    summaries: list[ImportSummary] = []
    problems: list[str] = []

    def run() -> None:
        try:
            summaries.append(import_records_as(session, actor=actor, data=data, now=clock.now()))
        except ImportRejected as exc:
            problems.extend(exc.errors)
            raise

    error = attempt(session, run)
    if problems:
        count = len(problems)
        error = (
            f"Nothing was imported: {name} has {count} problem{'s' if count != 1 else ''}, "
            "listed below by line. Fix them all and upload the file again."
        )
    context = import_context(
        actor,
        settings,
        error=error,
        problems=problems,
        file_name=name,
        summary=summaries[0] if summaries else None,
    )
    if summaries:
        context["status"] = _imported(name, summaries[0])
    return render(request, "import.html", context)


def _imported(name: str, summary: ImportSummary) -> str:
    return (
        f"Imported {counted(summary.total, 'record')} from {name}: "
        f"{counted(summary.clients, 'client')}, {counted(summary.cases, 'case')}, "
        f"{counted(summary.tasks, 'task')}."
    )
