"""Survey statistics against figures computed by hand: Wilson's interval at 0 %, 50 %,
100 % and n = 0, the sample a unit needs, and both SIPAS formulas up to the unit."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from parindex.scoring.surveys import (
    MEAN,
    SHARE,
    Tally,
    below_target,
    question_score,
    sample_size,
    unit_scores,
    wilson,
)

CENT = Decimal("0.01")


def close(value: Decimal | None, expected: str) -> bool:
    return value is not None and abs(value - Decimal(expected)) < CENT


def test_wilson_at_nothing_half_and_everything() -> None:
    # z = 1.96: for 0 of 10 the upper bound is z²/n / (1 + z²/n) = 27.75 %.
    none = wilson(0, 10)
    assert none is not None and none.low == 0 and close(none.high, "27.75")
    every = wilson(10, 10)
    assert every is not None and close(every.low, "72.25") and every.high == 100
    half = wilson(5, 10)
    assert half is not None and close(half.low, "23.66") and close(half.high, "76.34")
    assert wilson(0, 0) is None  # nobody answered: no interval, not [0, 100]


def test_wilson_refuses_more_successes_than_answers() -> None:
    with pytest.raises(ValueError):
        wilson(11, 10)


@given(st.integers(min_value=1, max_value=5000), st.data())
def test_wilson_holds_the_share_and_stays_in_bounds(n: int, data: st.DataObject) -> None:
    k = data.draw(st.integers(min_value=0, max_value=n))
    interval = wilson(k, n)
    assert interval is not None
    share = Decimal(k) * 100 / n
    assert 0 <= interval.low <= share <= interval.high <= 100


def test_sample_size_by_yamane() -> None:
    # n = N / (1 + N·e²), e = 5 %: 1,000 transactions need 286 (285.71 rounded up).
    assert sample_size(1000) == 286
    assert sample_size(100) == 80
    assert sample_size(0) == 0
    assert sample_size(1_000_000) == 400  # 399.84: a large unit needs about 400
    assert sample_size(1000, Decimal("0.1")) == 91
    with pytest.raises(ValueError):
        sample_size(-1)
    with pytest.raises(ValueError):
        sample_size(10, Decimal(0))
    assert below_target(10, 12) and not below_target(12, 12) and not below_target(3, None)


def test_the_share_formula_counts_answers_four_and_five() -> None:
    tally = Tally("q1", "access", {1: 1, 2: 1, 3: 2, 4: 4, 5: 2, 9: 7})  # 9: not on the scale
    score = question_score(tally, SHARE)
    assert score.n == 10 and score.pct == Decimal(60)
    assert score.interval is not None and close(score.interval.low, "31.27")


def test_the_mean_formula_rescales_one_to_five() -> None:
    # (1·1 + 2·1 + 3·2 + 4·4 + 5·2) / 10 = 3.5, rescaled: (3.5 − 1) / 4 = 62.5 %.
    tally = Tally("q1", "access", {1: 1, 2: 1, 3: 2, 4: 4, 5: 2})
    assert question_score(tally, MEAN).pct == Decimal("62.5")


def test_choices_worth_a_percentage_count_their_worth_under_both_formulas() -> None:
    worth = {1: Decimal(100), 2: Decimal(60), 3: Decimal(20), 4: Decimal(0)}
    tally = Tally("q7", "results", {1: 2, 2: 1, 3: 1, 4: 0}, worth)  # A, A, B, C
    assert question_score(tally, SHARE).pct == Decimal(70)  # (200 + 60 + 20) / 4
    assert question_score(tally, MEAN).pct == Decimal(70)


def test_a_unit_is_the_mean_of_its_indicators_each_the_mean_of_its_questions() -> None:
    tallies = [
        Tally("a1", "access", {5: 10}),  # 100 %
        Tally("a2", "access", {4: 5, 2: 5}),  # 50 %
        Tally("p1", "procedure", {3: 4}),  # 0 % satisfied; 50 % by the mean
        Tally("r1", "results", {}),  # nobody answered: no figure, not 0 %
    ]
    share = unit_scores(tallies, SHARE)
    assert share.indicators["access"].pct == Decimal(75)
    assert share.indicators["procedure"].pct == Decimal(0)
    assert share.indicators["results"].pct is None
    assert share.overall.pct == Decimal("37.5")  # (75 + 0) / 2: the unknown left out
    assert share.overall.n == 10
    mean = unit_scores(tallies, MEAN)
    # access: (100 + (0.75·5 + 0.25·5)/10·100 = 50) / 2 = 75; procedure: 50
    assert mean.indicators["access"].pct == Decimal(75)
    assert mean.indicators["procedure"].pct == Decimal(50)
    assert mean.overall.pct == Decimal("62.5")
    with pytest.raises(ValueError):
        unit_scores(tallies, "median")
