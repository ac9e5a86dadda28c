"""What the report endpoints answer: typed results the API, the CLI and the web app render.

Durations are integer seconds of real elapsed time; dates are local dates in the firm's zone
(``YYYY-MM-DD``); instants are the firm's local time with its offset.
"""

from __future__ import annotations

from datetime import date

from pydantic import BaseModel, ConfigDict, Field

# A group's key: ``{"type": "client", "uuid": ..., "name": ...}``, ``{"type": "day", "date":
# ...}``... (docs/reports.md lists every shape). Values are strings or null (``billable``:
# a boolean).
GroupKey = dict[str, str | bool | None]


class Amount(BaseModel):
    currency: str = Field(description="ISO 4217 code of the entries' rate snapshots.")
    amount: int = Field(description="Minor units (pence): the sum of each entry's amount.")


class RoundingRead(BaseModel):
    mode: str = Field(description="none, up, down or nearest")
    minutes: int | None = Field(description="The step in minutes; null when mode is none.")


class ReportMeta(BaseModel):
    model_config = ConfigDict(populate_by_name=True)

    from_: date = Field(alias="from", description="First local date, inclusive.")
    to: date = Field(description="Last local date, inclusive.")
    time_zone: str
    week_start: str
    attribution: str = Field(description="start or split")
    rounding: RoundingRead
    as_of: str = Field(description="Running entries count up to this instant.")
    includes_running: bool
    group_by: list[str]


AMOUNTS_HELP = (
    "Per currency, the sum of each billable entry's amount (its rounded seconds at its rate"
    " snapshot, rounded half up); null when the caller may not see amounts."
)


class Totals(BaseModel):
    entries: int = Field(description="Distinct time entries counted.")
    seconds: int = Field(description="Real elapsed seconds.")
    billable_seconds: int = Field(description="The seconds of billable entries.")
    rounded_seconds: int = Field(description="Sum of each entry's rounded duration.")
    amounts: list[Amount] | None = Field(description=AMOUNTS_HELP)


class GroupNode(BaseModel):
    key: GroupKey
    entries: int
    seconds: int
    billable_seconds: int
    rounded_seconds: int
    amounts: list[Amount] | None = Field(description=AMOUNTS_HELP)
    groups: list[GroupNode] | None = Field(description="The next level; null at the last.")


class SummaryReport(BaseModel):
    meta: ReportMeta
    totals: Totals
    groups: list[GroupNode]


class WeeklyRow(BaseModel):
    staff: GroupKey
    trackable: GroupKey
    days: list[int] = Field(description="Seconds on each of the week's 7 local dates, in order.")
    total: int


class WeeklyReport(BaseModel):
    meta: ReportMeta
    dates: list[date] = Field(description="The week's 7 local dates, from the firm's week start.")
    rows: list[WeeklyRow]
    day_totals: list[int]
    total: int


class DetailedEntry(BaseModel):
    uuid: str
    local_date: date = Field(description="Local date of the start (of the piece, under split).")
    start_date: str
    end_date: str | None = Field(description="null while the entry is running.")
    is_running: bool
    name: str
    description: str | None
    staff: GroupKey
    trackable: GroupKey
    client: GroupKey = Field(description="The billing client, or a bucket without one.")
    seconds: int
    rounded_seconds: int
    billable: bool
    hourly_rate_minor: int | None = Field(
        description="The rate snapshot (minor units per hour); null without a rate or when"
        " the caller may not see amounts."
    )
    currency: str | None
    amount: int | None = Field(
        description="Rounded seconds at the rate, minor units, half up; null when not"
        " billable, without a rate, or hidden from the caller."
    )
    tags: list[GroupKey] = Field(description="``{type: tag, uuid, name}`` by name.")
    is_locked: bool = Field(description="Inside the firm's lock period or invoiced.")


class DetailedReport(BaseModel):
    meta: ReportMeta
    data: list[DetailedEntry]
    next_cursor: str | None = Field(description="Pass as `cursor` for the next page.")
    per_page: int
