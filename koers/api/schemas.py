"""Shared input types: bounded ids and texts a database can store (no 500 for odd input)."""

from __future__ import annotations

from typing import Annotated

from pydantic import AfterValidator, Field

# Ids above this can't be stored in a 64-bit column; asking for one is a 404-free 422.
MAX_ID = 2**63 - 1


def _no_nul(value: str) -> str:
    # PostgreSQL refuses NUL characters in text; Django's forms refuse them too.
    if "\x00" in value:
        raise ValueError("null character")
    return value


Id = Annotated[int, Field(ge=1, le=MAX_ID)]
Text = Annotated[str, AfterValidator(_no_nul)]
