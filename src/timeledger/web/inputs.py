"""Text the pages cannot store, refused before any page runs.

The API refuses the NUL character and lone UTF-16 surrogates in every JSON body
(``http/storable.py``): PostgreSQL cannot hold a NUL in text, and a query with one fails
there. Form fields and query parameters sent to the pages are checked here by the same
rule, so a page answers 400 naming the field instead of a 500 (PostgreSQL) or storing it
(SQLite).
"""

from __future__ import annotations

from fastapi import Request
from fastapi.responses import Response
from starlette.datastructures import UploadFile

from timeledger.web.templating import render


class UnstorableInput(Exception):
    """A page's form field or query parameter holds text no database stores as sent."""

    def __init__(self, field: str) -> None:
        super().__init__(field)
        self.field = field


def _bad(text: str) -> bool:
    return "\x00" in text or any("\ud800" <= char <= "\udfff" for char in text)


async def storable_input(request: Request) -> None:
    """Raise ``UnstorableInput`` naming the first query parameter or form field (files
    excluded: the import reads their bytes itself) that holds NUL or a lone surrogate."""
    fields = list(request.query_params.multi_items())
    if request.method == "POST":
        form = await request.form()
        fields += [
            (name, value) for name, value in form.multi_items() if not isinstance(value, UploadFile)
        ]
    for name, value in fields:
        if _bad(name) or (isinstance(value, str) and _bad(value)):
            raise UnstorableInput(name if not _bad(name) else "form")


def unstorable_input_handler(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, UnstorableInput)
    label = exc.field.replace("_", " ")
    message = (
        f"The {label} field must be valid text without the NUL character (\\u0000) or "
        "unpaired surrogates. Nothing was saved."
    )
    context = {"title": "Bad request", "actor": None, "error": message}
    return render(request, "base.html", context, status_code=400)
