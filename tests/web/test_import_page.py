from __future__ import annotations

from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from tests.conftest import FROZEN_NOW
from tests.factories import FirmWorld, make_staff
from tests.web.conftest import Browser
from timeledger.models import Account, AccountRole, Case, Task

GOOD = (
    "kind,ref,first_name,last_name,email,role,name,participants,description,priority,due_at,on\n"
    "client,c1,Ada,Lovelace,ada@example.com,individual,,,,,,\n"
    "client,c2,Charles,Babbage,,joint,,,,,,\n"
    "case,k1,,,,,Engine pension,c1;c2,,,,\n"
    "task,,,,,,Annual review,,Book it,high,2025-09-01 09:00:00,c1\n"
)
# Three lines with problems, one of them with two, and a reference problem found later.
BAD = (
    "kind,ref,first_name,email,name,participants,on\n"
    "client,c1,,not-an-email,,,\n"
    "case,k1,,,Engine pension,nobody,\n"
    "task,,,,,,\n"
    "task,,,,Call,,zzz\n"
)


def _upload(web: Browser, text: str | bytes, name: str = "records.csv"):
    body = text.encode() if isinstance(text, str) else text
    return web.post("/app/import", files={"file": (name, body, "text/csv")})


def _counts(session: Session) -> tuple[int, int, int]:
    return (
        session.scalar(select(func.count()).select_from(Account)) or 0,
        session.scalar(select(func.count()).select_from(Case)) or 0,
        session.scalar(select(func.count()).select_from(Task)) or 0,
    )


class TestImportPage:
    def test_page_documents_the_format(self, signed_in: Browser):
        page = signed_in.get("/app/import")
        assert page.status_code == 200
        assert 'for="import_file">CSV file (UTF-8, at most 1020 KB)' in page.text
        assert "docs/admin.md" in page.text
        assert "<code>participants</code>" in page.text
        example = signed_in.get("/app/import/example.csv")
        assert example.headers["content-type"].startswith("text/csv")
        assert example.text.startswith("kind,ref,first_name")

    def test_a_good_file_is_imported_and_counted(
        self, signed_in: Browser, world: FirmWorld, client: TestClient
    ):
        page = _upload(signed_in, GOOD)
        assert 'role="status"' in page.text
        assert "Imported 4 records from records.csv: 2 clients, 1 case, 1 task." in page.text
        assert "<td>k1</td><td>case</td>" in page.text
        listed = client.get(
            "/api/v1/cases", params={"filter[name]": "Engine"}, headers=world.owner.headers()
        ).json()["data"]
        assert {p["name"] for p in listed[0]["participants"]} == {"Ada Lovelace", "Charles Babbage"}

    def test_a_bad_file_lists_every_problem_by_line_and_imports_nothing(
        self, signed_in: Browser, session: Session
    ):
        before = _counts(session)
        page = _upload(signed_in, BAD)
        assert 'role="alert"' in page.text
        assert "Nothing was imported: records.csv has" in page.text
        items = page.text.split('<ul class="problems">')[1].split("</ul>")[0]
        lines = [int(li.split("line ")[1].split(":")[0]) for li in items.split("<li>")[1:]]
        assert lines == sorted(lines)
        assert {2, 3, 4, 5} <= set(lines)
        assert lines.count(2) >= 2  # both problems of line 2
        assert _counts(session) == before

    def test_not_utf8_and_empty_files(self, signed_in: Browser):
        assert "line 1: the file is not UTF-8 (byte 1)." in _upload(signed_in, b"\xff\xfe").text
        assert "the file is empty" in _upload(signed_in, b"").text

    def test_no_file_chosen(self, signed_in: Browser):
        page = signed_in.post("/app/import", {})
        assert "Choose a CSV file to import." in page.text

    def test_a_file_over_the_body_limit_is_413_and_imports_nothing(
        self, signed_in: Browser, session: Session
    ):
        before = _counts(session)
        rows = "".join(f"client,,Name{n},,,,,,,,,\n" for n in range(60_000))
        answer = _upload(signed_in, GOOD.splitlines()[0] + "\n" + rows)
        assert answer.status_code == 413
        assert _counts(session) == before

    def test_member_is_refused(self, web: Browser, world: FirmWorld, session: Session):
        member = make_staff(session, world.firm, now=FROZEN_NOW, role=AccountRole.MEMBER)
        session.flush()
        web.sign_in(member)
        assert web.get("/app/import").status_code == 403
        before = _counts(session)
        assert _upload(web, GOOD).status_code == 403
        assert _counts(session) == before

    def test_admin_without_write_permission_is_refused(
        self, web: Browser, world: FirmWorld, session: Session
    ):
        admin = make_staff(session, world.firm, now=FROZEN_NOW, role=AccountRole.ADMIN, write=False)
        session.flush()
        web.sign_in(admin)
        assert "Importing needs write permission." in web.get("/app/import").text
        before = _counts(session)
        page = _upload(web, GOOD)
        assert "Only owners and admins with write permission may import records." in page.text
        assert _counts(session) == before

    def test_without_csrf_token_nothing_is_imported(self, signed_in: Browser, session: Session):
        before = _counts(session)
        answer = signed_in.client.post(
            "/app/import",
            files={"file": ("records.csv", GOOD.encode(), "text/csv")},
            headers={"HX-Request": "true"},
        )
        assert answer.status_code == 403
        assert _counts(session) == before
