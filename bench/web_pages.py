"""Server time of the web app's pages on generated data (docs/performance.md, docs/web.md).

Signs in as the fixture token's user (giving it the password ``bench-password`` in the
bench database) and requests each page in-process through ASGI, so the figures are the
server's own time: no network, no browser.

    .venv/bin/python -m bench.generate --url sqlite:////tmp/bench.db --entries 1M
    .venv/bin/python -m bench.web_pages --url sqlite:////tmp/bench.db
"""

from __future__ import annotations

import argparse
import statistics
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

from fastapi.testclient import TestClient

from bench.generate import read_fixture
from timeledger.app import create_app
from timeledger.auth import repository as auth_repository
from timeledger.auth.service import hash_password, hash_token
from timeledger.config import Settings
from timeledger.db import build_engine, build_session_factory, unit_of_work

PASSWORD = "bench-password"
PAGES = ("/app/timer", "/app/days", "/app/week", "/app/trackables?q=a")


def _pages() -> list[str]:
    last_week = (datetime.now(UTC) - timedelta(days=7)).date().isoformat()
    return [*PAGES, f"/app/week?day={last_week}"]


def _user_email(settings: Settings, token: str) -> str:
    engine = build_engine(settings)
    with unit_of_work(build_session_factory(engine)) as session:
        found = auth_repository.token_with_user(session, hash_token(token))
        assert found is not None, "the fixture's token is not in this database"
        user = found[1]
        user.password_hash = hash_password(PASSWORD)
        email = user.email
    engine.dispose()
    return email


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--url", required=True)
    parser.add_argument("--fixture", type=Path, default=Path("bench/results/fixture.json"))
    parser.add_argument("--repeat", type=int, default=30)
    args = parser.parse_args(argv)
    settings = Settings(database_url=args.url)
    fixture = read_fixture(args.fixture)
    email = _user_email(settings, fixture["token"])
    # The fixture's user has a login on each staff account of the first firm: act as one.
    account_uuid = next(iter(fixture["accounts"].values()))
    with TestClient(create_app(settings)) as client:
        client.get("/app/sign-in")
        headers = {"HX-Request": "true", "X-CSRFToken": client.cookies["csrftoken"]}
        answer = client.post(
            "/app/sign-in/submit", data={"email": email, "password": PASSWORD}, headers=headers
        )
        assert answer.headers.get("HX-Redirect"), answer.text
        client.post("/app/accounts", data={"account_uuid": account_uuid}, headers=headers)
        for page in _pages():
            times = []
            for _ in range(args.repeat):
                started = time.perf_counter()
                response = client.get(page, follow_redirects=False)
                times.append((time.perf_counter() - started) * 1000)
                assert response.status_code == 200, (page, response.status_code)
            times.sort()
            p95 = times[int(len(times) * 0.95) - 1]
            print(f"{page:34} median {statistics.median(times):6.1f} ms  p95 {p95:6.1f} ms")


if __name__ == "__main__":
    main()
