from __future__ import annotations

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

import pytest

from timeledger.reports.calendar import (
    DateRange,
    Period,
    Weekday,
    day_pieces,
    day_start,
    period_range,
    range_edges,
    tax_year_first,
    tax_year_last,
    week_first,
)
from timeledger.reports.rounding import RoundingMode, round_seconds

LONDON = ZoneInfo("Europe/London")
NEW_YORK = ZoneInfo("America/New_York")


class TestEdges:
    def test_day_of_the_spring_change_lasts_23_hours(self) -> None:
        lo, hi = range_edges(DateRange(date(2026, 3, 29), date(2026, 3, 29)), LONDON)
        assert (hi - lo).total_seconds() == 23 * 3600

    def test_week_holding_the_autumn_change_lasts_169_hours(self) -> None:
        first = week_first(date(2026, 10, 25), Weekday.MONDAY)
        assert first == date(2026, 10, 19)
        lo, hi = range_edges(DateRange(first, date(2026, 10, 25)), LONDON)
        assert (hi - lo).total_seconds() == 169 * 3600

    def test_week_holding_the_spring_change_in_new_york_lasts_167_hours(self) -> None:
        lo, hi = range_edges(DateRange(date(2026, 3, 8), date(2026, 3, 14)), NEW_YORK)
        assert (hi - lo).total_seconds() == 167 * 3600

    def test_local_midnight_is_converted_per_date(self) -> None:
        assert day_start(date(2026, 1, 15), LONDON) == datetime(2026, 1, 15, tzinfo=UTC)
        assert day_start(date(2026, 7, 15), LONDON) == datetime(2026, 7, 14, 23, tzinfo=UTC)

    def test_missing_midnight_starts_the_day_at_the_change(self) -> None:
        # Santiago skips 00:00-01:00 on 2026-09-06 (clocks go from 00:00 to 01:00).
        santiago = ZoneInfo("America/Santiago")
        start = day_start(date(2026, 9, 6), santiago)
        assert start.astimezone(santiago).date() == date(2026, 9, 6)
        assert start.astimezone(santiago).hour == 1


class TestTaxYear:
    @pytest.mark.parametrize(
        ("day", "first", "last"),
        [
            (date(2026, 4, 5), date(2025, 4, 6), date(2026, 4, 5)),
            (date(2026, 4, 6), date(2026, 4, 6), date(2027, 4, 5)),
            (date(2026, 1, 1), date(2025, 4, 6), date(2026, 4, 5)),
        ],
    )
    def test_runs_from_6_april_to_5_april(self, day: date, first: date, last: date) -> None:
        assert tax_year_first(day) == first
        assert tax_year_last(day) == last


class TestPeriods:
    today = date(2026, 3, 4)  # a Wednesday

    @pytest.mark.parametrize(
        ("period", "first", "last"),
        [
            (Period.TODAY, date(2026, 3, 4), date(2026, 3, 4)),
            (Period.THIS_WEEK, date(2026, 3, 2), date(2026, 3, 8)),
            (Period.LAST_WEEK, date(2026, 2, 23), date(2026, 3, 1)),
            (Period.THIS_MONTH, date(2026, 3, 1), date(2026, 3, 31)),
            (Period.LAST_MONTH, date(2026, 2, 1), date(2026, 2, 28)),
            (Period.THIS_TAX_YEAR, date(2025, 4, 6), date(2026, 4, 5)),
            (Period.LAST_TAX_YEAR, date(2024, 4, 6), date(2025, 4, 5)),
        ],
    )
    def test_named_periods(self, period: Period, first: date, last: date) -> None:
        assert period_range(period, self.today, Weekday.MONDAY) == DateRange(first, last)

    def test_last_month_in_january_is_december(self) -> None:
        got = period_range(Period.LAST_MONTH, date(2026, 1, 10), Weekday.MONDAY)
        assert got == DateRange(date(2025, 12, 1), date(2025, 12, 31))

    def test_week_start_sunday(self) -> None:
        got = period_range(Period.THIS_WEEK, self.today, Weekday.SUNDAY)
        assert got == DateRange(date(2026, 3, 1), date(2026, 3, 7))


class TestDayPieces:
    def test_shift_over_the_spring_change_is_two_hours(self) -> None:
        start = datetime(2026, 3, 29, 0, 30, tzinfo=LONDON)
        end = datetime(2026, 3, 29, 3, 30, tzinfo=LONDON)
        edges = range_edges(DateRange(date(2026, 3, 1), date(2026, 3, 31)), LONDON)
        assert list(day_pieces(start, end, LONDON, within=edges)) == [(date(2026, 3, 29), 7200)]

    def test_cut_at_local_midnight_and_clipped_to_the_range(self) -> None:
        start = datetime(2026, 3, 31, 22, tzinfo=LONDON)
        end = datetime(2026, 4, 1, 2, tzinfo=LONDON)
        march = range_edges(DateRange(date(2026, 3, 1), date(2026, 3, 31)), LONDON)
        both = range_edges(DateRange(date(2026, 3, 1), date(2026, 4, 30)), LONDON)
        assert list(day_pieces(start, end, LONDON, within=march)) == [(date(2026, 3, 31), 7200)]
        assert list(day_pieces(start, end, LONDON, within=both)) == [
            (date(2026, 3, 31), 7200),
            (date(2026, 4, 1), 7200),
        ]


class TestRounding:
    @pytest.mark.parametrize("mode", list(RoundingMode))
    def test_an_aligned_duration_never_moves(self, mode: RoundingMode) -> None:
        assert round_seconds(90 * 60, mode, 15) == 90 * 60
        assert round_seconds(0, mode, 6) == 0

    @pytest.mark.parametrize(
        ("mode", "seconds", "expected"),
        [
            (RoundingMode.UP, 61, 360),
            (RoundingMode.DOWN, 359, 0),
            (RoundingMode.NEAREST, 179, 0),
            (RoundingMode.NEAREST, 180, 360),  # half-way rounds up
            (RoundingMode.NONE, 179, 179),
        ],
    )
    def test_unaligned(self, mode: RoundingMode, seconds: int, expected: int) -> None:
        assert round_seconds(seconds, mode, 6) == expected
