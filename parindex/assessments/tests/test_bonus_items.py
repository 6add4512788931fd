"""The bonus and penalty criteria: one item a line, what it is and its points; saved with
its description, shown back as typed, and the cap said when it is reached."""

from __future__ import annotations

import html
from decimal import Decimal

import pytest
from django.urls import reverse

from parindex.assessments.models import (
    Assessment,
    AssessmentItem,
    AuditEntry,
    inputs_from_json,
    inputs_to_json,
)
from parindex.conftest import Cast
from parindex.scoring.rules import Inputs

pytestmark = pytest.mark.django_db
HTMX = {"HTTP_HX_REQUEST": "true"}
BONUS = "1.8"  # the departments' bonus: initiatives beyond the first, at most 1 point
TWO_LINES = "Sáng kiến “Dân đến không viết” 0,5\nHộ tịch điện tử: 0,25 điểm"


def page(assessment: Assessment) -> str:
    url = reverse("assessments:detail", args=[assessment.cycle.year, assessment.unit.code])
    return f"{url}?field=1"


def save_url(assessment: Assessment, code: str = BONUS) -> str:
    return reverse(
        "assessments:item_save", args=[assessment.cycle.year, assessment.unit.code, code]
    )


def box(text: str) -> str:
    """What the page's bonus box holds."""
    return text.split('id="self-1.8-items"', 1)[1].split(">", 1)[1].split("</textarea>", 1)[0]


def bonus(assessment: Assessment) -> AssessmentItem:
    return assessment.items.select_related("criterion").get(criterion__code=BONUS)


def test_an_unanswered_bonus_box_is_empty_and_says_what_it_takes(
    cast: Cast, assessment_a: Assessment
) -> None:
    text = cast.client(cast.scorer_a).get(page(assessment_a)).content.decode()
    assert box(text) == "" and "dict_items" not in text
    assert "mỗi khoản một dòng: nội dung, cuối dòng ghi số điểm" in text
    assert "Tổng điểm thưởng được tính tối đa 1 điểm" in text


def test_saving_its_explanation_as_the_page_shows_it_is_not_refused(
    cast: Cast, assessment_a: Assessment
) -> None:
    client = cast.client(cast.scorer_a)
    item = bonus(assessment_a)
    shown = html.unescape(box(client.get(page(assessment_a)).content.decode()))
    response = client.post(
        save_url(assessment_a),
        {"version": item.version, "items": shown, "note": "Không có sáng kiến thứ hai"},
        **HTMX,
    )
    assert response.status_code == 200 and "field-error" not in response.content.decode()
    item.refresh_from_db()
    assert (item.note, item.self_inputs) == ("Không có sáng kiến thứ hai", None)


def test_items_with_descriptions_are_stored_shown_and_audited(
    cast: Cast, assessment_a: Assessment
) -> None:
    client = cast.client(cast.scorer_a)
    item = bonus(assessment_a)
    response = client.post(
        save_url(assessment_a), {"version": item.version, "items": TWO_LINES, "note": ""}, **HTMX
    )
    assert response.status_code == 200
    saved = response.content.decode()
    assert 'id="t-self-1_8"' in saved and "Tổng cộng: 0,75 điểm (tối đa 1 điểm)" in saved
    item.refresh_from_db()
    assert item.self_inputs == {
        "items": ["0.5", "0.25"],
        "item_labels": ["Sáng kiến “Dân đến không viết”", "Hộ tịch điện tử"],
    }
    text = html.unescape(client.get(page(assessment_a)).content.decode())
    assert ">Sáng kiến “Dân đến không viết” 0,5\nHộ tịch điện tử 0,25</textarea>" in text
    entry = AuditEntry.objects.get(item=item, kind=AuditEntry.Kind.SELF)
    assert entry.new == item.self_inputs
    history = reverse("assessments:history", args=[2024, assessment_a.unit.code])
    assert "Hộ tịch điện tử" in html.unescape(client.get(history).content.decode())

    # The explanation is then edited with the box as shown: saved, the items unchanged.
    shown = box(text)
    item.refresh_from_db()
    again = client.post(
        save_url(assessment_a),
        {"version": item.version, "items": shown, "note": "Quyết định công nhận số 12/QĐ-HĐTĐ"},
        **HTMX,
    )
    assert "field-error" not in again.content.decode()
    item.refresh_from_db()
    assert item.note == "Quyết định công nhận số 12/QĐ-HĐTĐ"
    assert item.self_inputs["item_labels"] == ["Sáng kiến “Dân đến không viết”", "Hộ tịch điện tử"]


def test_the_cap_reached_is_said_with_the_engines_figures(
    cast: Cast, assessment_a: Assessment
) -> None:
    client = cast.client(cast.scorer_a)
    item = bonus(assessment_a)
    lines = "Sáng kiến A 0,5\nSáng kiến B 0,5\nSáng kiến C 0,25"
    response = client.post(
        save_url(assessment_a), {"version": item.version, "items": lines, "note": ""}, **HTMX
    )
    saved = response.content.decode()
    assert "đã đạt mức tối đa</span> chỉ tính 1 trên 1,25 điểm đã kê khai" in saved
    assert "+1,00" in saved  # the points the leaf shows: the engine's, capped
    text = client.get(page(assessment_a)).content.decode()
    assert "chỉ tính 1 trên 1,25 điểm đã kê khai" in text


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("Sáng kiến chưa ghi điểm", "dòng “Sáng kiến chưa ghi điểm” chưa có số điểm"),
        ("Sáng kiến năm 2023", "2023 điểm vượt mức tối đa 1 điểm"),
        ("Sáng kiến A 0", "phải lớn hơn 0"),
    ],
)
def test_a_line_that_cannot_be_an_item_is_refused_saying_why(
    cast: Cast, assessment_a: Assessment, typed: str, message: str
) -> None:
    item = bonus(assessment_a)
    response = cast.client(cast.scorer_a).post(
        save_url(assessment_a), {"version": item.version, "items": typed, "note": ""}, **HTMX
    )
    assert message in html.unescape(response.content.decode())
    item.refresh_from_db()
    assert item.self_inputs is None


def test_rows_stored_before_descriptions_still_read_and_show(
    cast: Cast, assessment_a: Assessment
) -> None:
    item = bonus(assessment_a)
    AssessmentItem.objects.filter(pk=item.pk).update(self_inputs={"items": ["0.5", "0.25"]})
    assert inputs_from_json({"items": ["0.5", "0.25"]}) == Inputs(
        items=(Decimal("0.5"), Decimal("0.25"))
    )
    text = cast.client(cast.scorer_a).get(page(assessment_a)).content.decode()
    assert ">0,5\n0,25</textarea>" in text


def test_descriptions_survive_storage_and_are_left_out_when_there_are_none() -> None:
    labelled = Inputs(items=(Decimal("0.5"), Decimal("0.25")), item_labels=("Sáng kiến", ""))
    stored = inputs_to_json(labelled)
    assert stored == {"items": ["0.5", "0.25"], "item_labels": ["Sáng kiến", ""]}
    assert inputs_from_json(stored) == labelled
    assert inputs_to_json(Inputs(items=(Decimal("0.5"),))) == {"items": ["0.5"]}
