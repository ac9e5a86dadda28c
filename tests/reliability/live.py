"""A real ``timeledger serve`` process for the crash and concurrency tests."""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import IO

import httpx
from sqlalchemy import Engine

from tests.factories import FirmWorld, make_world
from timeledger.db import build_session_factory, unit_of_work

START_TIMEOUT_SECONDS = 60.0


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def committed_world(engine: Engine, name: str = "Crash Test Planning") -> FirmWorld:
    """A demo-like firm, committed, with tokens valid against the real clock."""
    with unit_of_work(build_session_factory(engine)) as session:
        return make_world(session, now=datetime.now(UTC).replace(microsecond=0), name=name)


def _command() -> list[str]:
    script = Path(sys.executable).parent / "timeledger"
    if script.exists():
        return [str(script)]
    found = shutil.which("timeledger")
    if found:
        return [found]
    return [sys.executable, "-c", "from timeledger.cli import main; main()"]


@dataclass
class LiveServer:
    database_url: str
    log_path: Path
    port: int = 0
    process: subprocess.Popen[bytes] | None = None
    _log: IO[bytes] | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> None:
        self.port = free_port()
        env = {
            **os.environ,
            "TIMELEDGER_DATABASE_URL": self.database_url,
            "TIMELEDGER_RATE_LIMIT_PER_MINUTE": "1000000",
            "TIMELEDGER_LOG_LEVEL": "WARNING",
        }
        env.pop("TIMELEDGER_REDIS_URL", None)
        self._log = self.log_path.open("ab")
        self.process = subprocess.Popen(
            [*_command(), "serve", "--port", str(self.port)],
            env=env,
            stdout=self._log,
            stderr=subprocess.STDOUT,
        )
        self._wait_ready()

    def _wait_ready(self) -> None:
        deadline = time.monotonic() + START_TIMEOUT_SECONDS
        assert self.process is not None
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"server exited; see {self.log_path}")
            try:
                if httpx.get(self.url + "/readyz", timeout=1.0).status_code == 200:
                    return
            except httpx.TransportError:
                pass
            time.sleep(0.05)
        raise RuntimeError(f"server did not become ready; see {self.log_path}")

    def kill(self) -> None:
        """SIGKILL: no shutdown handlers, no flushing, as a power cut would."""
        if self.process is not None:
            self.process.send_signal(signal.SIGKILL)
            self.process.wait(timeout=30)
            self.process = None
        self._close_log()

    def stop(self) -> None:
        if self.process is not None:
            self.process.terminate()
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=15)
            self.process = None
        self._close_log()

    def _close_log(self) -> None:
        if self._log is not None:
            self._log.close()
            self._log = None
