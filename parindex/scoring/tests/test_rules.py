"""Each rule type scores correctly at its boundaries."""

from __future__ import annotations

import itertools
from decimal import Decimal as D

import pytest
from hypothesis import given
from hypothesis import strategies as st

from parindex.scoring.numbers import publish, to_decimal
from parindex.scoring.rules import (
    BonusRule,
    DeductionRule,
    HistoryRule,
    InputError,
    Inputs,
    Level,
    LevelsRule,
    ManualRule,
    PenaltyRule,
    ProportionalRule,
    RatioTiersRule,
    RuleParseError,
    SurveyRule,
    Tier,
    YesNoRule,
    check_tiers,
    parse_rule,
)

ON_TIME = RatioTiersRule(
    numerator="Số hồ sơ đúng hạn",
    denominator="Tổng số hồ sơ",
    tiers=(
        Tier(D(0), D(90), D(0)),
        Tier(D(90), D(100), D("0.5")),
        Tier(D(100), D(100), D(1), upper_inclusive=True),
    ),
)
IMPROVED = HistoryRule(
    tiers=(
        Tier(D(-100), D(0), D(0)),
        Tier(D(0), D(0), D("0.5"), upper_inclusive=True),
        Tier(D(0), D(100), D(1), lower_inclusive=False, upper_inclusive=True),
    )
)


def test_manual_accepts_steps_and_max_and_refuses_the_rest() -> None:
    rule = ManualRule(step=D("0.25"))
    assert rule.score(D(1), Inputs(score=D(0))) == D(0)
    assert rule.score(D(1), Inputs(score=D("0.75"))) == D("0.75")
    assert rule.score(D("1.1"), Inputs(score=D("1.1"))) == D("1.1")  # max off the step
    assert rule.score(D(1), Inputs()) is None
    with pytest.raises(InputError, match="score_not_on_step"):
        rule.score(D(1), Inputs(score=D("0.3")))
    with pytest.raises(InputError, match="score_out_of_range"):
        rule.score(D(1), Inputs(score=D("1.25")))
    with pytest.raises(InputError, match="score_out_of_range"):
        rule.score(D(1), Inputs(score=D("-0.25")))


def test_yes_no_gives_max_or_zero() -> None:
    rule = YesNoRule()
    assert rule.score(D("0.5"), Inputs(yes=True)) == D("0.5")
    assert rule.score(D("0.5"), Inputs(yes=False)) == D(0)
    assert rule.score(D("0.5"), Inputs()) is None


def test_levels_give_the_chosen_level() -> None:
    rule = LevelsRule(
        levels=(Level("4/4 quý", D(1)), Level("1–3 quý", D("0.5")), Level("Không", D(0)))
    )
    assert rule.check(D(1)) == []
    assert rule.score(D(1), Inputs(level="1–3 quý")) == D("0.5")
    assert rule.score(D(1), Inputs(level="Không")) == D(0)
    with pytest.raises(InputError, match="unknown_level"):
        rule.score(D(1), Inputs(level="2 quý"))


@pytest.mark.parametrize(
    ("numerator", "denominator", "points"),
    [
        (0, 10, D(0)),
        (899, 1000, D(0)),  # 89.9 %
        (9, 10, D("0.5")),  # exactly 90 %: the 90 – <100 tier is inclusive below
        (999, 1000, D("0.5")),  # 99.9 %
        (10, 10, D(1)),  # exactly 100 %
        (0, 0, D(1)),  # nothing to resolve: if_no_denominator = max
    ],
)
def test_ratio_tiers_at_their_boundaries(numerator: int, denominator: int, points: D) -> None:
    inputs = Inputs(numerator=D(numerator), denominator=D(denominator))
    assert ON_TIME.score(D(1), inputs) == points


def test_ratio_refuses_impossible_counts() -> None:
    with pytest.raises(InputError, match="numerator_exceeds_denominator"):
        ON_TIME.score(D(1), Inputs(numerator=D(11), denominator=D(10)))
    with pytest.raises(InputError, match="negative_count"):
        ON_TIME.score(D(1), Inputs(numerator=D(-1), denominator=D(10)))
    assert ON_TIME.score(D(1), Inputs(numerator=D(1))) is None


def test_ratio_with_nothing_counted_can_be_worth_zero() -> None:
    rule = RatioTiersRule(
        numerator="a", denominator="b", tiers=ON_TIME.tiers, if_no_denominator="zero"
    )
    assert rule.score(D(1), Inputs(numerator=D(0), denominator=D(0))) == D(0)


def test_exclusive_lower_bound_belongs_to_the_tier_below() -> None:
    tiers = (
        Tier(D(0), D(50), D(0), upper_inclusive=True),
        Tier(D(50), D(100), D(2), lower_inclusive=False, upper_inclusive=True),
    )
    rule = RatioTiersRule(numerator="a", denominator="b", tiers=tiers)
    assert rule.check(D(2)) == []
    assert rule.score(D(2), Inputs(numerator=D(1), denominator=D(2))) == D(0)
    assert rule.score(D(2), Inputs(numerator=D(501), denominator=D(1000))) == D(2)


ON_TIME_SHARE = ProportionalRule(numerator="Số hồ sơ đúng hạn", denominator="Tổng số hồ sơ")


def test_proportional_gives_the_maximum_times_the_rate() -> None:
    # The districts' 2023 figures: 99 % of the dossiers on time of a criterion worth 1.
    assert ON_TIME_SHARE.check(D(1)) == []
    assert ON_TIME_SHARE.score(D(1), Inputs(numerator=D(990), denominator=D(1000))) == D("0.99")
    assert ON_TIME_SHARE.score(D("0.75"), Inputs(numerator=D(18), denominator=D(25))) == D("0.54")
    assert ON_TIME_SHARE.score(D(1), Inputs(numerator=D(7), denominator=D(7))) == D(1)
    assert ON_TIME_SHARE.score(D(1), Inputs(numerator=D(0), denominator=D(7))) == D(0)
    # Awarded points have two decimals, as published: 0,75 × 379/383 = 0,7421… → 0,74.
    assert ON_TIME_SHARE.score(D("0.75"), Inputs(numerator=D(379), denominator=D(383))) == D("0.74")
    assert ON_TIME_SHARE.score(D(1), Inputs()) is None
    assert ON_TIME_SHARE.score(D(1), Inputs(numerator=D(0), denominator=D(0))) == D(1)
    strict = ProportionalRule(numerator="a", denominator="b", if_no_denominator="zero")
    assert strict.score(D(1), Inputs(numerator=D(0), denominator=D(0))) == D(0)


def test_proportional_refuses_what_a_ratio_refuses() -> None:
    with pytest.raises(InputError, match="numerator_exceeds_denominator"):
        ON_TIME_SHARE.score(D(1), Inputs(numerator=D(12), denominator=D(10)))
    with pytest.raises(InputError, match="negative_count"):
        ON_TIME_SHARE.score(D(1), Inputs(numerator=D(-1), denominator=D(10)))


def test_proportional_rounds_down_to_its_step_but_keeps_the_maximum() -> None:
    rule = ProportionalRule(numerator="a", denominator="b", step=D("0.25"))
    assert rule.score(D("1.5"), Inputs(numerator=D(45), denominator=D(60))) == D("1.00")
    assert rule.score(D("0.5"), Inputs(numerator=D(99), denominator=D(100))) == D("0.25")
    assert rule.score(D("0.5"), Inputs(numerator=D(49), denominator=D(100))) == D(0)
    # A maximum off the step is still reached at 100 %.
    assert rule.score(D("0.6"), Inputs(numerator=D(5), denominator=D(5))) == D("0.6")


def test_proportional_checks_its_parameters() -> None:
    def codes(rule: ProportionalRule, max_points: D = D(1)) -> set[tuple[str, object]]:
        return {(issue.code, issue.params.get("name")) for issue in rule.check(max_points)}

    assert codes(ProportionalRule(numerator="a", denominator="")) == {
        ("missing_parameter", "denominator")
    }
    assert codes(ProportionalRule(numerator="a", denominator="b", step=D("0.125"))) == {
        ("bad_parameter", "step")
    }
    assert codes(ProportionalRule(numerator="a", denominator="b", step=D(2))) == {
        ("bad_parameter", "step")
    }
    assert codes(ProportionalRule(numerator="a", denominator="b", if_no_denominator="half")) == {
        ("bad_parameter", "if_no_denominator")
    }
    assert codes(ON_TIME_SHARE, D(0)) == {("leaf_without_points", None)}


@given(
    st.decimals(min_value=D("0.25"), max_value=20, places=2),
    st.integers(min_value=0, max_value=10_000),
    st.integers(min_value=1, max_value=10_000),
    st.sampled_from([None, D("0.25"), D("0.5")]),
)
def test_proportional_points_stay_within_zero_and_max_and_grow_with_the_rate(
    max_points: D, a: int, b: int, step: D | None
) -> None:
    numerator, denominator = min(a, b), max(a, b)
    rule = ProportionalRule(numerator="a", denominator="b", step=step)
    points = rule.score(max_points, Inputs(numerator=D(numerator), denominator=D(denominator)))
    more = rule.score(
        max_points, Inputs(numerator=D(min(numerator + 1, denominator)), denominator=D(denominator))
    )
    assert points is not None and more is not None
    assert D(0) <= points <= more <= max_points


def test_deduction_per_occurrence_never_below_zero() -> None:
    rule = DeductionRule(per_occurrence=D("0.25"), occurrence_label="báo cáo trễ hạn")
    assert rule.score(D(1), Inputs(occurrences=0)) == D(1)
    assert rule.score(D(1), Inputs(occurrences=3)) == D("0.25")
    assert rule.score(D(1), Inputs(occurrences=4)) == D(0)
    assert rule.score(D(1), Inputs(occurrences=40)) == D(0)
    with pytest.raises(InputError):
        rule.score(D(1), Inputs(occurrences=-1))


def test_survey_share_is_unrounded_and_published_half_up() -> None:
    rule = SurveyRule(source="sipas", mode="share")
    points = rule.score(D(15), Inputs(survey_pct=D("92.88")))
    assert points == D("13.932")
    assert publish(points) == D("13.93")
    assert rule.score(D(15), Inputs(survey_pct=D(100))) == D(15)
    assert rule.score(D(15), Inputs(survey_pct=D(0))) == D(0)
    with pytest.raises(InputError):
        rule.score(D(15), Inputs(survey_pct=D("100.01")))


def test_survey_in_tiers() -> None:
    rule = SurveyRule(
        source="staff",
        mode="tiers",
        tiers=(Tier(D(0), D(80), D(0)), Tier(D(80), D(100), D(2), upper_inclusive=True)),
    )
    assert rule.check(D(2)) == []
    assert rule.score(D(2), Inputs(survey_pct=D("79.99"))) == D(0)
    assert rule.score(D(2), Inputs(survey_pct=D(80))) == D(2)


def test_history_compares_the_two_previous_years() -> None:
    assert IMPROVED.check(D(1)) == []
    # Sở Tài chính 2019: its 2018 index (77,87 %) was below 2017's (78,08 %) -> 0.
    assert IMPROVED.score(
        D(1), Inputs(index_previous=D("77.87"), index_before_previous=D("78.08"))
    ) == D(0)
    assert IMPROVED.score(D(1), Inputs(index_previous=D(80), index_before_previous=D(80))) == D(
        "0.5"
    )
    assert IMPROVED.score(
        D(1), Inputs(index_previous=D("80.01"), index_before_previous=D(80))
    ) == D(1)
    assert IMPROVED.score(D(1), Inputs(index_previous=D(80))) == D(1)  # new unit: max
    strict = HistoryRule(tiers=IMPROVED.tiers, if_no_history="zero")
    assert strict.score(D(1), Inputs()) == D(0)


def test_bonus_and_penalty_are_capped() -> None:
    bonus, penalty = BonusRule(cap=D(1)), PenaltyRule(cap=D(2))
    assert bonus.check(D(0)) == [] and penalty.check(D(0)) == []
    assert bonus.score(D(0), Inputs(items=(D("0.5"),))) == D("0.5")
    assert bonus.score(D(0), Inputs(items=(D("0.5"), D("0.75")))) == D(1)
    assert penalty.score(D(0), Inputs(items=(D(1), D("1.5")))) == D(-2)
    assert penalty.score(D(0), Inputs()) == D(0)
    with pytest.raises(InputError):
        bonus.score(D(0), Inputs(items=(D(0),)))
    assert [issue.code for issue in bonus.check(D(1))] == ["adjustment_has_max"]


def test_bonus_says_how_much_of_what_was_entered_counts() -> None:
    bonus = BonusRule(cap=D(1))
    under = bonus.tally(Inputs(items=(D("0.5"), D("0.25"))))
    assert (under.entered, under.counted, under.capped) == (D("0.75"), D("0.75"), False)
    at = bonus.tally(Inputs(items=(D("0.5"), D("0.5"))))
    assert (at.entered, at.counted, at.capped) == (D(1), D(1), False)
    over = bonus.tally(Inputs(items=(D("0.5"), D("0.5"), D("0.25")), item_labels=("a", "b", "c")))
    assert (over.entered, over.counted, over.capped) == (D("1.25"), D(1), True)
    assert bonus.score(D(0), Inputs(items=(D("0.5"), D("0.5"), D("0.25")))) == over.counted
    assert PenaltyRule(cap=D(2)).score(D(0), Inputs(items=(D("1.5"), D(1)))) == D(-2)
    # What each item is never changes its points.
    labelled = Inputs(items=(D("0.5"),), item_labels=("Sáng kiến",))
    assert bonus.score(D(0), labelled) == bonus.score(D(0), Inputs(items=(D("0.5"),)))


def test_parse_rule_round_trips_every_type() -> None:
    for rule in (
        ManualRule(),
        YesNoRule(),
        ON_TIME,
        ON_TIME_SHARE,
        ProportionalRule(numerator="a", denominator="b", step=D("0.25"), if_no_denominator="zero"),
        IMPROVED,
        DeductionRule(D("0.5"), "lần"),
        SurveyRule("staff", "share"),
        BonusRule(cap=D(1)),
        PenaltyRule(cap=D(2)),
        LevelsRule(levels=(Level("a", D(1)), Level("b", D(0)))),
    ):
        assert parse_rule(rule.params()) == rule


def test_parse_rule_names_what_is_wrong() -> None:
    with pytest.raises(RuleParseError) as error:
        parse_rule({"type": "ratio_tiers", "numerator": "x", "tier": []})
    codes = {(issue.code, issue.params.get("name")) for issue in error.value.issues}
    assert ("unknown_parameter", "tier") in codes
    assert ("missing_parameter", "tiers") in codes
    assert ("missing_parameter", "denominator") in codes
    with pytest.raises(RuleParseError, match="unknown_rule_type"):
        parse_rule({"type": "guess"})


def test_to_decimal_reads_vietnamese_commas_and_refuses_garbage() -> None:
    assert to_decimal("83,84") == D("83.84")
    assert to_decimal(0.1) == D("0.1")
    for bad in ("abc", "nan", "inf", True, None, ""):
        with pytest.raises(ValueError):
            to_decimal(bad)


def test_publish_rounds_half_up_at_the_third_decimal() -> None:
    assert publish(D("83.845")) == D("83.85")
    assert publish(D("83.8449999")) == D("83.84")
    assert publish(D("0.005")) == D("0.01")
    assert publish(D("-0.005")) == D("-0.01")


# Property-based: any well-formed set of tiers partitions its range. ---------------------

cut_points = st.lists(
    st.decimals(min_value=1, max_value=99, places=2), min_size=0, max_size=6, unique=True
).map(sorted)


@st.composite
def tier_sets(draw: st.DrawFn) -> tuple[Tier, ...]:
    cuts = [D(0), *draw(cut_points), D(100)]
    max_points = D(4)
    tiers = []
    for index, (low, high) in enumerate(itertools.pairwise(cuts)):
        last = index == len(cuts) - 2
        # At each cut the bound goes to one side or the other, never both.
        lower_inclusive = index == 0 or not tiers[-1].upper_inclusive
        upper_inclusive = last or draw(st.booleans())
        points = max_points if last else draw(st.sampled_from([D(0), D(1), D("2.5"), D(4)]))
        tiers.append(Tier(low, high, points, lower_inclusive, upper_inclusive))
    return tuple(tiers)


@given(tier_sets(), st.decimals(min_value=0, max_value=100, places=3))
def test_every_percentage_falls_in_exactly_one_tier(tiers: tuple[Tier, ...], value: D) -> None:
    assert check_tiers(tiers, D(4), D(0), D(100)) == []
    assert sum(1 for tier in tiers if tier.contains(value)) == 1


@given(tier_sets(), st.integers(min_value=0, max_value=10_000), st.integers(0, 10_000))
def test_ratio_points_stay_within_zero_and_max(tiers: tuple[Tier, ...], a: int, b: int) -> None:
    numerator, denominator = min(a, b), max(a, b)
    rule = RatioTiersRule(numerator="a", denominator="b", tiers=tiers)
    points = rule.score(D(4), Inputs(numerator=D(numerator), denominator=D(denominator)))
    assert points is not None and D(0) <= points <= D(4)


@given(tier_sets(), st.integers(min_value=0, max_value=len("ab")))
def test_removing_a_tier_leaves_a_gap(tiers: tuple[Tier, ...], which: int) -> None:
    if len(tiers) < 2:
        return
    broken = tiers[: which % len(tiers)] + tiers[which % len(tiers) + 1 :]
    codes = {issue.code for issue in check_tiers(broken, D(4), D(0), D(100))}
    assert codes & {"tier_gap", "best_not_max"}


@given(
    st.decimals(min_value=D("0.25"), max_value=50, places=2),
    st.decimals(min_value=D("0.25"), max_value=5, places=2),
    st.integers(min_value=0, max_value=1000),
)
def test_deduction_is_monotone_and_floored(max_points: D, per: D, occurrences: int) -> None:
    rule = DeductionRule(per_occurrence=per)
    points = rule.score(max_points, Inputs(occurrences=occurrences))
    more = rule.score(max_points, Inputs(occurrences=occurrences + 1))
    assert points is not None and more is not None
    assert D(0) <= more <= points <= max_points


@given(st.decimals(min_value=0, max_value=100, places=2))
def test_survey_share_stays_within_zero_and_max(pct: D) -> None:
    points = SurveyRule().score(D(15), Inputs(survey_pct=pct))
    assert points is not None and D(0) <= points <= D(15)
