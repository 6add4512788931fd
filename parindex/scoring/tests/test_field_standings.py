"""Across the groups of a cycle: each group's band counts, the fields' averages ranked."""

from __future__ import annotations

from decimal import Decimal as D

from parindex.scoring.engine import (
    Band,
    NodeResult,
    UnitResult,
    compute_cycle,
    field_standings,
    reported_result,
)


def unit(code: str, group: str, fields: dict[str, tuple[str, str]], total: str) -> UnitResult:
    """A unit whose fields have (points, max) and whose index is `total` of 100."""
    nodes = {
        field: NodeResult(field, D(points), D(maximum), D(0), False)
        for field, (points, maximum) in fields.items()
    }
    return UnitResult(
        unit=code,
        group=group,
        nodes=nodes,
        fields=tuple(fields),
        self_assessed=D(total),
        survey_staff=D(0),
        survey_sipas=D(0),
        max_points=D(100),
        provisional=False,
    )


def test_each_group_counts_its_units_by_band_on_its_own_bands() -> None:
    own = (Band(1, D(85)), Band(2, D(0)))  # a group with two bands of its own
    cycle = compute_cycle(
        [
            unit("a", "so", {}, "91"),
            unit("b", "so", {}, "84"),
            unit("c", "so", {}, "70"),
            unit("d", "huyen", {}, "86"),
            unit("e", "huyen", {}, "84"),
        ],
        group_bands={"huyen": own},
    )
    assert cycle.groups["so"].bands == {1: 1, 2: 1, 3: 1, 4: 0, 5: 0}
    assert cycle.groups["huyen"].bands == {1: 1, 2: 1}
    assert cycle.bands == {1: 2, 2: 2, 3: 1, 4: 0, 5: 0}


def test_fields_are_averaged_over_every_unit_assessed_in_them_and_ranked() -> None:
    cycle = compute_cycle(
        [
            unit("a", "so", {"1": ("3", "4"), "2": ("1", "2"), "8": ("30", "40")}, "80"),
            unit("b", "so", {"1": ("2", "4"), "2": ("2", "2"), "8": ("20", "40")}, "70"),
            # A group not assessed in field 2: it neither counts nor lowers it.
            unit("c", "tw", {"1": ("1", "3"), "8": ("35", "40")}, "75"),
        ]
    )
    standings = field_standings(cycle)
    # 1: (75 + 50 + 33.33) / 3 = 52.78; 2: (50 + 100) / 2 = 75; 8: (75 + 50 + 87.5) / 3
    assert [(s.code, s.average_pct, s.units, s.rank) for s in standings.fields] == [
        ("2", D("75.00"), 2, 1),
        ("8", D("70.83"), 3, 2),
        ("1", D("52.78"), 3, 3),
    ]
    assert standings.extremes is not None
    assert standings.extremes.gap_pct == D("22.22")


def test_equal_averages_share_a_rank_and_tables_without_fields_give_none() -> None:
    cycle = compute_cycle(
        [unit("a", "so", {"1": ("1", "2"), "2": ("2", "4"), "3": ("1", "4")}, "80")]
    )
    assert [(s.code, s.rank) for s in field_standings(cycle).fields] == [
        ("1", 1),
        ("2", 1),
        ("3", 3),
    ]
    imported = reported_result(
        unit="a",
        group="huyen",
        max_points=D(94),
        self_assessed=D("51.34"),
        survey_staff=D("13.13"),
        survey_sipas=D("14.34"),
        fields={"1": D("11.29")},
    )
    empty = field_standings(compute_cycle([imported]))
    assert empty.fields == () and empty.extremes is None
