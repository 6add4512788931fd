"""The administrator keeps the units' contact details, where messages go; each change
is recorded, and no one else may change them."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse

from parindex.conftest import Cast
from parindex.org.models import SecurityEvent, Unit, UnitContactChange

CONTACTS = reverse("manage:contacts")


def edit_url(unit: Unit) -> str:
    return reverse("manage:contact", args=[unit.code])


def test_the_administrator_completes_a_units_contacts_and_the_change_is_kept(
    cast: Cast,
) -> None:
    client = cast.client(cast.admin)
    response = client.post(
        edit_url(cast.unit_a),
        {
            "head_name": "  Giám đốc   Nguyễn Văn An ",
            "email": " stp@soctrang.gov.vn ",
            "mobile": "0912 345.678",
        },
    )
    assert response.status_code == 302
    assert response["Location"] == f"{CONTACTS}#u-so-tu-phap"
    cast.unit_a.refresh_from_db()
    assert (cast.unit_a.head_name, cast.unit_a.email, cast.unit_a.mobile) == (
        "Giám đốc Nguyễn Văn An",
        "stp@soctrang.gov.vn",
        "0912345678",
    )
    changes = {
        change.field: (change.before, change.after, change.by_id)
        for change in UnitContactChange.objects.filter(unit=cast.unit_a)
    }
    assert changes == {
        "head_name": ("Giám đốc Sở Tư pháp", "Giám đốc Nguyễn Văn An", cast.admin.pk),
        "email": ("", "stp@soctrang.gov.vn", cast.admin.pk),
        "mobile": ("", "0912345678", cast.admin.pk),
    }
    # The messages now reach the unit's own addresses.
    assert ("sms", "0912345678") in cast.unit_a.contacts()
    page = client.get(edit_url(cast.unit_a)).content.decode()
    assert "Lịch sử thay đổi thông tin liên hệ" in page and "Giám đốc Sở Tư pháp" in page


def test_saving_the_same_details_records_nothing(cast: Cast) -> None:
    client = cast.client(cast.admin)
    data = {"head_name": "Giám đốc Sở Tư pháp", "email": "", "mobile": ""}
    response = client.post(edit_url(cast.unit_a), data, follow=True)
    assert "Không có thông tin nào thay đổi." in response.content.decode()
    assert not UnitContactChange.objects.exists()


@pytest.mark.parametrize(
    ("data", "error"),
    [
        ({"email": "khong-phai-thu"}, "Nhập địa chỉ email."),
        ({"mobile": "12345"}, "Vui lòng nhập số điện thoại Việt Nam, ví dụ 0912345678."),
        ({"mobile": "0" * 10_000}, "Giá trị này chỉ có tối đa 30 kí tự"),
        ({"head_name": "Giám đốc " * 5_000}, "Giá trị này chỉ có tối đa 200 kí tự"),
        ({"email": "a@" + "b" * 300 + ".vn"}, "Nhập địa chỉ email."),
    ],
)
def test_a_wrong_value_is_refused_in_vietnamese_and_nothing_is_saved(
    cast: Cast, data: dict[str, str], error: str
) -> None:
    posted = {"head_name": "Giám đốc Sở Tư pháp", "email": "", "mobile": "", **data}
    response = cast.client(cast.admin).post(edit_url(cast.unit_a), posted)
    assert response.status_code == 400
    assert error in response.content.decode()
    cast.unit_a.refresh_from_db()
    assert (cast.unit_a.email, cast.unit_a.mobile) == ("", "")
    assert not UnitContactChange.objects.exists()


@pytest.mark.parametrize("who", ["scorer_a", "head_a", "appraiser", "chair", "viewer"])
def test_no_one_else_changes_a_units_contacts(cast: Cast, who: str) -> None:
    client = cast.client(getattr(cast, who))
    response = client.post(
        edit_url(cast.unit_a), {"head_name": "x", "email": "x@x.vn", "mobile": "0912345678"}
    )
    assert response.status_code == 403
    assert client.get(CONTACTS).status_code == 403
    cast.unit_a.refresh_from_db()
    assert cast.unit_a.email == "" and not UnitContactChange.objects.exists()
    assert SecurityEvent.objects.filter(kind="refused", username=who).count() == 2


def test_an_unknown_unit_is_not_found(cast: Cast) -> None:
    assert cast.client(cast.admin).get("/manage/contacts/khong-co/").status_code == 404


def test_a_change_in_the_django_admin_is_recorded_too(cast: Cast) -> None:
    client = cast.client(cast.admin)
    url = f"/admin/org/unit/{cast.unit_b.pk}/change/"
    form = client.get(url).context["adminform"].form
    data = {key: value for key, value in form.initial.items() if value is not None}
    data.update(
        {
            "group": cast.departments.pk,
            "email": "syt@soctrang.gov.vn",
            "former_names-TOTAL_FORMS": 0,
            "former_names-INITIAL_FORMS": 0,
            "contact_changes-TOTAL_FORMS": 0,
            "contact_changes-INITIAL_FORMS": 0,
        }
    )
    data.pop("successors", None)
    data.pop("parent", None)
    assert client.post(url, data).status_code == 302
    change = UnitContactChange.objects.get(unit=cast.unit_b)
    assert (change.field, change.before, change.after, change.by_id) == (
        "email",
        "",
        "syt@soctrang.gov.vn",
        cast.admin.pk,
    )


def test_the_list_shows_what_is_missing_and_filters(cast: Cast) -> None:
    cast.unit_b.email, cast.unit_b.mobile = "syt@soctrang.gov.vn", "0987654321"
    cast.unit_b.head_name = "Giám đốc Sở Y tế"
    cast.unit_b.save()
    client = cast.client(cast.admin)
    page = client.get(CONTACTS).content.decode()
    assert "3 đơn vị còn thiếu thủ trưởng, thư điện tử hoặc số điện thoại di động." in page
    assert "syt@soctrang.gov.vn" in page and 'href="/manage/contacts/so-y-te/"' in page
    missing = client.get(CONTACTS, {"missing": "on"}).content.decode()
    assert "Sở Tư pháp" in missing and "Sở Y tế" not in missing
    districts = client.get(CONTACTS, {"group": "huyen"}).content.decode()
    assert "UBND huyện Mỹ Xuyên" in districts and "Sở Tư pháp" not in districts
    found = client.get(CONTACTS, {"q": "0987"}).content.decode()
    assert "Sở Y tế" in found and "Sở Tư pháp" not in found
    assert client.get(CONTACTS, {"group": "khong-co"}).status_code == 400
    assert client.get(CONTACTS, {"q": "x" * 1000}).status_code == 400


def test_the_list_runs_a_fixed_number_of_queries(
    cast: Cast, django_assert_num_queries: Any
) -> None:
    client = cast.client(cast.admin)
    client.get(CONTACTS)  # warm the session
    with django_assert_num_queries(5):  # session, user, groups of the filter, units, count
        client.get(CONTACTS)
    for number in range(30):
        Unit.objects.create(code=f"xa-{number}", name=f"UBND xã {number}", group=cast.districts)
    with django_assert_num_queries(5):
        response = client.get(CONTACTS)
    assert response.content.decode().count('class="button small-button"') == 34


def test_the_unit_page_leads_the_administrator_to_the_form(cast: Cast) -> None:
    url = reverse("org:unit_detail", args=[cast.unit_a.code])
    assert edit_url(cast.unit_a) in cast.client(cast.admin).get(url).content.decode()
    page = cast.client(cast.scorer_a).get(url).content.decode()
    assert edit_url(cast.unit_a) not in page
    assert "Thông tin liên hệ của đơn vị do quản trị viên cập nhật" in page
