"""What the unit and the appraisers enter per criterion: saved with its audit, never over
someone else's newer save, and only by whom and when the workflow allows."""

from __future__ import annotations

import datetime
import threading
from decimal import Decimal

import pytest
from django.db import connection

from parindex.assessments.models import (
    Assessment,
    AssessmentItem,
    AuditEntry,
    ExplanationRequest,
    FieldAppraisal,
    Phase,
    State,
)
from parindex.assessments.services import (
    Appraisal,
    SelfAnswer,
    StaleItem,
    explanation_request,
    field_accept_self,
    field_finish,
    item_save_appraisal,
    item_save_self,
)
from parindex.conftest import Cast
from parindex.frameworks.rules import InputsError, read_inputs
from parindex.org.errors import Forbidden, Refused
from parindex.scoring.rules import Inputs

from .conftest import DEADLINE, TODAY

pytestmark = pytest.mark.django_db


def item(assessment: Assessment, code: str) -> AssessmentItem:
    return assessment.items.select_related("criterion").get(criterion__code=code)


def save(cast: Cast, target: AssessmentItem, **answer: object) -> AssessmentItem:
    values = {"inputs": None, "note": "", "claimed": False, "claim_reason": "", **answer}
    return item_save_self(
        item=target,
        answer=SelfAnswer(**values),  # type: ignore[arg-type]
        version=target.version,
        by=cast.scorer_a,
        today=TODAY,
    )


def test_a_scorer_saves_and_every_change_is_audited(cast: Cast, assessment_a: Assessment) -> None:
    leaf = item(assessment_a, "1.1.1")
    saved = save(cast, leaf, inputs=Inputs(yes=True), note="Kế hoạch số 05/KH-STP ngày 10/01/2024")
    assert (saved.self_inputs, saved.version, saved.updated_by) == ({"yes": True}, 2, cast.scorer_a)
    kinds = set(AuditEntry.objects.filter(item=leaf).values_list("kind", flat=True))
    assert kinds == {AuditEntry.Kind.SELF, AuditEntry.Kind.NOTE}
    again = save(cast, saved, inputs=Inputs(yes=True), note=saved.note)
    assert again.version == 2  # nothing changed, nothing written
    entry = AuditEntry.objects.get(item=leaf, kind=AuditEntry.Kind.SELF)
    assert (entry.old, entry.new, entry.by) == (None, {"yes": True}, cast.scorer_a)


def test_a_stale_save_is_refused_and_overwrites_nothing(
    cast: Cast, assessment_a: Assessment
) -> None:
    leaf = item(assessment_a, "1.2")
    first_read, second_read = leaf.version, leaf.version
    item_save_self(
        item=leaf,
        answer=SelfAnswer(Inputs(occurrences=1), "", False, ""),
        version=first_read,
        by=cast.scorer_a,
        today=TODAY,
    )
    with pytest.raises(StaleItem) as stale:
        item_save_self(
            item=leaf,
            answer=SelfAnswer(Inputs(occurrences=3), "", False, ""),
            version=second_read,
            by=cast.head_a,
            today=TODAY,
        )
    assert stale.value.current.self_inputs == {"occurrences": 1}
    leaf.refresh_from_db()
    assert leaf.self_inputs == {"occurrences": 1} and leaf.version == 2


@pytest.mark.django_db(transaction=True)
def test_two_people_saving_at_once_never_lose_an_update(
    cast: Cast, assessment_a: Assessment
) -> None:
    leaf = item(assessment_a, "1.2")
    version = leaf.version
    start = threading.Barrier(2)
    outcomes: list[str] = []

    def save_as(user_name: str, occurrences: int) -> None:
        try:
            start.wait()
            user = getattr(cast, user_name)
            item_save_self(
                item=leaf,
                answer=SelfAnswer(Inputs(occurrences=occurrences), "", False, ""),
                version=version,
                by=user,
                today=TODAY,
            )
            outcomes.append(f"saved {occurrences}")
        except StaleItem:
            outcomes.append("stale")
        finally:
            connection.close()  # the thread's own connection

    threads = [
        threading.Thread(target=save_as, args=("scorer_a", 1)),
        threading.Thread(target=save_as, args=("head_a", 2)),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcome.split()[0] for outcome in outcomes) == ["saved", "stale"]
    leaf.refresh_from_db()
    winner = next(o for o in outcomes if o.startswith("saved"))
    assert leaf.self_inputs == {"occurrences": int(winner.split()[1])} and leaf.version == 2


def test_not_applicable_claims_need_a_leaf_that_allows_them_and_a_reason(
    cast: Cast, assessment_a: Assessment
) -> None:
    allowed = assessment_a.items.filter(criterion__allow_not_applicable=True).first()
    refused = assessment_a.items.filter(criterion__allow_not_applicable=False).first()
    assert allowed is not None and refused is not None
    with pytest.raises(Refused, match="giảm trừ"):
        save(cast, refused, claimed=True, claim_reason="Không có nhiệm vụ")
    with pytest.raises(Refused, match="lý do"):
        save(cast, allowed, claimed=True, claim_reason=" ")
    saved = save(cast, allowed, claimed=True, claim_reason="Đơn vị không có dịch vụ công")
    assert saved.not_applicable_claimed and saved.not_applicable_reason


def test_the_unit_edits_only_while_its_window_is_open(cast: Cast, assessment_a: Assessment) -> None:
    leaf = item(assessment_a, "1.2")
    with pytest.raises(Refused):  # another unit
        item_save_self(
            item=leaf,
            answer=SelfAnswer(None, "x", False, ""),
            version=leaf.version,
            by=cast.scorer_b,
            today=TODAY,
        )
    with pytest.raises(Refused):  # an appraiser does not fill in the unit's scores
        item_save_self(
            item=leaf,
            answer=SelfAnswer(None, "x", False, ""),
            version=leaf.version,
            by=cast.appraiser,
            today=TODAY,
        )
    Assessment.objects.filter(pk=assessment_a.pk).update(state=State.SUBMITTED)
    with pytest.raises(Refused, match="Đã gửi"):
        save(cast, leaf, note="sửa sau khi gửi")
    Assessment.objects.filter(pk=assessment_a.pk).update(state=State.DRAFT)
    with pytest.raises(Refused, match="quá hạn"):
        item_save_self(
            item=leaf,
            answer=SelfAnswer(None, "x", False, ""),
            version=leaf.version,
            by=cast.scorer_a,
            today=DEADLINE + datetime.timedelta(days=1),
        )
    leaf.refresh_from_db()
    assert leaf.note == "" and leaf.version == 1


@pytest.mark.parametrize(
    ("code", "typed", "message"),
    [
        ("1.1.2", {"numerator": "12", "denominator": "10"}, "lớn hơn tổng số 10"),
        ("1.1.2", {"numerator": "5"}, "Nhập đủ cả hai số."),
        ("1.2", {"occurrences": "1,5"}, "Nhập số nguyên."),
        ("1.2", {"occurrences": "ba"}, "“ba” không phải là số."),
    ],
)
def test_what_cannot_be_scored_says_why(
    assessment_a: Assessment, code: str, typed: dict[str, str], message: str
) -> None:
    criterion = item(assessment_a, code).criterion
    with pytest.raises(InputsError) as error:
        read_inputs(criterion.rule(), Decimal(criterion.max_points), typed)
    assert message in error.value.message


def open_for_appraisal(assessment: Assessment) -> None:
    Assessment.objects.filter(pk=assessment.pk).update(state=State.SUBMITTED)
    assessment.cycle.phase = Phase.APPRAISAL_1
    assessment.cycle.save(update_fields=["phase"])
    assessment.refresh_from_db()


def test_the_appraiser_scores_only_the_assigned_field(cast: Cast, assessment_a: Assessment) -> None:
    open_for_appraisal(assessment_a)
    leaf = item(assessment_a, "1.2")
    saved = item_save_appraisal(
        item=leaf,
        appraisal=Appraisal(Inputs(occurrences=2), "Báo cáo quý III gửi trễ", None),
        version=leaf.version,
        by=cast.appraiser,
    )
    assert saved.appraised_inputs == {"occurrences": 2}
    assessment_a.refresh_from_db()
    assert assessment_a.state == State.APPRAISING_1  # the first appraisal starts the round
    other_field = item(assessment_a, "2.1.1")
    with pytest.raises(Refused, match="không được phân công"):
        item_save_appraisal(
            item=other_field,
            appraisal=Appraisal(Inputs(yes=True), "", None),
            version=other_field.version,
            by=cast.appraiser,
        )
    home = Assessment.objects.get(cycle=assessment_a.cycle, unit=cast.home_unit)
    open_for_appraisal(home)
    own = item(home, "1.2")
    with pytest.raises(Refused):  # never their own unit
        item_save_appraisal(
            item=own,
            appraisal=Appraisal(Inputs(occurrences=0), "", None),
            version=own.version,
            by=cast.appraiser,
        )


def test_accepting_the_self_scores_of_a_whole_field(cast: Cast, assessment_a: Assessment) -> None:
    save(cast, item(assessment_a, "1.1.1"), inputs=Inputs(yes=True))
    save(cast, item(assessment_a, "1.2"), inputs=Inputs(occurrences=1))
    claimable = assessment_a.items.filter(
        criterion__allow_not_applicable=True, criterion__code__startswith="1."
    ).first()
    if claimable is not None:
        save(cast, claimable, claimed=True, claim_reason="Không có nhiệm vụ này")
    open_for_appraisal(assessment_a)
    accepted = field_accept_self(assessment=assessment_a, field_code="1", by=cast.appraiser)
    assert accepted.changed >= 2 and accepted.kept == 0
    assert item(assessment_a, "1.2").appraised_inputs == {"occurrences": 1}
    if claimable is not None:
        claimable.refresh_from_db()
        assert claimable.not_applicable_accepted is True
    assert item(assessment_a, "2.1.1").appraised_inputs is None  # other fields untouched
    with pytest.raises(Forbidden):  # field 2 is not the appraiser's
        field_accept_self(assessment=assessment_a, field_code="2", by=cast.appraiser)


def test_accepting_a_field_keeps_what_an_appraiser_already_scored(
    cast: Cast, assessment_a: Assessment
) -> None:
    save(cast, item(assessment_a, "1.1.1"), inputs=Inputs(yes=True))
    save(cast, item(assessment_a, "1.2"), inputs=Inputs(occurrences=0))
    open_for_appraisal(assessment_a)
    leaf = item(assessment_a, "1.2")
    item_save_appraisal(
        item=leaf,
        appraisal=Appraisal(Inputs(occurrences=2), "Hai báo cáo trễ hạn", None),
        version=leaf.version,
        by=cast.appraiser,
    )
    accepted = field_accept_self(assessment=assessment_a, field_code="1", by=cast.appraiser)
    assert accepted.kept == 1 and accepted.changed >= 1
    assert item(assessment_a, "1.2").appraised_inputs == {"occurrences": 2}  # kept
    assert item(assessment_a, "1.1.1").appraised_inputs == {"yes": True}
    again = field_accept_self(
        assessment=assessment_a, field_code="1", by=cast.appraiser, overwrite=True
    )
    assert again.changed == 1 and item(assessment_a, "1.2").appraised_inputs == {"occurrences": 0}


@pytest.mark.parametrize("field", ["zzz", "99", "1.2"])
def test_a_field_that_does_not_exist_is_refused(
    cast: Cast, assessment_a: Assessment, field: str
) -> None:
    open_for_appraisal(assessment_a)
    with pytest.raises(Refused, match="không có lĩnh vực"):
        field_finish(assessment=assessment_a, field_code=field, by=cast.admin)
    with pytest.raises(Refused, match="không có lĩnh vực"):
        field_accept_self(assessment=assessment_a, field_code=field, by=cast.admin)
    assert not FieldAppraisal.objects.exists()


def test_a_request_for_explanation_is_kept_with_its_message(
    cast: Cast, assessment_a: Assessment
) -> None:
    open_for_appraisal(assessment_a)
    leaf = item(assessment_a, "1.1.2")
    with pytest.raises(Refused):
        explanation_request(item=leaf, message="  ", by=cast.appraiser)
    explanation_request(
        item=leaf, message="Bổ sung báo cáo kết quả thực hiện kế hoạch", by=cast.appraiser
    )
    request = ExplanationRequest.objects.get()
    assert (request.round, request.requested_by) == (1, cast.appraiser)
    assert AuditEntry.objects.filter(kind=AuditEntry.Kind.REQUEST, item=leaf).exists()


def test_a_field_is_marked_appraised_from_the_assessment_as_it_is_now(
    cast: Cast, assessment_a: Assessment
) -> None:
    stale = Assessment.objects.get(pk=assessment_a.pk)  # read while still a draft
    open_for_appraisal(assessment_a)
    done = field_finish(assessment=stale, field_code="1", by=cast.appraiser)
    assert done.round == 1 and FieldAppraisal.objects.count() == 1
