"""Whether the evaluating body's goals are met, year by year.

A goal is checked on published figures only: the province's national index and rank, the
average index of its units, each unit's published index. A year whose figures are not
published yet is pending, never met or missed.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal

NATIONAL_RANK_AT_MOST = "national_rank_at_most"
NATIONAL_RANK_RISE = "national_rank_rise"
NATIONAL_INDEX_AT_LEAST = "national_index_at_least"
NATIONAL_INDEX_RISE = "national_index_rise"
AVERAGE_INDEX_RISE = "average_index_rise"
UNIT_INDEX_RISE = "unit_index_rise"
UNIT_INDEX_AT_LEAST = "unit_index_at_least"

KINDS = (
    NATIONAL_RANK_AT_MOST,
    NATIONAL_RANK_RISE,
    NATIONAL_INDEX_AT_LEAST,
    NATIONAL_INDEX_RISE,
    AVERAGE_INDEX_RISE,
    UNIT_INDEX_RISE,
    UNIT_INDEX_AT_LEAST,
)
# Kinds that need N, and the default N of the others (none).
NEEDS_VALUE = (
    NATIONAL_RANK_AT_MOST,
    NATIONAL_RANK_RISE,
    NATIONAL_INDEX_AT_LEAST,
    UNIT_INDEX_AT_LEAST,
)

MET = "met"
MISSED = "missed"
PENDING = "pending"


@dataclass(frozen=True)
class NationalFigure:
    """The province's published national result of a year."""

    index_pct: Decimal
    rank: int
    rank_of: int


@dataclass(frozen=True)
class Goal:
    kind: str
    value: Decimal | None
    first_year: int
    last_year: int

    @property
    def years(self) -> range:
        return range(self.first_year, self.last_year + 1)


@dataclass(frozen=True)
class YearStatus:
    """One year of a goal: the figure checked, the one it is compared with, the verdict.

    For goals on every unit, `units` counts the units checked and `missed` names those
    that fall short; units without a result the year before are `not_compared`.
    """

    year: int
    status: str
    actual: Decimal | None = None
    previous: Decimal | None = None
    units: int = 0
    missed: tuple[str, ...] = ()
    not_compared: tuple[str, ...] = ()

    @property
    def units_met(self) -> int:
        return self.units - len(self.missed)


@dataclass(frozen=True)
class GoalStatus:
    years: tuple[YearStatus, ...]

    @property
    def overall(self) -> str:
        """Missed as soon as one year is; met when every year is; otherwise pending."""
        verdicts = {year.status for year in self.years}
        if MISSED in verdicts:
            return MISSED
        if verdicts == {MET}:
            return MET
        return PENDING


def evaluate(
    goal: Goal,
    *,
    national: Mapping[int, NationalFigure],
    averages: Mapping[int, Decimal],
    indexes: Mapping[int, Mapping[str, Decimal]],
) -> GoalStatus:
    """Check the goal in each of its years.

    `averages` and `indexes` hold the published figures of the goal's scope (all units,
    one group or one unit), by year; `indexes` maps unit keys to published indexes.
    """
    if goal.kind not in KINDS:
        raise ValueError(f"unknown goal: {goal.kind}")
    if goal.kind in NEEDS_VALUE and goal.value is None:
        raise ValueError(f"{goal.kind} needs a value")
    return GoalStatus(tuple(_year(goal, year, national, averages, indexes) for year in goal.years))


def _verdict(ok: bool) -> str:
    return MET if ok else MISSED


def _year(
    goal: Goal,
    year: int,
    national: Mapping[int, NationalFigure],
    averages: Mapping[int, Decimal],
    indexes: Mapping[int, Mapping[str, Decimal]],
) -> YearStatus:
    value = goal.value
    kind = goal.kind
    if kind in (NATIONAL_RANK_AT_MOST, NATIONAL_INDEX_AT_LEAST):
        now = national.get(year)
        if now is None:
            return YearStatus(year, PENDING)
        assert value is not None
        if kind == NATIONAL_RANK_AT_MOST:
            return YearStatus(year, _verdict(now.rank <= value), Decimal(now.rank))
        return YearStatus(year, _verdict(now.index_pct >= value), now.index_pct)
    if kind in (NATIONAL_RANK_RISE, NATIONAL_INDEX_RISE):
        now, before = national.get(year), national.get(year - 1)
        if now is None or before is None:
            return YearStatus(year, PENDING)
        if kind == NATIONAL_RANK_RISE:
            assert value is not None
            rose = before.rank - now.rank  # a smaller rank is better
            return YearStatus(
                year, _verdict(rose >= value), Decimal(now.rank), Decimal(before.rank)
            )
        return YearStatus(
            year, _verdict(now.index_pct > before.index_pct), now.index_pct, before.index_pct
        )
    if kind == AVERAGE_INDEX_RISE:
        average, previous = averages.get(year), averages.get(year - 1)
        if average is None or previous is None:
            return YearStatus(year, PENDING)
        return YearStatus(year, _verdict(average > previous), average, previous)
    # Goals on every unit of the scope.
    current = indexes.get(year)
    if not current:
        return YearStatus(year, PENDING)
    if kind == UNIT_INDEX_AT_LEAST:
        assert value is not None
        missed = tuple(sorted(unit for unit, index in current.items() if index < value))
        return YearStatus(year, _verdict(not missed), units=len(current), missed=missed)
    earlier = indexes.get(year - 1)
    if not earlier:
        return YearStatus(year, PENDING)
    compared = [unit for unit in current if unit in earlier]
    not_compared = tuple(sorted(unit for unit in current if unit not in earlier))
    if not compared:
        return YearStatus(year, PENDING, not_compared=not_compared)
    missed = tuple(sorted(unit for unit in compared if current[unit] <= earlier[unit]))
    return YearStatus(
        year,
        _verdict(not missed),
        units=len(compared),
        missed=missed,
        not_compared=not_compared,
    )
