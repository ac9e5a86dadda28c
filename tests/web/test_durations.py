from __future__ import annotations

import pytest

from timeledger.web.durations import format_exact, format_minutes, format_seconds, parse_duration


@pytest.mark.parametrize(
    ("typed", "seconds"),
    [
        ("1:30", 5400),
        ("1.5", 5400),
        ("1,5", 5400),
        ("0:05", 300),
        ("2", 7200),
        ("2h", 7200),
        ("45m", 2700),
        ("45 min", 2700),
        (" 0.25 ", 900),
        ("0.01", 60),  # 0.6 minutes, rounded half up to the minute
        ("", 0),
        ("24:00", 86400),
        ("1:30:00", 5400),  # h:mm:ss, as the app shows an entry with seconds, kept exactly
        ("0:00:25", 25),
        ("0:00:30", 30),
        ("1:02:03", 3723),
        ("24:00:00", 86400),
    ],
)
def test_parse(typed: str, seconds: int):
    assert parse_duration(typed) == seconds


@pytest.mark.parametrize(
    "typed",
    [
        "soon",
        "1:75",
        "-1",
        "24:01",
        "25",
        "1:30:60",
        "24:00:01",
        "1..5",
        "\u0661:\u0663\u0660",
        "\uff11.\uff15",
        "\u0664\u0665m",
    ],
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
