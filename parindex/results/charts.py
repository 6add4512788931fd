"""Charts drawn on the server: bars as HTML, lines as SVG, no JavaScript.

Only geometry is computed here; every number printed on a chart is a published figure
from the engine, passed through as it is.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal

HUNDRED = Decimal(100)


def _share(value: Decimal, scale: Decimal) -> str:
    """A length in percent of the track, as CSS reads it (a dot, never a comma)."""
    if scale <= 0:
        return "0"
    share = min(max(value / scale * HUNDRED, Decimal(0)), HUNDRED)
    return f"{share:.2f}"


@dataclass(frozen=True)
class Bar:
    label: str
    value: Decimal  # the published figure printed beside the bar
    width: str  # CSS percentage of the track
    css: str = ""  # e.g. "band-2", "group"
    href: str = ""
    marker: str = ""  # CSS position of a reference mark (e.g. the group's average)


@dataclass(frozen=True)
class BarChart:
    bars: tuple[Bar, ...]
    unit: str  # "%" or "points"
    scale: Decimal
    reference: Decimal | None = None  # e.g. the group's average, drawn on every track
    reference_label: str = ""


def bar_chart(
    items: Sequence[tuple[str, Decimal, str, str]],
    *,
    scale: Decimal = HUNDRED,
    unit: str = "%",
    reference: Decimal | None = None,
    reference_label: str = "",
) -> BarChart:
    """Bars from (label, value, css class, link); the reference is marked on each track."""
    marker = _share(reference, scale) if reference is not None else ""
    return BarChart(
        bars=tuple(
            Bar(label, value, _share(value, scale), css, href, marker)
            for label, value, css, href in items
        ),
        unit=unit,
        scale=scale,
        reference=reference,
        reference_label=reference_label,
    )


@dataclass(frozen=True)
class PairedBar:
    """A field of a unit beside its group's average."""

    label: str
    value: Decimal | None
    width: str
    other: Decimal | None
    other_width: str


def paired_bars(
    items: Sequence[tuple[str, Decimal | None, Decimal | None]], scale: Decimal = HUNDRED
) -> tuple[PairedBar, ...]:
    return tuple(
        PairedBar(
            label,
            value,
            _share(value, scale) if value is not None else "0",
            other,
            _share(other, scale) if other is not None else "0",
        )
        for label, value, other in items
    )


# Lines over the years ---------------------------------------------------------------

WIDTH = 640
HEIGHT = 260
LEFT, RIGHT, TOP, BOTTOM = 56, 24, 24, 36
INSET = 40  # keeps the first and last points' labels clear of the axis


@dataclass(frozen=True)
class Point:
    x: str
    y: str
    year: int
    value: Decimal


@dataclass(frozen=True)
class Series:
    name: str
    css: str
    points: tuple[Point, ...]
    label_dy: int = -10  # the first series is labelled above its points, the others below

    @property
    def path(self) -> str:
        return " ".join(f"{p.x},{p.y}" for p in self.points)


@dataclass(frozen=True)
class Tick:
    position: str
    label: Decimal | int


@dataclass(frozen=True)
class LineChart:
    series: tuple[Series, ...]
    years: tuple[Tick, ...]
    values: tuple[Tick, ...]
    width: int = WIDTH
    height: int = HEIGHT
    left: int = LEFT
    right_edge: int = WIDTH - RIGHT
    bottom_edge: int = HEIGHT - BOTTOM
    unit: str = "%"

    @property
    def empty(self) -> bool:
        return not any(s.points for s in self.series)


def line_chart(
    years: Sequence[int],
    series: Sequence[tuple[str, str, Mapping[int, Decimal]]],
    *,
    low: Decimal,
    high: Decimal,
    step: Decimal,
    inverted: bool = False,
    unit: str = "%",
) -> LineChart:
    """Values by year on a fixed scale [low, high]; `inverted` puts low at the top (ranks)."""
    span_x = Decimal(WIDTH - LEFT - RIGHT - 2 * INSET)
    span_y = Decimal(HEIGHT - TOP - BOTTOM)

    def x_of(position: int) -> str:
        if len(years) == 1:
            return f"{LEFT + INSET + span_x / 2:.1f}"
        return f"{LEFT + INSET + span_x * position / (len(years) - 1):.1f}"

    def y_of(value: Decimal) -> str:
        share = (value - low) / (high - low) if high > low else Decimal(0)
        share = min(max(share, Decimal(0)), Decimal(1))
        if inverted:
            share = 1 - share
        return f"{TOP + span_y * (1 - share):.1f}"

    position = {year: n for n, year in enumerate(years)}
    drawn = tuple(
        Series(
            name,
            css,
            tuple(
                Point(x_of(position[year]), y_of(values[year]), year, values[year])
                for year in years
                if year in values
            ),
            -10 if number == 0 else 22,
        )
        for number, (name, css, values) in enumerate(series)
    )
    ticks = []
    value = low
    while value <= high:
        ticks.append(Tick(y_of(value), int(value) if unit != "%" else value))
        value += step
    return LineChart(
        series=drawn,
        years=tuple(Tick(x_of(n), year) for n, year in enumerate(years)),
        values=tuple(ticks),
        unit=unit,
    )
