"""Paper and external responses imported from a file: checked row by row against the
questionnaire, shown first, stored whole once confirmed (a large file as a job), or
nothing stored at all with every rejected row and why; a hostile file is refused."""

from __future__ import annotations

import datetime
import io
import re
import zipfile
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from parindex.conftest import Cast
from parindex.jobs.models import Job
from parindex.org.errors import Refused

from .. import imports
from ..imports import ImportRejected, responses_import
from ..models import Answer, Channel, Flag, Response, TextAnswer
from .campaign_fixtures import TODAY, answer, sipas_campaign, staff_survey

pytestmark = pytest.mark.django_db

YESTERDAY = (TODAY - datetime.timedelta(days=1)).strftime("%d/%m/%Y")
TOMORROW = (TODAY + datetime.timedelta(days=1)).strftime("%d/%m/%Y")
HEADER = "unit,day,channel,dossier,a1,a2,p1,r1,age,note\n"
GOOD = (
    HEADER
    + f"so-tu-phap,{YESTERDAY},paper,,5,4,4,1,42,Tốt\n"
    + f"Sở Tư pháp,{YESTERDAY},portal,H53-0001,4,,5,2,,\n"
    + f"so-y-te,{TODAY.isoformat()},import,,3,3,3,3,,\n"
)


def post(cast: Cast, code: str, data: dict[str, Any]) -> Any:
    return cast.client(cast.admin).post(reverse("surveys:responses_import", args=[code]), data)


def test_a_good_file_is_shown_first_then_stored_whole(cast: Cast) -> None:
    survey = sipas_campaign([cast.unit_a, cast.unit_b])
    page = cast.client(cast.admin).get(reverse("surveys:responses_import", args=[survey.code]))
    assert page.status_code == 200 and "<code>a1</code>" in page.content.decode()
    asked = post(cast, survey.code, {"file": SimpleUploadedFile("r.csv", GOOD.encode())})
    assert asked.status_code == 200 and not Response.objects.exists()
    text = asked.content.decode()
    assert "3" in text and "2" in text  # three responses, two units
    kept = re.search(r'name="kept" value="([^"]+)"', text)
    assert kept is not None
    done = post(cast, survey.code, {"kept": kept.group(1), "confirmed": "on"})
    assert done.status_code == 302
    assert Response.objects.count() == 3 and Response.objects.counted().count() == 3
    channels = sorted(Response.objects.values_list("channel", flat=True))
    assert channels == [Channel.IMPORT, Channel.PAPER, Channel.PORTAL]
    first = Response.objects.get(channel=Channel.PAPER)
    assert first.unit == cast.unit_a and first.day == TODAY - datetime.timedelta(days=1)
    values = dict(Answer.objects.filter(response=first).values_list("question__code", "value"))
    assert values == {"a1": 5, "a2": 4, "p1": 4, "r1": 1, "age": 42}
    assert TextAnswer.objects.get(response=first).text == "Tốt"
    assert Response.objects.get(channel=Channel.PORTAL).dossier_code == "H53-0001"
    # The confirmation's kept file is gone with it: a second post stores nothing.
    post(cast, survey.code, {"kept": kept.group(1), "confirmed": "on"})
    assert Response.objects.count() == 3


def test_one_bad_row_stores_nothing_and_the_page_lists_it(cast: Cast) -> None:
    survey = sipas_campaign([cast.unit_a, cast.unit_b])
    bad = GOOD + f"so-tu-phap,{YESTERDAY},paper,,6,,4,,,\n" + "so-khac,31/02/2024,fax,,,,,,,\n"
    response = post(cast, survey.code, {"file": SimpleUploadedFile("r.csv", bad.encode())})
    assert response.status_code == 400
    text = response.content.decode()
    assert '<td class="num">5</td>' in text and '<td class="num">6</td>' in text
    assert "cột “a1”" in text  # the answer off the scale, named by its question
    assert not Response.objects.exists() and not Answer.objects.exists()
    with pytest.raises(ImportRejected) as rejected:
        responses_import(campaign=survey, content=bad.encode(), filename="r.csv", today=TODAY)
    assert rejected.value.count == 2
    problems = " ".join(rejected.value.rejected[1].problems)
    for column in ("unit", "day", "channel"):
        assert column in problems
    assert not Response.objects.exists()


@pytest.mark.parametrize(
    ("line", "column"),
    [
        (
            f"so-tu-phap,{TOMORROW},paper,,4,,4,,,",
            "day",
        ),
        ("so-tu-phap,01/01/2020,paper,,4,,4,,,", "day"),  # before the campaign
        (f"so-tu-phap,{YESTERDAY},paper,a b c,4,,4,,,", "dossier"),
        (f"so-tu-phap,{YESTERDAY},paper,,,,,,,", "no question"),
        (f"so-tu-phap,{YESTERDAY},paper,,,,4,,,", "a1"),  # required
        (f"so-tu-phap,{YESTERDAY},paper,,4,,4,9,,", "r1"),
        (f"so-tu-phap,{YESTERDAY},paper,,4,,4,,{'9' * 40},", "age"),
        (f"so-tu-phap,{YESTERDAY},paper,,4,,4,,,{'x' * 2001}", "note"),
    ],
)
def test_every_value_is_checked_against_its_question(cast: Cast, line: str, column: str) -> None:
    survey = sipas_campaign([cast.unit_a])
    with pytest.raises(ImportRejected) as rejected:
        responses_import(
            campaign=survey,
            content=(HEADER + line + "\n").encode(),
            filename="r.csv",
            today=TODAY,
        )
    assert rejected.value.count == 1
    if column != "no question":
        assert any(column in problem for problem in rejected.value.rejected[0].problems)


@pytest.mark.parametrize(
    ("content", "name"),
    [
        (b"unit,day,channel,zz\n", "r.csv"),  # a column that is no question
        (b"unit,day,a1\n", "r.csv"),  # no channel
        (b"\xff\xfe\x00u", "r.csv"),
        (b"PK\x03\x04 broken", "r.xlsx"),
        (b"%PDF-1.7", "r.pdf"),
        (b"x" * (imports.RESPONSE_LIMITS.max_bytes + 1), "r.csv"),
        (HEADER.encode(), "r.csv"),  # no row
    ],
)
def test_a_hostile_file_is_refused_whole(cast: Cast, content: bytes, name: str) -> None:
    survey = sipas_campaign([cast.unit_a])
    with pytest.raises(Refused):
        responses_import(campaign=survey, content=content, filename=name, today=TODAY)
    response = post(cast, survey.code, {"file": SimpleUploadedFile(name, content)})
    assert response.status_code == 400
    assert not Response.objects.exists()


def test_a_zip_bomb_and_too_many_rows_are_refused(cast: Cast) -> None:
    survey = sipas_campaign([cast.unit_a])
    bomb = io.BytesIO()
    with zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(
            "xl/worksheets/sheet1.xml", b"0" * (imports.RESPONSE_LIMITS.max_unpacked + 1)
        )
    with pytest.raises(Refused, match="giải nén"):
        responses_import(campaign=survey, content=bomb.getvalue(), filename="r.xlsx", today=TODAY)
    many = HEADER + f"so-tu-phap,{YESTERDAY},paper,,4,,4,,,\n" * (
        imports.RESPONSE_LIMITS.max_rows + 1
    )
    with pytest.raises(Refused, match="50"):
        responses_import(campaign=survey, content=many.encode(), filename="r.csv", today=TODAY)
    assert not Response.objects.exists()


def test_an_excel_file_with_dates_and_numbers_is_read(cast: Cast) -> None:
    from openpyxl import Workbook

    survey = sipas_campaign([cast.unit_a])
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(["unit", "day", "channel", "A1", "p1"])  # a code in capitals is found too
    sheet.append(["Sở Tư pháp", TODAY - datetime.timedelta(days=1), "paper", 5, 4.0])
    buffer = io.BytesIO()
    book.save(buffer)
    stored = responses_import(
        campaign=survey, content=buffer.getvalue(), filename="r.xlsx", today=TODAY
    )
    assert stored.stored == 1
    assert sorted(Answer.objects.values_list("value", flat=True)) == [4, 5]


def test_a_dossier_rated_already_is_stored_flagged(cast: Cast) -> None:
    survey = sipas_campaign([cast.unit_a])
    from ..responses import Who, form_of, parse_answers, response_store

    questionnaire = survey.questionnaires.get()
    response_store(
        who=Who(survey, questionnaire, cast.unit_a, Channel.WEB, TODAY),
        parsed=parse_answers(form_of(questionnaire), {"a1": "5", "p1": "5"}),
        dossier_code="H53-0001",
    )
    file = (
        HEADER
        + f"so-tu-phap,{YESTERDAY},portal,H53-0001,1,,1,,,\n"
        + f"so-tu-phap,{YESTERDAY},portal,H53-0002,4,,4,,,\n"
        + f"so-tu-phap,{YESTERDAY},portal,H53-0002,3,,3,,,\n"
    )
    stored = responses_import(campaign=survey, content=file.encode(), filename="r.csv", today=TODAY)
    assert stored.stored == 3 and stored.flagged == 2
    flagged = Response.objects.filter(flag=Flag.DOSSIER)
    assert flagged.count() == 2 and not flagged.filter(counted=True).exists()
    assert not Answer.objects.filter(response__in=flagged, counted=True).exists()


def test_a_staff_file_names_each_rows_group_and_takes_its_questionnaire(cast: Cast) -> None:
    survey = staff_survey([cast.unit_a])
    file = (
        "unit,group,day,channel,q1,q2\n"
        + f"so-tu-phap,lanh-dao,{YESTERDAY},paper,4,5\n"
        + f"so-tu-phap,Công chức,{YESTERDAY},import,3,3\n"
    )
    stored = responses_import(
        campaign=survey.campaign, content=file.encode(), filename="r.csv", today=TODAY
    )
    assert stored.stored == 2
    groups = sorted(Response.objects.values_list("group__code", flat=True))
    assert groups == ["cong-chuc", "lanh-dao"]
    assert set(Answer.objects.values_list("group__code", flat=True)) == {"cong-chuc", "lanh-dao"}
    for bad in (
        f"so-tu-phap,,{YESTERDAY},paper,4,5",  # no group
        f"so-tu-phap,lanh-dao,{YESTERDAY},portal,4,5",  # the portal rates citizens
    ):
        with pytest.raises(ImportRejected):
            responses_import(
                campaign=survey.campaign,
                content=("unit,group,day,channel,q1,q2\n" + bad + "\n").encode(),
                filename="r.csv",
                today=TODAY,
            )
    with pytest.raises(ImportRejected):
        responses_import(
            campaign=survey.campaign,
            content=(
                f"unit,group,day,channel,dossier,q1,q2\nso-tu-phap,lanh-dao,{YESTERDAY},paper,H1,4,5\n"
            ).encode(),
            filename="r.csv",
            today=TODAY,
        )
    assert Response.objects.count() == 2


def test_a_large_file_is_stored_by_a_job_with_its_progress(
    cast: Cast, settings: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    monkeypatch.setattr(imports, "SYNC_ROWS", 2)
    survey = sipas_campaign([cast.unit_a, cast.unit_b])
    answer(survey, cast.unit_a, {"a1": "5", "p1": "5"})
    asked = post(cast, survey.code, {"file": SimpleUploadedFile("r.csv", GOOD.encode())})
    kept = re.search(r'name="kept" value="([^"]+)"', asked.content.decode())
    assert kept is not None and "công việc" in asked.content.decode()
    done = post(cast, survey.code, {"kept": kept.group(1), "confirmed": "on"})
    job = Job.objects.get()
    assert done.status_code == 302 and done["Location"] == job.get_absolute_url()
    job.refresh_from_db()
    assert job.status == Job.Status.SUCCEEDED, job.error
    assert job.link == reverse("surveys:campaign", args=[survey.code])
    assert Response.objects.count() == 4
    # The job's file is gone: run again, it stores nothing twice.
    from ..imports import responses_import_job

    with pytest.raises(Refused):
        responses_import_job.call(
            campaign_id=survey.pk, name=job.task_kwargs["name"], filename="r.csv"
        )
    assert Response.objects.count() == 4


def test_the_rows_rejected_are_listed_up_to_a_bound(cast: Cast) -> None:
    survey = sipas_campaign([cast.unit_a])
    many = HEADER + f"so-tu-phap,{YESTERDAY},paper,,7,,4,,,\n" * 300
    with pytest.raises(ImportRejected) as rejected:
        responses_import(campaign=survey, content=many.encode(), filename="r.csv", today=TODAY)
    assert rejected.value.count == 300 and len(rejected.value.rejected) == imports.REJECTED_SHOWN


def test_a_file_kept_for_its_confirmation_is_removed_after_a_day(cast: Cast) -> None:
    import os
    import time

    from django.core.files.storage import default_storage

    from parindex.surveys.imports import UPLOAD_HOURS, upload_keep

    old = upload_keep(b"unit,a1\n", "old.csv")
    aged = time.time() - (UPLOAD_HOURS + 1) * 3600
    os.utime(default_storage.path(old), (aged, aged))
    fresh = upload_keep(b"unit,a1\n", "fresh.csv")  # keeping a file prunes the old ones
    assert not default_storage.exists(old)
    assert default_storage.exists(fresh)
