"""Server time of the web app's pages on generated data (docs/performance.md, docs/web.md).

Signs in as the fixture token's user (giving it the password ``bench-password`` in the
bench database), picks the first firm's owner account (so the admin pages answer) and
requests each page in-process through ASGI, so the figures are the server's own time: no
network, no browser. Every page must answer 200. Prints p50 and p95 per page and flags
each page whose p50 is over the budget (issue 13: under 100 ms at 1M entries); exits 1
when any is.

    .venv/bin/python -m bench.generate --url sqlite:////tmp/bench.db --entries 1M
    .venv/bin/python -m bench.web_pages --url sqlite:////tmp/bench.db
"""

from __future__ import annotations

import argparse
import sys
import time
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import update

from bench.generate import read_fixture
from timeledger.app import create_app
from timeledger.auth import repository as auth_repository
from timeledger.auth.service import hash_password, hash_token
from timeledger.config import Settings
from timeledger.db import build_engine, build_session_factory, unit_of_work
from timeledger.models import User

PASSWORD = "bench-password"
BUDGET_MS = 100.0
# (name, path): the staff member's page and last week's grid are added by ``pages``.
PAGES = (
    ("timer", "/app/timer"),
    ("days", "/app/days"),
    ("week", "/app/week"),
    ("trackables", "/app/trackables?q=a"),
    ("reports_this_week", "/app/reports?period=this_week&group_by=client"),
    ("reports_last_month", "/app/reports?period=last_month&group_by=staff"),
    ("reports_last_month_by_day", "/app/reports?period=last_month&group_by=day"),
    ("staff", "/app/staff"),
    ("clients", "/app/clients"),
    ("cases", "/app/cases"),
    ("rates", "/app/rates"),
    ("tags", "/app/tags"),
    ("lock", "/app/lock"),
    ("settings", "/app/settings"),
    ("webhooks", "/app/webhooks"),
    ("sessions", "/app/sessions"),
    ("import", "/app/import"),
)


@dataclass(frozen=True)
class PageTime:
    name: str
    path: str
    p50_ms: float
    p95_ms: float

    def over(self, budget_ms: float) -> bool:
        return self.p50_ms > budget_ms


def pages(fixture: dict[str, Any]) -> list[tuple[str, str]]:
    """Every measured page of the fixture's first firm."""
    last_week = (datetime.now(UTC) - timedelta(days=7)).date().isoformat()
    staff = list(fixture["accounts"].values())
    member = staff[1] if len(staff) > 1 else staff[0]
    return [
        *PAGES,
        ("week_last", f"/app/week?day={last_week}"),
        ("staff_member", f"/app/staff/{member}"),
    ]


def _user_email(settings: Settings, token: str) -> str:
    engine = build_engine(settings)
    with unit_of_work(build_session_factory(engine)) as session:
        found = auth_repository.token_with_user(session, hash_token(token))
        assert found is not None, "the fixture's token is not in this database"
        user = found[1]
        stamp = {"password_hash": hash_password(PASSWORD), "updated_at": datetime.now(UTC)}
        session.execute(update(User).where(User.id == user.id).values(**stamp))
        email = user.email
    engine.dispose()
    return email


def _percentile(times: list[float], share: float) -> float:
    ordered = sorted(times)
    return ordered[max(0, min(len(ordered) - 1, round(len(ordered) * share) - 1))]


def _signed_in(client: TestClient, email: str, account_uuid: str) -> None:
    client.get("/app/sign-in")
    headers = {"HX-Request": "true", "X-CSRFToken": client.cookies["csrftoken"]}
    answer = client.post(
        "/app/sign-in/submit", data={"email": email, "password": PASSWORD}, headers=headers
    )
    assert answer.headers.get("HX-Redirect"), answer.text
    client.post("/app/accounts", data={"account_uuid": account_uuid}, headers=headers)


def measure(url: str, fixture: dict[str, Any], repeat: int) -> list[PageTime]:
    """Each page once to warm up, then ``repeat`` times; asserts every answer is 200."""
    # One user sends every request: the per-user limit would refuse most.
    settings = Settings(database_url=url, rate_limit_per_minute=1_000_000)
    email = _user_email(settings, fixture["token"])
    # The fixture's user has a login on each staff account of the first firm; the first
    # is the firm's owner, who may open every admin page.
    account_uuid = next(iter(fixture["accounts"].values()))
    measured = []
    with TestClient(create_app(settings)) as client:
        _signed_in(client, email, account_uuid)
        for name, path in pages(fixture):
            times = []
            for n in range(repeat + 1):
                started = time.perf_counter()
                response = client.get(path, follow_redirects=False)
                elapsed = (time.perf_counter() - started) * 1000
                assert response.status_code == 200, (path, response.status_code)
                if n:  # the first is the warm-up
                    times.append(elapsed)
            measured.append(PageTime(name, path, _percentile(times, 0.5), _percentile(times, 0.95)))
    return measured


def lines(measured: list[PageTime], budget_ms: float) -> list[str]:
    return [
        f"{page.name:26} p50 {page.p50_ms:6.1f} ms  p95 {page.p95_ms:6.1f} ms"
        + (f"  OVER {budget_ms:.0f} ms" if page.over(budget_ms) else "")
        + f"  {page.path}"
        for page in measured
    ]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--url", required=True)
    parser.add_argument("--fixture", type=Path, default=Path("bench/results/fixture.json"))
    parser.add_argument("--repeat", type=int, default=30)
    parser.add_argument("--budget-ms", type=float, default=BUDGET_MS, help="p50 budget a page")
    args = parser.parse_args(argv)
    measured = measure(args.url, read_fixture(args.fixture), max(1, args.repeat))
    print("\n".join(lines(measured, args.budget_ms)))
    over = [page.name for page in measured if page.over(args.budget_ms)]
    if over:
        print(f"over the {args.budget_ms:.0f} ms budget: {', '.join(over)}")
    return 1 if over else 0


if __name__ == "__main__":
    sys.exit(main())
