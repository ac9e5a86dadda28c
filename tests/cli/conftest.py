"""Command-line tests share one process: what a command writes to the environment
(``serve`` sets ``TIMELEDGER_PUBLIC_URL`` for the app it starts) is undone after each test."""

from __future__ import annotations

import os

import pytest


@pytest.fixture(autouse=True)
def _public_url_restored(monkeypatch: pytest.MonkeyPatch) -> None:
    # Recording the variable first makes monkeypatch restore it (or its absence) afterwards.
    monkeypatch.setenv("TIMELEDGER_PUBLIC_URL", os.environ.get("TIMELEDGER_PUBLIC_URL", ""))
    monkeypatch.delenv("TIMELEDGER_PUBLIC_URL")
