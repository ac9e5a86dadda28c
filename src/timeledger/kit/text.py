"""Text fields every schema shares: a name is at least one character that is not space."""

from __future__ import annotations

from typing import Annotated

from pydantic import Field

# JSON Schema ``pattern`` is a search: "\S" means "holds a character that is not white
# space", so "   " is refused (422, "The name field is required.") in the schema itself.
NOT_BLANK = r"\S"

Name = Annotated[str, Field(min_length=1, max_length=255, pattern=NOT_BLANK)]
