"""Next year's questionnaire is a copy of this year's: editable, its texts' years carried
forward, each question continuing the one it copies. The administrator changes the
crosswalk where a question was rewritten, even once the questionnaire is in use."""

from __future__ import annotations

import pytest

from parindex.conftest import DEMO_DATA, Cast
from parindex.org.errors import Refused
from parindex.surveys.models import Question, Questionnaire
from parindex.surveys.questionnaires import (
    QuestionnaireFileError,
    questionnaire_copy,
    questionnaire_crosswalk_save,
    questionnaire_export,
    questionnaire_freeze,
    questionnaire_import,
)

pytestmark = pytest.mark.django_db
SIPAS = DEMO_DATA / "questionnaires" / "sipas-2024.yaml"


@pytest.fixture
def sipas(cast: Cast) -> Questionnaire:
    return questionnaire_freeze(
        questionnaire=questionnaire_import(data=SIPAS.read_bytes(), by=cast.admin)
    )


def test_next_years_copy_continues_every_question(cast: Cast, sipas: Questionnaire) -> None:
    copy = questionnaire_copy(questionnaire=sipas, year=2025, by=cast.admin)
    assert (copy.code, copy.year, copy.previous, copy.is_frozen) == (
        "sipas-2025",
        2025,
        sipas,
        False,
    )
    assert copy.title.endswith("năm 2025") and "năm 2025" in copy.introduction
    pairs = list(copy.questions.order_by("position").values_list("code", "previous__code"))
    assert pairs == list(sipas.questions.order_by("position").values_list("code", "code"))
    assert set(copy.questions.values_list("previous__questionnaire", flat=True)) == {sipas.pk}
    assert list(copy.indicators.values_list("code", flat=True)) == list(
        sipas.indicators.values_list("code", flat=True)
    )
    # Its file says so: previous and continues, and it imports back as it is.
    exported = questionnaire_export(questionnaire=copy)
    assert "previous: sipas-2024" in exported and "continues: a1" in exported
    assert questionnaire_import(data=exported.encode(), by=cast.admin).pk == copy.pk


def test_a_copy_goes_into_a_later_year_under_a_new_code(cast: Cast, sipas: Questionnaire) -> None:
    with pytest.raises(Refused, match="năm sau năm 2024"):
        questionnaire_copy(questionnaire=sipas, year=2024, by=cast.admin)
    questionnaire_copy(questionnaire=sipas, year=2025, by=cast.admin)
    with pytest.raises(Refused, match="Đã có phiếu khảo sát mã “sipas-2025”"):
        questionnaire_copy(questionnaire=sipas, year=2025, by=cast.admin)
    assert Questionnaire.objects.count() == 2


def test_the_copy_changes_while_the_original_in_use_does_not(
    cast: Cast, sipas: Questionnaire
) -> None:
    copy = questionnaire_copy(questionnaire=sipas, year=2025, by=cast.admin)
    changed = questionnaire_export(questionnaire=copy).replace(
        "Mức độ hài lòng của Ông/Bà về nơi ngồi chờ", "Ông/Bà hài lòng thế nào về nơi ngồi chờ"
    )
    questionnaire_import(data=changed.encode(), by=cast.admin)
    assert copy.questions.get(code="a1").text.startswith("Ông/Bà hài lòng")
    with pytest.raises(QuestionnaireFileError, match="đang được sử dụng"):
        questionnaire_import(data=changed.replace("2025", "2024").encode(), by=cast.admin)


def test_the_crosswalk_links_only_to_the_previous_questionnaires_questions(
    cast: Cast, sipas: Questionnaire
) -> None:
    copy = questionnaire_freeze(
        questionnaire=questionnaire_copy(questionnaire=sipas, year=2025, by=cast.admin)
    )
    a1, a2 = (copy.questions.get(code=code) for code in ("a1", "a2"))
    old_a3 = sipas.questions.get(code="a3")
    links: dict[int, int | None] = dict(copy.questions.values_list("pk", "previous_id"))
    links[a1.pk] = None  # rewritten: continues nothing
    links[a2.pk] = old_a3.pk
    # Allowed on a questionnaire in use: the links change no question.
    assert (
        questionnaire_crosswalk_save(questionnaire=copy, previous=sipas, links=links, by=cast.admin)
        == 2
    )
    a1.refresh_from_db()
    a2.refresh_from_db()
    assert (a1.previous_id, a2.previous_id) == (None, old_a3.pk)

    other = questionnaire_copy(questionnaire=sipas, year=2026, by=cast.admin)
    stranger = other.questions.get(code="a1")
    with pytest.raises(Refused):
        questionnaire_crosswalk_save(
            questionnaire=copy, previous=sipas, links={a1.pk: stranger.pk}, by=cast.admin
        )
    with pytest.raises(Refused):  # a later questionnaire is not one it continues
        questionnaire_crosswalk_save(questionnaire=copy, previous=other, links={}, by=cast.admin)
    a1.refresh_from_db()
    assert a1.previous_id is None

    # No earlier questionnaire: every link goes.
    questionnaire_crosswalk_save(questionnaire=copy, previous=None, links={}, by=cast.admin)
    copy.refresh_from_db()
    assert copy.previous is None
    assert not Question.objects.filter(questionnaire=copy, previous__isnull=False).exists()
