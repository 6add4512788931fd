"""The path parameters of the contract (shared/docs/api.md), bounded before anything is
read: a year of 2000–2100, a unit's or group's code (a slug), a criterion's code."""

from __future__ import annotations

from typing import Annotated

from ninja import Path

from parindex.results.forms import FIRST_YEAR, LAST_YEAR

Year = Annotated[int, Path(ge=FIRST_YEAR, le=LAST_YEAR, examples=[2024])]
Code = Annotated[
    str, Path(min_length=1, max_length=60, pattern=r"^[a-z0-9-]+$", examples=["so-tu-phap"])
]
CriterionCode = Annotated[
    str, Path(min_length=1, max_length=30, pattern=r"^[0-9]+(\.[0-9]+)*$", examples=["1.1.1"])
]
