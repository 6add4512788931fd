"""Survey statistics: from counts of answers to an indicator's percentage, its interval,
and the sample a unit needs.

Aggregation happens in the database: what reaches this module is, per question, how many
answers gave each value (a `Tally`), never the answers themselves. Two SIPAS formulas are
in use, chosen per campaign (shared/docs/domain.md, "SIPAS"):

- `share`: the share of answers 4 or 5 on the 5-point scale, per question;
- `mean`: the mean answer, rescaled from 1–5 to 0–100 %.

A question answered by choices worth a percentage each (A/B/C/D = 100/60/20/0 %) counts
the mean of their worth under both formulas. A question's percentage is averaged per
indicator (a SIPAS factor, or the criterion a staff-survey question measures), and the
indicators' percentages over the unit.

Every figure is a Decimal, unrounded; intervals are Wilson's score intervals at 95 %.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import ROUND_CEILING, Decimal, localcontext

from .numbers import HUNDRED, ZERO

SHARE = "share"
MEAN = "mean"
METHODS = (SHARE, MEAN)
SCALE = range(1, 6)  # the 5-point satisfaction scale: 1 very dissatisfied … 5 very satisfied
SATISFIED = 4  # 4 and 5 count as satisfied
Z_95 = Decimal("1.959963984540054")  # the normal quantile of a two-sided 95 % interval
DEFAULT_MARGIN = Decimal("0.05")  # e in n = N / (1 + N·e²)


@dataclass(frozen=True)
class Interval:
    """A 95 % interval around a percentage, in percent."""

    low: Decimal
    high: Decimal


def wilson(successes: Decimal | int, n: int, z: Decimal = Z_95) -> Interval | None:
    """Wilson's score interval of a proportion of `successes` in `n`, in percent; None for
    n = 0 (nothing is known). `successes` may be fractional (a mean read as a share)."""
    if n <= 0:
        return None
    k = Decimal(successes)
    if not ZERO <= k <= n:
        raise ValueError(f"{k} successes out of {n}")
    with localcontext() as context:
        context.prec = 28
        p = k / n
        z2 = z * z
        denominator = 1 + z2 / n
        centre = (p + z2 / (2 * n)) / denominator
        spread = z * ((p * (1 - p) / n + z2 / (4 * n * n)).sqrt()) / denominator
        # At 0 and at n the bounds are 0 and 1 exactly; the arithmetic leaves 1e-26.
        low = ZERO if k == 0 else min(p, max(ZERO, centre - spread))
        high = Decimal(1) if k == n else max(p, min(Decimal(1), centre + spread))
        return Interval(low * HUNDRED, high * HUNDRED)


def sample_size(population: int, margin: Decimal = DEFAULT_MARGIN) -> int:
    """The respondents a unit needs: n = N / (1 + N·e²), rounded up (Yamane), for N
    transactions in the period and a margin of error e (0.05 = 5 %)."""
    if population < 0:
        raise ValueError("a negative number of transactions")
    if not ZERO < margin < 1:
        raise ValueError("the margin is a proportion between 0 and 1")
    if population == 0:
        return 0
    n = Decimal(population) / (1 + population * margin * margin)
    return int(n.to_integral_value(rounding=ROUND_CEILING))


@dataclass(frozen=True)
class Tally:
    """How many answers to one question gave each value; `worth` is set for a question
    answered by choices each worth a percentage (value -> percent), else the 5-point
    scale applies."""

    question: str
    indicator: str
    counts: Mapping[int, int]
    worth: Mapping[int, Decimal] | None = None

    @property
    def n(self) -> int:
        return sum(count for value, count in self.counts.items() if self._counted(value))

    def _counted(self, value: int) -> bool:
        return value in self.worth if self.worth is not None else value in SCALE

    def satisfied(self, method: str) -> Decimal:
        """The answers that count as satisfied (fractional when a mean stands for them)."""
        if self.worth is not None:
            return sum(
                (Decimal(count) * self.worth[value] / HUNDRED for value, count in self._valid()),
                ZERO,
            )
        if method == SHARE:
            return Decimal(sum(count for value, count in self._valid() if value >= SATISFIED))
        if method == MEAN:
            return sum(
                (Decimal(count) * (value - 1) / 4 for value, count in self._valid()),
                ZERO,
            )
        raise ValueError(f"unknown method {method!r}")

    def _valid(self) -> Iterable[tuple[int, int]]:
        return ((value, count) for value, count in self.counts.items() if self._counted(value))


@dataclass(frozen=True)
class Score:
    """A percentage of satisfaction with the answers behind it and its interval; `pct` is
    None when nobody answered."""

    pct: Decimal | None
    n: int
    interval: Interval | None

    @property
    def known(self) -> bool:
        return self.pct is not None


NOTHING = Score(None, 0, None)


def question_score(tally: Tally, method: str) -> Score:
    n = tally.n
    if n == 0:
        return NOTHING
    satisfied = tally.satisfied(method)
    return Score(satisfied * HUNDRED / n, n, wilson(satisfied, n))


def _mean_of(scores: Sequence[Score]) -> Score:
    """The mean of known percentages; n is the most answers any of them had (people who
    answered the part), and the interval Wilson's for that mean read as a share of n."""
    known = [s for s in scores if s.pct is not None]
    if not known:
        return NOTHING
    pct = sum((s.pct for s in known if s.pct is not None), ZERO) / len(known)
    n = max(s.n for s in known)
    return Score(pct, n, wilson(pct * n / HUNDRED, n))


@dataclass(frozen=True)
class UnitScores:
    """One unit's survey figures: per question, per indicator, and overall."""

    questions: Mapping[str, Score]
    indicators: Mapping[str, Score]
    overall: Score


def unit_scores(tallies: Iterable[Tally], method: str) -> UnitScores:
    """Questions, then their indicators (the mean of their questions), then the unit (the
    mean of its indicators), by the campaign's formula."""
    if method not in METHODS:
        raise ValueError(f"unknown method {method!r}")
    questions: dict[str, Score] = {}
    by_indicator: dict[str, list[Score]] = {}
    for tally in tallies:
        score = question_score(tally, method)
        questions[tally.question] = score
        by_indicator.setdefault(tally.indicator, []).append(score)
    indicators = {code: _mean_of(scores) for code, scores in by_indicator.items()}
    return UnitScores(questions, indicators, _mean_of(list(indicators.values())))


def below_target(respondents: int, target: int | None) -> bool:
    """A unit surveyed short of its target sample (no target: never short)."""
    return target is not None and respondents < target
