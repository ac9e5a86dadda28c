"""Starting the servers and the load driver, each pinned to its own core when ``taskset``
is there, and reading a server's peak memory."""

from __future__ import annotations

import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from dataclasses import dataclass
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
REPLAY = HERE / "wrk" / "replay.lua"
SERVER_CPU = "0"
DRIVER_CPU = "1"


def pinned(cpu: str, command: list[str]) -> list[str]:
    """``command`` under ``taskset -c cpu`` where taskset exists and the CPU does."""
    taskset = shutil.which("taskset")
    if taskset is None or int(cpu) >= (os.cpu_count() or 1):
        return command
    return [taskset, "-c", cpu, *command]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


@dataclass
class Server:
    process: subprocess.Popen[bytes]
    port: int
    log: Path

    def wait_ready(self, path: str, timeout: float = 30.0) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"server exited; see {self.log}")
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{self.port}{path}", timeout=2):
                    return
            except OSError:
                time.sleep(0.1)
        raise RuntimeError(f"server not ready after {timeout} s; see {self.log}")

    def settle(self, path: str, headers: dict[str, str], timeout: float = 60.0) -> None:
        """Wait until the server answers ``path`` quickly again: a run that ended with
        requests still queued must not spill into the next one's figures."""
        deadline = time.monotonic() + timeout
        request = urllib.request.Request(f"http://127.0.0.1:{self.port}{path}", headers=headers)
        while time.monotonic() < deadline:
            started = time.monotonic()
            try:
                with urllib.request.urlopen(request, timeout=timeout):
                    pass
            except OSError:
                pass
            if time.monotonic() - started < 0.5:
                return
        raise RuntimeError(f"server still busy after {timeout} s; see {self.log}")

    def peak_rss_mib(self) -> float:
        """VmHWM: the most resident memory the process has had (Linux)."""
        status = Path(f"/proc/{self.process.pid}/status")
        if not status.exists():
            return 0.0
        for line in status.read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
        return 0.0

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGINT)
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()


def start_server(
    app: str, *, env: dict[str, str], log: Path, factory: bool = True, ready_path: str = "/docs"
) -> Server:
    """uvicorn with its defaults (as ``timeledger serve`` runs it), on the server core."""
    port = free_port()
    command = [sys.executable, "-m", "uvicorn", app, "--host", "127.0.0.1", "--port", str(port)]
    if factory:
        command.append("--factory")
    log.parent.mkdir(parents=True, exist_ok=True)
    with log.open("wb") as out:
        process = subprocess.Popen(
            pinned(SERVER_CPU, command),
            env={**os.environ, **env},
            stdout=out,
            stderr=subprocess.STDOUT,
            cwd=HERE.parent,
        )
    server = Server(process=process, port=port, log=log)
    server.wait_ready(ready_path)
    return server


@dataclass(frozen=True)
class Load:
    plan: Path
    token: str
    connections: int
    seconds: float
    budget: int


def run_load(driver: str, port: int, load: Load) -> dict[str, Any]:
    """One bounded run of ``wrk`` or ``bench.driver`` on the driver core; its result dict."""
    if driver == "wrk":
        command = [
            "wrk",
            "-t1",
            f"-c{load.connections}",
            f"-d{max(1, round(load.seconds))}s",
            "--timeout",
            "10s",
            "-s",
            str(REPLAY),
            f"http://127.0.0.1:{port}",
            "--",
            str(load.plan),
            load.token,
            str(load.budget),
        ]
    else:
        command = [
            sys.executable,
            "-m",
            "bench.driver",
            str(load.plan),
            f"--port={port}",
            f"--token={load.token}",
            f"--connections={load.connections}",
            f"--seconds={load.seconds}",
            f"--budget={load.budget}",
        ]
    done = subprocess.run(
        pinned(DRIVER_CPU, command),
        capture_output=True,
        text=True,
        check=True,
        timeout=load.seconds + 60,
        cwd=HERE.parent,
    )
    for line in done.stdout.splitlines():
        if line.startswith("BENCH_JSON "):
            line = line.removeprefix("BENCH_JSON ")
        if line.startswith("{"):
            result: dict[str, Any] = json.loads(line)
            return result
    raise RuntimeError(f"no result from {command[0]}: {done.stdout}\n{done.stderr}")
