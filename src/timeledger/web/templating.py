"""The Jinja2 environment of the web app: templates and static files ship inside the
package; autoescaping is on for every template."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path
from typing import Any

from fastapi import Request
from fastapi.responses import HTMLResponse
from fastapi.templating import Jinja2Templates
from markupsafe import Markup

from timeledger.dates import zone
from timeledger.web.browsers import browser_words
from timeledger.web.durations import format_exact, format_seconds
from timeledger.web.manners import page_csp
from timeledger.web.messages import local_text, page_messages
from timeledger.web.schemas import entry_choice, type_value
from timeledger.web.words import counted

HERE = Path(__file__).resolve().parent
STATIC_DIR = HERE / "static"
STATIC_URL = "/app/static"
templates = Jinja2Templates(directory=HERE / "templates")


def _local_time(value: str | None) -> str:
    """``2025-08-07T13:41:42+01:00`` as ``13:41``; empty for None."""
    return "" if value is None else datetime.fromisoformat(value).strftime("%H:%M")


def instant(value: str | datetime | None, time_zone: str) -> Markup:
    """An instant (ISO 8601 text or an aware datetime) in the firm's zone, as the app
    writes times: ``<time datetime="…">2025-08-07 13:41 +01:00</time>``; empty for None."""
    if value is None or value == "":
        return Markup("")
    moment = value if isinstance(value, datetime) else datetime.fromisoformat(value)
    local = moment.astimezone(zone(time_zone))
    shown = local_text(moment, time_zone)
    return Markup('<time datetime="{}">{}</time>').format(local.isoformat(), shown)


def _long_day(value: date) -> str:
    return f"{value:%A} {value.day} {value:%B %Y}"


def short_day(value: date) -> str:
    return f"{value:%a} {value.day} {value:%b}"


templates.env.filters.update(
    trackable_value=type_value,
    choice=entry_choice,
    duration=format_seconds,
    exact_duration=format_exact,
    local_time=_local_time,
    long_day=_long_day,
    short_day=short_day,
    counted=counted,
    instant=instant,
    browser=browser_words,
)
templates.env.globals.update(static=lambda path: f"{STATIC_URL}/{path}", zone=zone)


def render(
    request: Request, name: str, context: dict[str, Any], *, status_code: int = 200
) -> HTMLResponse:
    """The page ``name`` with ``context``, with its Content-Security-Policy (``manners``);
    its messages in the app's words (``messages``: instants in the firm's zone)."""
    shown = page_messages(context)
    response = templates.TemplateResponse(request, name, shown, status_code=status_code)
    response.headers["Content-Security-Policy"] = page_csp(bytes(response.body).decode())
    return response


def error_page(
    request: Request, status_code: int, message: str, *, title: str = "Bad request"
) -> HTMLResponse:
    """The app's error page: ``title`` as its heading, ``message`` in its alert (which the
    htmx error handler in app.js shows for a refused request), a link back to the app."""
    context = {"title": title, "actor": None, "error": message}
    return render(request, "error.html", context, status_code=status_code)
