"""A nudge from a committed write to the dispatcher in this process, so it looks at once
instead of at its next poll. Other processes' workers find the rows by polling."""

from __future__ import annotations

import threading

_event = threading.Event()


def wake() -> None:
    """Tell this process's dispatcher that new deliveries may be due (after a commit)."""
    _event.set()


def wait(timeout: float) -> bool:
    """Sleep until woken or ``timeout`` seconds pass; True when woken."""
    woken = _event.wait(timeout)
    _event.clear()
    return woken
