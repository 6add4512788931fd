"""Each unit's A4 poster carries the unit's name, the campaign's title and a QR code of
its public form, as PDF and PNG: the administrator has every unit's, a unit's people
their own; the ZIP of all of them is made by a job."""

from __future__ import annotations

import io
import re
import zipfile

import pytest
from django.urls import reverse
from matplotlib import font_manager
from matplotlib.ft2font import FT2Font
from PIL import Image

from parindex.conftest import Cast
from parindex.jobs.models import Job
from parindex.org.models import SecurityEvent
from parindex.surveys.models import Campaign, CampaignUnit, RespondentGroup
from parindex.surveys.posters import (
    PNG_DPI,
    QR_BOX,
    QUIET_ZONE,
    link_as_written,
    poster_figure,
    public_link,
    qr_matrix,
)

from .factories import campaign, sipas_questionnaire, staff_questionnaire
from .factories_public import PartnerPeople

pytestmark = pytest.mark.django_db
A4_POINTS = (595.3, 841.9)


@pytest.fixture
def survey(cast: Cast, settings: object) -> Campaign:
    settings.SITE_URL = "https://cchc.soctrang.gov.vn"  # type: ignore[attr-defined]
    made = campaign([sipas_questionnaire()], [cast.unit_a, cast.unit_b])
    Campaign.objects.filter(pk=made.pk).update(
        title="Khảo sát sự hài lòng của người dân, tổ chức năm 2024"
    )
    made.refresh_from_db()
    return made


def url(name: str, survey: Campaign, unit: object) -> str:
    return reverse(name, args=[survey.code, unit.code])  # type: ignore[attr-defined]


def test_the_link_on_the_poster_is_the_site_s_public_form(cast: Cast, survey: Campaign) -> None:
    entry = CampaignUnit.objects.get(campaign=survey, unit=cast.unit_a)
    link = public_link(entry)
    assert link == f"https://cchc.soctrang.gov.vn/s/{entry.link_code}/"
    assert link_as_written(link) == f"cchc.soctrang.gov.vn/s/{entry.link_code}"


def test_the_pdf_is_one_a4_page_made_by_matplotlib(cast: Cast, survey: Campaign) -> None:
    pdf = cast.client(cast.admin).get(url("surveys:poster_pdf", survey, cast.unit_a))
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"
    assert "poster-sipas-2024-so-tu-phap.pdf" in pdf["Content-Disposition"]
    content = pdf.content
    assert content.startswith(b"%PDF") and b"Matplotlib" in content
    assert b"DejaVuSans" in content  # the font is embedded
    boxes = re.findall(rb"/MediaBox \[\s*0 0 ([\d.]+) ([\d.]+)\s*\]", content)
    assert len(boxes) == 1
    width, height = (float(n) for n in boxes[0])
    assert abs(width - A4_POINTS[0]) < 1 and abs(height - A4_POINTS[1]) < 1


def test_the_png_holds_a_qr_code_that_reads_back_as_the_link(cast: Cast, survey: Campaign) -> None:
    """The QR code is read off the picture module by module and compared with the QR
    code of the unit's link (zbarimg is not on the machines; this reads the same)."""
    entry = CampaignUnit.objects.get(campaign=survey, unit=cast.unit_a)
    png = cast.client(cast.admin).get(url("surveys:poster_png", survey, cast.unit_a))
    assert png.status_code == 200 and png["Content-Type"] == "image/png"
    picture = Image.open(io.BytesIO(png.content)).convert("L")
    assert abs(picture.width - 8.27 * PNG_DPI) <= 1 and abs(picture.height - 11.69 * PNG_DPI) <= 1
    assert read_qr(picture, len(qr_matrix(public_link(entry)))) == qr_matrix(public_link(entry))
    # Another unit's poster has another code.
    other = CampaignUnit.objects.get(campaign=survey, unit=cast.unit_b)
    assert qr_matrix(public_link(other)) != qr_matrix(public_link(entry))


def read_qr(picture: Image.Image, size: int) -> tuple[tuple[bool, ...], ...]:
    left, bottom, width, height = QR_BOX
    box = (
        round(left * picture.width),
        round((1 - bottom - height) * picture.height),
        round((left + width) * picture.width),
        round((1 - bottom) * picture.height),
    )
    area = picture.crop(box).point(lambda v: 255 if v < 128 else 0)
    x0, y0, x1, y1 = area.getbbox() or (0, 0, 0, 0)  # the dark modules' extent
    module = (x1 - x0) / size
    assert abs(module - (y1 - y0) / size) < 0.01 and module > 8  # square, big enough
    # Nothing else in the box: its margin (the quiet zone a reader needs) is white.
    assert abs((x1 - x0) - area.width * size / (size + 2 * QUIET_ZONE)) < 3
    return tuple(
        tuple(
            area.getpixel((int(x0 + (x + 0.5) * module), int(y0 + (y + 0.5) * module))) == 255
            for x in range(size)
        )
        for y in range(size)
    )


def test_every_character_of_the_poster_is_in_its_font(cast: Cast) -> None:
    """Vietnamese diacritics are drawn, not boxes: DejaVu Sans has each character of
    the texts the poster draws (the unit's name, the title, the invitation)."""
    figure = poster_figure(
        unit_name="UBND huyện Mỹ Xuyên – Bộ phận Một cửa",
        campaign_title="Khảo sát sự hài lòng về sự phục vụ của cơ quan hành chính năm 2024",
        link="https://cchc.soctrang.gov.vn/s/abc/",
    )
    texts = [text.get_text() for text in figure.texts]
    assert any("Mỹ Xuyên" in text for text in texts)
    assert any("quét mã" in text for text in texts)  # the invitation, in Vietnamese
    font = FT2Font(font_manager.findfont("DejaVu Sans", fallback_to_default=False))
    missing = {c for text in texts for c in text if c.strip() and not font.get_char_index(ord(c))}
    assert missing == set()


WHO = ["admin", "scorer_a", "head_a", "scorer_b", "appraiser", "chair", "viewer"]


@pytest.mark.parametrize("who", [*WHO, "collector", "supervisor", None])
def test_who_may_download_which_poster(
    cast: Cast, people: PartnerPeople, survey: Campaign, who: str | None
) -> None:
    user = getattr(people, who) if who in ("collector", "supervisor") else None
    if who in WHO:
        user = getattr(cast, who)
    client = cast.client(user)
    own = client.get(url("surveys:poster_png", survey, cast.unit_a)).status_code
    other = client.get(url("surveys:poster_pdf", survey, cast.unit_b)).status_code
    page = client.get(reverse("surveys:posters", args=[survey.code])).status_code
    expected = {
        "admin": (200, 200, 200),
        "scorer_a": (200, 404, 200),
        "head_a": (200, 404, 200),
        "scorer_b": (404, 200, 200),
    }.get(str(who), (302, 302, 302) if who is None else (403, 403, 403))
    assert (own, other, page) == expected
    if who is not None:
        refusals = SecurityEvent.objects.filter(
            kind=SecurityEvent.Kind.REFUSED, username=user.username
        )
        assert refusals.count() == sum(status in (403, 404) for status in expected)


def test_no_poster_for_a_unit_outside_the_campaign_or_a_staff_survey(
    cast: Cast, survey: Campaign
) -> None:
    admin = cast.client(cast.admin)
    assert admin.get(url("surveys:poster_pdf", survey, cast.district)).status_code == 404
    group = RespondentGroup.objects.create(code="cbccvc", name="Công chức")
    staff = campaign([staff_questionnaire(group)], [cast.unit_a], code="cbccvc-2024")
    assert admin.get(url("surveys:poster_pdf", staff, cast.unit_a)).status_code == 404
    assert admin.get(reverse("surveys:posters", args=["khong-co"])).status_code == 404


def test_a_unit_s_people_see_only_their_poster_and_no_zip(cast: Cast, survey: Campaign) -> None:
    page = cast.client(cast.scorer_a).get(reverse("surveys:posters", args=[survey.code]))
    html = page.content.decode()
    assert "Sở Tư pháp" in html and "Sở Y tế" not in html and "ZIP" not in html
    head = cast.client(cast.head_a)
    assert head.post(reverse("surveys:posters_zip", args=[survey.code])).status_code == 403
    # A unit the campaign does not cover has no poster page.
    survey.units.filter(unit=cast.unit_a).delete()
    assert head.get(reverse("surveys:posters", args=[survey.code])).status_code == 404


def test_the_administrator_gets_every_poster_in_one_zip_made_by_a_job(
    cast: Cast, survey: Campaign, settings: object
) -> None:
    settings.TASKS = {  # type: ignore[attr-defined]
        "default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}
    }
    admin = cast.client(cast.admin)
    started = admin.post(reverse("surveys:posters_zip", args=[survey.code]))
    job = Job.objects.get()
    assert started.status_code == 302 and started["Location"] == job.get_absolute_url()
    assert job.status == Job.Status.SUCCEEDED and job.started_by == cast.admin
    assert "2 đơn vị" in job.outcome
    page = admin.get(reverse("surveys:posters", args=[survey.code])).content.decode()
    download = reverse("surveys:posters_zip_file", args=[survey.code, job.pk])
    assert download in page
    zipped = admin.get(download)
    assert zipped.status_code == 200 and zipped["Content-Type"] == "application/zip"
    archive = zipfile.ZipFile(io.BytesIO(b"".join(zipped.streaming_content)))
    names = sorted(archive.namelist())
    assert names == [
        "poster-sipas-2024-so-tu-phap.pdf",
        "poster-sipas-2024-so-tu-phap.png",
        "poster-sipas-2024-so-y-te.pdf",
        "poster-sipas-2024-so-y-te.png",
    ]
    assert archive.read(names[0]).startswith(b"%PDF")
    assert archive.read(names[1]).startswith(b"\x89PNG")
    # The file is the administrator's only, and another campaign's job is not this one's.
    assert cast.client(cast.scorer_a).get(download).status_code == 403
    other = campaign([sipas_questionnaire(code="khac")], [cast.unit_a], code="khac-2024")
    assert (
        admin.get(reverse("surveys:posters_zip_file", args=[other.code, job.pk])).status_code == 404
    )


def test_the_posters_page_reads_a_few_rows_whatever_the_units(
    cast: Cast, survey: Campaign, django_assert_num_queries: object
) -> None:
    admin = cast.client(cast.admin)
    admin.get(reverse("surveys:posters", args=[survey.code]))
    # the session, the user, the campaign, its units, the last ZIP's job
    with django_assert_num_queries(5):  # type: ignore[operator]
        page = admin.get(reverse("surveys:posters", args=[survey.code]))
    html = page.content.decode()
    assert "Sở Tư pháp" in html and "Sở Y tế" in html
