"""Figures across the groups of a year, for the documents that analyse it, beside the
engine's `field_standings`: each field's average points over every unit that has it (tables
without maxima), and the points lost on each criterion summed over the units. The same
rounding as within a group (`engine.mean_published`): means of published values, rounded
half-up once."""

from __future__ import annotations

from collections.abc import Hashable, Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Generic, TypeVar

from .engine import RankedUnit, mean_published
from .numbers import ZERO, publish

Key = TypeVar("Key", bound=Hashable)


def field_point_averages(units: Sequence[RankedUnit]) -> dict[str, Decimal]:
    """Each field's average points over every unit that has it (tables without maxima)."""
    values: dict[str, list[Decimal]] = {}
    for ranked in units:
        for code in ranked.result.field_codes:
            points = ranked.result.field_points(code)
            if points is not None:
                values.setdefault(code, []).append(publish(points))
    return {code: mean_published(points) for code, points in values.items()}


@dataclass(frozen=True)
class Tally(Generic[Key]):
    key: Key
    units: tuple[str, ...]  # in the order given
    points: Decimal  # the published losses summed


def tally(losses: Iterable[tuple[Key, str, Decimal]]) -> list[Tally[Key]]:
    """(criterion, unit, points lost) → per criterion, the units and the points lost in
    all, in the order criteria first appear. Losses are published values already."""
    units: dict[Key, list[str]] = {}
    points: dict[Key, Decimal] = {}
    for key, unit, lost in losses:
        units.setdefault(key, []).append(unit)
        points[key] = points.get(key, ZERO) + publish(lost)
    return [Tally(key, tuple(names), points[key]) for key, names in units.items()]
