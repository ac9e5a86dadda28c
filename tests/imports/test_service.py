from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from tests.conftest import FROZEN_NOW
from tests.factories import FirmWorld
from timeledger.imports.service import ImportRejected, import_records
from timeledger.models import Account, AccountType, Case, CaseParticipant, Task

GOOD = """kind,ref,first_name,last_name,email,role,name,participants,description,priority,due_at,on
client,c1,Nadia,Okafor,nadia@example.com,individual,,,,,,
client,c2,Tom,Reyes,,joint,,,,,,
case,k1,,,,,Pension transfer,c1;c2,,,,
task,,,,,,Yearly check,,Book the meeting,high,2025-09-01 09:00:00,c1
task,,,,,,Collect documents,,,,,k1
"""


def count(session: Session, model: Any, firm_id: int) -> int:
    return (
        session.scalar(select(func.count()).select_from(model).where(model.firm_id == firm_id)) or 0
    )


def test_imports_clients_cases_and_tasks_linked_by_ref(session: Session, world: FirmWorld) -> None:
    before = {model: count(session, model, world.firm.id) for model in (Account, Case, Task)}
    summary = import_records(session, firm=world.firm, data=GOOD.encode(), now=FROZEN_NOW)
    assert (summary.clients, summary.cases, summary.tasks) == (2, 1, 2)
    assert count(session, Account, world.firm.id) == before[Account] + 2
    nadia = session.scalars(select(Account).where(Account.email == "nadia@example.com")).one()
    assert (nadia.type, nadia.role.value, nadia.firm_id) == (
        AccountType.CLIENT,
        "individual",
        world.firm.id,
    )
    case = session.scalars(
        select(Case)
        .where(Case.firm_id == world.firm.id, Case.name == "Pension transfer")
        .order_by(Case.id.desc())
    ).first()
    assert case is not None
    assert case.slug == "pension-transfer"
    participants = session.scalars(
        select(Account.first_name)
        .join(CaseParticipant, CaseParticipant.account_id == Account.id)
        .where(CaseParticipant.case_id == case.id)
        .order_by(Account.first_name)
    ).all()
    assert participants == ["Nadia", "Tom"]
    review = session.scalars(select(Task).where(Task.name == "Yearly check")).one()
    assert review.account_id == nadia.id
    assert review.priority.value == "high"
    # 09:00 in London summer time is 08:00 UTC.
    assert review.due_at is not None
    assert review.due_at.isoformat() == "2025-09-01T08:00:00+00:00"
    collect = session.scalars(select(Task).where(Task.name == "Collect documents")).one()
    assert (collect.case_id, collect.account_id) == (case.id, None)


def test_refers_to_existing_records_by_uuid(session: Session, world: FirmWorld) -> None:
    data = (
        "kind,name,participants,on\n"
        f"case,Mortgage,{world.client.uuid},\n"
        f"task,Call lender,,{world.case.uuid}\n"
    )
    summary = import_records(session, firm=world.firm, data=data.encode(), now=FROZEN_NOW)
    assert summary.total == 2
    task = session.scalars(select(Task).where(Task.name == "Call lender")).one()
    assert task.case_id == world.case.id


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (
            GOOD.replace("Tom,Reyes,,joint", "Tom,Reyes,,spouse"),
            "line 3: role 'spouse' is not a client role; use one of",
        ),
        (
            GOOD.replace("high,2025-09-01", "urgent,2025-09-01"),
            "line 5: priority 'urgent' is not a priority; use one of",
        ),
        (
            GOOD.replace("2025-09-01 09:00:00", "next week"),
            "line 5: due_at 'next week' is not a date",
        ),
        (GOOD.replace(",c1;c2,", ",c1;nobody,"), "line 4: participant 'nobody' is neither"),
        (GOOD.replace(",,,,,k1", ",,,,,k9"), "line 6: on 'k9' is neither"),
        (GOOD.replace("client,c2,", "client,c1,"), "line 3: ref 'c1' is already used on line 2"),
        (GOOD.replace("nadia@example.com", "not-an-email"), "line 2: email 'not-an-email'"),
        (GOOD.replace("task,,,,,,Yearly check", "tusk,,,,,,Yearly check"), "line 5: kind must"),
        (GOOD + "client,c3,Only,Three,Cells\n", "line 7: 5 cells, but the header has 12"),
        (GOOD.replace("on\n", "owner\n", 1), "line 1: the header must name distinct columns"),
        ("", "line 1: the file is empty"),
    ],
)
def test_a_bad_line_rejects_the_whole_file(
    session: Session, world: FirmWorld, data: str, message: str
) -> None:
    before = {model: count(session, model, world.firm.id) for model in (Account, Case, Task)}
    with pytest.raises(ImportRejected) as raised:
        import_records(session, firm=world.firm, data=data.encode(), now=FROZEN_NOW)
    assert any(error.startswith(message) for error in raised.value.errors), raised.value.errors
    assert {model: count(session, model, world.firm.id) for model in before} == before


def test_a_case_without_a_client_is_refused(session: Session, world: FirmWorld) -> None:
    data = f"kind,name,participants\ncase,Staff only,{world.owner.account.uuid}\n"
    with pytest.raises(ImportRejected) as raised:
        import_records(session, firm=world.firm, data=data.encode(), now=FROZEN_NOW)
    assert raised.value.errors == ["line 2: the participants must include a client."]


def test_another_firms_uuid_is_unknown(
    session: Session, world: FirmWorld, other_world: FirmWorld
) -> None:
    data = f"kind,name,on\ntask,Poach,{other_world.client.uuid}\n"
    with pytest.raises(ImportRejected) as raised:
        import_records(session, firm=world.firm, data=data.encode(), now=FROZEN_NOW)
    assert raised.value.errors[0].startswith(f"line 2: on '{other_world.client.uuid}' is neither")


def test_a_file_that_is_not_utf8_names_the_line(session: Session, world: FirmWorld) -> None:
    data = "kind,first_name\nclient,Ren\nclient,Ren\xe9e\n".encode("latin-1")
    with pytest.raises(ImportRejected) as raised:
        import_records(session, firm=world.firm, data=data, now=FROZEN_NOW)
    assert raised.value.errors[0].startswith("line 3: the file is not UTF-8")


def test_quoted_cells_may_hold_commas_newlines_and_a_bom(
    session: Session, world: FirmWorld
) -> None:
    data = (
        "\ufeffkind,ref,first_name,name,participants,description,on\n"
        'client,c1,"Smith, Jones",,,,\n'
        'task,,,Review,,"two\nlines",c1\n'
        "task,,,Bad,,,\n"
    )
    with pytest.raises(ImportRejected) as raised:
        import_records(session, firm=world.firm, data=data.encode(), now=FROZEN_NOW)
    # The quoted newline spans lines 3-4, so the bad task is on line 5.
    assert raised.value.errors == ["line 5: a task needs on: the ref or UUID of a client or case."]


def hundred_thousand(firm_case_uuid: str) -> bytes:
    lines = ["kind,ref,first_name,last_name,email,name,participants,priority,due_at,on"]
    for n in range(40_000):
        lines.append(f"client,c{n},First{n},Last{n},person{n}@example.com,,,,,")
    for n in range(20_000):
        lines.append(f"case,k{n},,,,Case {n},c{n};c{n + 20_000},,,")
    for n in range(40_000):
        target = f"c{n}" if n % 2 else f"k{n // 2}"
        lines.append(f"task,,,,,Task {n},,high,2025-09-01,{target}")
    return ("\n".join(lines) + "\n").encode()


@pytest.mark.slow
def test_imports_100_000_records(
    session: Session, world: FirmWorld, record_property: Callable[[str, object], None]
) -> None:
    """All 100,000 records land, with progress for every line. How long it takes is the
    benchmark's business (scripts/bench_import.py, docs/performance.md); the time is only
    recorded here, never asserted."""
    data = hundred_thousand(str(world.case.uuid))
    phases: dict[str, int] = {}

    def progress(phase: str, done: int, total: int) -> None:
        phases[phase] = phases.get(phase, 0) + done
        assert total >= phases[phase]

    started = time.perf_counter()
    summary = import_records(
        session, firm=world.firm, data=data, now=FROZEN_NOW, on_progress=progress
    )
    elapsed = time.perf_counter() - started
    assert (summary.clients, summary.cases, summary.tasks) == (40_000, 20_000, 40_000)
    assert count(session, Task, world.firm.id) == 40_000 + 2
    assert count(session, CaseParticipant, world.firm.id) == 40_000 + 1
    # Checking counts the bytes of the file as it streams by, importing the records.
    assert phases == {"Checking": len(data), "Importing": 100_000}
    record_property("import_seconds", round(elapsed, 1))


def test_every_problem_of_every_line_is_reported_sorted_by_line(
    session: Session, world: FirmWorld
) -> None:
    data = (
        "kind,ref,first_name,email,role,name,participants,priority,due_at,on\n"
        "case,k1,,,,Review,nobody,,,\n"
        "client,c1,,bad-email,wizard,,,,,\n"
        "task,,,,,,,urgent,someday,\n"
        "client,c2,Ok\n"
        "client,c3,Fine,,,,,,,\n"
    )
    with pytest.raises(ImportRejected) as raised:
        import_records(session, firm=world.firm, data=data.encode(), now=FROZEN_NOW)
    assert raised.value.errors == [
        "line 2: participant 'nobody' is neither the ref of a client in this file nor the "
        "UUID of one of the firm's accounts.",
        "line 3: first_name is required.",
        "line 3: role 'wizard' is not a client role; use one of business, individual, joint, "
        "trust.",
        "line 3: email 'bad-email' is not a valid email address (e.g. name@example.com).",
        "line 4: name is required.",
        "line 4: priority 'urgent' is not a priority; use one of low, medium, high, highest.",
        "line 4: due_at 'someday' is not a date; use Y-m-d H:i:s, e.g. 2025-09-01 09:00:00.",
        "line 4: a task needs on: the ref or UUID of a client or case.",
        "line 5: 3 cells, but the header has 10 columns.",
    ]


def test_a_nul_byte_is_refused_with_its_line(session: Session, world: FirmWorld) -> None:
    data = b"kind,first_name\nclient,Ann\nclient,B\x00b\nclient,Cy\n"
    with pytest.raises(ImportRejected) as raised:
        import_records(session, firm=world.firm, data=data, now=FROZEN_NOW)
    assert raised.value.errors == [
        "line 3: the line holds a NUL byte (\\0), which no text field may; remove it."
    ]


def test_a_file_is_read_as_a_stream(session: Session, world: FirmWorld, tmp_path) -> None:
    path = tmp_path / "records.csv"
    path.write_bytes(GOOD.encode())
    read: list[int] = []
    with path.open("rb") as stream:
        summary = import_records(
            session,
            firm=world.firm,
            data=stream,
            now=FROZEN_NOW,
            on_progress=lambda phase, done, total: (
                read.append(done) if phase == "Checking" else None
            ),
        )
    assert summary.total == 5
    # One progress step per line read, in bytes: the file is never read whole.
    assert read == [len(line) for line in GOOD.encode().splitlines(keepends=True)]
