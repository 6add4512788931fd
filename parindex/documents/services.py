"""Generating a year's documents: asked for on a page or a command, built in the
background, kept with the revision they were written from.

A file is never replaced: a new revision of the results makes the earlier files outdated
(they say so on the page) and a new request makes a new file beside them.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from decimal import Decimal
from typing import Any

from django.core.files.base import ContentFile
from django.db import transaction
from django.urls import reverse
from django.utils.translation import gettext as _

from parindex.jobs.services import job_enqueue
from parindex.org.errors import Refused
from parindex.org.models import Unit, User

from .models import GeneratedDocument, ReportEdition
from .sources import Source, source_stamp, year_source

Progress = Callable[[str, int, int], None]

# What each kind of document is written as.
EXTENSIONS = {
    GeneratedDocument.Kind.REPORT: "docx",
    GeneratedDocument.Kind.LETTER: "docx",
    GeneratedDocument.Kind.LETTERS: "zip",
    GeneratedDocument.Kind.WORKBOOK: "xlsx",
}
# The kinds that also get a PDF (a ZIP of letters has each letter's Word file).
WITH_PDF = {GeneratedDocument.Kind.REPORT, GeneratedDocument.Kind.LETTER}


class DocumentRefused(Refused):
    """A document that cannot be generated: `message` says why, for people."""


def document_request(
    *,
    kind: str,
    year: int,
    by: User | None,
    unit: Unit | None = None,
    drafts: bool = False,
) -> GeneratedDocument:
    """Record the request and queue its building; the job's page follows it."""
    from .tasks import documents_build

    if kind not in GeneratedDocument.Kind.values:
        raise DocumentRefused(_("Unknown document."))
    if (kind == GeneratedDocument.Kind.LETTER) != (unit is not None):
        raise DocumentRefused(_("A unit's letter needs its unit, and only it."))
    source = year_source(year, drafts=drafts)
    if source is None:
        raise DocumentRefused(_("The year %(year)s has no results yet.") % {"year": year})
    if unit is not None and source.results.ranked(unit.code) is None:
        raise DocumentRefused(
            _("%(unit)s has no result in %(year)s.") % {"unit": unit.name, "year": year}
        )
    snapshot = source.results.snapshot
    with transaction.atomic():
        document = GeneratedDocument.objects.create(
            kind=kind,
            year=year,
            unit=unit,
            source=source_stamp(source.results),
            revision=snapshot.revision if snapshot is not None else None,
            draft=snapshot is not None and not snapshot.is_published,
            created_by=by,
        )
        label = GeneratedDocument.Kind(kind).label
        what = f"{label} {year}" + (f" — {unit.name}" if unit is not None else "")
        document.job = job_enqueue(
            task=documents_build,
            kind=str(what),
            by=by,
            link=reverse("documents:year", args=[year]),
            document_id=document.pk,
        )
        document.save(update_fields=["job"])
    return document


def document_build(*, document: GeneratedDocument, on_progress: Progress | None = None) -> None:
    """Write the document's file (and its PDF where it has one) from the revision it was
    requested for; a failure leaves it marked failed, with the job saying why."""
    progress = on_progress or (lambda step, done, total: None)
    started = time.perf_counter()
    try:
        source = _source_of(document)
        content = build(document.kind, source, unit=document.unit, on_progress=progress)
        name = file_name(document)
        document.file.save(name, ContentFile(content), save=False)
        document.size = len(content)
        if document.kind in WITH_PDF:
            progress(_("Converting to PDF"), 0, 1)
            _attach_pdf(document, content, name)
        document.status = GeneratedDocument.Status.DONE
    except Exception:
        document.status = GeneratedDocument.Status.FAILED
        document.save(update_fields=["status"])
        raise
    document.seconds = Decimal(f"{time.perf_counter() - started:.2f}")
    document.save()


def _source_of(document: GeneratedDocument) -> Source:
    """The revision the document was requested for; refused if the year moved on since
    (a draft recomputed, a correction published): a file is never written from figures
    other than those its page promised."""
    source = year_source(document.year, revision=document.revision, drafts=document.draft)
    if source is None or source_stamp(source.results) != document.source:
        raise DocumentRefused(
            _(
                "The results of %(year)s changed after the document was asked for. "
                "Ask for it again: it will be written from the current results."
            )
            % {"year": document.year}
        )
    return source


def build(kind: str, source: Source, *, unit: Unit | None, on_progress: Progress) -> bytes:
    """The document's content, by kind."""
    if kind == GeneratedDocument.Kind.REPORT:
        from .report import build_report

        return build_report(source, on_progress=on_progress)
    if kind == GeneratedDocument.Kind.LETTER:
        from .letters import build_letter

        assert unit is not None
        return build_letter(source, unit.code)
    if kind == GeneratedDocument.Kind.LETTERS:
        from .letters import build_letters

        return build_letters(source, on_progress=on_progress)
    if kind == GeneratedDocument.Kind.WORKBOOK:
        from .workbook import build_workbook

        return build_workbook(source)
    raise DocumentRefused(_("Unknown document."))


def _attach_pdf(document: GeneratedDocument, content: bytes, name: str) -> None:
    from .pdf import PdfUnavailable, to_pdf

    try:
        pdf = to_pdf(content, ".docx")
    except PdfUnavailable as missing:
        document.pdf_problem = missing.message[:300]
        return
    document.pdf.save(name.rsplit(".", 1)[0] + ".pdf", ContentFile(pdf), save=False)


def file_name(document: GeneratedDocument) -> str:
    """ASCII names a clerk can file: bao-cao-chi-so-cchc-2024-r2.docx."""
    stem = {
        GeneratedDocument.Kind.REPORT: "bao-cao-chi-so-cchc",
        GeneratedDocument.Kind.LETTER: "thong-bao-chi-so-cchc",
        GeneratedDocument.Kind.LETTERS: "thong-bao-chi-so-cchc-cac-don-vi",
        GeneratedDocument.Kind.WORKBOOK: "bang-ket-qua-chi-so-cchc",
    }[GeneratedDocument.Kind(document.kind)]
    parts = [stem, str(document.year)]
    if document.unit is not None:
        parts.append(document.unit.code)
    parts.append(f"r{document.revision}" if document.revision else "cong-bo")
    if document.draft:
        parts.append("du-thao")
    return "-".join(parts) + "." + EXTENSIONS[GeneratedDocument.Kind(document.kind)]


# The year's typed parts ------------------------------------------------------------------

EDITION_FIELDS = (
    "parent_body",
    "issuer",
    "number_symbol",
    "place",
    "issued_on",
    "addressee",
    "legal_bases",
    "deployment",
    "assessment",
    "shortcomings",
    "recommendations",
    "recipients",
    "signer_title",
    "signer_name",
)


@transaction.atomic
def edition_save(
    *, year: int, values: dict[str, Any], version: int | None, by: User | None
) -> ReportEdition:
    """Save the year's typed parts; `version` is what the editor read (None for a first
    save): a stale one is refused, so that two editors never overwrite each other."""
    current = ReportEdition.objects.select_for_update().filter(year=year).first()
    if current is None:
        if version not in (None, 0):
            raise DocumentRefused(_("Someone else deleted these texts meanwhile."))
        current = ReportEdition(year=year, version=0)
    elif version != current.version:
        raise DocumentRefused(
            _(
                "Someone else saved these texts while you were editing them. Your text is "
                "below: copy what you need, reload the page and apply it again."
            )
        )
    for name in EDITION_FIELDS:
        if name in values:
            setattr(current, name, values[name])
    current.version += 1
    current.updated_by = by
    current.save()
    return current
