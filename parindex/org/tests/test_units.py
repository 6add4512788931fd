"""Units are renamed, merged and dissolved; appraisers never appraise their own unit."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import ValidationError

from parindex.conftest import Cast
from parindex.org.models import AppraisalAssignment, Role, Unit, make_code
from parindex.org.services import assignment_create, unit_dissolve, unit_merge, unit_rename

JULY_2025 = datetime.date(2025, 7, 1)


def test_codes_are_made_from_vietnamese_names() -> None:
    assert make_code("UBND huyện Mỹ Xuyên") == "ubnd-huyen-my-xuyen"
    assert make_code("Sở Văn hóa, Thể thao và Du lịch") == "so-van-hoa-the-thao-va-du-lich"
    assert make_code("Ban Dân tộc") == "ban-dan-toc"
    assert make_code("Đài  Phát thanh") == "dai-phat-thanh"


def test_renaming_keeps_the_code_and_the_former_name(cast: Cast) -> None:
    unit_rename(unit=cast.unit_b, new_name="Sở Y tế tỉnh Sóc Trăng", on=JULY_2025)
    cast.unit_b.refresh_from_db()
    assert cast.unit_b.code == "so-y-te"
    assert cast.unit_b.name == "Sở Y tế tỉnh Sóc Trăng"
    assert [n.name for n in cast.unit_b.former_names.all()] == ["Sở Y tế"]


def test_merging_names_the_successor_and_keeps_the_old_units(cast: Cast) -> None:
    merged = Unit.objects.create(
        code="so-noi-vu-moi", name="Sở Nội vụ (sau hợp nhất)", group=cast.departments
    )
    unit_merge(units=[cast.home_unit, cast.unit_b], into=merged, on=JULY_2025)
    cast.home_unit.refresh_from_db()
    assert cast.home_unit.dissolved_on == JULY_2025
    assert set(merged.predecessors.values_list("code", flat=True)) == {"so-noi-vu", "so-y-te"}
    assert Unit.objects.active().filter(pk=cast.home_unit.pk).count() == 0
    with pytest.raises(ValidationError):
        unit_merge(units=[cast.home_unit], into=merged, on=JULY_2025)
    with pytest.raises(ValidationError):
        unit_merge(units=[merged], into=merged, on=JULY_2025)


def test_district_level_abolished(cast: Cast) -> None:
    unit_dissolve(unit=cast.district, on=JULY_2025)
    cast.district.refresh_from_db()
    assert not cast.district.is_active
    with pytest.raises(ValidationError):
        unit_dissolve(unit=cast.district, on=JULY_2025)


def test_an_appraiser_cannot_be_assigned_to_their_own_unit(cast: Cast) -> None:
    with pytest.raises(ValidationError) as error:
        assignment_create(
            appraiser=cast.appraiser, group=cast.departments, field_code="2", unit=cast.home_unit
        )
    assert "their own unit" in str(error.value) or "chính đơn vị" in str(error.value)
    assert not AppraisalAssignment.objects.filter(unit=cast.home_unit).exists()
    # A unit of another group is refused too; another unit of the group is fine.
    with pytest.raises(ValidationError):
        assignment_create(
            appraiser=cast.appraiser, group=cast.departments, field_code="2", unit=cast.district
        )
    assignment_create(
        appraiser=cast.appraiser, group=cast.departments, field_code="2", unit=cast.unit_b
    )


def test_only_appraisers_get_assignments(cast: Cast) -> None:
    with pytest.raises(ValidationError):
        assignment_create(appraiser=cast.scorer_a, group=cast.departments, field_code="1")


def test_a_unit_role_needs_a_unit(cast: Cast) -> None:
    from django.db import IntegrityError, transaction

    from parindex.org.models import User

    with pytest.raises(IntegrityError), transaction.atomic():
        User.objects.create(username="lost", role=Role.UNIT_SCORER)


def test_renaming_in_the_admin_keeps_the_former_name(cast: Cast) -> None:
    client = cast.client(cast.admin)
    url = f"/admin/org/unit/{cast.unit_b.pk}/change/"
    form = client.get(url).context["adminform"].form
    data = {key: value for key, value in form.initial.items() if value is not None}
    data.update(
        {
            "name": "Sở Y tế tỉnh Sóc Trăng",
            "group": cast.departments.pk,
            "position": 2,
            "former_names-TOTAL_FORMS": 0,
            "former_names-INITIAL_FORMS": 0,
            "contact_changes-TOTAL_FORMS": 0,
            "contact_changes-INITIAL_FORMS": 0,
        }
    )
    data.pop("successors", None)
    response = client.post(url, data)
    assert response.status_code == 302, response.content.decode()[:2000]
    cast.unit_b.refresh_from_db()
    assert cast.unit_b.name == "Sở Y tế tỉnh Sóc Trăng"
    assert list(cast.unit_b.former_names.values_list("name", flat=True)) == ["Sở Y tế"]
