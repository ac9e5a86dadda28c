"""The floor: the least a FastAPI service can do for ``POST /api/v1/time-entry``.

It validates the same body (timeledger's own ``TimeEntryCreate``) and does one SQLite
insert per request, committed with the durability timeledger promises (WAL,
``synchronous=FULL``), on one connection guarded by a lock, in a sync endpoint (FastAPI's
thread pool, as every timeledger endpoint). No auth, no lookups, a two-field answer. The
benchmark reports every figure as a ratio to this app's, measured in the same run.

Serve with ``uvicorn --factory bench.floor_app:create_app``; ``BENCH_FLOOR_DB`` names the
SQLite file.
"""

from __future__ import annotations

import os
import sqlite3
import threading
import uuid
from typing import Any

from fastapi import FastAPI

from timeledger.time_entries.schemas import TimeEntryCreate

SCHEMA = """
CREATE TABLE IF NOT EXISTS entries (
    id INTEGER PRIMARY KEY,
    uuid CHAR(32) NOT NULL UNIQUE,
    trackable_type VARCHAR(16) NOT NULL,
    trackable_uuid CHAR(32) NOT NULL,
    name VARCHAR(255) NOT NULL,
    description TEXT,
    started_at DATETIME,
    ended_at DATETIME,
    minutes INTEGER
)
"""
INSERT = (
    "INSERT INTO entries (uuid, trackable_type, trackable_uuid, name, description, "
    "started_at, ended_at, minutes) VALUES (?, ?, ?, ?, ?, ?, ?, ?)"
)


def _connect(path: str) -> sqlite3.Connection:
    connection = sqlite3.connect(path, check_same_thread=False, isolation_level=None)
    connection.execute("PRAGMA journal_mode=WAL")
    connection.execute("PRAGMA synchronous=FULL")
    connection.execute(SCHEMA)
    return connection


def create_floor_app(path: str) -> FastAPI:
    app = FastAPI(title="timeledger benchmark floor")
    connection = _connect(path)
    lock = threading.Lock()

    @app.post("/api/v1/time-entry")
    def create(body: TimeEntryCreate) -> dict[str, Any]:
        entry_uuid = uuid.uuid4()
        row = (
            entry_uuid.hex,
            body.trackable_type.value,
            body.trackable_uuid.hex,
            body.name,
            body.description,
            body.start_date.isoformat() if body.start_date else None,
            body.end_date.isoformat() if body.end_date else None,
            body.total_time_in_minutes,
        )
        with lock:
            connection.execute("BEGIN IMMEDIATE")
            connection.execute(INSERT, row)
            connection.execute("COMMIT")
        return {"uuid": str(entry_uuid), "name": body.name}

    return app


def create_app() -> FastAPI:
    return create_floor_app(os.environ.get("BENCH_FLOOR_DB", "bench-floor.db"))
