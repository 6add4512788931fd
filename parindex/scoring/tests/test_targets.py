"""Goals of the province's plan (shared/seeds/003), checked year by year."""

from __future__ import annotations

from decimal import Decimal as D

import pytest

from parindex.scoring import targets
from parindex.scoring.targets import Goal, NationalFigure, evaluate

# 2019 and 2020 as the Ministry published them (shared/seeds/004); later years invented
# for the test only.
NATIONAL = {
    2019: NationalFigure(D("82.03"), 19, 63),
    2020: NationalFigure(D("85.19"), 19, 63),
    2025: NationalFigure(D("88.10"), 14, 34),
    2026: NationalFigure(D("88.90"), 12, 34),
    2027: NationalFigure(D("88.70"), 12, 34),
}


def check(kind: str, first: int, last: int, value: str | None = None, **figures: object) -> object:
    return evaluate(
        Goal(kind, D(value) if value is not None else None, first, last),
        national=figures.get("national", NATIONAL),  # type: ignore[arg-type]
        averages=figures.get("averages", {}),  # type: ignore[arg-type]
        indexes=figures.get("indexes", {}),  # type: ignore[arg-type]
    )


def test_top_15_nationally_by_2025() -> None:
    status = check(targets.NATIONAL_RANK_AT_MOST, 2025, 2025, "15")
    assert [(y.year, y.status, y.actual) for y in status.years] == [(2025, "met", D(14))]
    assert status.overall == "met"
    assert check(targets.NATIONAL_RANK_AT_MOST, 2020, 2020, "15").overall == "missed"


def test_up_at_least_one_rank_every_year_2026_to_2030() -> None:
    status = check(targets.NATIONAL_RANK_RISE, 2026, 2030, "1")
    verdicts = [(y.year, y.status) for y in status.years]
    assert verdicts == [
        (2026, "met"),  # 14 -> 12
        (2027, "missed"),  # 12 -> 12: kept the rank, did not rise
        (2028, "pending"),
        (2029, "pending"),
        (2030, "pending"),
    ]
    assert status.overall == "missed"
    assert status.years[0].previous == D(14)


def test_the_national_index_higher_than_the_year_before() -> None:
    status = check(targets.NATIONAL_INDEX_RISE, 2020, 2021)
    assert [y.status for y in status.years] == ["met", "pending"]  # 82.03 -> 85.19
    assert status.overall == "pending"
    assert check(targets.NATIONAL_INDEX_AT_LEAST, 2020, 2020, "85.19").overall == "met"
    assert check(targets.NATIONAL_INDEX_AT_LEAST, 2020, 2020, "85.20").overall == "missed"


def test_the_average_of_the_units_rises() -> None:
    # The 2023 report: 77.53% for the 40 units, 1.91 less than in 2022.
    averages = {2022: D("79.44"), 2023: D("77.53")}
    status = check(targets.AVERAGE_INDEX_RISE, 2023, 2023, averages=averages)
    assert status.years[0].status == "missed"
    assert (status.years[0].actual, status.years[0].previous) == (D("77.53"), D("79.44"))


def test_each_units_index_higher_than_the_year_before() -> None:
    indexes = {
        2022: {"a": D(80), "b": D(70), "c": D(75)},
        2023: {"a": D("80.01"), "b": D(70), "c": D(74), "new": D(60)},
        2024: {"a": D(81), "b": D(71), "c": D(75), "new": D(61)},
    }
    status = check(targets.UNIT_INDEX_RISE, 2023, 2025, indexes=indexes)
    y2023, y2024, y2025 = status.years
    assert (y2023.status, y2023.units, y2023.units_met) == ("missed", 3, 1)
    assert y2023.missed == ("b", "c")  # equal is not higher
    assert y2023.not_compared == ("new",)
    assert (y2024.status, y2024.units, y2024.missed) == ("met", 4, ())
    assert y2025.status == "pending"


def test_each_unit_at_least_a_level() -> None:
    indexes = {2023: {"a": D("65.00"), "b": D("64.99")}}
    year = check(targets.UNIT_INDEX_AT_LEAST, 2023, 2023, "65", indexes=indexes).years[0]
    assert (year.status, year.missed, year.units_met) == ("missed", ("b",), 1)


def test_a_goal_without_its_number_or_of_an_unknown_kind_is_refused() -> None:
    with pytest.raises(ValueError):
        check(targets.NATIONAL_RANK_AT_MOST, 2025, 2025)
    with pytest.raises(ValueError):
        check("top_of_the_world", 2025, 2025, "1")
