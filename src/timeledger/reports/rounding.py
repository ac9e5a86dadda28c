"""Rounding one entry's duration to a step, as invoices do.

Applied per entry, before summing (Harvest's ``rounded_hours``); the raw seconds are always
kept beside the rounded ones. A duration already on the step never moves (solidtime#994:
13:00-14:30 rounded "up 15" must stay 1:30, not become 1:45).
"""

from __future__ import annotations

from enum import StrEnum

# The steps every peer offers (Toggl's list without 0 and 240).
STEPS_MINUTES = (1, 5, 6, 10, 12, 15, 30, 60)


class RoundingMode(StrEnum):
    NONE = "none"
    UP = "up"
    DOWN = "down"
    NEAREST = "nearest"


def round_seconds(seconds: int, mode: RoundingMode, minutes: int | None) -> int:
    """``seconds`` rounded to a multiple of ``minutes`` minutes.

    ``up`` and ``down`` go to the next multiple above or below; ``nearest`` goes to the
    closer one, and a duration exactly half-way rounds up. A multiple of the step is
    returned unchanged in every mode. ``none`` (or no step) returns ``seconds``.
    """
    if mode is RoundingMode.NONE or not minutes:
        return seconds
    step = minutes * 60
    below = seconds - seconds % step
    if below == seconds:
        return seconds
    if mode is RoundingMode.DOWN:
        return below
    if mode is RoundingMode.UP:
        return below + step
    return below + step if 2 * (seconds - below) >= step else below
