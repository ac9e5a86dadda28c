from __future__ import annotations

import pytest

from timeledger.web.durations import format_exact, format_minutes, format_seconds, parse_duration


@pytest.mark.parametrize(
    ("typed", "minutes"),
    [
        ("1:30", 90),
        ("1.5", 90),
        ("1,5", 90),
        ("0:05", 5),
        ("2", 120),
        ("2h", 120),
        ("45m", 45),
        ("45 min", 45),
        (" 0.25 ", 15),
        ("0.01", 1),  # 0.6 minutes, rounded half up
        ("", 0),
        ("24:00", 1440),
        ("1:30:00", 90),  # h:mm:ss, as the day list shows an entry with seconds
        ("0:00:25", 0),
        ("0:00:30", 1),
    ],
)
def test_parse(typed: str, minutes: int):
    assert parse_duration(typed) == minutes


@pytest.mark.parametrize(
    "typed", ["soon", "1:75", "-1", "24:01", "25", "1:30:60", "24:00:31", "1..5"]
)
def test_refuses(typed: str):
    assert parse_duration(typed) is None


def test_format():
    assert format_minutes(90) == "1:30"
    assert format_minutes(5) == "0:05"
    assert format_seconds(89) == "0:01"
    assert format_seconds(29) == "0:00"
    assert format_seconds(5400) == "1:30"


def test_format_exact_keeps_seconds_only_when_there_are_some():
    assert format_exact(25) == "0:00:25"
    assert format_exact(5400) == "1:30"
    assert format_exact(5425) == "1:30:25"
    assert format_exact(0) == "0:00"
