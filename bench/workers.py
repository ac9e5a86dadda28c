"""One worker against several on PostgreSQL: ``python -m bench.workers --fixture F --url URL``.

Runs ``timeledger serve --workers N --no-worker`` (the production command, rate limits in
Redis) for each N of ``--workers`` on the generated data, unpinned (the workers are
meant to use every core; the driver and PostgreSQL share them), and measures
``create_finished`` at 16 connections with ``wrk``. Prints one line per N and the ratio
to the first.
"""

from __future__ import annotations

import argparse
import os
import signal
import subprocess
import sys
import time
import urllib.request
import uuid
from pathlib import Path

from bench.generate import read_fixture
from bench.processes import Load, free_port, run_load
from bench.scenarios import SCENARIOS, Fixture


def _serve(
    url: str, workers: int, redis_url: str, log: Path
) -> tuple[subprocess.Popen[bytes], int]:
    port = free_port()
    env = {
        **os.environ,
        "TIMELEDGER_DATABASE_URL": url,
        "TIMELEDGER_REDIS_URL": redis_url,
        "TIMELEDGER_REDIS_KEY_PREFIX": f"bench-{uuid.uuid4().hex}",
        "TIMELEDGER_RATE_LIMIT_PER_MINUTE": "1000000",
        "TIMELEDGER_LOG_LEVEL": "WARNING",
    }
    command = [
        str(Path(sys.executable).with_name("timeledger")),
        "serve",
        "--no-worker",
        "--workers",
        str(workers),
        "--port",
        str(port),
    ]
    with log.open("wb") as out:
        process = subprocess.Popen(command, env=env, stdout=out, stderr=subprocess.STDOUT)
    deadline = time.monotonic() + 300
    while time.monotonic() < deadline:
        try:
            # Every worker must be up: ask until as many distinct answers came quickly.
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/readyz", timeout=2):
                break
        except OSError:
            time.sleep(0.5)
    time.sleep(5.0 * workers)  # the other workers finish importing
    return process, port


def measure(fixture: Fixture, url: str, workers: int, args: argparse.Namespace) -> float:
    process, port = _serve(url, workers, args.redis_url, args.out / f"workers-{workers}.log")
    try:
        # Entries distinct from every other run's (the offset moves their times).
        # (the bench's own runs start at 0; the plans stay in the past at 10,000 each).
        offset = 15_000 + 15_000 * workers
        lines = SCENARIOS["create_finished"](fixture, args.requests, offset)
        plan = args.out / f"workers-{workers}.txt"
        plan.write_text("\n".join(lines) + "\n")
        warm = Load(plan, fixture.token, 4, 2.0, 200)
        run_load("wrk", port, warm)
        result = run_load("wrk", port, Load(plan, fixture.token, 16, args.seconds, args.requests))
        rate = float(result["requests"]) / float(result["seconds"])
        print(
            f"workers={workers} create_finished c=16 {rate:,.0f} req/s "
            f"p50 {result['p50_ms']:.2f} ms "
            f"non-2xx {result['bad']}",
            flush=True,
        )
        return rate
    finally:
        process.send_signal(signal.SIGTERM)
        process.wait(timeout=60)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--fixture", type=Path, required=True)
    parser.add_argument("--url", required=True)
    parser.add_argument("--workers", default="1,2")
    parser.add_argument("--seconds", type=float, default=5.0)
    parser.add_argument("--requests", type=int, default=10_000)
    parser.add_argument("--redis-url", default="redis://127.0.0.1:6379/0")
    parser.add_argument("--out", type=Path, default=Path("bench/results"))
    args = parser.parse_args(argv)
    args.out.mkdir(parents=True, exist_ok=True)
    fixture = Fixture.read(read_fixture(args.fixture))
    rates = {n: measure(fixture, args.url, n, args) for n in map(int, args.workers.split(","))}
    first = next(iter(rates.values()))
    for workers, rate in rates.items():
        print(f"| {workers} | {rate:,.0f} | {rate / first:.2f} |")


if __name__ == "__main__":
    main()
