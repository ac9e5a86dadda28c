"""A live server for Playwright, driving Debian's chromium (never `playwright install`).

The server runs in a thread on the session's test database (SQLite, or PostgreSQL with
``TIMELEDGER_TEST_DATABASE_URL``); its data is committed, so each test empties the tables
afterwards. Outside CI a missing chromium skips these tests loudly; in CI it fails them.
"""

from __future__ import annotations

import os
import shutil
import threading
import time
import warnings
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest
import uvicorn
from playwright.sync_api import Page
from sqlalchemy import Engine

from tests.conftest import FROZEN_NOW, truncate_all
from tests.factories import FirmWorld, make_world
from timeledger.app import create_app
from timeledger.config import Settings
from timeledger.db import build_session_factory, unit_of_work

CHROMIUM = os.environ.get("TIMELEDGER_CHROMIUM", "/usr/bin/chromium")
# 0: any free port; developers sharing a machine set their own (docs/web.md).
PORT = int(os.environ.get("TIMELEDGER_BROWSER_TEST_PORT", "0"))
WIDTHS = {"desktop": 1280, "phone": 360}


def _chromium_or_skip() -> str:
    if shutil.which(CHROMIUM) or os.path.exists(CHROMIUM):
        return CHROMIUM
    message = f"BROWSER TESTS SKIPPED: no chromium at {CHROMIUM} (apt-get install chromium)"
    if os.environ.get("CI"):
        pytest.fail(message + "; CI must have it (.ci/run installs it)")
    warnings.warn(message, stacklevel=2)
    pytest.skip(message)


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args: dict[str, Any]) -> dict[str, Any]:
    return {**browser_type_launch_args, "executable_path": _chromium_or_skip(), "headless": True}


@pytest.fixture(params=sorted(WIDTHS))
def width(request: pytest.FixtureRequest) -> int:
    return WIDTHS[request.param]


@pytest.fixture
def browser_context_args(browser_context_args: dict[str, Any], width: int) -> dict[str, Any]:
    return {**browser_context_args, "viewport": {"width": width, "height": 900}}


@dataclass
class LiveServer:
    url: str
    world: FirmWorld


@pytest.fixture(scope="session")
def live_app_server(engine: Engine, settings: Settings) -> Iterator[str]:
    app = create_app(settings, session_factory=build_session_factory(engine))
    config = uvicorn.Config(app, host="127.0.0.1", port=PORT, log_config=None, access_log=False)
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            pytest.fail("the live server did not start")
        time.sleep(0.05)
    port = server.servers[0].sockets[0].getsockname()[1]
    yield f"http://127.0.0.1:{port}"
    server.should_exit = True
    thread.join(timeout=10)


@pytest.fixture
def live(live_app_server: str, engine: Engine) -> Iterator[LiveServer]:
    truncate_all(engine)
    with unit_of_work(build_session_factory(engine)) as session:
        world = make_world(session, now=FROZEN_NOW)
    yield LiveServer(url=live_app_server, world=world)
    truncate_all(engine)


@pytest.fixture
def watched(page: Page, live: LiveServer) -> Iterator[Page]:
    """The page, failing the test on any console error or any request to another host."""
    problems: list[str] = []
    page.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda error: problems.append(str(error)))

    def only_ours(request: Any) -> None:
        if not request.url.startswith(live.url):
            problems.append(f"request to another host: {request.url}")

    page.on("request", only_ours)
    yield page
    assert problems == []
