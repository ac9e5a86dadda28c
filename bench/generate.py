"""Generate a benchmark database: ``python -m bench.generate --entries 1M --url URL``.

Empties the database at URL (an SQLite file, or a PostgreSQL database whose ``public``
schema is dropped), migrates it, writes N firms with staff, clients and every kind of
trackable, then M time entries in bulk. Prints the timings and writes a fixture (JSON) the
load driver reads: the bench token, its accounts and a sample of their entries.
"""

from __future__ import annotations

import argparse
import json
import random
import time
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from bench.dataset import Shape, default_firms
from bench.entries import Sample, generate_entries
from bench.load import (
    finish,
    is_sqlite,
    load_entries_postgres,
    load_entries_sqlite,
    load_world,
    loading_engine,
    reset_database,
)
from bench.world import World, build_world
from timeledger.models import TrackableType

SUFFIXES = {"k": 1_000, "m": 1_000_000}
# Entries of the first firm kept for the driver to show, update and delete.
SAMPLE_SIZE = 60_000


def count(text: str) -> int:
    """``10k``, ``1M``, ``2.5m`` or a plain number."""
    text = text.strip().lower().replace("_", "")
    if text and text[-1] in SUFFIXES:
        return int(float(text[:-1]) * SUFFIXES[text[-1]])
    return int(text)


@dataclass
class Generated:
    url: str
    entries: int
    firms: int
    generated_at: int
    token: str
    firm_uuid: str
    accounts: dict[str, str]
    trackables: dict[str, str]
    client_uuid: str
    sample: list[tuple[str, str]]
    seconds: dict[str, float]


def _fixture(
    world: World, shape: Shape, url: str, now: int, sample: Sample, rng: random.Random
) -> Generated:
    firm = world.firms[0]
    accounts = {
        str(account_id): world.uuids[("accounts", account_id)] for account_id in firm.employees
    }
    tables = {
        TrackableType.CLIENT: "accounts",
        TrackableType.CASE: "cases",
        TrackableType.CIRCLE: "circles",
        TrackableType.TASK: "tasks",
        TrackableType.BOARD_TASK: "board_tasks",
        TrackableType.FIRM: "firms",
    }
    trackables = {
        kind.value: world.uuids[(tables[kind], firm.trackables[kind][0])] for kind in TrackableType
    }
    picked = rng.sample(sample.entries, min(SAMPLE_SIZE, len(sample.entries)))
    return Generated(
        url=url,
        entries=shape.entries,
        firms=shape.firms,
        generated_at=now,
        token=world.token,
        firm_uuid=firm.uuid,
        accounts=accounts,
        trackables=trackables,
        client_uuid=trackables[TrackableType.CLIENT.value],
        sample=[(entry, accounts[str(account_id)]) for entry, account_id in picked],
        seconds={},
    )


def generate(url: str, shape: Shape, *, now: int | None = None) -> Generated:
    """Fill the database at ``url``; returns what the driver needs and how long each step took."""
    rng = random.Random(shape.seed)
    now = int(time.time()) if now is None else now
    started = time.perf_counter()
    reset_database(url)
    migrated = time.perf_counter()
    world = build_world(shape, now=datetime.fromtimestamp(now, UTC), rng=rng)
    sample = Sample()
    engine = loading_engine(url)
    try:
        with engine.begin() as connection:
            load_world(connection, world)
            rows = generate_entries(world, shape, now=now, rng=rng, sample=sample)
            loader = load_entries_sqlite if is_sqlite(url) else load_entries_postgres
            written = loader(connection, rows)
        loaded = time.perf_counter()
        finish(engine)
    finally:
        engine.dispose()
    done = time.perf_counter()
    assert written == shape.entries
    result = _fixture(world, shape, url, now, sample, rng)
    result.seconds = {
        "migrate": round(migrated - started, 2),
        "load": round(loaded - migrated, 2),
        "finish": round(done - loaded, 2),
        "total": round(done - started, 2),
    }
    return result


def save(generated: Generated, path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(asdict(generated)))


def read_fixture(path: Path) -> dict[str, Any]:
    data: dict[str, Any] = json.loads(path.read_text())
    return data


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--url", required=True, help="SQLAlchemy URL of the database to fill")
    parser.add_argument("--entries", type=count, default=count("10k"), help="e.g. 10k, 1M")
    parser.add_argument("--firms", type=int, help="default: one per 100k entries")
    parser.add_argument(
        "--employees", type=int, default=20, help="staff per firm (1M entries in one firm: 200)"
    )
    parser.add_argument("--seed", type=int, default=6)
    parser.add_argument("--fixture", type=Path, default=Path("bench/results/fixture.json"))
    args = parser.parse_args(argv)
    shape = Shape(
        entries=args.entries,
        firms=args.firms or default_firms(args.entries),
        employees=args.employees,
        seed=args.seed,
    )
    generated = generate(args.url, shape)
    save(generated, args.fixture)
    rate = shape.entries / max(generated.seconds["load"], 1e-9)
    print(
        f"{shape.entries:,} entries, {shape.firms} firms: {generated.seconds} "
        f"({rate:,.0f} entries/s loading); fixture {args.fixture}"
    )


if __name__ == "__main__":
    main()
