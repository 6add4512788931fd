"""The initiatives register: the year's recognised ones, in the report's order."""

from __future__ import annotations

import pytest

from parindex.conftest import Cast
from parindex.followup.models import Initiative

pytestmark = pytest.mark.django_db


def test_recognised_initiatives_of_a_year_by_group_then_unit(cast: Cast) -> None:
    make = Initiative.objects.create
    district = make(unit=cast.district, year=2023, title="B", status="recognised")
    department = make(unit=cast.unit_b, year=2023, title="A", status="recognised")
    first = make(unit=cast.unit_a, year=2023, title="C", status="recognised")
    make(unit=cast.unit_a, year=2023, title="submitted")
    make(unit=cast.unit_a, year=2023, title="refused", status="not_recognised")
    make(unit=cast.unit_a, year=2024, title="next year", status="recognised")
    assert list(Initiative.objects.recognised(2023)) == [first, department, district]


# Submitting, deciding, later years ---------------------------------------------------

import io  # noqa: E402

import openpyxl  # noqa: E402
from django.core.files.uploadedfile import SimpleUploadedFile  # noqa: E402
from django.urls import reverse  # noqa: E402
from django.utils import timezone  # noqa: E402

from parindex.followup import initiatives as services  # noqa: E402
from parindex.followup.models import InitiativeFollowup  # noqa: E402
from parindex.org.errors import Forbidden, Refused  # noqa: E402
from parindex.org.models import SecurityEvent  # noqa: E402

PDF = b"%PDF-1.4\n1 0 obj<</Type/Catalog>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"
LAST_YEAR = timezone.localdate().year - 1
THIS_YEAR = LAST_YEAR + 1


def submit(cast: Cast, title: str = "Dân đến không viết", **given: object) -> Initiative:
    values: dict[str, object] = {"year": LAST_YEAR, "title": title, "by": cast.scorer_a}
    values.update(given)
    return services.initiative_submit(**values)  # type: ignore[arg-type]


def recognise(initiative: Initiative, cast: Cast) -> Initiative:
    return services.initiative_decide(
        initiative=initiative,
        status="recognised",
        decision="Biên bản họp Hội đồng thẩm định ngày 15/12",
        by=cast.chair,
    )


def test_a_unit_submits_with_a_file_and_edits_until_the_council_decides(cast: Cast) -> None:
    initiative = submit(cast, description="Mô tả", uploads=[SimpleUploadedFile("mo-ta.pdf", PDF)])
    assert initiative.unit == cast.unit_a and initiative.status == "submitted"
    assert [f.name for f in initiative.evidence.all()] == ["mo-ta.pdf"]
    services.initiative_update(initiative=initiative, title="Dân đến  không viết ", by=cast.head_a)
    initiative.refresh_from_db()
    assert initiative.title == "Dân đến không viết"
    with pytest.raises(Forbidden):
        services.initiative_update(initiative=initiative, title="x", by=cast.scorer_b)
    recognise(initiative, cast)
    with pytest.raises(Refused):
        services.initiative_update(initiative=initiative, title="x", by=cast.scorer_a)


def test_only_units_submit_and_only_the_admin_or_chair_decide(cast: Cast) -> None:
    for who in (cast.admin, cast.chair, cast.viewer, cast.appraiser):
        with pytest.raises(Forbidden):
            submit(cast, by=who)
    initiative = submit(cast)
    for who in (cast.viewer, cast.appraiser, cast.scorer_a, cast.head_b):
        with pytest.raises(Forbidden):
            services.initiative_decide(
                initiative=initiative, status="recognised", decision="QĐ 1", by=who
            )
    with pytest.raises(Refused):
        submit(cast, year=THIS_YEAR + 1)


def test_a_refusal_needs_a_reason_and_changing_a_decision_asks_first(cast: Cast) -> None:
    initiative = submit(cast)
    with pytest.raises(Refused):
        services.initiative_decide(
            initiative=initiative, status="not_recognised", decision="BB 15/12", by=cast.admin
        )
    with pytest.raises(Refused):
        services.initiative_decide(
            initiative=initiative, status="recognised", decision=" ", by=cast.admin
        )
    recognise(initiative, cast)
    # The same status again (a corrected citation) does not ask.
    services.initiative_decide(
        initiative=initiative, status="recognised", decision="QĐ 25/QĐ-HĐ", by=cast.admin
    )
    with pytest.raises(services.NeedsConfirmation):
        services.initiative_decide(
            initiative=initiative,
            status="not_recognised",
            decision="BB 20/12",
            reason="Không mới",
            by=cast.admin,
        )
    initiative.refresh_from_db()
    assert initiative.status == "recognised" and initiative.decision == "QĐ 25/QĐ-HĐ"
    services.initiative_decide(
        initiative=initiative,
        status="not_recognised",
        decision="BB 20/12",
        reason="Không mới",
        confirmed=True,
        by=cast.admin,
    )
    initiative.refresh_from_db()
    assert (initiative.status, initiative.reason, initiative.decided_by) == (
        "not_recognised",
        "Không mới",
        cast.admin,
    )


def test_later_years_are_reported_by_the_unit_and_checked_by_the_admin(cast: Cast) -> None:
    initiative = submit(cast, year=LAST_YEAR - 1)
    with pytest.raises(Refused):
        services.followup_report(
            initiative=initiative, year=LAST_YEAR, maintained=True, extended=False, by=cast.scorer_a
        )
    recognise(initiative, cast)
    for year in (LAST_YEAR - 1, THIS_YEAR + 1):
        with pytest.raises(Refused):
            services.followup_report(
                initiative=initiative, year=year, maintained=True, extended=False, by=cast.head_a
            )
    with pytest.raises(Forbidden):
        services.followup_report(
            initiative=initiative, year=LAST_YEAR, maintained=True, extended=False, by=cast.head_b
        )
    report = services.followup_report(
        initiative=initiative,
        year=LAST_YEAR,
        maintained=True,
        extended=False,
        note="Tiếp tục",
        uploads=[SimpleUploadedFile("duy-tri.pdf", PDF)],
        by=cast.head_a,
    )
    again = services.followup_report(
        initiative=initiative, year=LAST_YEAR, maintained=True, extended=True, by=cast.head_a
    )
    assert again.pk == report.pk and again.extended  # one row per initiative and year
    with pytest.raises(Forbidden):
        services.followup_confirm(followup=report, confirmed=True, by=cast.chair)
    with pytest.raises(Refused):
        services.followup_confirm(followup=report, confirmed=False, by=cast.admin)
    services.followup_confirm(followup=report, confirmed=True, by=cast.admin)
    with pytest.raises(Refused):
        services.followup_report(
            initiative=initiative,
            year=LAST_YEAR,
            maintained=False,
            extended=False,
            note="x",
            by=cast.head_a,
        )
    assert InitiativeFollowup.objects.get().status == "confirmed"


# Pages and who sees what -------------------------------------------------------------


def test_the_register_shows_recognised_ones_to_units_and_all_to_oversight(cast: Cast) -> None:
    mine = submit(cast, title="Của A, chờ")
    theirs = submit(cast, title="Của B, chờ", by=cast.scorer_b)
    public = recognise(submit(cast, title="Của B, công nhận", by=cast.scorer_b), cast)
    url = reverse("followup:initiative_register")
    seen = {
        who: cast.client(getattr(cast, who)).get(url).content.decode()
        for who in ("scorer_a", "appraiser", "viewer")
    }
    assert mine.title in seen["scorer_a"] and public.title in seen["scorer_a"]
    assert theirs.title not in seen["scorer_a"]
    assert public.title in seen["appraiser"] and mine.title not in seen["appraiser"]
    assert all(i.title in seen["viewer"] for i in (mine, theirs, public))
    # Another unit's submission: a logged 404, on the page and for editing.
    client = cast.client(cast.scorer_a)
    assert client.get(theirs.get_absolute_url()).status_code == 404
    assert client.get(public.get_absolute_url()).status_code == 200
    edit = reverse("followup:initiative_edit", args=[public.pk])
    assert client.post(edit, {"title": "x"}).status_code == 404
    assert SecurityEvent.objects.filter(
        kind=SecurityEvent.Kind.REFUSED, detail__contains=str(theirs.pk)
    ).exists()
    filtered = cast.client(cast.viewer).get(url, {"status": "recognised"}).content.decode()
    assert public.title in filtered and mine.title not in filtered


def test_the_register_costs_the_same_queries_for_3_or_30_initiatives(cast: Cast) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = cast.client(cast.viewer)
    client.get(reverse("followup:initiative_register"))  # the session is written once

    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            response = client.get(reverse("followup:initiative_register"))
        assert response.status_code == 200
        return len(queries)

    def add(n: int) -> None:
        for number in range(n):
            initiative = recognise(submit(cast, year=LAST_YEAR - 1, title=f"SK {number}"), cast)
            services.followup_report(
                initiative=initiative,
                year=LAST_YEAR,
                maintained=True,
                extended=True,
                by=cast.scorer_a,
            )

    add(3)
    few = count()
    add(27)
    # Session, user; the years, groups and units of the filters; count, page, later years.
    assert count() == few == 8


def test_a_unit_submits_on_its_page_with_a_file_and_another_unit_cannot(cast: Cast) -> None:
    client = cast.client(cast.head_a)
    url = reverse("followup:unit_initiatives", args=[cast.unit_a.code])
    response = client.post(
        url,
        {
            "year": LAST_YEAR,
            "title": "Mô hình Dân đến không viết",
            "description": "Phường 3",
            "evidence_files": [SimpleUploadedFile("mo-hinh.pdf", PDF)],
        },
    )
    initiative = Initiative.objects.get()
    assert response.status_code == 302 and response["Location"] == initiative.get_absolute_url()
    file = initiative.evidence.get()
    download = reverse("followup:initiative_file", args=[initiative.pk, file.pk])
    assert client.get(download).status_code == 200
    assert cast.client(cast.scorer_b).get(download).status_code == 404
    assert cast.client(cast.scorer_b).post(url, {"title": "x"}).status_code == 404
    assert cast.client(cast.viewer).post(url, {"title": "x"}).status_code == 403


def test_the_decisions_page_records_and_asks_before_changing(cast: Cast) -> None:
    initiative = submit(cast)
    client = cast.client(cast.chair)
    page = client.get(reverse("followup:initiative_decisions", args=[LAST_YEAR]))
    assert initiative.title in page.content.decode()
    decide = reverse("followup:initiative_decide", args=[initiative.pk])
    prefix = f"i{initiative.pk}"
    client.post(
        decide,
        {"prefix": prefix, f"{prefix}-status": "recognised", f"{prefix}-decision": "BB 15/12"},
    )
    initiative.refresh_from_db()
    assert initiative.status == "recognised"
    asked = client.post(
        decide, {"status": "not_recognised", "decision": "BB 20/12", "reason": "Trùng"}
    )
    assert asked.status_code == 200 and "confirmed" in asked.content.decode()
    initiative.refresh_from_db()
    assert initiative.status == "recognised"
    client.post(
        decide,
        {"status": "not_recognised", "decision": "BB 20/12", "reason": "Trùng", "confirmed": "on"},
    )
    initiative.refresh_from_db()
    assert initiative.status == "not_recognised"


def test_the_register_downloads_as_excel_with_later_years(cast: Cast) -> None:
    initiative = recognise(submit(cast, year=LAST_YEAR - 1, title="=HYPERLINK(1)"), cast)
    services.followup_report(
        initiative=initiative, year=LAST_YEAR, maintained=True, extended=True, by=cast.scorer_a
    )
    submit(cast, title="Chờ thẩm định")
    response = cast.client(cast.viewer).get(
        reverse("followup:initiative_register_xlsx"), {"status": "recognised"}
    )
    book = openpyxl.load_workbook(io.BytesIO(response.content))
    rows = list(book["Sáng kiến"].iter_rows(values_only=True))
    assert len(rows) == 2
    title = book["Sáng kiến"]["C2"]
    assert title.value == "=HYPERLINK(1)" and title.data_type == "s" and title.quotePrefix
    assert rows[1][4] == "Sở Tư pháp" and rows[1][6] == "Được công nhận"
    assert f"{LAST_YEAR}: duy trì, phát triển, nhân rộng" in rows[1][8]
    later = list(book["Duy trì, nhân rộng"].iter_rows(values_only=True))
    assert later[1][3:7] == (LAST_YEAR - 1, LAST_YEAR, "Có", "Có")
