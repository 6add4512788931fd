"""The report's charts as PNG images: the index of each unit of a group, the fields'
averages, the groups' averages year over year.

Drawn with matplotlib's object API (no pyplot: no global state between jobs) in DejaVu
Sans, which matplotlib ships and which covers Vietnamese. Every label is a figure already
published by the engine, written by the one number format (`percent`); nothing is computed
here but the drawing.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from django.utils import translation

from parindex.org.templatetags.parindex import percent

SANS = "DejaVu Sans"
BAR = "#1f5f99"
AVERAGE = "#c0392b"
SERIES = ("#1f5f99", "#e69f00", "#009e73", "#cc79a7", "#56b4e9", "#d55e00")
DPI = 200


@dataclass(frozen=True)
class Bar:
    label: str
    value: Decimal  # a published percentage


def _png(figure: object) -> bytes:
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", dpi=DPI, bbox_inches="tight")  # type: ignore[attr-defined]
    return buffer.getvalue()


def _shown(value: Decimal) -> str:
    with translation.override("vi"):
        return percent(value)


def bars(
    rows: Sequence[Bar], *, title: str, average: Decimal | None = None, average_label: str = ""
) -> bytes:
    """Horizontal bars, highest at the top, each labelled with its value; the average as a
    dashed line with its own label."""
    from matplotlib.figure import Figure

    height = 1.2 + 0.32 * len(rows)
    figure = Figure(figsize=(7.5, height))
    axes = figure.add_subplot()
    positions = list(range(len(rows)))[::-1]
    values = [float(row.value) for row in rows]
    axes.barh(positions, values, color=BAR, height=0.65)
    axes.set_yticks(positions, [row.label for row in rows], fontsize=8, family=SANS)
    top = max([*values, float(average or 0), 1.0])
    axes.set_xlim(0, min(100.0, top * 1.12) if top <= 100 else top * 1.12)
    for position, row, value in zip(positions, rows, values, strict=True):
        axes.text(value + top * 0.01, position, _shown(row.value), va="center", fontsize=7.5,
                  family=SANS)  # fmt: skip
    if average is not None:  # a dashed line, named in a legend below the bars
        axes.axvline(float(average), color=AVERAGE, linestyle="--", linewidth=1,
                     label=f"{average_label} {_shown(average)}")  # fmt: skip
        axes.legend(loc="upper center", bbox_to_anchor=(0.5, -0.12 - 1.2 / height / 4),
                    frameon=False, prop={"family": SANS, "size": 7.5})  # fmt: skip
    axes.set_title(title, fontsize=10, family=SANS, weight="bold")
    axes.set_xlabel("%", fontsize=8, family=SANS)
    axes.tick_params(axis="x", labelsize=7.5)
    for side in ("top", "right"):
        axes.spines[side].set_visible(False)
    return _png(figure)


@dataclass(frozen=True)
class Series:
    label: str  # a group
    values: Sequence[Decimal | None]  # one per year; None where the group has no results


def years(labels: Sequence[str], series: Sequence[Series], *, title: str) -> bytes:
    """Grouped bars: one cluster per year, one bar per group, each labelled; a group
    missing in a year has no bar there (never a zero)."""
    from matplotlib.figure import Figure

    figure = Figure(figsize=(7.5, 3.6))
    axes = figure.add_subplot()
    count = max(1, len(series))
    width = 0.8 / count
    for number, one in enumerate(series):
        offset = (number - (count - 1) / 2) * width
        for position, value in enumerate(one.values):
            if value is None:
                continue
            axes.bar(position + offset, float(value), width * 0.95,
                     color=SERIES[number % len(SERIES)],
                     label=one.label if position == _first(one.values) else None)  # fmt: skip
            axes.text(position + offset, float(value) + 0.8, _shown(value), ha="center",
                      fontsize=6.5, family=SANS, rotation=90)  # fmt: skip
    axes.set_xticks(range(len(labels)), labels, fontsize=9, family=SANS)
    axes.set_ylim(0, 110)
    axes.set_ylabel("%", fontsize=8, family=SANS)
    axes.set_title(title, fontsize=10, family=SANS, weight="bold")
    axes.legend(fontsize=7, loc="lower center", bbox_to_anchor=(0.5, -0.32), ncol=2,
                prop={"family": SANS, "size": 7})  # fmt: skip
    for side in ("top", "right"):
        axes.spines[side].set_visible(False)
    return _png(figure)


def _first(values: Sequence[Decimal | None]) -> int:
    return next((n for n, value in enumerate(values) if value is not None), -1)
