"""A unit's A4 poster for the public form: the unit's name, the campaign's title, one
sentence of invitation, a QR code of the form's link and the link written out, as PDF
(vector, for the printer) and PNG (150 dpi, for a screen or a message); and every unit's
posters of a campaign in one ZIP, made by a job (about half a second a poster).

Drawn with matplotlib's object API (no pyplot: no global state between requests) in
DejaVu Sans, which matplotlib ships and which covers Vietnamese; the QR code (segno) is
drawn as vector squares, so that it stays sharp at any size.
"""

from __future__ import annotations

import io
import textwrap
import unicodedata
import zipfile
from collections.abc import Callable
from typing import TYPE_CHECKING

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.urls import reverse
from django.utils import translation
from django.utils.text import slugify
from django.utils.translation import gettext as _

from parindex.jobs.tasks import progress, task
from parindex.notify.services import absolute_url

from .models import Campaign, CampaignUnit, Source

if TYPE_CHECKING:
    from matplotlib.figure import Figure

A4_INCHES = (8.27, 11.69)  # 210 × 297 mm
PNG_DPI = 150
QUIET_ZONE = 4  # modules of white around the QR code, as the standard asks
# Where the QR code sits on the page, in fractions of the page (left, bottom, width,
# height): square on A4 (0.6 × 8.27 = 0.4245 × 11.69 inches).
QR_BOX = (0.2, 0.24, 0.6, 0.4245)
INK = "#10243a"
BAND = "#0d3b66"
SANS = "DejaVu Sans"
MONO = "DejaVu Sans Mono"


def public_link(entry: CampaignUnit) -> str:
    """The unit's public form as an absolute link (SITE_URL): the QR code's content and
    what the poster writes out."""
    return absolute_url(reverse("surveys:public_form", args=[entry.link_code]))


def link_as_written(link: str) -> str:
    """The link as a person types it: no scheme, no final slash (the site adds it)."""
    for scheme in ("https://", "http://"):
        if link.startswith(scheme):
            link = link[len(scheme) :]
    return link.rstrip("/")


def qr_matrix(link: str) -> tuple[tuple[bool, ...], ...]:
    """The QR code of the link, module by module (True: dark), without its quiet zone."""
    import segno

    code = segno.make(link, error="m", micro=False)
    return tuple(tuple(bool(module) for module in row) for row in code.matrix)


def _wrapped(text: str, width: int, lines: int) -> str:
    parts = textwrap.wrap(unicodedata.normalize("NFC", text), width=width) or [""]
    if len(parts) > lines:
        parts = [*parts[: lines - 1], textwrap.shorten(" ".join(parts[lines - 1 :]), width)]
    return "\n".join(parts)


def _height(text: str, size: float, spacing: float) -> float:
    """The height of lines of text in fractions of the page."""
    return (text.count("\n") + 1) * size * spacing / 72 / A4_INCHES[1]


def poster_figure(*, unit_name: str, campaign_title: str, link: str) -> Figure:
    """The poster as a matplotlib figure the size of an A4 page."""
    from matplotlib.figure import Figure
    from matplotlib.patches import PathPatch, Rectangle
    from matplotlib.path import Path

    figure = Figure(figsize=A4_INCHES, facecolor="white")
    figure.patches.append(
        Rectangle((0, 0.885), 1, 0.115, transform=figure.transFigure, color=BAND, figure=figure)
    )
    with translation.override(settings.LANGUAGE_CODE):
        survey = _("Citizen satisfaction survey")
        invitation = _(
            "Please scan the code with your phone's camera and tell us how satisfied you "
            "are with the service you received: it takes a few minutes, needs no log-in "
            "and asks for no name."
        )
        or_open = _("Or open this address in your phone's browser:")
        anonymous = _("The survey is anonymous. Each dossier is rated once.")
    figure.text(0.5, 0.955, survey.upper(), ha="center", va="center", color="white",
                fontsize=13, family=SANS, weight="bold")  # fmt: skip
    figure.text(0.5, 0.912, _wrapped(campaign_title, 60, 2), ha="center", va="center",
                color="white", fontsize=12, family=SANS, linespacing=1.25)  # fmt: skip
    # The name, then the invitation under it, from the band down; the QR code's place
    # is fixed (QR_BOX) and the texts above it end before it.
    name_lines = _wrapped(unit_name, 26, 3)
    name_size = 30 if name_lines.count("\n") < 2 else 25
    figure.text(0.5, 0.862, name_lines, ha="center", va="top", color=INK,
                fontsize=name_size, family=SANS, weight="bold", linespacing=1.15)  # fmt: skip
    below_name = 0.862 - _height(name_lines, name_size, 1.15) - 0.018
    figure.text(0.5, below_name, _wrapped(invitation, 62, 4), ha="center", va="top",
                color=INK, fontsize=14.5, family=SANS, linespacing=1.35)  # fmt: skip

    matrix = qr_matrix(link)
    size = len(matrix)
    axes = figure.add_axes(QR_BOX)
    axes.set_xlim(-QUIET_ZONE, size + QUIET_ZONE)
    axes.set_ylim(size + QUIET_ZONE, -QUIET_ZONE)
    axes.set_aspect("equal")
    axes.axis("off")
    vertices: list[tuple[float, float]] = []
    codes: list[int] = []
    move, line, close = int(Path.MOVETO), int(Path.LINETO), int(Path.CLOSEPOLY)
    for y, row in enumerate(matrix):
        x = 0
        while x < size:  # each run of dark modules in a row is one rectangle
            if not row[x]:
                x += 1
                continue
            start = x
            while x < size and row[x]:
                x += 1
            vertices += [(start, y), (x, y), (x, y + 1), (start, y + 1), (start, y)]
            codes += [move, line, line, line, close]
    axes.add_patch(
        PathPatch(Path(vertices, codes), facecolor="black", edgecolor="none", antialiased=False)
    )

    written = link_as_written(link)
    link_size = max(12.0, min(26.0, 560 / (0.6 * max(len(written), 1))))
    figure.text(0.5, 0.226, or_open, ha="center", va="center", color=INK, fontsize=13,
                family=SANS)  # fmt: skip
    figure.text(0.5, 0.186, written, ha="center", va="center", color="black",
                fontsize=link_size, family=MONO, weight="bold")  # fmt: skip
    figure.text(0.5, 0.08, anonymous, ha="center", va="center", color="#5b6675",
                fontsize=11.5, family=SANS)  # fmt: skip
    return figure


def _figure_of(entry: CampaignUnit) -> Figure:
    return poster_figure(
        unit_name=entry.unit.name, campaign_title=entry.campaign.title, link=public_link(entry)
    )


def _pdf(figure: Figure, title: str) -> bytes:
    import matplotlib

    out = io.BytesIO()
    # TrueType fonts embedded whole-glyph (not Type 3): text stays text, diacritics too.
    with matplotlib.rc_context({"pdf.fonttype": 42}):
        figure.savefig(out, format="pdf", metadata={"Title": title, "CreationDate": None})
    return out.getvalue()


def _png(figure: Figure) -> bytes:
    out = io.BytesIO()
    figure.savefig(out, format="png", dpi=PNG_DPI)
    return out.getvalue()


def poster_pdf(entry: CampaignUnit) -> bytes:
    """The unit's poster, an A4 page of PDF."""
    return _pdf(_figure_of(entry), f"{entry.campaign.title} – {entry.unit.name}")


def poster_png(entry: CampaignUnit) -> bytes:
    """The unit's poster, an A4 picture at 150 dpi (1240 × 1754 pixels)."""
    return _png(_figure_of(entry))


def poster_filename(entry: CampaignUnit, extension: str) -> str:
    return f"poster-{entry.campaign.code}-{entry.unit.code}.{extension}"


def posters_zip(campaign: Campaign, on_progress: Callable[[int, int], None]) -> bytes:
    """Every unit's poster, PDF and PNG, in one ZIP (the PNGs and PDFs are compressed
    already: stored as they are)."""
    entries = list(
        CampaignUnit.objects.filter(campaign=campaign).select_related("campaign", "unit")
    )
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_STORED) as archive:
        for done, entry in enumerate(entries):
            figure = _figure_of(entry)
            title = f"{campaign.title} – {entry.unit.name}"
            archive.writestr(poster_filename(entry, "pdf"), _pdf(figure, title))
            archive.writestr(poster_filename(entry, "png"), _png(figure))
            on_progress(done + 1, len(entries))
    return out.getvalue()


def zip_name(campaign_code: str, key: str) -> str:
    """Where a job keeps the campaign's ZIP of posters (in the default storage); `key`
    is the job's own, random, so that two jobs never write one file."""
    return f"surveys/posters/{slugify(campaign_code)}-{slugify(key)[:32]}.zip"


@task()
def posters_zip_job(*, campaign_id: int, key: str) -> str:
    """Make the campaign's ZIP of posters and keep it where its download finds it."""
    campaign = Campaign.objects.get(pk=campaign_id, source=Source.SIPAS)

    def on_progress(done: int, total: int) -> None:
        progress(step=_("Drawing the posters"), done=done, total=total)

    content = posters_zip(campaign, on_progress)
    name = zip_name(campaign.code, key)
    if default_storage.exists(name):  # a retried job writes its file again
        default_storage.delete(name)
    default_storage.save(name, ContentFile(content))
    count = CampaignUnit.objects.filter(campaign=campaign).count()
    return _("%(count)s units' posters, PDF and PNG, in one ZIP file.") % {"count": count}
