"""The administrator's page of a cycle's survey results: every unit of the cycle with its
SIPAS and staff results, the missing ones marked, editable, importable; nobody else's."""

from __future__ import annotations

import io
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import load_workbook

from parindex.assessments.models import Cycle
from parindex.conftest import Cast
from parindex.org.models import SecurityEvent, Unit
from parindex.results.tests.test_compute import make_cycle
from parindex.surveys.models import UnitSurveyResult

pytestmark = pytest.mark.django_db
OTHERS = ["scorer_a", "head_a", "appraiser", "chair", "viewer"]


def url(year: int = 2024, name: str = "results:surveys") -> str:
    return reverse(name, args=[year])


def test_every_unit_of_the_cycle_is_listed_with_its_missing_results_marked(
    cast: Cast, cycle: Cycle
) -> None:
    UnitSurveyResult.objects.create(
        year=2024, unit=cast.unit_a, source="sipas", percent=Decimal("87.5"), respondents=120
    )
    page = cast.client(cast.admin).get(url())
    text = page.content.decode()
    assert page.status_code == 200 and "Kết quả khảo sát năm 2024" in text
    for unit in ("Sở Tư pháp", "Sở Y tế", "Sở Nội vụ"):
        assert unit in text
    assert "UBND huyện Mỹ Xuyên" not in text  # not in the cycle
    assert 'value="87,5"' in text and 'value="120"' in text
    assert "1/3 đơn vị" in text and "0/3 đơn vị" in text  # SIPAS, staff
    assert text.count(">còn thiếu<") == 3
    assert "3 đơn vị còn thiếu kết quả" in text


def test_the_page_costs_the_same_queries_for_10_or_40_units(cast: Cast) -> None:
    small = make_cycle(year=2041, units=10)
    large = make_cycle(year=2042, units=40, seed=2)
    client = cast.client(cast.admin)
    counts = []
    for cycle in (small, large):
        UnitSurveyResult.objects.filter(year=cycle.year, source="staff").delete()
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url(cycle.year)).status_code == 200
        counts.append(len(queries))
    # Session, user, cycle, its groups, their survey criteria, the unit count and page,
    # their results, publication, groups, the coverage in one aggregate.
    assert counts == [11, 11]


def test_the_administrator_enters_corrects_and_removes_results(cast: Cast, cycle: Cycle) -> None:
    client = cast.client(cast.admin)
    a = cast.unit_a.pk
    response = client.post(
        url(),
        {
            f"u{a}-sipas_percent": "87,5",
            f"u{a}-sipas_respondents": "120",
            f"u{a}-sipas_shown": "",
            f"u{a}-staff_percent": "",
            f"u{a}-staff_respondents": "",
            f"u{a}-staff_shown": "",
        },
        follow=True,
    )
    assert "Đã lưu 1 kết quả khảo sát." in response.content.decode()
    result = UnitSurveyResult.objects.get(unit=cast.unit_a)
    assert (result.source, result.percent, result.respondents) == ("sipas", Decimal("87.5"), 120)
    assert result.entered_by == cast.admin
    response = client.post(
        url(),
        {
            f"u{a}-sipas_percent": "",
            f"u{a}-sipas_respondents": "",
            f"u{a}-sipas_shown": "87.5000|120",
        },
        follow=True,
    )
    assert "Đã lưu 1 kết quả khảo sát." in response.content.decode()
    assert not UnitSurveyResult.objects.exists()


def test_a_hostile_value_is_refused_in_vietnamese_and_nothing_is_saved(
    cast: Cast, cycle: Cycle
) -> None:
    a, b = cast.unit_a.pk, cast.unit_b.pk
    response = cast.client(cast.admin).post(
        url(),
        {
            f"u{a}-sipas_percent": "90",
            f"u{a}-sipas_respondents": "10",
            f"u{b}-sipas_percent": "1e9999999",
            f"u{b}-sipas_respondents": "9" * 30,
        },
    )
    text = response.content.decode()
    assert response.status_code == 400
    assert "Chưa lưu: hãy sửa các giá trị được đánh dấu bên dưới." in text
    assert "không phải là tỷ lệ phần trăm từ 0 đến 100" in text and "số nguyên" in text
    assert 'value="1e9999999"' in text  # what was typed stays
    assert not UnitSurveyResult.objects.exists()


def test_a_result_changed_meanwhile_is_shown_not_overwritten(cast: Cast, cycle: Cycle) -> None:
    a = cast.unit_a.pk
    UnitSurveyResult.objects.create(
        year=2024, unit=cast.unit_a, source="sipas", percent=Decimal(70), respondents=9
    )
    typed = {f"u{a}-sipas_percent": "88", f"u{a}-sipas_respondents": "100", f"u{a}-sipas_shown": ""}
    client = cast.client(cast.admin)
    response = client.post(url(), typed, follow=True)
    text = response.content.decode()
    assert "người khác đã thay đổi kết quả của Sở Tư pháp" in text
    assert 'value="88"' in text and "đang lưu: 70% · 9 phiếu" in text
    assert UnitSurveyResult.objects.get().percent == 70
    # Saving again, knowingly, puts the typed figures in their place.
    response = client.post(url(), {**typed, f"u{a}-sipas_shown": "70|9"}, follow=True)
    assert UnitSurveyResult.objects.get().percent == 88


def test_a_table_is_imported_from_the_page(cast: Cast, cycle: Cycle) -> None:
    client = cast.client(cast.admin)
    template = client.get(url(name="results:surveys_template"))
    assert template.status_code == 200
    sheet = load_workbook(io.BytesIO(template.content)).active
    rows = [[c.value for c in row] for row in sheet.iter_rows()]
    assert rows[0] == ["unit", "source", "percent", "respondents"]
    assert ["Sở Y tế", "sipas", None, None] in rows and len(rows) == 1 + 3 * 2
    good = b"unit,source,percent,respondents\nso-y-te,sipas,91,40\nSo Noi vu,staff,,\n"
    response = client.post(
        url(name="results:surveys_import"),
        {"file": SimpleUploadedFile("ks.csv", good.replace(b"So Noi vu", "Sở Nội vụ".encode()))},
        follow=True,
    )
    assert "Đã nhập: ghi 1 kết quả" in response.content.decode()
    bad = b"unit,source,percent,respondents\nso-y-te,staff,80,40\nso-tu-phap,sipas,180,4\n"
    response = client.post(
        url(name="results:surveys_import"), {"file": SimpleUploadedFile("ks.csv", bad)}
    )
    assert response.status_code == 400
    assert "Dòng 3, cột “percent”: tỷ lệ phần trăm phải là một số từ 0 đến 100" in (
        response.content.decode()
    )
    assert list(UnitSurveyResult.objects.values_list("unit__code", "source")) == [
        ("so-y-te", "sipas")
    ]


def test_a_unit_outside_the_cycle_is_refused_by_the_import(cast: Cast, cycle: Cycle) -> None:
    content = b"unit,source,percent,respondents\nubnd-huyen-my-xuyen,sipas,91,40\n"
    response = cast.client(cast.admin).post(
        url(name="results:surveys_import"), {"file": SimpleUploadedFile("ks.csv", content)}
    )
    assert response.status_code == 400 and "không có đơn vị nào của kỳ đánh giá năm 2024" in (
        response.content.decode()
    )


@pytest.mark.parametrize("who", OTHERS)
def test_only_the_administrator_reads_and_enters_survey_results(
    cast: Cast, cycle: Cycle, who: str
) -> None:
    client = cast.client(getattr(cast, who))
    a = cast.unit_a.pk
    assert client.get(url()).status_code == 403
    typed = {f"u{a}-sipas_percent": "99", f"u{a}-sipas_respondents": "1"}
    assert client.post(url(), typed).status_code == 403
    assert client.get(url(name="results:surveys_template")).status_code == 403
    upload = SimpleUploadedFile(
        "ks.csv", b"unit,source,percent,respondents\nso-tu-phap,sipas,99,1\n"
    )
    assert client.post(url(name="results:surveys_import"), {"file": upload}).status_code == 403
    assert not UnitSurveyResult.objects.exists()
    assert SecurityEvent.objects.filter(kind="refused", username=who).count() == 4
    anonymous = cast.client(None).post(url(), typed)
    assert anonymous.status_code == 302 and not UnitSurveyResult.objects.exists()


def test_a_year_without_a_cycle_has_no_survey_page(cast: Cast) -> None:
    assert cast.client(cast.admin).get(url(2031)).status_code == 404
    assert Unit.objects.count() == 4
