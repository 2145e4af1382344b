"""Shared input types: bounded ids and texts a database can store (no 500 for odd input)."""

from __future__ import annotations

import datetime as dt
import re
from typing import Annotated, Any

from pydantic import AfterValidator, AwareDatetime, BaseModel, BeforeValidator, ConfigDict, Field

# Ids above this can't be stored in a 64-bit column; asking for one is a 404-free 422.
MAX_ID = 2**63 - 1


def _no_nul(value: str) -> str:
    # PostgreSQL refuses NUL characters in text; Django's forms refuse them too.
    if "\x00" in value:
        raise ValueError("null character")
    return value


def _iso_text(value: Any) -> Any:
    # pydantic would read a number as a Unix time (or seconds): dates and times are ISO 8601
    # text in koers' API, as its OpenAPI document says.
    if isinstance(value, dt.date | dt.time):
        return value
    if not isinstance(value, str) or re.fullmatch(
        r"\s*[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?\s*", value
    ):
        raise ValueError("ISO 8601 text expected")
    return value


def _plausible_year(value: dt.date) -> dt.date:
    # Year 1 or 9999 turned into UTC (or the day after) leaves Python's range of dates.
    if not FIRST_YEAR <= value.year <= LAST_YEAR:
        raise ValueError(f"a year from {FIRST_YEAR} to {LAST_YEAR}")
    return value


FIRST_YEAR, LAST_YEAR = 1900, 2200
Id = Annotated[int, Field(ge=1, le=MAX_ID)]
Text = Annotated[str, AfterValidator(_no_nul)]
Day = Annotated[dt.date, BeforeValidator(_iso_text), AfterValidator(_plausible_year)]
Clock = Annotated[dt.time, BeforeValidator(_iso_text)]
Moment = Annotated[AwareDatetime, BeforeValidator(_iso_text), AfterValidator(_plausible_year)]


class Input(BaseModel):
    """A JSON request body: an object (plain pydantic, so a string or a list is refused rather
    than read attribute by attribute as ninja's output schemas do)."""

    model_config = ConfigDict(extra="ignore")
