"""The app of one ``timeledger serve --workers N`` process (uvicorn imports it by name)."""

from __future__ import annotations

from fastapi import FastAPI

from timeledger.app import create_app
from timeledger.config import Settings
from timeledger.logs import configure_logging


def create_worker_app() -> FastAPI:
    """Each worker is spawned afresh: it sets up its own logging from the environment (the
    supervisor's is not inherited), then builds the app as ``serve`` does."""
    settings = Settings()
    configure_logging(settings)
    return create_app(settings)
