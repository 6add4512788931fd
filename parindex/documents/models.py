"""The documents of a year: how the annual report is headed, signed and concluded (the
administrator's own words, stored with the year), and every file generated, kept with the
result revision it was written from."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class ReportEdition(models.Model):
    """The annual report's parts written by people: the letterhead, the legal bases, the
    recipients, and the free paragraphs of its conclusion. Every figure of the report is
    generated; these are the only words typed, and none of them replaces a generated one."""

    year = models.PositiveIntegerField(_("year"), unique=True)
    parent_body = models.CharField(_("body above the issuer"), max_length=200, blank=True)
    issuer = models.CharField(_("issuing body"), max_length=200)
    number_symbol = models.CharField(_("number and symbol"), max_length=60, blank=True)
    place = models.CharField(_("place"), max_length=100)
    issued_on = models.DateField(_("date"), null=True, blank=True)
    addressee = models.CharField(_("addressed to"), max_length=300)
    legal_bases = models.TextField(_("legal bases (one per line)"), blank=True)
    deployment = models.TextField(_("how the index was determined (free paragraphs)"), blank=True)
    assessment = models.TextField(_("assessment (free paragraphs)"), blank=True)
    shortcomings = models.TextField(_("shortcomings (free paragraphs)"), blank=True)
    recommendations = models.TextField(_("recommendations (free paragraphs)"), blank=True)
    recipients = models.TextField(_("recipients (one per line)"), blank=True)
    signer_title = models.CharField(_("signer's title (one line each)"), max_length=200)
    signer_name = models.CharField(_("signer's name"), max_length=200, blank=True)
    version = models.PositiveIntegerField(default=1)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = _("annual report's text")
        verbose_name_plural = _("annual reports' texts")

    def __str__(self) -> str:
        return f"{self.year}"

    @staticmethod
    def lines(text: str) -> list[str]:
        return [line.strip() for line in text.splitlines() if line.strip()]

    @staticmethod
    def paragraphs(text: str) -> list[str]:
        """Free text as paragraphs: separated by a line break."""
        return ReportEdition.lines(text)


class GeneratedDocument(models.Model):
    """A file generated for a year from one result revision (or the imported table). A
    new revision never replaces it: the file stays, marked outdated, beside a new one."""

    class Kind(models.TextChoices):
        REPORT = "report", _("Annual analysis report")
        LETTERS = "letters", _("Every unit's letter")
        LETTER = "letter", _("A unit's letter")
        WORKBOOK = "workbook", _("Workbook of the result tables")

    class Status(models.TextChoices):
        QUEUED = "queued", _("Queued")
        DONE = "done", _("Ready")
        FAILED = "failed", _("Failed")

    kind = models.CharField(_("document"), max_length=10, choices=Kind.choices)
    year = models.PositiveIntegerField(_("year"))
    unit = models.ForeignKey(
        "org.Unit", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    # What it was written from: "r3" (revision 3 of the cycle's results) or "imported:…"
    # (the published table, by when it was imported). A document whose source is no longer
    # the year's is outdated.
    source = models.CharField(_("written from"), max_length=80, blank=True)
    revision = models.PositiveIntegerField(_("revision"), null=True, blank=True)
    draft = models.BooleanField(_("from a draft"), default=False)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.QUEUED
    )
    file = models.FileField(_("file"), upload_to="documents/%Y/", blank=True, max_length=300)
    pdf = models.FileField(_("PDF"), upload_to="documents/%Y/", blank=True, max_length=300)
    pdf_problem = models.CharField(_("why there is no PDF"), max_length=300, blank=True)
    size = models.PositiveIntegerField(_("size"), default=0)
    seconds = models.DecimalField(_("seconds to build"), max_digits=8, decimal_places=2, null=True)
    job = models.ForeignKey(
        "jobs.Job", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("generated document")
        verbose_name_plural = _("generated documents")
        indexes = [models.Index(fields=["year", "kind"], name="documents_year_kind")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.year}"

    def is_outdated(self, current_source: str) -> bool:
        return self.status == self.Status.DONE and self.source != current_source

    @property
    def file_label(self) -> str:
        return (self.file.name or "").rsplit("/", 1)[-1]

    @property
    def is_ready(self) -> bool:
        return self.status == self.Status.DONE and bool(self.file)
