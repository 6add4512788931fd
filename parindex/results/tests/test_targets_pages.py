"""Targets and the province's national results: recorded by the administrator, read by
everyone signed in, each year's status from published figures."""

from __future__ import annotations

import datetime
from decimal import Decimal
from io import BytesIO, StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse
from openpyxl import load_workbook

from parindex.assessments.models import Cycle
from parindex.conftest import Cast
from parindex.results.models import NationalResult, Target
from parindex.results.selectors import year_results
from parindex.results.services import results_compute, results_publish

OTHERS = ["scorer_a", "head_b", "appraiser", "chair", "viewer"]


def test_recording_the_national_results_in_vietnamese_numbers(cast: Cast) -> None:
    client = cast.client(cast.admin)
    url = reverse("results:national_new")
    page = client.post(url, {"year": "2020", "index_pct": "85,19", "rank": "64", "rank_of": "63"})
    assert "Thứ hạng phải từ 1 đến số tỉnh, thành phố được xếp hạng." in page.content.decode()
    assert not NationalResult.objects.exists()
    page = client.post(url, {"year": "2020", "index_pct": "185,19", "rank": "19", "rank_of": "63"})
    assert "Tỷ lệ phần trăm phải từ 0 đến 100." in page.content.decode()
    response = client.post(
        url,
        {"year": "2020", "index_pct": "85,19", "rank": "19", "rank_of": "63", "sipas_pct": "88,67"},
    )
    assert response.status_code == 302
    row = NationalResult.objects.get()
    assert (row.index_pct, row.sipas_pct, row.entered_by) == (
        Decimal("85.19"),
        Decimal("88.67"),
        cast.admin,
    )
    # The same year again is refused rather than silently replacing it.
    again = client.post(url, {"year": "2020", "index_pct": "80", "rank": "1", "rank_of": "63"})
    assert again.status_code == 200 and NationalResult.objects.get().index_pct == Decimal("85.19")
    edit = client.post(
        reverse("results:national_edit", args=[2020]),
        {"year": "2020", "index_pct": "85,2", "rank": "19", "rank_of": "63"},
    )
    assert edit.status_code == 302 and NationalResult.objects.get().index_pct == Decimal("85.20")


def test_a_target_needs_its_number_and_years_in_order(cast: Cast) -> None:
    client = cast.client(cast.admin)
    url = reverse("results:target_new")
    base = {"title": "Trong nhóm 15 tỉnh dẫn đầu", "kind": "national_rank_at_most"}
    text = client.post(url, {**base, "first_year": "2025", "last_year": "2025"}).content.decode()
    assert "Loại mục tiêu này cần nhập con số N." in text
    text = client.post(
        url, {**base, "value": "15", "first_year": "2026", "last_year": "2025"}
    ).content.decode()
    assert "Năm kết thúc phải sau năm bắt đầu." in text
    assert not Target.objects.exists()
    response = client.post(url, {**base, "value": "15", "first_year": "2025", "last_year": "2025"})
    assert response.status_code == 302
    target = Target.objects.get()
    assert (target.value, target.created_by) == (Decimal(15), cast.admin)


def test_statuses_year_by_year(cast: Cast, cycle_2024: Cycle) -> None:
    NationalResult.objects.create(year=2019, index_pct=Decimal("82.03"), rank=19, rank_of=63)
    NationalResult.objects.create(year=2020, index_pct=Decimal("85.19"), rank=19, rank_of=63)
    Target.objects.create(
        title="Mỗi năm tăng tối thiểu 01 bậc",
        kind="national_rank_rise",
        value=Decimal(1),
        first_year=2020,
        last_year=2021,
    )
    Target.objects.create(
        title="Chỉ số của mỗi đơn vị cao hơn năm trước",
        kind="unit_index_rise",
        first_year=2024,
        last_year=2025,
        group=cast.districts,
    )
    snapshot = results_compute(cycle=cycle_2024, by=cast.admin)
    results_publish(
        snapshot=snapshot,
        decision="Quyết định số 25/QĐ-UBND",
        decision_date=datetime.date(2025, 1, 8),
        by=cast.admin,
    )
    results, earlier = year_results(2024), year_results(2023)
    assert results is not None and earlier is not None
    missed = [
        results.units[r.result.unit].name
        for r in results.cycle.units
        if r.result.index_pct <= (earlier.ranked(r.result.unit) or r).result.index_pct
    ]
    text = cast.client(cast.viewer).get(reverse("results:targets")).content.decode()
    assert "hạng 19 (năm trước: 19)" in text  # 2020: kept rank 19, did not rise
    assert f"{11 - len(missed)}/11 đơn vị" in text
    for name in missed:
        assert name in text
    book = load_workbook(
        BytesIO(cast.client(cast.viewer).get(reverse("results:targets_xlsx")).content)
    )
    rows = list(book.active.iter_rows(values_only=True))
    assert rows[1][:3] == ("Mỗi năm tăng tối thiểu 01 bậc", 2020, "không đạt")
    assert rows[2][:3] == ("Mỗi năm tăng tối thiểu 01 bậc", 2021, "chưa có kết quả")


@pytest.mark.parametrize("who", OTHERS)
def test_only_the_administrator_records_targets(cast: Cast, who: str) -> None:
    target = Target.objects.create(
        title="Top 15", kind="national_rank_at_most", value=15, first_year=2025, last_year=2025
    )
    NationalResult.objects.create(year=2020, index_pct=Decimal("85.19"), rank=19, rank_of=63)
    client = cast.client(getattr(cast, who))
    assert client.get(reverse("results:targets")).status_code == 200
    assert client.get(reverse("results:targets_xlsx")).status_code == 200
    for url in (
        reverse("results:target_new"),
        reverse("results:target_edit", args=[target.pk]),
        reverse("results:national_new"),
        reverse("results:national_edit", args=[2020]),
    ):
        assert client.get(url).status_code == 403, url
        assert client.post(url, {"title": "x"}).status_code == 403, url
    assert client.post(reverse("results:target_delete", args=[target.pk])).status_code == 403
    assert Target.objects.get().title == "Top 15"
    assert NationalResult.objects.get().index_pct == Decimal("85.19")


def test_the_national_table_is_public(cast: Cast) -> None:
    NationalResult.objects.create(year=2020, index_pct=Decimal("85.19"), rank=19, rank_of=63)
    client = cast.client(None)
    assert "19/63" in client.get(reverse("results:index")).content.decode()
    book = load_workbook(BytesIO(client.get(reverse("results:national_xlsx")).content))
    assert list(book.active.iter_rows(values_only=True))[1][:4] == (2020, 85.19, 19, 63)
    assert client.post(reverse("results:target_new")).status_code == 302  # to the log-in


def test_national_results_imported_from_a_table(cast: Cast, tmp_path: Path) -> None:
    NationalResult.objects.create(year=2020, index_pct=Decimal("80"), rank=30, rank_of=63)
    good = tmp_path / "national.csv"
    good.write_text(
        "year,index_pct,rank,rank_of,sipas_pct,source\n"
        '2019,"82,03",19,63,,Báo Sóc Trăng\n'
        "2020,85.19,19,63,88.67,Bộ Nội vụ\n",
        encoding="utf-8",
    )
    call_command("import_national_results", str(good), stdout=StringIO())
    assert dict(NationalResult.objects.values_list("year", "index_pct")) == {
        2019: Decimal("82.03"),
        2020: Decimal("85.19"),  # replaced
    }
    bad = tmp_path / "bad.csv"
    bad.write_text("year,index_pct,rank,rank_of\n2021,86,70,63\n", encoding="utf-8")
    with pytest.raises(CommandError, match=r"Row 2|Dòng 2"):
        call_command("import_national_results", str(bad), stdout=StringIO())
    assert not NationalResult.objects.filter(year=2021).exists()
