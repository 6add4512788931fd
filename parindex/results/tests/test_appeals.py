"""Appeals after publication (issue 15, item 4): a unit appeals named criteria within the
window; the council decides each; an upheld appeal corrects the results in a new
revision, a rejected one changes nothing; the unit is told once."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from parindex.assessments.models import AssessmentItem, AuditEntry, Cycle
from parindex.conftest import DEMO_FRAMEWORKS, Cast
from parindex.frameworks.services import framework_import
from parindex.frameworks.yamlio import tree_from_yaml
from parindex.notify.models import Message
from parindex.org.errors import Forbidden, Refused
from parindex.org.models import SecurityEvent
from parindex.results.appeals import (
    AppealLine,
    appeal_criterion_decide,
    appeal_decide,
    appeal_file,
    appeal_window_set,
    cycle_appeals,
)
from parindex.results.models import Appeal, ResultRow, ResultSnapshot
from parindex.results.services import results_compute, results_publish
from parindex.results.tests.factories import cycle_for_units
from parindex.scoring.rules import Inputs

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()


@pytest.fixture
def published(cast: Cast) -> Cycle:
    """Units A and B's 2023 results published, A's yes/no criterion 1.1 appraised “no”,
    the appeal window open today, both units reachable."""
    framework = framework_import(
        tree=tree_from_yaml((DEMO_FRAMEWORKS / "so-nganh-2023.yaml").read_bytes()), by=None
    )
    cycle = cycle_for_units(year=2023, framework=framework, units=[cast.unit_a, cast.unit_b])
    item = leaf_item(cycle, cast)
    item.appraised_inputs = {"yes": False}
    item.save()
    for unit, number in ((cast.unit_a, "0912000001"), (cast.unit_b, "0912000002")):
        unit.email, unit.mobile = f"{unit.code}@demo.parindex.invalid", number
        unit.save()
    snapshot = results_compute(cycle=cycle, by=cast.admin)
    results_publish(
        snapshot=snapshot,
        decision="25/QĐ-UBND",
        decision_date=datetime.date(2024, 1, 8),
        by=cast.admin,
        allow_provisional=True,
    )
    appeal_window_set(
        cycle=cycle,
        opens_on=TODAY - datetime.timedelta(days=1),
        closes_on=TODAY + datetime.timedelta(days=5),
        by=cast.admin,
    )
    return cycle


def leaf_item(cycle: Cycle, cast: Cast) -> AssessmentItem:
    """Unit A's first yes/no leaf."""
    return (
        AssessmentItem.objects.filter(
            assessment__cycle=cycle, assessment__unit=cast.unit_a, criterion__rule_type="yes_no"
        )
        .select_related("criterion")
        .order_by("criterion__position")
        .first()
    )  # type: ignore[return-value]


def file_a(cycle: Cycle, cast: Cast, **kwargs: object) -> Appeal:
    code = leaf_item(cycle, cast).criterion.code
    return appeal_file(
        cycle=cycle,
        unit=cast.unit_a,
        lines=[AppealLine(code, "Kế hoạch CCHC ban hành đúng hạn (số 12/KH-STP).")],
        by=cast.scorer_a,
        **kwargs,  # type: ignore[arg-type]
    )


def test_an_upheld_appeal_corrects_the_results_in_a_new_revision(
    cast: Cast, published: Cycle
) -> None:
    appeal = file_a(published, cast)
    line = appeal.criteria.get()
    appeal_criterion_decide(
        line=line, upheld=True, reason="Có văn bản chứng minh.", inputs=Inputs(yes=True),
        by=cast.chair,
    )  # fmt: skip
    decided = appeal_decide(appeal=appeal, by=cast.chair)
    assert decided.revision is not None and decided.revision.revision == 2
    assert decided.before is not None and decided.before.revision == 1
    assert "Có văn bản chứng minh." in decided.revision.reason
    assert leaf_item(published, cast).appraised_inputs == {"yes": True}
    audit = AuditEntry.objects.get(item=leaf_item(published, cast), reason="Có văn bản chứng minh.")
    assert audit.old == {"yes": False} and audit.by == cast.chair
    [row] = cycle_appeals(published)
    gained = Decimal(line.criterion.max_points)
    assert row.after is not None and row.before is not None
    assert row.after.index_pct > row.before.index_pct
    assert (
        row.after.index_pct
        == ResultRow.objects.get(snapshot=decided.revision, unit=cast.unit_a).index_pct
    )
    assert gained > 0


def test_a_rejected_appeal_makes_no_revision(cast: Cast, published: Cycle) -> None:
    appeal = file_a(published, cast)
    appeal_criterion_decide(
        line=appeal.criteria.get(), upheld=False, reason="Văn bản ban hành trễ hạn.",
        inputs=None, by=cast.admin,
    )  # fmt: skip
    decided = appeal_decide(appeal=appeal, by=cast.admin)
    assert decided.revision is None and decided.is_decided
    assert ResultSnapshot.objects.filter(cycle=published).count() == 1
    assert leaf_item(published, cast).appraised_inputs == {"yes": False}


def test_the_unit_is_told_once(cast: Cast, published: Cycle) -> None:
    appeal = file_a(published, cast)
    appeal_criterion_decide(
        line=appeal.criteria.get(), upheld=False, reason="Không đủ căn cứ.", inputs=None,
        by=cast.chair,
    )  # fmt: skip
    appeal_decide(appeal=appeal, by=cast.chair)
    messages = Message.objects.filter(event_key__startswith=f"appeal:{appeal.pk}:")
    assert {m.recipient for m in messages} >= {"so-tu-phap@demo.parindex.invalid", "0912000001"}
    count = messages.count()
    with pytest.raises(Refused):
        appeal_decide(appeal=appeal, by=cast.chair)
    assert Message.objects.filter(event_key__startswith=f"appeal:{appeal.pk}:").count() == count
    email = messages.get(channel="email")
    assert "Không đủ căn cứ." in email.body


def test_deciding_waits_for_every_criterion(cast: Cast, published: Cycle) -> None:
    appeal = file_a(published, cast)
    with pytest.raises(Refused):
        appeal_decide(appeal=appeal, by=cast.chair)


@pytest.mark.parametrize("days", [-2, 6])
def test_filing_outside_the_window_is_refused(cast: Cast, published: Cycle, days: int) -> None:
    with pytest.raises(Refused):
        file_a(published, cast, today=TODAY + datetime.timedelta(days=days))
    assert not Appeal.objects.exists()


def test_no_window_before_publication(cast: Cast) -> None:
    framework = framework_import(
        tree=tree_from_yaml((DEMO_FRAMEWORKS / "so-nganh-2023.yaml").read_bytes()), by=None
    )
    cycle = cycle_for_units(year=2023, framework=framework, units=[cast.unit_a])
    with pytest.raises(Refused):
        appeal_window_set(cycle=cycle, opens_on=TODAY, closes_on=TODAY, by=cast.admin)


def test_only_the_unit_files_and_only_the_council_decides(cast: Cast, published: Cycle) -> None:
    code = leaf_item(published, cast).criterion.code
    for who in (cast.scorer_b, cast.admin, cast.chair):
        with pytest.raises(Forbidden):
            appeal_file(cycle=published, unit=cast.unit_a, lines=[AppealLine(code, "x")], by=who)
    appeal = file_a(published, cast)
    for who in (cast.scorer_a, cast.head_a, cast.appraiser, cast.viewer):
        with pytest.raises(Forbidden):
            appeal_criterion_decide(
                line=appeal.criteria.get(), upheld=False, reason="x", inputs=None, by=who
            )
        with pytest.raises(Forbidden):
            appeal_decide(appeal=appeal, by=who)


def test_criteria_are_those_of_the_unit_s_framework(cast: Cast, published: Cycle) -> None:
    for code in ("9.9.9", "1", "' OR 1=1 --"):
        with pytest.raises(Refused):
            appeal_file(
                cycle=published, unit=cast.unit_a, lines=[AppealLine(code, "Lý do")],
                by=cast.scorer_a,
            )  # fmt: skip
    with pytest.raises(Refused):
        file_a_with_reason(published, cast, "x" * 4001)


def file_a_with_reason(cycle: Cycle, cast: Cast, reason: str) -> Appeal:
    code = leaf_item(cycle, cast).criterion.code
    return appeal_file(
        cycle=cycle, unit=cast.unit_a, lines=[AppealLine(code, reason)], by=cast.scorer_a
    )


# The pages ----------------------------------------------------------------------------


def test_a_unit_files_through_the_form_with_evidence(cast: Cast, published: Cycle) -> None:
    code = leaf_item(published, cast).criterion.code
    url = reverse("results:appeal_new", args=[2023])
    client = cast.client(cast.head_a)
    page = client.get(url)
    assert page.status_code == 200 and "không thể thay đổi" in page.content.decode().lower()
    pdf = SimpleUploadedFile("ke-hoach.pdf", b"%PDF-1.4\n%%EOF\n", "application/pdf")
    unconfirmed = client.post(url, {"criterion_1": code, "reason_1": "Lý do"})
    assert unconfirmed.status_code == 400 and not Appeal.objects.exists()
    response = client.post(
        url,
        {"criterion_1": code, "reason_1": "Lý do", "evidence_files": [pdf], "confirmed": "on"},
    )
    appeal = Appeal.objects.get()
    assert response.status_code == 302 and appeal.evidence.count() == 1
    file = appeal.evidence.get()
    download = reverse("results:appeal_file", args=[2023, appeal.pk, file.pk])
    assert client.get(download).status_code == 200
    assert cast.client(cast.scorer_b).get(download).status_code == 404


def test_a_hostile_criterion_is_a_400_in_vietnamese(cast: Cast, published: Cycle) -> None:
    response = cast.client(cast.scorer_a).post(
        reverse("results:appeal_new", args=[2023]),
        {"criterion_1": "<script>", "reason_1": "x" * 10, "confirmed": "on"},
    )
    assert response.status_code == 400
    assert "Hãy chọn một lựa chọn hợp lệ" in response.content.decode()
    assert not Appeal.objects.exists()


def test_another_unit_s_appeal_is_a_logged_404(cast: Cast, published: Cycle) -> None:
    appeal = file_a(published, cast)
    url = reverse("results:appeal_detail", args=[2023, appeal.pk])
    assert cast.client(cast.scorer_a).get(url).status_code == 200
    assert cast.client(cast.scorer_b).get(url).status_code == 404
    assert SecurityEvent.objects.filter(
        kind=SecurityEvent.Kind.REFUSED, username=cast.scorer_b.username
    ).exists()
    listing = cast.client(cast.scorer_b).get(reverse("results:appeals", args=[2023]))
    assert cast.unit_a.name not in listing.content.decode()


def test_the_council_decides_through_the_pages(cast: Cast, published: Cycle) -> None:
    appeal = file_a(published, cast)
    line = appeal.criteria.get()
    client = cast.client(cast.chair)
    url = reverse("results:appeal_line", args=[2023, appeal.pk, line.pk])
    assert client.get(url).status_code == 200
    missing = client.post(url, {"outcome": "upheld", "council_reason": "Đủ căn cứ"})
    assert missing.status_code == 400  # upheld without the corrected appraisal
    saved = client.post(url, {"outcome": "upheld", "council_reason": "Đủ căn cứ", "yes": "yes"})
    assert saved.status_code == 302
    decide = reverse("results:appeal_decide", args=[2023, appeal.pk])
    page = client.get(decide).content.decode()
    assert "so-tu-phap@demo.parindex.invalid" in page
    assert Appeal.objects.get().revision is None  # asking decides nothing
    assert client.post(decide, {"confirmed": "on"}).status_code == 302
    assert Appeal.objects.get().revision is not None


def test_the_list_shows_the_effect_in_constant_queries(
    cast: Cast, published: Cycle, django_assert_num_queries: object
) -> None:
    appeal = file_a(published, cast)
    appeal_criterion_decide(
        line=appeal.criteria.get(), upheld=True, reason="Đủ căn cứ.", inputs=Inputs(yes=True),
        by=cast.chair,
    )  # fmt: skip
    decided = appeal_decide(appeal=appeal, by=cast.chair)
    other = file_a_for_b(published, cast)
    client = cast.client(cast.viewer)
    url = reverse("results:appeals", args=[2023])
    client.get(url)
    with django_assert_num_queries(7):  # type: ignore[operator]
        page = client.get(url).content.decode()
    before = ResultRow.objects.get(snapshot=decided.before, unit=cast.unit_a)
    after = ResultRow.objects.get(snapshot=decided.revision, unit=cast.unit_a)
    from parindex.org.templatetags.parindex import percent

    assert f"{percent(before.index_pct)} → {percent(after.index_pct)}" in page
    assert cast.unit_b.name in page and other.pk


def file_a_for_b(cycle: Cycle, cast: Cast) -> Appeal:
    code = leaf_item(cycle, cast).criterion.code
    return appeal_file(
        cycle=cycle, unit=cast.unit_b, lines=[AppealLine(code, "Lý do")], by=cast.scorer_b
    )


def test_the_council_is_told_once_when_an_appeal_is_filed(cast: Cast, published: Cycle) -> None:
    cast.chair.email = "chu-tich-hoi-dong@demo.parindex.invalid"
    cast.chair.save()
    cast.viewer.email = "theo-doi@demo.parindex.invalid"
    cast.viewer.save()
    appeal = file_a(published, cast)
    told = Message.objects.filter(event_key__startswith=f"appeal:{appeal.pk}:filed")
    assert list(told.values_list("recipient", flat=True)) == [cast.chair.email]
    [message] = told
    code = leaf_item(published, cast).criterion.code
    assert "Sở Tư pháp" in message.body and code in message.body
    assert f"/results/2023/appeals/{appeal.pk}/" in message.body
