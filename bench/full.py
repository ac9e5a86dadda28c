"""The whole benchmark in one command, one database at a time (docs/performance.md):

    .venv/bin/python -m bench.full --db postgresql --sizes 10k,100k,1M,10M
    .venv/bin/python -m bench.full --db sqlite --sizes 10k,100k,1M

For the database and each size, in this order, on the same generated data:

1. ``bench.run``: generate (or, with ``--reuse``, keep) the data, the floor app's create,
   then every API scenario against a served timeledger (show, the lists, the roll-up,
   update, create, create with three webhook subscriptions, timers, delete) at 16
   connections and at 1, with the server's peak RSS;
2. ``bench.reports``: the month summary, the week grid and the detailed export, every
   size interleaved;
3. ``bench.web_pages``: p50/p95 server time of every web page (timer, days, week, the
   Reports page, every admin page); a page whose p50 is over ``--budget-ms`` is flagged.

PostgreSQL uses a database per size, ``--pg-url`` with ``{size}`` replaced by ``10k``,
``100k``, ``1m``, ``10m`` (by default ``bench_10k`` ...; create them first; their
``public`` schema is dropped when generating). SQLite uses files in ``--out``. Everything
goes to ``--out``: ``bench.run``'s ``results.json``/``results.md``, and ``full.json`` and
``full.md``, the summary table with each size's ratio to the smallest. Exits 1 when a
page is over the budget, after writing everything.
"""

from __future__ import annotations

import argparse
import json
import sys
from dataclasses import asdict
from pathlib import Path
from typing import Any

from bench import reports, run, web_pages
from bench.generate import count, read_fixture
from bench.report import FLOOR, Row, size_label

DEFAULT_PG = "postgresql+psycopg://postgres@127.0.0.1:5432/bench_{size}"
Summary = dict[str, dict[int, float]]
BAD = "API non-2xx answers"


def _parse(argv: list[str] | None) -> tuple[argparse.Namespace, list[str]]:
    parser = argparse.ArgumentParser(
        description=__doc__.splitlines()[0], formatter_class=argparse.RawTextHelpFormatter
    )
    parser.add_argument("--db", choices=("sqlite", "postgresql"), required=True)
    parser.add_argument("--sizes", default="10k,100k,1M")
    parser.add_argument("--pg-url", default=DEFAULT_PG, help="may hold {size}")
    parser.add_argument("--out", type=Path, default=Path("bench/results"))
    parser.add_argument("--reuse", action="store_true", help="keep data generated before")
    parser.add_argument("--report-repeat", type=int, default=9)
    parser.add_argument("--page-repeat", type=int, default=30)
    parser.add_argument("--budget-ms", type=float, default=web_pages.BUDGET_MS)
    args, rest = parser.parse_known_args(argv)
    # Everything else (--seconds, --requests, --latency-*, --repeat, --driver,
    # --scenarios) goes to bench.run as it is.
    run_argv = [*rest, "--db", args.db, "--sizes", args.sizes, "--out", str(args.out)]
    run_argv += ["--pg-url", args.pg_url] + (["--reuse"] if args.reuse else [])
    return args, run_argv


def _api(rows: list[Row], summary: Summary) -> None:
    """The generation time, then each scenario's rate and p50, then the servers' peak RSS
    and the failed answers."""
    rss: Summary = {"peak RSS MiB, floor server": {}, "peak RSS MiB, timeledger server": {}}
    bad: dict[int, float] = {}
    for row in rows:
        if row.scenario == "generate":
            summary.setdefault("generation, s", {})[row.size] = row.generation.get("total", 0)
            continue
        if row.connections == 16:
            summary.setdefault(f"{row.scenario}: req/s, 16 conns", {})[row.size] = row.rate
        else:
            summary.setdefault(f"{row.scenario}: p50 ms, 1 conn", {})[row.size] = row.p50_ms
        server = rss[
            "peak RSS MiB, floor server"
            if row.scenario == FLOOR
            else "peak RSS MiB, timeledger server"
        ]
        server[row.size] = max(server.get(row.size, 0.0), row.rss_mib)
        bad[row.size] = bad.get(row.size, 0) + row.bad
    summary.update(rss)
    summary[BAD] = bad


def _reports(targets: list[reports.Target], summary: Summary, repeat: int) -> str:
    table = reports.measure(targets, max(1, repeat))
    for target in targets:
        for scenario in reports.SCENARIOS:
            figures = reports.figures(target.times[scenario])
            summary.setdefault(f"report {scenario}: median ms", {})[target.entries] = figures[
                "median_ms"
            ]
    return table


def _cell(value: float | None, flagged: bool) -> str:
    if value is None:
        return "-"
    text = f"{value:,.0f}" if value >= 100 or value == int(value) else f"{value:.2f}"
    return f"**{text} (over)**" if flagged else text


def table(summary: Summary, sizes: list[int], flags: set[tuple[str, int]]) -> str:
    """One line a figure, one column a size, then each size's ratio to the smallest."""
    others = sizes[1:]
    head = ["figure", *map(size_label, sizes)]
    head += [f"{size_label(size)}/{size_label(sizes[0])}" for size in others]
    lines = ["| " + " | ".join(head) + " |", "|---" + "|---:" * (len(head) - 1) + "|"]
    for name, values in summary.items():
        cells = [_cell(values.get(size), (name, size) in flags) for size in sizes]
        base = values.get(sizes[0])
        for size in others:
            value = values.get(size)
            cells.append(f"{value / base:.2f}" if base and value is not None else "-")
        lines.append(f"| {name} | " + " | ".join(cells) + " |")
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    args, run_argv = _parse(argv)
    rows = run.main(run_argv)
    _, options = run.parse(run_argv)
    sizes = sorted(count(text) for text in args.sizes.split(","))
    summary: Summary = {}
    _api(rows, summary)
    fixtures = {size: read_fixture(args.out / f"fixture-{args.db}-{size}.json") for size in sizes}
    urls = {size: run.database_url(options, args.db, size) for size in sizes}
    targets = [
        reports.make_target(size_label(size), urls[size], size, fixtures[size]) for size in sizes
    ]
    try:
        print(_reports(targets, summary, args.report_repeat), flush=True)
    finally:
        for target in targets:
            target.session.close()
            target.engine.dispose()
    flags: set[tuple[str, int]] = set()
    pages: dict[int, list[dict[str, Any]]] = {}
    for size in sizes:
        measured = web_pages.measure(urls[size], fixtures[size], max(1, args.page_repeat))
        shown = web_pages.lines(measured, args.budget_ms)
        print(f"web pages, {size_label(size)}:", *shown, sep="\n  ", flush=True)
        pages[size] = [asdict(page) for page in measured]
        for page in measured:
            name = f"page {page.name}: p50 ms"
            summary.setdefault(name, {})[size] = page.p50_ms
            summary.setdefault(f"page {page.name}: p95 ms", {})[size] = page.p95_ms
            if page.over(args.budget_ms):
                flags.add((name, size))
    markdown = table(summary, sizes, flags)
    (args.out / "full.md").write_text(markdown)
    (args.out / "full.json").write_text(json.dumps({"summary": summary, "pages": pages}, indent=1))
    print(f"\n{args.db}, pages budget {args.budget_ms:.0f} ms (p50)\n\n{markdown}")
    if flags:
        over = ", ".join(f"{name} at {size_label(size)}" for name, size in sorted(flags))
        print(f"over the page budget: {over}")
    return 1 if flags else 0


if __name__ == "__main__":
    sys.exit(main())
