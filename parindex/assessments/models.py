"""A cycle (one year's evaluation), its phases, and each unit's assessment in it.

What is stored per leaf is what the engine reads (the unit's inputs, the appraiser's,
the not-applicable claim with its decision) and what people wrote about it (the unit's
explanation, the appraiser's comment, requests for explanation). States change only
through `workflow.TRANSITIONS`; every change is written to `AuditEntry`.
"""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Any

from django.db import models
from django.utils.translation import gettext_lazy as _

from parindex.frameworks.models import Criterion, Framework, answerable_q
from parindex.org.models import Unit, UnitGroup
from parindex.scoring.engine import DEFAULT_BANDS, Band
from parindex.scoring.numbers import to_decimal
from parindex.scoring.rules import Inputs

from .reading import DocumentHeader


class Phase(models.TextChoices):
    """The phases of a cycle, in order."""

    SETUP = "setup", _("Preparation")
    SELF_ASSESSMENT = "self_assessment", _("Self-assessment")
    APPRAISAL_1 = "appraisal_1", _("Appraisal, round 1")
    REVISION = "revision", _("Revision by the units")
    APPRAISAL_2 = "appraisal_2", _("Final appraisal")
    COUNCIL = "council", _("Council approval")
    PUBLISHED = "published", _("Published")


PHASE_ORDER = list(Phase)


class Cycle(models.Model):
    year = models.PositiveIntegerField(_("year"), unique=True)
    title = models.CharField(_("title"), max_length=300)
    phase = models.CharField(_("phase"), max_length=20, choices=Phase.choices, default=Phase.SETUP)
    # The last day of each phase (inclusive, local time); a unit may have its own.
    self_assessment_until = models.DateField(_("self-assessment until"), null=True, blank=True)
    appraisal_1_until = models.DateField(_("round-1 appraisal until"), null=True, blank=True)
    revision_until = models.DateField(_("revision until"), null=True, blank=True)
    appraisal_2_until = models.DateField(_("final appraisal until"), null=True, blank=True)
    council_until = models.DateField(_("council approval until"), null=True, blank=True)

    class Meta:
        ordering = ["-year"]
        verbose_name = _("cycle")
        verbose_name_plural = _("cycles")

    def __str__(self) -> str:
        return self.title

    def deadline(self, phase: str) -> datetime.date | None:
        value = getattr(self, f"{phase}_until", None)
        return value if isinstance(value, datetime.date) else None

    @property
    def phase_deadline(self) -> datetime.date | None:
        """The last day of the phase the cycle is in."""
        return self.deadline(self.phase)

    def phase_is_at_least(self, phase: str) -> bool:
        return PHASE_ORDER.index(Phase(self.phase)) >= PHASE_ORDER.index(Phase(phase))


def bands_to_json(bands: tuple[Band, ...]) -> list[dict[str, Any]]:
    return [{"band": b.number, "from": str(b.lower), "inclusive": b.lower_inclusive} for b in bands]


def bands_from_json(data: list[dict[str, Any]]) -> tuple[Band, ...]:
    return tuple(
        Band(int(item["band"]), to_decimal(item["from"]), bool(item.get("inclusive", True)))
        for item in data
    )


def default_bands() -> list[dict[str, Any]]:
    return bands_to_json(DEFAULT_BANDS)


class CycleGroup(models.Model):
    """A group evaluated in the cycle: its framework and its bands."""

    cycle = models.ForeignKey(Cycle, on_delete=models.CASCADE, related_name="groups")
    group = models.ForeignKey(UnitGroup, on_delete=models.PROTECT, related_name="+")
    framework = models.ForeignKey(Framework, on_delete=models.PROTECT, related_name="+")
    bands = models.JSONField(_("bands"), default=default_bands)

    class Meta:
        verbose_name = _("group in the cycle")
        verbose_name_plural = _("groups in the cycle")
        constraints = [
            models.UniqueConstraint(fields=["cycle", "group"], name="one_framework_per_group")
        ]

    def __str__(self) -> str:
        return f"{self.cycle.year} {self.group}"

    def band_rules(self) -> tuple[Band, ...]:
        return bands_from_json(self.bands)


class State(models.TextChoices):
    """Where a unit's assessment stands inside the cycle's phases."""

    DRAFT = "draft", _("Being filled in")
    SUBMITTED = "submitted", _("Submitted")
    APPRAISING_1 = "appraising_1", _("Being appraised (round 1)")
    APPRAISED_1 = "appraised_1", _("Appraised (round 1)")
    REVISING = "revising", _("Being revised")
    RESUBMITTED = "resubmitted", _("Revision submitted")
    APPRAISING_2 = "appraising_2", _("Being appraised (final)")
    APPRAISED_2 = "appraised_2", _("Appraised (final)")
    APPROVED = "approved", _("Approved by the council")


class AssessmentQuerySet(models.QuerySet["Assessment"]):
    def awaiting_appraisal(self) -> AssessmentQuerySet:
        """The SQL form of `Assessment.awaiting_appraisal`."""
        return self.filter(state__in=AWAITING_APPRAISAL)

    def open_for_appraisal(self) -> AssessmentQuerySet:
        """The SQL form of `Assessment.open_for_appraisal`."""
        scored_now = models.Q(pk__in=[])
        for phase, states in APPRAISAL_STATES.items():
            scored_now |= models.Q(cycle__phase=phase, state__in=states)
        return self.filter(scored_now)


class Assessment(models.Model):
    cycle = models.ForeignKey(Cycle, on_delete=models.CASCADE, related_name="assessments")
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="assessments")
    group = models.ForeignKey(UnitGroup, on_delete=models.PROTECT, related_name="+")
    state = models.CharField(_("state"), max_length=20, choices=State.choices, default=State.DRAFT)
    # A unit's own deadline, when the administrator extended the cycle's for it.
    self_assessment_until = models.DateField(_("self-assessment until"), null=True, blank=True)
    revision_until = models.DateField(_("revision until"), null=True, blank=True)
    revised = models.BooleanField(_("revision used"), default=False)
    state_changed_at = models.DateTimeField(_("state changed at"), null=True, blank=True)

    objects = AssessmentQuerySet.as_manager()

    class Meta:
        verbose_name = _("assessment")
        verbose_name_plural = _("assessments")
        constraints = [
            models.UniqueConstraint(fields=["cycle", "unit"], name="one_assessment_per_unit")
        ]

    def __str__(self) -> str:
        return f"{self.cycle.year} {self.unit}"

    def deadline(self, phase: str) -> datetime.date | None:
        """The unit's own deadline for the phase if extended, else the cycle's."""
        own = getattr(self, f"{phase}_until", None)
        return own if isinstance(own, datetime.date) else self.cycle.deadline(phase)

    @property
    def phase_deadline(self) -> datetime.date | None:
        """The last day of the phase the cycle is in, the unit's own where extended."""
        return self.deadline(self.cycle.phase)

    @property
    def submission_deadline(self) -> datetime.date | None:
        """The last day the unit may submit what it is filling in: its self-assessment,
        or in the revision its one revision."""
        revising = self.state in (State.REVISING, State.RESUBMITTED)
        return self.deadline(Phase.REVISION if revising else Phase.SELF_ASSESSMENT)

    @property
    def round(self) -> int:
        """The appraisal round the assessment is in (1 until the revision opens)."""
        return 2 if self.state in ROUND_2_STATES else 1

    @property
    def unit_may_edit(self) -> bool:
        return self.state in (State.DRAFT, State.REVISING)

    @property
    def awaiting_appraisal(self) -> bool:
        """Submitted (or resubmitted) and not yet appraised, whatever the cycle's phase."""
        return self.state in AWAITING_APPRAISAL

    @property
    def open_for_appraisal(self) -> bool:
        """The appraisers may score it now: awaiting the round the cycle has open."""
        return self.state in APPRAISAL_STATES.get(self.cycle.phase, ())

    def round_ended(self, round_number: int) -> bool:
        """The appraisal of that round is over for the unit, which then sees it."""
        if round_number == 1:
            return self.state not in ROUND_1_OPEN
        return self.state in (State.APPRAISED_2, State.APPROVED)

    @property
    def ended_rounds(self) -> list[int]:
        return [number for number in (1, 2) if self.round_ended(number)]


ROUND_2_STATES = (
    State.REVISING,
    State.RESUBMITTED,
    State.APPRAISING_2,
    State.APPRAISED_2,
    State.APPROVED,
)
# Until round 1 is appraised, the unit does not see the appraisers' work.
ROUND_1_OPEN = (State.DRAFT, State.SUBMITTED, State.APPRAISING_1)
# The states an appraiser scores, by the appraisal phase that has them open.
APPRAISAL_STATES: dict[str, tuple[State, ...]] = {
    Phase.APPRAISAL_1: (State.SUBMITTED, State.APPRAISING_1),
    Phase.APPRAISAL_2: (State.RESUBMITTED, State.APPRAISING_2),
}
AWAITING_APPRAISAL = tuple(state for states in APPRAISAL_STATES.values() for state in states)


class AssessmentItemQuerySet(models.QuerySet["AssessmentItem"]):
    def lacking_evidence(self) -> AssessmentItemQuerySet:
        """Leaves that need evidence and cite neither a file nor a web page (leaves
        claimed not applicable excepted), explained or not."""
        return (
            self.filter(criterion__evidence_required=True)
            .exclude(not_applicable_claimed=True)
            .exclude(_cites_evidence())
        )

    def missing_evidence(self) -> AssessmentItemQuerySet:
        """Leaves that need evidence and have neither a file nor an explanation: what
        refuses a submission."""
        return self.lacking_evidence().filter(note="")

    def explained_without_evidence(self) -> AssessmentItemQuerySet:
        """Leaves that need evidence and have an explanation but no file nor link: a
        submission passes, the appraisers judge the explanation."""
        return self.lacking_evidence().exclude(note="")

    def evidence_gaps(self) -> tuple[list[str], list[str]]:
        """The codes of `missing_evidence()` and of `explained_without_evidence()`, in
        document order, read in one query."""
        missing: list[str] = []
        explained: list[str] = []
        rows = self.lacking_evidence().order_by("criterion__position")
        for code, note in rows.values_list("criterion__code", "note"):
            (missing if note == "" else explained).append(code)
        return missing, explained

    def in_field(self, field_code: str) -> AssessmentItemQuerySet:
        return self.filter(criterion__code__startswith=f"{field_code}.")

    def answerable(self) -> AssessmentItemQuerySet:
        """The leaves the unit answers itself (`Criterion.is_answerable`)."""
        return self.filter(answerable_q("criterion__"))

    def answered(self) -> AssessmentItemQuerySet:
        return self.filter(ANSWERED)


def _cites_evidence() -> models.Q:
    """An item cites evidence: a file, or a web page (each looked up by the item's own
    index, whatever the number of files of all units)."""
    return models.Q(
        models.Exists(ItemEvidence.objects.filter(item_id=models.OuterRef("pk")))
    ) | models.Q(models.Exists(EvidenceUrl.objects.filter(item_id=models.OuterRef("pk"))))


# What "answered" means, in SQL and in Python (`AssessmentItem.is_answered`): the unit
# entered inputs, or declared the leaf not applicable.
ANSWERED = models.Q(self_inputs__isnull=False) | models.Q(not_applicable_claimed=True)


class AssessmentItem(models.Model):
    """One leaf of one unit's assessment."""

    assessment = models.ForeignKey(Assessment, on_delete=models.CASCADE, related_name="items")
    criterion = models.ForeignKey(Criterion, on_delete=models.PROTECT, related_name="+")
    self_inputs = models.JSONField(_("self-assessment"), null=True, blank=True)
    appraised_inputs = models.JSONField(_("appraisal"), null=True, blank=True)
    not_applicable_claimed = models.BooleanField(_("not applicable claimed"), default=False)
    not_applicable_accepted = models.BooleanField(_("not applicable accepted"), null=True)
    not_applicable_reason = models.TextField(_("why it does not apply"), blank=True)
    note = models.TextField(_("explanation"), blank=True)  # giải trình
    appraisal_note = models.TextField(_("appraiser's comment"), blank=True)
    evidence: models.ManyToManyField[EvidenceFile, ItemEvidence] = models.ManyToManyField(
        "EvidenceFile", through="ItemEvidence", related_name="items", blank=True
    )
    version = models.PositiveIntegerField(default=1)
    updated_at = models.DateTimeField(_("updated at"), null=True, blank=True)
    updated_by = models.ForeignKey(
        "org.User", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    objects = AssessmentItemQuerySet.as_manager()

    class Meta:
        verbose_name = _("assessment item")
        verbose_name_plural = _("assessment items")
        constraints = [
            models.UniqueConstraint(fields=["assessment", "criterion"], name="one_item_per_leaf")
        ]

    def __str__(self) -> str:
        return f"{self.assessment} {self.criterion.code}"

    @property
    def is_answered(self) -> bool:
        """The Python form of `ANSWERED`."""
        return self.self_inputs is not None or self.not_applicable_claimed


INPUT_NUMBERS = ("score", "numerator", "denominator", "survey_pct")


def inputs_from_json(data: dict[str, Any] | None) -> Inputs | None:
    """Stored inputs (numbers as strings) to the engine's Inputs."""
    if data is None:
        return None
    values: dict[str, Any] = {}
    for key, value in data.items():
        if value is None:
            continue
        if key in INPUT_NUMBERS:
            values[key] = Decimal(value)
        elif key == "items":
            values[key] = tuple(Decimal(v) for v in value)
        elif key == "item_labels":  # what each item is; older rows have points only
            values[key] = tuple(str(v) for v in value)
        else:
            values[key] = value
    return Inputs(**values)


def inputs_to_json(inputs: Inputs) -> dict[str, Any]:
    data: dict[str, Any] = {}
    for key in ("score", "yes", "level", "numerator", "denominator", "occurrences"):
        value = getattr(inputs, key)
        if value is not None:
            data[key] = str(value) if isinstance(value, Decimal) else value
    if inputs.items:
        data["items"] = [str(v) for v in inputs.items]
        if any(inputs.item_labels):  # what each item is, beside its points, in order
            data["item_labels"] = list(inputs.item_labels)
    return data


def evidence_path(instance: EvidenceFile, filename: str) -> str:
    """Stored by content: one file per unit and SHA-256, whatever it was called."""
    return f"evidence/{instance.unit_id}/{instance.sha256[:2]}/{instance.sha256}"


class EvidenceFile(models.Model):
    """A document a unit uploaded as evidence; linked to as many criteria as it proves."""

    class Kind(models.TextChoices):
        PDF = "pdf", "PDF"
        DOCX = "docx", "Word (DOCX)"
        XLSX = "xlsx", "Excel (XLSX)"
        JPEG = "jpeg", "JPEG"
        PNG = "png", "PNG"

    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="evidence_files")
    name = models.CharField(_("file name"), max_length=255)
    kind = models.CharField(_("type"), max_length=10, choices=Kind.choices)
    size = models.PositiveBigIntegerField(_("size (bytes)"))
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    file = models.FileField(upload_to=evidence_path, max_length=300)
    uploaded_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)
    uploaded_by = models.ForeignKey(
        "org.User", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    # What its first page says (`reading.DocumentHeader.to_json`: number, ISO date,
    # issuer, title, each null when not found); null until the file has been read.
    document = models.JSONField(_("document read"), null=True, blank=True)
    read_at = models.DateTimeField(_("read at"), null=True, blank=True)

    class Meta:
        ordering = ["-uploaded_at"]
        verbose_name = _("evidence file")
        verbose_name_plural = _("evidence files")
        constraints = [models.UniqueConstraint(fields=["unit", "sha256"], name="one_copy_per_unit")]

    def __str__(self) -> str:
        return self.name

    @property
    def previewable(self) -> bool:
        return self.kind in (self.Kind.PDF, self.Kind.JPEG, self.Kind.PNG)

    @property
    def header(self) -> DocumentHeader | None:
        """What was read of the document, or None: not read yet, or nothing found."""
        if self.document is None:
            return None
        header = DocumentHeader.from_json(self.document)
        return header if header.found else None

    @property
    def audit_value(self) -> dict[str, object]:
        """The file as the audit records its being cited and no longer cited."""
        return {"file": self.pk, "name": self.name, "sha256": self.sha256}


class ItemEvidence(models.Model):
    """A criterion cites a file. The file cannot be deleted while it is cited."""

    item = models.ForeignKey(AssessmentItem, on_delete=models.CASCADE, related_name="+")
    file = models.ForeignKey(EvidenceFile, on_delete=models.PROTECT, related_name="+")
    linked_at = models.DateTimeField(auto_now_add=True)
    linked_by = models.ForeignKey(
        "org.User", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        constraints = [models.UniqueConstraint(fields=["item", "file"], name="cite_once")]

    def __str__(self) -> str:
        return f"{self.item_id} ← {self.file_id}"


class EvidenceUrl(models.Model):
    """A web page cited as evidence of a criterion: a post on the unit's or the
    province's site (criterion 1.3.1 asks for links to them), a document published
    online. Shown as a plain link that opens apart; never fetched by the server."""

    item = models.ForeignKey(AssessmentItem, on_delete=models.CASCADE, related_name="urls")
    url = models.URLField(_("address"), max_length=500)
    title = models.CharField(_("what it is"), max_length=300, blank=True)
    added_at = models.DateTimeField(auto_now_add=True)
    added_by = models.ForeignKey(
        "org.User", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["added_at", "pk"]
        verbose_name = _("evidence link")
        verbose_name_plural = _("evidence links")
        constraints = [models.UniqueConstraint(fields=["item", "url"], name="cite_an_address_once")]

    def __str__(self) -> str:
        return self.title or self.url

    @property
    def audit_value(self) -> dict[str, object]:
        return {"url": self.url, "name": self.title or self.url}


class ExplanationRequest(models.Model):
    """An appraiser asks the unit to explain or add evidence to a criterion before the
    final round (yêu cầu giải trình, bổ sung)."""

    item = models.ForeignKey(
        AssessmentItem, on_delete=models.CASCADE, related_name="explanation_requests"
    )
    round = models.PositiveSmallIntegerField(_("round"), default=1)
    message = models.TextField(_("what to explain or add"))
    requested_by = models.ForeignKey(
        "org.User", on_delete=models.SET_NULL, null=True, related_name="+"
    )
    requested_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["item", "requested_at"]
        verbose_name = _("request for explanation")
        verbose_name_plural = _("requests for explanation")

    def __str__(self) -> str:
        return self.message[:60]


class FieldAppraisal(models.Model):
    """An appraiser has finished a field of a unit in a round: appraisal progress."""

    assessment = models.ForeignKey(
        Assessment, on_delete=models.CASCADE, related_name="field_appraisals"
    )
    field_code = models.CharField(max_length=10)
    round = models.PositiveSmallIntegerField()
    done_by = models.ForeignKey("org.User", on_delete=models.SET_NULL, null=True, related_name="+")
    done_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["assessment", "field_code", "round"], name="one_finish_per_field_round"
            )
        ]

    def __str__(self) -> str:
        return f"{self.assessment} {self.field_code} ({self.round})"


class AuditEntryQuerySet(models.QuerySet["AuditEntry"]):
    def seen_by_unit(self, assessment: Assessment) -> AuditEntryQuerySet:
        """What the unit may read of its history: the appraisers' work (scores,
        decisions, requests) only of the rounds whose appraisal has ended, as on its
        assessment page."""
        return self.exclude(
            models.Q(kind__in=APPRAISERS_KINDS) & ~models.Q(round__in=assessment.ended_rounds)
        )


class AuditEntry(models.Model):
    """Who changed what in a cycle or one of its assessments, when, from what to what.

    Entries of the cycle itself (its phase, its deadlines) have no assessment.
    """

    class Kind(models.TextChoices):
        STATE = "state", _("State")
        SELF = "self", _("Self-assessment")
        NOTE = "note", _("Explanation")
        CLAIM = "claim", _("Not-applicable claim")
        EVIDENCE = "evidence", _("Evidence")
        APPRAISAL = "appraisal", _("Appraisal")
        DECISION = "decision", _("Not-applicable decision")
        REQUEST = "request", _("Request for explanation")
        DEADLINE = "deadline", _("Deadline")
        PHASE = "phase", _("Phase")

    cycle = models.ForeignKey(Cycle, on_delete=models.CASCADE, related_name="audit")
    assessment = models.ForeignKey(
        Assessment, on_delete=models.CASCADE, null=True, blank=True, related_name="audit"
    )
    item = models.ForeignKey(
        AssessmentItem, on_delete=models.CASCADE, null=True, blank=True, related_name="audit"
    )
    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices)
    round = models.PositiveSmallIntegerField(_("round"), default=1)
    old = models.JSONField(_("before"), null=True, blank=True)
    new = models.JSONField(_("after"), null=True, blank=True)
    reason = models.TextField(_("reason"), blank=True)
    by = models.ForeignKey(
        "org.User", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    at = models.DateTimeField(_("at"), auto_now_add=True, db_index=True)

    objects = AuditEntryQuerySet.as_manager()

    class Meta:
        ordering = ["-at", "-pk"]
        verbose_name = _("audit entry")
        verbose_name_plural = _("audit entries")

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.at:%Y-%m-%d %H:%M}"


# The appraisers' entries, which the unit reads once their round's appraisal has ended.
APPRAISERS_KINDS = (AuditEntry.Kind.APPRAISAL, AuditEntry.Kind.DECISION, AuditEntry.Kind.REQUEST)
