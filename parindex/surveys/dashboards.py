"""Reading a campaign for its pages: the list, the dashboard (progress against target
per unit and partner, response rates, flags, responses per day), a partner's progress,
and a unit's aggregated results. Each reads in a fixed number of queries, whatever the
number of units; none returns an individual staff response.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db.models import Count, IntegerField, OuterRef, Q, QuerySet, Subquery, Sum, Value
from django.db.models.functions import Coalesce

from parindex.org.models import Partner, Role, Unit, User

from .models import (
    Aggregate,
    Campaign,
    CampaignUnit,
    CollectorAssignment,
    Indicator,
    Question,
    Respondent,
    RespondentGroup,
    Response,
    Source,
    UnitSurveyResult,
)

HUNDRED = Decimal(100)


def _share(value: Decimal | int, scale: Decimal | int) -> str:
    """A length in percent of a track, as SVG reads it (a dot, never a comma)."""
    if not scale or scale <= 0:
        return "0"
    share = min(max(Decimal(value) / Decimal(scale) * HUNDRED, Decimal(0)), HUNDRED)
    return f"{share:.2f}"


def _count(queryset: QuerySet[Any], by: str) -> Coalesce:
    """A correlated count of `queryset`'s rows whose `by` is the outer row."""
    return Coalesce(
        Subquery(
            queryset.filter(**{by: OuterRef("pk")})
            .order_by()
            .values(by)
            .annotate(n=Count("pk"))
            .values("n"),
            output_field=IntegerField(),
        ),
        Value(0),
    )


# The list ------------------------------------------------------------------------------


def campaign_list() -> QuerySet[Campaign]:
    """Every campaign, newest year first, with its units, its counted responses and its
    flagged responses waiting for a decision: one query."""
    return Campaign.objects.annotate(
        unit_count=_count(CampaignUnit.objects.all(), "campaign"),
        counted_count=_count(Response.objects.counted(), "campaign"),
        waiting_count=_count(Response.objects.flagged(), "campaign"),
    ).order_by("-year", "source", "code")


# The dashboard -------------------------------------------------------------------------


@dataclass(frozen=True)
class UnitRow:
    """A unit's progress: responses counted against its target sample."""

    entry: CampaignUnit
    counted: int
    waiting: int
    target: int | None
    invited: int = 0
    answered: int = 0

    @property
    def unit(self) -> Unit:
        return self.entry.unit

    @property
    def short(self) -> bool:
        return self.target is not None and self.counted < self.target

    @property
    def width(self) -> str:
        """The bar: responses counted as a share of the target (full once reached)."""
        if self.target is None:
            return "0"
        if self.target == 0:
            return "100.00"
        return _share(self.counted, self.target)

    @property
    def rate(self) -> Decimal | None:
        return Decimal(self.answered) * HUNDRED / self.invited if self.invited else None


@dataclass(frozen=True)
class RateRow:
    """Staff who answered of those invited, for a unit and a group (or a whole group):
    counts of invitations, never of answers' content."""

    group: RespondentGroup
    listed: int
    invited: int
    answered: int
    unit: Unit | None = None

    @property
    def rate(self) -> Decimal | None:
        return Decimal(self.answered) * HUNDRED / self.invited if self.invited else None

    @property
    def width(self) -> str:
        return _share(self.answered, self.invited) if self.invited else "0"


@dataclass(frozen=True)
class PartnerRow:
    partner: Partner
    collectors: int
    recorded: int  # responses its collectors recorded, counted or not


@dataclass(frozen=True)
class DayBar:
    day: datetime.date
    n: int
    x: str
    y: str
    height: str


@dataclass(frozen=True)
class DayChart:
    """Responses per day as SVG bars, on a 600 × 160 box with room for the axis."""

    bars: tuple[DayBar, ...]
    most: int
    bar_width: str
    first: datetime.date | None
    last: datetime.date | None

    width = 600
    height = 160
    bottom = 140  # the baseline; the labels below it


def day_chart(
    counts: dict[datetime.date, int], first: datetime.date, last: datetime.date
) -> DayChart:
    """Every day from the first to the last, a bar each (none on a day without any)."""
    if last < first:
        return DayChart((), 0, "0", None, None)
    days = (last - first).days + 1
    most = max(counts.values(), default=0)
    step = Decimal(DayChart.width) / days
    bars = []
    for offset in range(days):
        when = first + datetime.timedelta(days=offset)
        n = counts.get(when, 0)
        height = Decimal(n) / most * 130 if most else Decimal(0)
        bars.append(
            DayBar(
                when,
                n,
                f"{step * offset:.2f}",
                f"{Decimal(DayChart.bottom) - height:.2f}",
                f"{height:.2f}",
            )
        )
    return DayChart(
        tuple(bars), most, f"{max(step * Decimal('0.8'), Decimal('0.5')):.2f}", first, last
    )


@dataclass
class Dashboard:
    campaign: Campaign
    rows: list[UnitRow]
    counted: int
    waiting: int
    decided: int
    received: int  # every response, counted or not
    target: int  # the units' targets added up (those known)
    unknown_targets: int
    partners: list[PartnerRow]
    chart: DayChart
    groups: list[RateRow] = field(default_factory=list)
    unit_groups: list[RateRow] = field(default_factory=list)
    in_figures: int | None = None  # responses the last aggregation counted

    @property
    def short(self) -> int:
        return sum(1 for row in self.rows if row.short)

    @property
    def not_in_figures(self) -> int:
        """Counted responses the figures do not hold yet (new, or decided since)."""
        if self.in_figures is None:
            return self.counted
        return max(0, self.counted - self.in_figures)

    @property
    def width(self) -> str:
        return _share(self.counted, self.target) if self.target else "0"

    @property
    def invited(self) -> int:
        return sum(row.invited for row in self.groups)

    @property
    def answered(self) -> int:
        return sum(row.answered for row in self.groups)

    @property
    def rate(self) -> Decimal | None:
        return Decimal(self.answered) * HUNDRED / self.invited if self.invited else None


def _unit_rows(campaign: Campaign) -> list[UnitRow]:
    counts: dict[int, tuple[int, int]] = {
        unit_id: (counted, waiting)
        for unit_id, counted, waiting in Response.objects.filter(campaign=campaign)
        .values_list("unit_id")
        .annotate(
            counted=Count("pk", filter=Q(counted=True)),
            waiting=Count("pk", filter=~Q(flag="") & Q(decision="")),
        )
        .order_by()
    }
    rates: dict[int, tuple[int, int]] = {}
    if campaign.source == Source.STAFF:
        rates = {
            unit_id: (invited, answered)
            for unit_id, invited, answered in Respondent.objects.filter(campaign=campaign)
            .values_list("unit_id")
            .annotate(
                invited=Count("pk", filter=Q(invited_at__isnull=False)),
                answered=Count("pk", filter=Q(used=True)),
            )
            .order_by()
        }
    entries = CampaignUnit.objects.filter(campaign=campaign).select_related("unit__group")
    rows = []
    for entry in entries:
        entry.campaign = campaign  # the target reads the campaign's sample: no query
        counted, waiting = counts.get(entry.unit_id, (0, 0))
        invited, answered = rates.get(entry.unit_id, (0, 0))
        rows.append(UnitRow(entry, counted, waiting, entry.target, invited, answered))
    return rows


def _rates(campaign: Campaign, units: dict[int, Unit]) -> tuple[list[RateRow], list[RateRow]]:
    """Response rates per group over the campaign, and per unit and group."""
    groups = {g.pk: g for g in RespondentGroup.objects.filter(questionnaires__campaigns=campaign)}
    by_group: dict[int, list[int]] = defaultdict(lambda: [0, 0, 0])
    unit_groups = []
    for unit_id, group_id, listed, invited, answered in (
        Respondent.objects.filter(campaign=campaign)
        .values_list("unit_id", "group_id")
        .annotate(
            listed=Count("pk"),
            invited=Count("pk", filter=Q(invited_at__isnull=False)),
            answered=Count("pk", filter=Q(used=True)),
        )
        .order_by()
    ):
        total = by_group[group_id]
        total[0] += listed
        total[1] += invited
        total[2] += answered
        group = groups.get(group_id)
        if group is not None and unit_id in units:
            unit_groups.append(RateRow(group, listed, invited, answered, units[unit_id]))
    order = {unit_id: n for n, unit_id in enumerate(units)}
    unit_groups.sort(
        key=lambda r: (order[r.unit.pk] if r.unit else 0, r.group.position, r.group.name)
    )
    rows = [
        RateRow(group, *_three(by_group.get(pk, [0, 0, 0])))
        for pk, group in sorted(groups.items(), key=lambda item: (item[1].position, item[1].name))
    ]
    return rows, unit_groups


def _three(counts: list[int]) -> tuple[int, int, int]:
    return counts[0], counts[1], counts[2]


def dashboard(campaign: Campaign, *, today: datetime.date) -> Dashboard:
    """The campaign's progress in eight queries, whatever its units."""
    rows = _unit_rows(campaign)
    totals = Response.objects.filter(campaign=campaign).aggregate(
        received=Count("pk"),
        counted=Count("pk", filter=Q(counted=True)),
        waiting=Count("pk", filter=~Q(flag="") & Q(decision="")),
        decided=Count("pk", filter=~Q(decision="")),
    )
    recorded = dict(
        Response.objects.filter(campaign=campaign, collector__isnull=False)
        .values_list("collector__partner_id")
        .annotate(n=Count("pk"))
        .order_by()
    )
    partners = [
        PartnerRow(partner, partner.collector_count, recorded.get(partner.pk, 0))
        for partner in campaign.partners.annotate(
            collector_count=Count(
                "people", filter=Q(people__role=Role.COLLECTOR, people__is_active=True)
            )
        ).order_by("name")
    ]
    per_day = dict(
        Response.objects.filter(campaign=campaign)
        .values_list("day")
        .annotate(n=Count("pk"))
        .order_by()
    )
    last = min(campaign.closes_on, today)
    if per_day:
        last = max(last, max(per_day))
    chart = day_chart(per_day, campaign.opens_on, last)
    in_figures = None
    if campaign.aggregated_at is not None:
        in_figures = UnitSurveyResult.objects.filter(campaign=campaign, indicator="").aggregate(
            n=Coalesce(Sum("respondents"), 0)
        )["n"]
    board = Dashboard(
        campaign=campaign,
        rows=rows,
        counted=totals["counted"],
        waiting=totals["waiting"],
        decided=totals["decided"],
        received=totals["received"],
        target=sum(row.target or 0 for row in rows),
        unknown_targets=sum(1 for row in rows if row.target is None),
        partners=partners,
        chart=chart,
        in_figures=in_figures,
    )
    if campaign.source == Source.STAFF:
        board.groups, board.unit_groups = _rates(campaign, {row.unit.pk: row.unit for row in rows})
    return board


# A partner's progress ------------------------------------------------------------------


def partner_campaigns(user: User) -> QuerySet[Campaign]:
    """The campaigns a supervisor's (or collector's) partner takes part in; every one
    for the administrator."""
    campaigns = campaign_list()
    if user.role == Role.ADMIN:
        return campaigns
    if user.partner_id is None:
        return campaigns.none()
    return campaigns.filter(partners=user.partner_id)


@dataclass(frozen=True)
class CollectorRow:
    collector: User
    units: int  # assigned
    recorded: int


@dataclass
class Progress:
    """Counts only: responses per unit against the target, and per collector."""

    campaign: Campaign
    rows: list[UnitRow]
    collectors: list[CollectorRow]

    @property
    def counted(self) -> int:
        return sum(row.counted for row in self.rows)

    @property
    def short(self) -> int:
        return sum(1 for row in self.rows if row.short)


def progress(campaign: Campaign) -> Progress:
    """A campaign's progress for its partners: four queries."""
    rows = _unit_rows(campaign)
    recorded = dict(
        Response.objects.filter(campaign=campaign, collector__isnull=False)
        .values_list("collector_id")
        .annotate(n=Count("pk"))
        .order_by()
    )
    assigned = dict(
        CollectorAssignment.objects.filter(campaign=campaign)
        .values_list("collector_id")
        .annotate(n=Count("pk"))
        .order_by()
    )
    people = User.objects.filter(
        Q(pk__in=list(recorded)) | Q(pk__in=list(assigned))
    ).select_related("partner")
    collectors = sorted(
        (
            CollectorRow(person, assigned.get(person.pk, 0), recorded.get(person.pk, 0))
            for person in people
        ),
        key=lambda row: (
            row.collector.partner.name if row.collector.partner else "",
            str(row.collector),
        ),
    )
    return Progress(campaign, rows, collectors)


# A unit's results ----------------------------------------------------------------------


@dataclass(frozen=True)
class Figure:
    """A percentage with its 95 % interval and the answers behind it, drawn as a whisker
    on a 0–100 track; `previous` is last year's figure of the same thing, if any."""

    pct: Decimal | None
    low: Decimal | None
    high: Decimal | None
    n: int
    previous: Decimal | None = None

    @property
    def x(self) -> str:
        return _share(self.pct, HUNDRED) if self.pct is not None else "0"

    @property
    def x_low(self) -> str:
        return _share(self.low, HUNDRED) if self.low is not None else self.x

    @property
    def x_high(self) -> str:
        return _share(self.high, HUNDRED) if self.high is not None else self.x

    @property
    def x_previous(self) -> str:
        return _share(self.previous, HUNDRED) if self.previous is not None else ""

    @property
    def change(self) -> Decimal | None:
        if self.pct is None or self.previous is None:
            return None
        return self.pct - self.previous


def _figure(row: Aggregate | None, previous: Aggregate | None = None) -> Figure | None:
    if row is None:
        return None
    return Figure(row.pct, row.low, row.high, row.n, previous.pct if previous else None)


@dataclass(frozen=True)
class QuestionLine:
    question: Question
    figure: Figure | None  # None: not shown (a staff group's question under the minimum)
    hidden: bool = False


@dataclass
class IndicatorBlock:
    code: str
    title: str
    figure: Figure | None
    questions: list[QuestionLine] = field(default_factory=list)
    hidden: bool = False  # a staff indicator answered by fewer than the minimum


@dataclass(frozen=True)
class GroupLine:
    group: RespondentGroup
    overall: Figure | None
    indicators: dict[str, Figure]  # shown only at or above the minimum count


@dataclass
class UnitResults:
    campaign: Campaign
    entry: CampaignUnit
    overall: Figure | None
    respondents: int
    target: int | None
    short: bool
    indicators: list[IndicatorBlock]
    groups: list[GroupLine]
    groups_hidden: int  # groups not shown: all of them, when one is under the minimum
    previous_campaign: Campaign | None

    @property
    def indicator_codes(self) -> list[str]:
        return [block.code for block in self.indicators]


def _previous_campaigns(campaign: Campaign, unit: Unit) -> list[Campaign]:
    return list(
        Campaign.objects.filter(
            source=campaign.source, year=campaign.year - 1, units__unit=unit
        ).order_by("pk")
    )


def unit_results(campaign: Campaign, entry: CampaignUnit) -> UnitResults:
    """A unit's figures of the campaign's last aggregation: overall, per indicator and
    question (with last year's through the questions' crosswalk), per respondent group
    where the group has at least `min_group_count` respondents. A staff question is one
    group's, so its figure follows the same minimum. Six queries."""
    unit = entry.unit
    rows = list(Aggregate.objects.filter(campaign=campaign, unit=unit))
    questions = list(
        Question.objects.filter(questionnaire__campaigns=campaign, indicator__isnull=False)
        .select_related("indicator")
        .order_by("questionnaire__respondent_group__position", "questionnaire_id", "position")
    )
    titles: dict[str, str] = {}
    for indicator in Indicator.objects.filter(questionnaire__campaigns=campaign).order_by(
        "questionnaire_id", "position"
    ):
        titles.setdefault(indicator.code, indicator.title)
    previous = _previous_campaigns(campaign, unit)
    before: dict[tuple[str, int | None], Aggregate] = {}
    if previous:
        for row in Aggregate.objects.filter(campaign__in=previous, unit=unit, group__isnull=True):
            before.setdefault(
                (row.indicator if row.question_id is None else "", row.question_id), row
            )
    everyone = {
        (row.indicator if row.question_id is None else "", row.question_id): row
        for row in rows
        if row.group_id is None
    }
    minimum = campaign.min_group_count
    staff = campaign.source == Source.STAFF
    per_group: dict[int, dict[str, Aggregate]] = defaultdict(dict)
    for row in rows:
        if row.group_id is not None and row.question_id is None:
            per_group[row.group_id][row.indicator] = row
    # One group under the minimum hides every group's figures and every question's (each
    # a group's): shown beside the unit's, the others would let its figure be worked out.
    suppressed = staff and any(
        found.get("") is None or found[""].n < minimum for found in per_group.values()
    )
    blocks: dict[str, IndicatorBlock] = {}
    for code in titles:
        figure = everyone.get((code, None))
        small = staff and figure is not None and figure.n < minimum
        blocks[code] = IndicatorBlock(
            code,
            titles[code],
            None if small else _figure(figure, before.get((code, None))),
            hidden=small,
        )
    for question in questions:
        assert question.indicator is not None
        answered = everyone.get(("", question.pk))
        if answered is None or not question.is_scored:
            continue
        hidden = staff and (suppressed or answered.n < minimum)
        last_year = before.get(("", question.previous_id)) if question.previous_id else None
        if staff and last_year is not None and last_year.n < minimum:
            last_year = None
        block = blocks.setdefault(
            question.indicator.code,
            IndicatorBlock(question.indicator.code, question.indicator.title, None),
        )
        block.questions.append(
            QuestionLine(question, None if hidden else _figure(answered, last_year), hidden)
        )
    groups_by_pk = {
        g.pk: g
        for g in RespondentGroup.objects.filter(pk__in={r.group_id for r in rows if r.group_id})
    }
    groups = []
    hidden_groups = len(per_group) if suppressed else 0
    for group_id, found in per_group.items():
        if suppressed:
            break
        groups.append(
            GroupLine(
                groups_by_pk[group_id],
                _figure(found[""]),
                {code: f for code, row in found.items() if code and (f := _figure(row))},
            )
        )
    groups.sort(key=lambda line: (line.group.position, line.group.name))
    result = UnitSurveyResult.objects.filter(campaign=campaign, unit=unit, indicator="").first()
    respondents = result.respondents if result else 0
    entry.campaign = campaign
    target = entry.target
    return UnitResults(
        campaign=campaign,
        entry=entry,
        overall=_figure(everyone.get(("", None)), before.get(("", None))),
        respondents=respondents,
        target=target,
        short=result.short if result else target is not None and respondents < target,
        indicators=[
            block for block in blocks.values() if block.figure or block.questions or block.hidden
        ],
        groups=groups,
        groups_hidden=hidden_groups,
        previous_campaign=previous[0] if previous else None,
    )


def campaign_table(
    campaign: Campaign,
) -> tuple[list[str], list[tuple[CampaignUnit, dict[str, Aggregate]]]]:
    """Units × indicators of the last aggregation, for everyone: the indicators' codes in
    order, and each unit with its figures by indicator code ("" the overall). Two
    queries and the units'."""
    codes: list[str] = []
    for code in (
        Indicator.objects.filter(questionnaire__campaigns=campaign)
        .order_by("questionnaire_id", "position")
        .values_list("code", flat=True)
    ):
        if code not in codes:
            codes.append(code)
    found: dict[int, dict[str, Aggregate]] = defaultdict(dict)
    for row in Aggregate.objects.filter(
        campaign=campaign, group__isnull=True, question__isnull=True
    ):
        found[row.unit_id][row.indicator] = row
    entries = CampaignUnit.objects.filter(campaign=campaign).select_related("unit__group")
    table = []
    for entry in entries:
        entry.campaign = campaign
        table.append((entry, found.get(entry.unit_id, {})))
    return codes, table
