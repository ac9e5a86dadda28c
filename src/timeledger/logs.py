"""Logging: a request id in every line, JSON lines on demand, and no secrets ever.

``configure_logging`` is called by the process entry points (``timeledger serve``,
``timeledger.asgi``); the application factory leaves logging alone.
"""

from __future__ import annotations

import json
import logging
import re
import sys
from contextvars import ContextVar
from datetime import UTC, datetime
from typing import IO, Any

from timeledger.config import LogFormat, Settings

request_id_var: ContextVar[str | None] = ContextVar("timeledger_request_id", default=None)

_SECRETS = [
    # Our personal access tokens, wherever they appear.
    (re.compile(r"tl_[A-Za-z0-9_\-]{8,}"), "tl_[REDACTED]"),
    # Any bearer credential, e.g. in a logged header.
    (re.compile(r"(?i)(bearer\s+)[^\s'\",;]+"), r"\1[REDACTED]"),
    # password=..., "password": "...", password: ...
    (
        re.compile(
            r"""(?i)(["']?(?:password|passwd|secret|token)["']?\s*[:=]\s*)("[^"]*"|'[^']*'|[^\s,;}&]+)"""
        ),
        r"\1[REDACTED]",
    ),
]
_HANDLER_NAME = "timeledger"
# Attributes every LogRecord has; anything else was passed with ``extra=``.
_STANDARD = set(vars(logging.makeLogRecord({}))) | {"message", "asctime", "request_id"}


def redact(text: str) -> str:
    for pattern, replacement in _SECRETS:
        text = pattern.sub(replacement, text)
    return text


class RequestIdFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        record.request_id = request_id_var.get() or "-"
        return True


class TextFormatter(logging.Formatter):
    def __init__(self) -> None:
        super().__init__("%(asctime)s %(levelname)s [%(name)s] [%(request_id)s] %(message)s")

    def format(self, record: logging.LogRecord) -> str:
        return redact(super().format(record))


class JsonFormatter(logging.Formatter):
    """One JSON object per line: time, level, logger, pid, request_id, message, extras."""

    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, Any] = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            # Which server process wrote the line (``serve --workers N``).
            "pid": record.process,
            "request_id": getattr(record, "request_id", None) or request_id_var.get(),
            "message": redact(record.getMessage()),
        }
        for key, value in vars(record).items():
            if key not in _STANDARD and not key.startswith("_"):
                keep = isinstance(value, int | float | bool | None)
                entry[key] = value if keep else redact(str(value))
        if record.exc_info:
            entry["exception"] = redact(self.formatException(record.exc_info))
        # Each value was redacted as written; once more on the line, in case.
        return redact(json.dumps(entry, ensure_ascii=False))


class _StderrHandler(logging.StreamHandler):  # type: ignore[type-arg]
    """Writes to whatever ``sys.stderr`` is at the moment (it may be swapped, as by a
    test runner), rather than to the stream that was current when logging was set up."""

    @property
    def stream(self) -> IO[str]:
        return sys.stderr

    @stream.setter
    def stream(self, _value: IO[str]) -> None:
        pass


def build_handler(settings: Settings, stream: IO[str] | None = None) -> logging.Handler:
    handler = logging.StreamHandler(stream) if stream is not None else _StderrHandler()
    handler.set_name(_HANDLER_NAME)
    handler.addFilter(RequestIdFilter())
    handler.setFormatter(
        JsonFormatter() if settings.log_format == LogFormat.JSON else TextFormatter()
    )
    return handler


def configure_logging(settings: Settings, stream: IO[str] | None = None) -> logging.Handler:
    """Route every logger (ours, uvicorn's, SQLAlchemy's) through one handler."""
    root = logging.getLogger()
    for existing in list(root.handlers):
        if existing.get_name() == _HANDLER_NAME:
            root.removeHandler(existing)
    handler = build_handler(settings, stream)
    root.addHandler(handler)
    root.setLevel(settings.log_level.upper())
    for name in ("uvicorn", "uvicorn.error", "uvicorn.access"):
        logging.getLogger(name).handlers.clear()
        logging.getLogger(name).propagate = True
    return handler
