"""The benchmark's results: one row a run, and the Markdown table of ratios to the floor."""

from __future__ import annotations

import argparse
import json
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, ClassVar

FLOOR = "floor_create"


@dataclass
class Row:
    db: str
    size: int
    scenario: str
    connections: int
    rss_mib: float
    requests: int = 0
    seconds: float = 0.0
    ok: int = 0
    bad: int = 0
    first_bad: str = ""
    p50_ms: float = 0.0
    p90_ms: float = 0.0
    p99_ms: float = 0.0
    mean_ms: float = 0.0
    generation: dict[str, float] = field(default_factory=dict)
    # Every repeat's figure (p50 ms at one connection, req/s at sixteen); the row is the median.
    samples: list[float] = field(default_factory=list)

    RESULT_KEYS: ClassVar[tuple[str, ...]] = (
        "requests",
        "seconds",
        "ok",
        "bad",
        "first_bad",
        "p50_ms",
        "p90_ms",
        "p99_ms",
        "mean_ms",
        "samples",
    )

    @classmethod
    def generation_of(cls, db: str, size: int, seconds: dict[str, float]) -> Row:
        return cls(
            db=db, size=size, scenario="generate", connections=0, rss_mib=0.0, generation=seconds
        )

    @property
    def rate(self) -> float:
        return self.requests / self.seconds if self.seconds else 0.0

    def as_dict(self) -> dict[str, Any]:
        return {**asdict(self), "rate": round(self.rate, 1)}


def size_label(size: int) -> str:
    """``10k``, ``1M``, ``10M`` (or the plain number)."""
    if size >= 1_000_000 and size % 1_000_000 == 0:
        return f"{size // 1_000_000}M"
    if size >= 1_000 and size % 1_000 == 0:
        return f"{size // 1_000}k"
    return str(size)


def _find(rows: list[Row], db: str, size: int, scenario: str, connections: int) -> Row | None:
    for row in rows:
        key = (row.db, row.size, row.scenario, row.connections)
        if key == (db, size, scenario, connections):
            return row
    return None


def _ratio(value: float, base: float) -> str:
    return f"{value / base:.2f}" if base else "-"


HEADER = (
    "| db | entries | scenario | req/s (16 conns) | x floor | p50 ms (1 conn) | x floor p50 "
    "| p99 ms (1 conn) | p50 / p50 at smallest | non-2xx | peak RSS MiB |\n"
    "|---|---|---|---:|---:|---:|---:|---:|---:|---:|---:|\n"
)


def _line(rows: list[Row], db: str, size: int, smallest: int, scenario: str) -> str | None:
    busy, single = _find(rows, db, size, scenario, 16), _find(rows, db, size, scenario, 1)
    if busy is None or single is None:
        return None
    floor_busy, floor_single = _find(rows, db, size, FLOOR, 16), _find(rows, db, size, FLOOR, 1)
    base = _find(rows, db, smallest, scenario, 1)
    cells = [
        db,
        size_label(size),
        scenario,
        f"{busy.rate:,.0f}",
        _ratio(busy.rate, floor_busy.rate if floor_busy else 0),
        f"{single.p50_ms:.2f}",
        _ratio(single.p50_ms, floor_single.p50_ms if floor_single else 0),
        f"{single.p99_ms:.2f}",
        _ratio(single.p50_ms, base.p50_ms if base else 0),
        str(busy.bad + single.bad),
        f"{max(busy.rss_mib, single.rss_mib):.0f}",
    ]
    return "| " + " | ".join(cells) + " |"


def markdown(rows: list[Row]) -> str:
    lines = []
    for db in dict.fromkeys(row.db for row in rows):
        sizes = sorted({row.size for row in rows if row.db == db})
        for size in sizes:
            scenarios = dict.fromkeys(
                row.scenario for row in rows if (row.db, row.size) == (db, size)
            )
            for scenario in scenarios:
                line = _line(rows, db, size, sizes[0], scenario)
                if line:
                    lines.append(line)
    generation = [
        f"| {row.db} | {size_label(row.size)} | {row.generation.get('total', 0):.1f} s |"
        for row in rows
        if row.scenario == "generate"
    ]
    gen_table = "| db | entries | generation |\n|---|---|---:|\n" + "\n".join(generation)
    return HEADER + "\n".join(lines) + "\n\n" + gen_table + "\n"


def read_rows(path: Path) -> list[Row]:
    return [
        Row(**{key: value for key, value in item.items() if key != "rate"})
        for item in json.loads(path.read_text())
    ]


def main(argv: list[str] | None = None) -> None:
    """``python -m bench.report RESULTS.json...``: one table from several runs' results."""
    parser = argparse.ArgumentParser(description=main.__doc__)
    parser.add_argument("results", type=Path, nargs="+")
    args = parser.parse_args(argv)
    print(markdown([row for path in args.results for row in read_rows(path)]))


if __name__ == "__main__":
    main()
