from __future__ import annotations

from collections.abc import Iterator

import pytest
from sqlalchemy import Engine

from tests.reliability.live import LiveServer


@pytest.fixture(scope="module")
def live_server(
    engine: Engine, database_url: str, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[LiveServer]:
    """A real server on the suite's (migrated) test database; tests commit through it
    and empty the tables with ``committed_engine``."""
    server = LiveServer(database_url, tmp_path_factory.mktemp("live") / "server.log")
    server.start()
    yield server
    server.stop()
