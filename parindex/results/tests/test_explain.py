"""Where every point went and the what-if (issue 15, items 1 and 2): the points lost sum
exactly at every node; the unit's own answers tried reproduce its published index and
rank; trying never writes; a unit reads its own explanation only."""

from __future__ import annotations

import datetime
import io
import re
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import load_workbook

from parindex.assessments.models import Assessment, AssessmentItem, Cycle, State
from parindex.conftest import DEMO_FRAMEWORKS, Cast
from parindex.frameworks.services import framework_import
from parindex.frameworks.yamlio import tree_from_yaml
from parindex.org.models import Role, SecurityEvent, Unit, User
from parindex.results.explain import TriedAnswers, explain, what_if
from parindex.results.losses import criterion_losses
from parindex.results.models import ResultRow
from parindex.results.services import results_compute, results_publish
from parindex.results.tests.factories import cycle_for_units
from parindex.scoring.numbers import ZERO, publish

pytestmark = pytest.mark.django_db

LOWERED = 6  # unit A's yes/no leaves the appraisal lowered


def published_cycle(cast: Cast, *, extra: int = 5, year: int = 2023) -> Cycle:
    """The departments' cycle with units A, B and `extra` more, every unit approved, its
    results published; unit A's first yes/no leaves appraised “no” where it said “yes”
    (the first with a comment), so that it has room to rise."""
    framework = framework_import(
        tree=tree_from_yaml((DEMO_FRAMEWORKS / "so-nganh-2023.yaml").read_bytes()), by=None
    )
    units = [cast.unit_a, cast.unit_b]
    for number in range(extra):
        units.append(
            Unit.objects.create(
                code=f"so-them-{number}",
                name=f"Sở thêm {number}",
                group=cast.departments,
                position=10 + number,
            )
        )
    cycle = cycle_for_units(year=year, framework=framework, units=units, seed=7)
    Assessment.objects.filter(cycle=cycle).update(state=State.APPROVED)
    for skip in range(LOWERED):
        item = first_yes_no(cycle, cast.unit_a, skip)
        item.self_inputs = {"yes": True}
        item.appraised_inputs = {"yes": False}
        item.appraisal_note = "Không có kế hoạch ban hành đúng hạn." if skip == 0 else ""
        item.not_applicable_claimed = False
        item.save()
    snapshot = results_compute(cycle=cycle, by=cast.admin)
    results_publish(
        snapshot=snapshot,
        decision="25/QĐ-UBND",
        decision_date=datetime.date(2024, 1, 8),
        by=cast.admin,
        allow_provisional=True,
    )
    return cycle


def first_yes_no(cycle: Cycle, unit: Unit, skip: int = 0) -> AssessmentItem:
    return (
        AssessmentItem.objects.filter(
            assessment__cycle=cycle, assessment__unit=unit, criterion__rule_type="yes_no"
        )
        .select_related("criterion")
        .order_by("criterion__position")[skip]
    )


def explanation_of(cycle: Cycle, unit: Unit, user: User):  # type: ignore[no-untyped-def]
    assessment = Assessment.objects.select_related("cycle", "unit").get(cycle=cycle, unit=unit)
    role = Role.ADMIN if user.role == Role.ADMIN else Role(user.role)
    return explain(assessment, role=role, user=user)


def own_answers_typed(explanation) -> dict[str, str]:  # type: ignore[no-untyped-def]
    """The what-if's form as the page fills it: every leaf's answer that counts."""
    data = {}
    for line in explanation.lines:
        if line.tryable:
            for name, value in line.values.items():
                data[f"{line.name_prefix}{name}"] = value
            data.setdefault(f"{line.name_prefix}score", "")
    return data


def test_the_points_lost_sum_exactly_at_every_node(cast: Cast) -> None:
    cycle = published_cycle(cast)
    for assessment in Assessment.objects.filter(cycle=cycle).select_related("unit"):
        explanation = explanation_of(cycle, assessment.unit, cast.admin)
        lines = {line.code: line for line in explanation.lines}
        children: dict[str, list[str]] = {}
        for line in explanation.lines:
            parent = line.criterion.parent_id
            if parent is not None:
                parent_code = next(c.code for c in explanation.inputs.criteria if c.pk == parent)
                children.setdefault(parent_code, []).append(line.code)
        for code, line in lines.items():
            node = line.node
            assert line.lost == node.max_points - node.points - node.pending
            if code in children:
                assert line.lost == sum((lines[c].lost for c in children[code]), ZERO)
        result = explanation.result
        # The whole: the maximum, minus what is pending, minus the total, is the points
        # lost minus the bonus and penalty as they count.
        assert (
            result.max_points - result.pending - result.total
            == explanation.lost - explanation.counted_adjustment
        )
        assert explanation.lost == sum((line.lost for line in explanation.fields), ZERO)


def test_the_leaves_lost_are_those_of_the_letters_and_the_follow_up(cast: Cast) -> None:
    cycle = published_cycle(cast)
    detail = criterion_losses(cycle)
    for assessment in Assessment.objects.filter(cycle=cycle).select_related("unit"):
        explanation = explanation_of(cycle, assessment.unit, cast.admin)
        mine = {
            line.code: publish(line.node.max_points)
            - publish(line.node.points)
            - publish(line.node.pending)
            for line in explanation.lines
            if line.is_leaf and line.node.max_points
        }
        theirs = {loss.code: loss.lost for loss in detail.losses[assessment.unit.code]}
        assert {code: lost for code, lost in mine.items() if lost > 0} == theirs


def test_a_lowered_leaf_says_why_with_the_rule_the_answer_and_the_comment(cast: Cast) -> None:
    cycle = published_cycle(cast)
    explanation = explanation_of(cycle, cast.unit_a, cast.scorer_a)
    code = first_yes_no(cycle, cast.unit_a).criterion.code
    line = next(line for line in explanation.lines if line.code == code)
    assert line.lost == line.node.max_points > 0
    assert line.comment == "Không có kế hoạch ban hành đúng hạn."
    texts = " ".join(reason.text for reason in line.reasons)
    assert "lowered" in texts or "hạ" in texts
    assert line.own is not None and line.own.points == line.node.max_points
    field = next(f for f in explanation.parts if f.field.code == line.field_code)
    assert field.losing[0].lost >= line.lost  # the most lost first
    assert line in field.losing


def test_the_unit_s_own_answers_tried_reproduce_its_published_index_and_rank(
    cast: Cast,
) -> None:
    cycle = published_cycle(cast)
    for row in ResultRow.objects.filter(snapshot__cycle=cycle).select_related("unit"):
        explanation = explanation_of(cycle, row.unit, cast.admin)
        tried = TriedAnswers(explanation, own_answers_typed(explanation))
        assert tried.is_valid, tried.errors
        result = what_if(explanation, tried)
        assert result.changes == []
        assert result.result.index_pct == row.index_pct == explanation.result.index_pct
        assert (result.standing.rank, result.standing.rank_of) == (row.rank, row.rank_of)
        assert result.standing.band == row.band


def test_a_leaf_raised_to_its_maximum_gives_the_engine_s_index(cast: Cast) -> None:
    """The cheapest points' index is the one the engine computes with the leaf answered
    at its maximum."""
    cycle = published_cycle(cast)
    explanation = explanation_of(cycle, cast.unit_a, cast.admin)
    code = first_yes_no(cycle, cast.unit_a).criterion.code
    [cheap] = [c for c in explanation.cheapest if c.line.code == code]
    tried = TriedAnswers(explanation, {f"{code}-yes": "yes"})
    assert tried.is_valid
    assert what_if(explanation, tried).standing == cheap.standing


def test_two_answers_changed_move_the_rank_and_nothing_is_written(cast: Cast) -> None:
    cycle = published_cycle(cast)
    row = ResultRow.objects.get(snapshot__cycle=cycle, unit=cast.unit_a)
    url = reverse("results:unit_points", args=[cycle.year, cast.unit_a.code])
    client = cast.client(cast.scorer_a)
    explanation = explanation_of(cycle, cast.unit_a, cast.admin)
    data = {}
    for line in sorted(explanation.lines, key=lambda line: -line.lost):
        if line.tryable and line.rule is not None and line.rule.type == "yes_no" and line.lost:
            data[f"{line.code}-yes"] = "yes"
        if len(data) == 2:
            break
    assert len(data) == 2
    before = ResultRow.objects.count(), AssessmentItem.objects.filter(version__gt=1).count()
    with CaptureQueriesContext(connection) as queries:
        response = client.post(url, data)
    assert response.status_code == 200
    writes = [
        q["sql"]
        for q in queries.captured_queries
        if re.match(r"\s*(INSERT|UPDATE|DELETE)", q["sql"], re.IGNORECASE)
    ]
    assert writes == []
    tried = response.context["what_if"]
    assert len(tried.changes) == 2
    assert tried.result.index_pct > row.index_pct
    assert row.rank is not None and row.rank > 1
    assert tried.standing.rank < row.rank
    assert tried.before.rank == row.rank
    assert (
        AssessmentItem.objects.filter(version__gt=1).count(),
        ResultRow.objects.count(),
    ) == before[::-1]
    assert "Tính thử" in response.content.decode() or "Try" in response.content.decode()


def test_a_hostile_what_if_is_a_vietnamese_400(cast: Cast) -> None:
    cycle = published_cycle(cast, extra=0)
    url = reverse("results:unit_points", args=[cycle.year, cast.unit_a.code])
    client = cast.client(cast.scorer_a)
    manual = (
        AssessmentItem.objects.filter(
            assessment__cycle=cycle, assessment__unit=cast.unit_a, criterion__rule_type="levels"
        )
        .select_related("criterion")
        .first()
    )
    assert manual is not None
    for value in ("1e9999999", "x" * 100_000, "Mức không có"):
        response = client.post(url, {f"{manual.criterion.code}-level": value})
        assert response.status_code == 400, value
        assert "không" in response.content.decode().lower() or "Chọn" in response.content.decode()
    ratio = (
        AssessmentItem.objects.filter(
            assessment__cycle=cycle,
            assessment__unit=cast.unit_a,
            criterion__rule_type="ratio_tiers",
        )
        .select_related("criterion")
        .first()
    )
    assert ratio is not None
    for numerator in ("9" * 400, "1e9999999", "-5", "NaN"):
        response = client.post(
            url,
            {
                f"{ratio.criterion.code}-numerator": numerator,
                f"{ratio.criterion.code}-denominator": "10",
            },
        )
        assert response.status_code == 400, numerator
    many = {f"x{n}": "1" for n in range(5000)}  # more fields than any form has
    assert client.post(url, many).status_code == 400
    yes_no = first_yes_no(cycle, cast.unit_a).criterion.code
    response = client.post(url, {f"{yes_no}-yes": "maybe"})
    assert response.status_code == 400
    assert "Chọn Có hoặc Không." in response.content.decode()


@pytest.mark.parametrize(
    ("who", "status"),
    [
        ("scorer_a", 200),
        ("head_a", 200),
        ("admin", 200),
        ("chair", 200),
        ("viewer", 200),
        ("scorer_b", 404),
        ("head_b", 404),
        ("appraiser", 404),
    ],
)
def test_only_the_unit_and_those_who_oversee_read_its_explanation(
    cast: Cast, who: str, status: int
) -> None:
    cycle = published_cycle(cast, extra=0)
    user = getattr(cast, who)
    client = cast.client(user)
    for name in ("results:unit_points", "results:unit_points_xlsx"):
        response = client.get(reverse(name, args=[cycle.year, cast.unit_a.code]))
        assert response.status_code == status, (who, name)
    if status == 404:
        assert SecurityEvent.objects.filter(user=user, kind=SecurityEvent.Kind.REFUSED).exists()
    else:
        body = client.get(reverse("results:unit_points", args=[cycle.year, cast.unit_a.code]))
        assert "Không có kế hoạch ban hành đúng hạn." in body.content.decode()


@pytest.mark.parametrize(("who", "status"), [("chair", 403), ("viewer", 403), ("admin", 200)])
def test_only_the_unit_and_the_administrator_try_answers(cast: Cast, who: str, status: int) -> None:
    cycle = published_cycle(cast, extra=0)
    url = reverse("results:unit_points", args=[cycle.year, cast.unit_a.code])
    response = cast.client(getattr(cast, who)).post(url, {})
    assert response.status_code == status
    page = cast.client(getattr(cast, who)).get(url).content.decode()
    assert ('id="what-if"' in page) == (status == 200)


def test_a_unit_never_sees_another_unit_s_answers(cast: Cast) -> None:
    cycle = published_cycle(cast, extra=0)
    item_b = first_yes_no(cycle, cast.unit_b)
    item_b.appraisal_note = "GHI-CHU-CUA-SO-Y-TE"
    item_b.note = "GIAI-TRINH-CUA-SO-Y-TE"
    item_b.save()
    client = cast.client(cast.scorer_a)
    for name in ("results:unit_points", "results:unit_points_xlsx"):
        body = client.get(reverse(name, args=[cycle.year, cast.unit_a.code])).content
        assert b"SO-Y-TE" not in body
    # Another unit's page, and a unit that does not exist, answer alike.
    for code in (cast.unit_b.code, "khong-co"):
        response = client.get(reverse("results:unit_points", args=[cycle.year, code]))
        assert response.status_code == 404


def test_before_the_first_round_ends_the_unit_sees_its_own_scores(cast: Cast) -> None:
    cycle = published_cycle(cast, extra=0)
    Assessment.objects.filter(cycle=cycle).update(state=State.APPRAISING_1)
    response = cast.client(cast.scorer_a).get(
        reverse("results:unit_points", args=[cycle.year, cast.unit_a.code])
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert "Không có kế hoạch ban hành đúng hạn." not in page
    explanation = response.context["x"]
    assert not explanation.appraisal_shown
    code = first_yes_no(cycle, cast.unit_a).criterion.code
    line = next(line for line in explanation.lines if line.code == code)
    assert line.lost == 0  # its own “yes” counts
    # The administrator sees the appraisal all along.
    admin_view = cast.client(cast.admin).get(
        reverse("results:unit_points", args=[cycle.year, cast.unit_a.code])
    )
    assert "Không có kế hoạch ban hành đúng hạn." in admin_view.content.decode()


def test_the_page_costs_the_same_queries_with_more_units(cast: Cast) -> None:
    cycle = published_cycle(cast, extra=1)
    client = cast.client(cast.scorer_a)
    url = reverse("results:unit_points", args=[cycle.year, cast.unit_a.code])

    def counted() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200
        return len(queries)

    counted()  # the first request of a session reads what the next ones keep
    small = counted()
    Unit.objects.bulk_create(
        Unit(code=f"so-nua-{n}", name=f"Sở nữa {n}", group=cast.departments, position=50 + n)
        for n in range(12)
    )
    extra = list(Unit.objects.filter(code__startswith="so-nua-"))
    cycle_for_units(year=cycle.year, framework=cycle.groups.get().framework, units=extra, seed=3)
    results_publish(
        snapshot=results_compute(cycle=cycle, by=cast.admin, reason="Thêm đơn vị."),
        decision="26/QĐ-UBND",
        decision_date=datetime.date(2024, 2, 1),
        by=cast.admin,
        allow_provisional=True,
    )
    assert ResultRow.objects.filter(snapshot__cycle=cycle, snapshot__revision=2).count() == 15
    assert counted() == small <= 25


def test_the_excel_file_holds_every_node_and_the_cheapest_points(cast: Cast) -> None:
    cycle = published_cycle(cast)
    explanation = explanation_of(cycle, cast.unit_a, cast.scorer_a)
    response = cast.client(cast.scorer_a).get(
        reverse("results:unit_points_xlsx", args=[cycle.year, cast.unit_a.code])
    )
    assert response.status_code == 200
    book = load_workbook(io.BytesIO(response.content))
    lost_sheet, cheap_sheet = book.worksheets
    rows = list(lost_sheet.iter_rows(min_row=2, values_only=True))
    assert [row[0] for row in rows] == [line.code for line in explanation.lines]
    for row, line in zip(rows, explanation.lines, strict=True):
        assert Decimal(str(row[6])) == publish(line.lost)
    code = first_yes_no(cycle, cast.unit_a).criterion.code
    assert any(row[0] == code and "Không có kế hoạch" in (row[8] or "") for row in rows)
    cheap_rows = list(cheap_sheet.iter_rows(min_row=2, values_only=True))
    assert [row[0] for row in cheap_rows] == [c.line.code for c in explanation.cheapest]


def test_the_page_swaps_in_the_what_if_s_answer_alone(cast: Cast) -> None:
    cycle = published_cycle(cast, extra=2)
    url = reverse("results:unit_points", args=[cycle.year, cast.unit_a.code])
    client = cast.client(cast.scorer_a)
    code = first_yes_no(cycle, cast.unit_a).criterion.code
    answer = client.post(url, {f"{code}-yes": "yes"}, headers={"HX-Request": "true"})
    body = answer.content.decode()
    assert answer.status_code == 200 and body.lstrip().startswith('<div class="banner ok')
    assert 'id="what-if-result"' in body and "<html" not in body
    refused = client.post(url, {f"{code}-yes": "maybe"}, headers={"HX-Request": "true"})
    assert refused.status_code == 200 and "Chọn Có hoặc Không." in refused.content.decode()
    page = client.get(url).content.decode()
    assert 'hx-target="#what-if-result"' in page and "htmx.min.js" in page


def test_a_bonus_says_what_the_appraisal_counted_and_none_claimed_is_no_fault(
    cast: Cast,
) -> None:
    cycle = published_cycle(cast, extra=0)
    items = AssessmentItem.objects.filter(
        assessment__cycle=cycle, assessment__unit=cast.unit_a
    ).select_related("criterion")
    bonus = items.get(criterion__rule_type="bonus")
    bonus.self_inputs = {"items": ["0.75"]}
    bonus.appraised_inputs = {"items": ["0.25"]}
    bonus.not_applicable_claimed = False
    bonus.save()
    penalty = items.get(criterion__rule_type="penalty")
    penalty.self_inputs = penalty.appraised_inputs = None
    penalty.not_applicable_claimed = False
    penalty.save()
    explanation = explanation_of(cycle, cast.unit_a, cast.admin)
    lines = {line.code: line for line in explanation.lines}
    said = [reason.text for reason in lines[bonus.criterion.code].reasons]
    assert any("0,75" in text and "0,25" in text for text in said), said
    assert lines[bonus.criterion.code].node.adjustment == Decimal("0.25")
    assert lines[penalty.criterion.code].reasons == []
    field = next(p for p in explanation.parts if p.field.code == bonus.criterion.field_code)
    assert lines[bonus.criterion.code] in field.losing  # shown: it has a bonus


def test_a_session_ended_while_trying_says_so_where_the_answer_goes(cast: Cast) -> None:
    cycle = published_cycle(cast, extra=0)
    url = reverse("results:unit_points", args=[cycle.year, cast.unit_a.code])
    code = first_yes_no(cycle, cast.unit_a).criterion.code
    anonymous = cast.client(None)
    answer = anonymous.post(url, {f"{code}-yes": "yes"}, headers={"HX-Request": "true"})
    assert answer.status_code == 200
    body = answer.content.decode()
    assert 'id="what-if-result"' in body and "/accounts/login/" in body and "<html" not in body
    assert anonymous.post(url, {f"{code}-yes": "yes"}).status_code == 302
    assert anonymous.get(url)["Location"].startswith("/accounts/login/?next=")
