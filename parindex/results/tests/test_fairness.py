"""Was the scoring fair: the gaps between the units' own points and the appraised ones,
each appraiser's changes beside the field's others, each criterion's share of changes;
checked against figures computed by hand on a small cycle."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse

from parindex.assessments.models import (
    Assessment,
    AssessmentItem,
    AuditEntry,
    Cycle,
    CycleGroup,
)
from parindex.conftest import Cast, _user
from parindex.frameworks.models import Criterion, Framework
from parindex.org.models import Role, Unit, User
from parindex.results.fairness import cycle_fairness, is_outlier
from parindex.results.tests.factories import cycle_for_units

pytestmark = pytest.mark.django_db

YES = {"yes": True}
NO = {"yes": False}
# What the page reads, the same for 2 units as for 12: the report reads each table once.
QUERIES = 11


def test_an_appraiser_far_from_the_fields_others_is_marked() -> None:
    # Others changed 10 of 100; 8 of 10 is 70 points away. Everyone: 18 of 110
    # (p = 0,1636), error sqrt(p(1-p)(1/10 + 1/100)) = 0,1227: 0,70 > 0,245.
    assert is_outlier(8, 10, 10, 100)
    # 3 of 10 is 20 points away but within two errors (0,214): not marked.
    assert not is_outlier(3, 10, 10, 100)
    # 4 of 40 against 70 of 100: 60 points, two errors 0,187.
    assert is_outlier(4, 40, 70, 100)


def test_a_few_leaves_apart_are_not_enough() -> None:
    # 1 of 2 against 0 of 3: 50 points, but two errors are 0,73.
    assert not is_outlier(1, 2, 0, 3)
    # 6 of 14 against 0 of 12: 43 points, two errors 0,331; both of a field of two.
    assert is_outlier(6, 14, 0, 12)
    assert is_outlier(0, 12, 6, 14)


def test_an_appraiser_alone_in_a_field_is_never_marked() -> None:
    assert not is_outlier(10, 10, 0, 0)


def test_a_difference_under_twenty_points_is_not_marked_whatever_the_sample() -> None:
    # 10,000 leaves each make the error tiny (about 0,005); 15 points still do not count.
    assert not is_outlier(2500, 10000, 1000, 10000)
    assert is_outlier(3000, 10000, 1000, 10000)


def _leaf(framework_id: int, field: str, nth: int = 0) -> Criterion:
    return list(
        Criterion.objects.filter(
            framework_id=framework_id, rule_type="yes_no", code__startswith=f"{field}."
        ).order_by("position")
    )[nth]


def _set(
    assessment: Assessment,
    criterion: Criterion,
    own: dict[str, bool],
    appraised: dict[str, bool],
    *appraisers: User,
) -> None:
    item, _new = AssessmentItem.objects.get_or_create(assessment=assessment, criterion=criterion)
    item.self_inputs, item.appraised_inputs = own, appraised
    item.save(update_fields=["self_inputs", "appraised_inputs"])
    for appraiser in appraisers:  # in order: the last one counts
        AuditEntry.objects.create(
            cycle=assessment.cycle,
            assessment=assessment,
            item=item,
            kind=AuditEntry.Kind.APPRAISAL,
            old=None,
            new=appraised,
            by=appraiser,
        )


@pytest.fixture
def scored(cast: Cast, cycle: Cycle) -> dict[str, object]:
    """Three units' few appraised leaves: L1 and L2 in field 1, L3 in field 2; and unit
    A's L1 in a 2023 cycle."""
    framework_id = CycleGroup.objects.get(cycle=cycle).framework_id
    l1, l2, l3 = _leaf(framework_id, "1"), _leaf(framework_id, "1", 1), _leaf(framework_id, "2")
    second = _user("appraiser2", Role.APPRAISER)
    a, b, home = (
        Assessment.objects.select_related("cycle").get(cycle=cycle, unit=unit)
        for unit in (cast.unit_a, cast.unit_b, cast.home_unit)
    )
    _set(a, l1, YES, NO, second, cast.appraiser)  # changed, by the last: the appraiser
    _set(a, l2, YES, YES, cast.appraiser)
    _set(a, l3, YES, NO, second)
    _set(b, l1, YES, NO, second)
    _set(b, l2, YES, YES, second)
    _set(home, l1, NO, YES, second)
    # The same leaf in the 2023 framework: unit A scored itself 0,5 above.
    earlier = Cycle.objects.create(year=2023, title="2023")
    original = Framework.objects.get(group=cast.departments, year=2023)
    CycleGroup.objects.create(cycle=earlier, group=cast.departments, framework=original)
    earlier_a = Assessment.objects.create(cycle=earlier, unit=cast.unit_a, group=cast.departments)
    _set(earlier_a, Criterion.objects.get(framework=original, code=l1.code), YES, NO)
    return {
        "l1": l1,
        "l2": l2,
        "l3": l3,
        "second": second,
        "m1": Decimal(l1.max_points),
        "m3": Decimal(l3.max_points),
    }


def test_each_units_gap_by_field_and_over_the_years(
    cast: Cast, cycle: Cycle, scored: dict[str, object]
) -> None:
    m1, m3 = scored["m1"], scored["m3"]
    assert isinstance(m1, Decimal) and isinstance(m3, Decimal)
    report = cycle_fairness(cycle)
    gaps = {unit.code: unit for unit in report.units}
    a = gaps[cast.unit_a.code]
    assert a.gap == m1 + m3
    assert a.own - a.appraised == a.gap
    assert a.by_field["1"] == m1 and a.by_field["2"] == m3 and a.by_field["3"] == 0
    assert a.changed == 2
    assert a.earlier == {2023: m1}
    assert gaps[cast.unit_b.code].gap == m1
    assert gaps[cast.home_unit.code].gap == -m1  # scored itself lower than the appraiser
    assert gaps[cast.unit_b.code].earlier == {}
    assert [u.code for u in report.units] == [
        cast.unit_a.code,
        cast.unit_b.code,
        cast.home_unit.code,
    ]
    assert report.earlier_years == [2023]


def test_each_appraisers_changes_beside_the_fields_others(
    cast: Cast, cycle: Cycle, scored: dict[str, object]
) -> None:
    m1 = scored["m1"]
    assert isinstance(m1, Decimal)
    second = scored["second"]
    assert isinstance(second, User)
    report = cycle_fairness(cycle)
    work = {(w.field_code, w.appraiser): w for w in report.appraisers}
    first = work[("1", cast.appraiser.pk)]  # A's L1 (changed, last saved by them) and L2
    assert (first.appraised, len(first.changed), first.share) == (2, 1, Decimal("0.5"))
    assert first.mean_change == -m1 / 2
    assert (first.lowered, first.raised) == (1, 0)
    assert (first.others_appraised, first.others_changed) == (3, 2)
    them = work[("1", second.pk)]  # B's L1 lowered, B's L2 kept, home's L1 raised
    assert (them.appraised, len(them.changed), them.mean_change) == (3, 2, 0)
    assert (them.lowered, them.raised) == (1, 1)
    assert (them.others_appraised, them.others_changed) == (2, 1)
    alone = work[("2", second.pk)]
    assert (alone.appraised, alone.share_pct, alone.others_share_pct) == (1, 100, None)
    assert not any(w.outlier for w in report.appraisers)  # too few leaves to tell


def test_each_criterions_share_of_changes_most_changed_first(
    cycle: Cycle, scored: dict[str, object]
) -> None:
    l1, l2, l3 = scored["l1"], scored["l2"], scored["l3"]
    assert isinstance(l1, Criterion) and isinstance(l2, Criterion) and isinstance(l3, Criterion)
    report = cycle_fairness(cycle)
    shares = [(c.code, c.appraised, len(c.changed)) for c in report.criteria]
    assert shares == [(l1.code, 3, 3), (l3.code, 1, 1), (l2.code, 2, 0)]
    assert report.criteria[0].title == l1.title


def test_the_page_shows_the_figures_and_links_to_the_leaves(
    client: Client, cast: Cast, cycle: Cycle, scored: dict[str, object]
) -> None:
    l1 = scored["l1"]
    assert isinstance(l1, Criterion)
    for who in (cast.admin, cast.chair):
        client.force_login(who)
        page = client.get(reverse("results:fairness", args=[2024])).content.decode()
        leaf = reverse("assessments:detail", args=[2024, cast.unit_b.code])
        assert f'href="{leaf}?field=1#c-{l1.code}"' in page
        assert f'href="{leaf}?field=1"' in page  # the field's gap
        assert "+1,00" in page or "+0,50" in page or "+0,25" in page
    manage = client.get(reverse("assessments:manage", args=[2024])).content.decode()
    assert reverse("results:fairness", args=[2024]) in manage


@pytest.mark.parametrize("who", ["scorer_a", "head_a", "appraiser", "viewer"])
def test_other_roles_are_refused_and_logged(
    client: Client, cast: Cast, cycle: Cycle, who: str
) -> None:
    from parindex.org.models import SecurityEvent

    client.force_login(getattr(cast, who))
    before = SecurityEvent.objects.filter(kind=SecurityEvent.Kind.REFUSED).count()
    assert client.get(reverse("results:fairness", args=[2024])).status_code == 403
    assert SecurityEvent.objects.filter(kind=SecurityEvent.Kind.REFUSED).count() == before + 1


def _sized_cycle(cast: Cast, units: int) -> None:
    framework = Framework.objects.get(group=cast.departments, year=2024)
    made = [
        Unit.objects.create(code=f"u{n}", name=f"Đơn vị {n}", group=cast.departments, position=9)
        for n in range(units)
    ]
    cycle_for_units(year=2024, framework=framework, units=made, seed=units)
    for item in AssessmentItem.objects.filter(assessment__unit__in=made)[: units * 3]:
        AuditEntry.objects.create(
            cycle_id=item.assessment.cycle_id,
            assessment_id=item.assessment_id,
            item=item,
            kind=AuditEntry.Kind.APPRAISAL,
            by=cast.appraiser,
        )


@pytest.mark.parametrize("units", [2, 12])
def test_the_page_reads_a_constant_number_of_queries(
    client: Client, cast: Cast, cycle: Cycle, units: int, django_assert_num_queries: object
) -> None:
    _sized_cycle(cast, units)
    client.force_login(cast.admin)
    with django_assert_num_queries(QUERIES):  # type: ignore[operator]
        response = client.get(reverse("results:fairness", args=[2024]))
    assert response.status_code == 200
    assert "Đơn vị 1" in response.content.decode()
