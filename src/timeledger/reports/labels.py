"""One label per report group key, for every place a report is read by a person: the web
app's Reports page and the CSV, XLSX and PDF exports (docs/reports.md, "Group labels").

Buckets that are not a record (time on the firm itself, on a circle, on several clients,
without a tag) are written in parentheses, so they never read like a record's name.
"""

from __future__ import annotations

from timeledger.reports.schemas import GroupKey

WITHOUT_LABELS = {
    "firm": "(the firm)",
    "circle": "(circles)",
    "several_clients": "(several clients)",
    "no_client": "(no client)",
    "no_tag": "(no tag)",
}


def _text(key: GroupKey, field: str) -> str:
    value = key.get(field)
    return value if isinstance(value, str) else ""


def _words(value: str) -> str:
    """``board_task`` as ``board task``."""
    return value.replace("_", " ")


def group_label(key: GroupKey) -> str:
    """``key`` as one line of text: a date, ``2025-08-04 to 2025-08-10``, a kind of
    record (``Board task``), ``Billable``, a record's name, or a bucket in parentheses:
    ``(the firm)``, ``(no case)``."""
    kind = key.get("type")
    if kind == "day":
        return _text(key, "date")
    if kind == "month":
        return _text(key, "month")
    if kind in {"week", "tax_year"}:
        return f"{_text(key, 'start')} to {_text(key, 'end')}"
    if kind == "trackable_type":
        return _words(_text(key, "trackable_type")).capitalize()
    if kind == "billable":
        return "Billable" if key.get("billable") else "Non-billable"
    if key.get("uuid") is None:
        without = _text(key, "without")
        return WITHOUT_LABELS.get(without) or f"(no {_words(str(kind or 'record'))})"
    return _text(key, "name")
