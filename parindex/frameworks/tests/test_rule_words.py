"""Rules in the words of the province's documents, on the framework page and beside the
inputs: “Dưới 80%: 0 điểm; từ 80% đến dưới 100%: 0,75 điểm; 100%: 1,5 điểm”."""

from __future__ import annotations

from decimal import Decimal as D

import pytest
from django.utils import translation

from parindex.frameworks.rules import CHANGE, tier_words, tiers_words
from parindex.scoring.rules import Tier

PLAN = (
    Tier(D(0), D(80), D(0)),
    Tier(D(80), D(100), D("0.75")),
    Tier(D(100), D(100), D("1.5"), upper_inclusive=True),
)
IMPROVEMENT = (
    Tier(D(-100), D(0), D(0)),
    Tier(D(0), D(2), D("1.25")),
    Tier(D(2), D(100), D("2.5"), upper_inclusive=True),
)


def test_the_plans_tiers_read_as_the_documents_write_them() -> None:
    with translation.override("vi"):
        assert tiers_words(PLAN) == (
            "Dưới 80%: 0 điểm; từ 80% đến dưới 100%: 0,75 điểm; 100%: 1,5 điểm"
        )
    with translation.override("en"):
        assert tiers_words(PLAN) == (
            "Below 80%: 0 points; from 80% to below 100%: 0.75 points; 100%: 1.5 points"
        )


@pytest.mark.parametrize(
    ("tier", "vi", "en"),
    [
        (Tier(D(0), D(80), D(0)), "dưới 80%: 0 điểm", "below 80%: 0 points"),
        (Tier(D(0), D(50), D(0), upper_inclusive=True), "không quá 50%", "at most 50%"),
        (Tier(D(0), D(100), D(1), lower_inclusive=False, upper_inclusive=True), "trên 0%", ""),
        (Tier(D(30), D(100), D("0.5"), upper_inclusive=True), "từ 30% trở lên", "30% or more"),
        (
            Tier(D(90), D(100), D(1), lower_inclusive=False, upper_inclusive=True),
            "trên 90%: 1 điểm",
            "above 90%: 1 point",
        ),
        (Tier(D(80), D(100), D("0.75")), "từ 80% đến dưới 100%", "from 80% to below 100%"),
        (Tier(D(50), D(80), D(1), upper_inclusive=True), "từ 50% đến 80%", "from 50% to 80%"),
        (
            Tier(D(50), D(80), D(1), lower_inclusive=False),
            "trên 50% đến dưới 80%",
            "above 50% to below 80%",
        ),
        (
            Tier(D("97.5"), D(99), D(1), lower_inclusive=False, upper_inclusive=True),
            "trên 97,5% đến 99%",
            "above 97.5% to 99%",
        ),
        (Tier(D(100), D(100), D("1.5"), upper_inclusive=True), "100%: 1,5 điểm", "100%: 1.5"),
        (Tier(D(0), D(0), D(0), upper_inclusive=True), "0%: 0 điểm", "0%: 0 points"),
        (Tier(D(0), D(100), D(1), upper_inclusive=True), "mọi tỷ lệ: 1 điểm", "any rate"),
    ],
)
def test_every_shape_of_a_rates_tier(tier: Tier, vi: str, en: str) -> None:
    with translation.override("vi"):
        assert vi in tier_words(tier)
    with translation.override("en"):
        assert en in tier_words(tier)


def test_the_improvement_tiers_say_down_and_up() -> None:
    with translation.override("vi"):
        assert tiers_words(IMPROVEMENT, CHANGE) == (
            "Giảm: 0 điểm; không thay đổi hoặc tăng dưới 2 điểm phần trăm: 1,25 điểm; "
            "tăng từ 2 điểm phần trăm trở lên: 2,5 điểm"
        )
    with translation.override("en"):
        assert tiers_words(IMPROVEMENT, CHANGE) == (
            "Down: 0 points; no change or up by less than 2 percentage points: 1.25 points; "
            "up by 2 percentage points or more: 2.5 points"
        )


@pytest.mark.parametrize(
    ("tier", "vi", "en"),
    [
        (Tier(D(-100), D(0), D(0)), "giảm:", "down:"),
        (Tier(D(-100), D(0), D(0), upper_inclusive=True), "giảm hoặc không thay đổi:", ""),
        (Tier(D(-100), D(-5), D(0)), "giảm trên 5 điểm phần trăm:", "down by more than 5"),
        (Tier(D(-100), D(-5), D(0), upper_inclusive=True), "giảm từ 5 điểm phần trăm trở lên", ""),
        (Tier(D(-5), D(0), D(0)), "giảm không quá 5 điểm phần trăm", "down by at most 5"),
        (
            Tier(D(-5), D(-1), D(0), upper_inclusive=True, lower_inclusive=False),
            "giảm từ 1 điểm phần trăm đến dưới 5 điểm phần trăm",
            "down by 1 percentage point to less than 5 percentage points",
        ),
        (
            Tier(D(-2), D(0), D(0), lower_inclusive=False, upper_inclusive=True),
            "giảm dưới 2 điểm phần trăm hoặc không thay đổi",
            "down by less than 2 percentage points or no change",
        ),
        (Tier(D(0), D(0), D("0.5"), upper_inclusive=True), "không thay đổi: 0,5 điểm", "no change"),
        (Tier(D(0), D(100), D(1), upper_inclusive=True), "không thay đổi hoặc tăng: 1", ""),
        (Tier(D(0), D(100), D(1), lower_inclusive=False, upper_inclusive=True), "tăng: 1", "up:"),
        (Tier(D(0), D(2), D(1), lower_inclusive=False), "tăng dưới 2 điểm phần trăm", ""),
        (Tier(D(2), D(100), D(1), upper_inclusive=True), "tăng từ 2 điểm phần trăm trở lên", ""),
        (Tier(D(1), D(1), D(1), upper_inclusive=True), "tăng 1 điểm phần trăm", "up by 1"),
        (Tier(D(-3), D(-3), D(0), upper_inclusive=True), "giảm 3 điểm phần trăm", "down by 3"),
        (
            Tier(D(-2), D(2), D(1)),
            "thay đổi từ -2 điểm phần trăm đến dưới 2 điểm phần trăm",
            "a change from -2 percentage points to below 2 percentage points",
        ),
        (Tier(D(-100), D(100), D(1), upper_inclusive=True), "mọi mức thay đổi", "any change"),
    ],
)
def test_every_shape_of_a_change(tier: Tier, vi: str, en: str) -> None:
    with translation.override("vi"):
        assert vi in tier_words(tier, CHANGE)
    with translation.override("en"):
        assert en in tier_words(tier, CHANGE)
