"""Where a request's CPU goes: ``python -m bench.profile --fixture F --url URL``.

For each scenario, timeledger is served under ``py-spy record`` (the bench extra; the
server is py-spy's child, so no ptrace permission is needed) while ``wrk`` replays the
scenario's plan at 16 connections; then the samples are summed by layer (the innermost
frame that belongs to a known layer decides) and by the timeledger functions a request
passes through (inclusive). CPU per request is samples / rate / requests answered.
"""

from __future__ import annotations

import argparse
import os
import signal
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

from bench.generate import read_fixture
from bench.processes import HERE, Load, free_port, pinned, run_load
from bench.scenarios import SCENARIOS, Fixture

RATE = 250
# (layer, substrings of a frame "function (file:line)"); the first layer met walking from
# the leaf outwards takes the sample.
LAYERS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("database driver (sqlite3/psycopg, fsync)", ("sqlite3", "psycopg/", "psycopg_c")),
    ("pydantic (validation, serialisation)", ("pydantic",)),
    ("SQLAlchemy ORM", ("sqlalchemy/orm/",)),
    ("SQLAlchemy Core (compile, execute, rows)", ("sqlalchemy/",)),
    ("json", ("json/",)),
    ("timeledger code", ("timeledger/",)),
    ("FastAPI (dependencies, routing)", ("fastapi/",)),
    ("Starlette (routing, responses)", ("starlette/",)),
    ("thread pool hops (anyio)", ("anyio/", "concurrent/futures", "threading.py")),
    ("uvicorn / httptools", ("uvicorn/", "httptools")),
    ("asyncio event loop", ("asyncio/", "uvloop")),
)
# Inclusive shares: a sample counts for each of these it passes through.
MARKERS: tuple[tuple[str, str], ...] = (
    ("authentication (token -> actor)", "get_actor ("),
    ("rate-limit count", "count_request ("),
    ("idempotency claim", "claim_idempotency_key ("),
    ("commit (unit of work)", "commit ("),
    ("ORM flush", "flush ("),
    ("audit trail", "timeledger/audit/"),
    ("response model serialisation", "serialize_response ("),
    ("middleware (timeledger/http)", "timeledger/http/"),
)


# Start-up (imports) and threads waiting for work are not the cost of a request.
_START_UP = ("importlib", "<module>")
_IDLE_LEAVES = ("Condition.wait", "Runner.run (asyncio/runners.py", "select (selectors.py")


def _not_serving(frames: list[str]) -> bool:
    return any(any(mark in frame for mark in _START_UP) for frame in frames) or any(
        idle in frames[-1] for idle in _IDLE_LEAVES
    )


def layer_of(frames: list[str]) -> str:
    for frame in reversed(frames):
        for name, needles in LAYERS:
            if any(needle in frame for needle in needles):
                return name
    return "other"


def summarise(raw: Path) -> tuple[int, Counter[str], Counter[str], Counter[str]]:
    """Total samples, samples per layer, per marker (inclusive) and per leaf function."""
    total = 0
    layers: Counter[str] = Counter()
    markers: Counter[str] = Counter()
    leaves: Counter[str] = Counter()
    for line in raw.read_text().splitlines():
        stack, _, count_text = line.rpartition(" ")
        if not count_text.isdigit():
            continue
        count = int(count_text)
        frames = stack.split(";")
        if _not_serving(frames):
            continue
        # py-spy puts the thread name first; idle threads are not sampled (no --idle).
        total += count
        layers[layer_of(frames)] += count
        leaves[frames[-1]] += count
        for name, needle in MARKERS:
            if any(needle in frame for frame in frames):
                markers[name] += count
    return total, layers, markers, leaves


def profile(fixture: Fixture, url: str, scenario: str, seconds: float, out: Path) -> str:
    plan = out / f"profile-{scenario}.txt"
    start = int(time.time()) - 20_000
    plan.write_text(
        "\n".join(
            SCENARIOS[scenario](fixture, 20_000, start if scenario == "create_running" else 0)
        )
        + "\n"
    )
    raw = out / f"profile-{scenario}.raw"
    port = free_port()
    command = [
        str(Path(sys.executable).with_name("py-spy")),
        "record",
        "-r",
        str(RATE),
        "-f",
        "raw",
        "-o",
        str(raw),
        "--",
        sys.executable,
        "-m",
        "uvicorn",
        "timeledger.app:create_app",
        "--factory",
        "--host",
        "127.0.0.1",
        "--port",
        str(port),
    ]
    env = {
        **os.environ,
        "TIMELEDGER_DATABASE_URL": url,
        "TIMELEDGER_RATE_LIMIT_PER_MINUTE": "1000000",
    }
    log = (out / f"profile-{scenario}.log").open("wb")
    process = subprocess.Popen(
        pinned("0", command), env=env, stdout=log, stderr=subprocess.STDOUT, cwd=HERE.parent
    )
    try:
        _wait(port)
        result = run_load("wrk", port, Load(plan, fixture.token, 16, seconds, 20_000))
    finally:
        process.send_signal(signal.SIGINT)
        process.wait(timeout=60)
    total, layers, markers, leaves = summarise(raw)
    answered = int(result["requests"])
    cpu_ms = total / RATE * 1000 / max(answered, 1)
    rate = float(result["requests"]) / float(result["seconds"])
    lines = [
        f"### {scenario}: {answered} requests, {rate:.0f} req/s under py-spy, "
        f"about {cpu_ms:.2f} ms of CPU per request (start-up and idle waits left out)",
        "",
        "| layer (innermost) | % of CPU |",
        "|---|---:|",
    ]
    lines += [f"| {name} | {100 * n / total:.0f} |" for name, n in layers.most_common()]
    lines += ["", "| passes through | % of CPU |", "|---|---:|"]
    lines += [f"| {name} | {100 * markers[name] / total:.0f} |" for name, _ in MARKERS]
    lines += ["", "| top leaf functions | % |", "|---|---:|"]
    lines += [f"| `{name}` | {100 * n / total:.1f} |" for name, n in leaves.most_common(8)]
    return "\n".join(lines) + "\n"


def _wait(port: int, timeout: float = 60.0) -> None:
    import urllib.request

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2):
                return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError("server not ready")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--fixture", type=Path, required=True)
    parser.add_argument("--url", required=True)
    parser.add_argument("--scenarios", default="create_finished,show,list_week")
    parser.add_argument("--seconds", type=float, default=5.0)
    parser.add_argument("--out", type=Path, default=Path("bench/results"))
    args = parser.parse_args(argv)
    args.out.mkdir(parents=True, exist_ok=True)
    fixture = Fixture.read(read_fixture(args.fixture))
    report = "".join(
        profile(fixture, args.url, name, args.seconds, args.out) + "\n"
        for name in args.scenarios.split(",")
    )
    (args.out / "profile.md").write_text(report)
    print(report)


if __name__ == "__main__":
    main()
