"""The surveys: questionnaires as data, campaigns, the people who collect and answer,
anonymous responses, and the results they add up to per unit.

Anonymity is built into the tables (as LimeSurvey's anonymised responses): a staff
member's invitation (`Respondent`) keeps only that its link was used; a `Response` keeps
no token, no invitation, no time finer than the day, and no identifier in arrival order
(its key is random), so that nothing joins a response to a person.
"""

from __future__ import annotations

import uuid
from decimal import Decimal

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from parindex.org.models import Partner, Role, Unit
from parindex.scoring.surveys import DEFAULT_MARGIN, sample_size

# Bounds of what is entered or imported: a percentage with at most four decimals, and
# a number of people no province's unit reaches (2023: 1,889 SIPAS respondents in all).
PERCENT_PLACES = 4
MAX_RESPONDENTS = 1_000_000
MAX_TRANSACTIONS = 100_000_000  # a unit's dossiers in a year: 605,859 in a whole province
CODE_LENGTH = 40  # an indicator's or a question's code


class Source(models.TextChoices):
    SIPAS = "sipas", _("Citizen satisfaction (SIPAS)")
    STAFF = "staff", _("Staff survey")


class UnitSurveyResultQuerySet(models.QuerySet["UnitSurveyResult"]):
    def overall(self) -> UnitSurveyResultQuerySet:
        """Each source's result over the whole unit, not an indicator's."""
        return self.filter(indicator="")


class UnitSurveyResult(models.Model):
    """A unit's survey result of one source in a year, in percent (0-100): overall
    (`indicator` empty) or for one indicator. Typed in or imported by the administrator
    (no campaign), or the aggregate of a campaign run in parindex."""

    Source = Source

    year = models.PositiveIntegerField(_("year"))
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="survey_results")
    source = models.CharField(_("source"), max_length=10, choices=Source.choices)
    indicator = models.CharField(_("indicator"), max_length=CODE_LENGTH, blank=True, default="")
    percent = models.DecimalField(_("result (%)"), max_digits=7, decimal_places=PERCENT_PLACES)
    respondents = models.PositiveIntegerField(_("respondents"), default=0)
    # A campaign's aggregate: where it came from, its 95 % interval, the unit's target
    # sample and whether it fell short of it.
    campaign = models.ForeignKey(
        "Campaign", on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    low = models.DecimalField(max_digits=7, decimal_places=PERCENT_PLACES, null=True, blank=True)
    high = models.DecimalField(max_digits=7, decimal_places=PERCENT_PLACES, null=True, blank=True)
    target = models.PositiveIntegerField(null=True, blank=True)
    short = models.BooleanField(default=False)
    entered_at = models.DateTimeField(_("entered at"), null=True, blank=True)
    entered_by = models.ForeignKey(
        "org.User", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    objects = UnitSurveyResultQuerySet.as_manager()

    class Meta:
        verbose_name = _("survey result")
        verbose_name_plural = _("survey results")
        constraints = [
            models.UniqueConstraint(
                fields=["year", "unit", "source", "indicator"], name="one_result_per_indicator"
            ),
            models.CheckConstraint(
                condition=models.Q(percent__gte=0, percent__lte=Decimal(100)),
                name="survey_result_is_a_percentage",
            ),
            models.CheckConstraint(
                condition=models.Q(respondents__lte=MAX_RESPONDENTS),
                name="survey_respondents_bounded",
            ),
        ]

    def __str__(self) -> str:
        key = f"{self.source}:{self.indicator}" if self.indicator else self.source
        return f"{self.year} {self.unit} {key}: {self.percent}"


# Questionnaires --------------------------------------------------------------------


class RespondentGroup(models.Model):
    """The people a staff questionnaire is for (shared/seeds/002, footnote 1: People's
    Council delegates of the province and of the districts, department staff, …)."""

    code = models.SlugField(_("code"), max_length=50, unique=True)
    name = models.CharField(_("name"), max_length=300)
    position = models.PositiveIntegerField(_("position"), default=0)

    class Meta:
        ordering = ["position", "name"]
        verbose_name = _("respondent group")
        verbose_name_plural = _("respondent groups")

    def __str__(self) -> str:
        return self.name


class Questionnaire(models.Model):
    """A form of a survey of one year: its indicators and questions. Frozen once in use;
    next year's is a copy (`previous`) whose questions name those they continue."""

    code = models.SlugField(_("code"), max_length=80, unique=True)
    title = models.CharField(_("title"), max_length=300)
    source = models.CharField(_("survey"), max_length=10, choices=Source.choices)
    year = models.PositiveIntegerField(_("year"))
    # Who answers it: a staff questionnaire's group; none for SIPAS (the public).
    respondent_group = models.ForeignKey(
        RespondentGroup,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="questionnaires",
        verbose_name=_("respondent group"),
    )
    introduction = models.TextField(_("introduction"), blank=True)
    previous = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="copies",
        verbose_name=_("copied from"),
    )
    frozen_at = models.DateTimeField(_("frozen at"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    created_by = models.ForeignKey(
        "org.User", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["-year", "source", "code"]
        verbose_name = _("questionnaire")
        verbose_name_plural = _("questionnaires")

    def __str__(self) -> str:
        return self.title

    @property
    def is_frozen(self) -> bool:
        return self.frozen_at is not None


class Indicator(models.Model):
    """A part of a questionnaire that yields a figure: a SIPAS factor ("procedure"), or
    the criterion a staff-survey question measures ("1.3")."""

    questionnaire = models.ForeignKey(
        Questionnaire, on_delete=models.CASCADE, related_name="indicators"
    )
    code = models.CharField(_("code"), max_length=CODE_LENGTH)
    title = models.CharField(_("title"), max_length=500)
    position = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["questionnaire", "position"]
        constraints = [
            models.UniqueConstraint(
                fields=["questionnaire", "code"], name="one_indicator_code_per_questionnaire"
            )
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.title}"


class Question(models.Model):
    """One question. A scored question belongs to an indicator: the 5-point scale, or one
    choice among several each worth a percentage (A/B/C/D = 100/60/20/0 %)."""

    class Kind(models.TextChoices):
        SCALE = "scale", _("5-point satisfaction scale")
        SINGLE = "single", _("One choice")
        MULTIPLE = "multiple", _("Several choices")
        NUMBER = "number", _("Number")
        TEXT = "text", _("Free text")

    questionnaire = models.ForeignKey(
        Questionnaire, on_delete=models.CASCADE, related_name="questions"
    )
    indicator = models.ForeignKey(
        Indicator, on_delete=models.CASCADE, null=True, blank=True, related_name="questions"
    )
    code = models.CharField(_("code"), max_length=CODE_LENGTH)
    text = models.TextField(_("question"))
    hint = models.TextField(_("hint"), blank=True)
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    # Single and multiple choice: [{"value": 1, "label": "…", "worth": 100}], worth (a
    # percentage) only on a scored single choice.
    choices = models.JSONField(_("choices"), default=list, blank=True)
    required = models.BooleanField(_("required"), default=False)
    min_value = models.IntegerField(_("smallest number"), null=True, blank=True)
    max_value = models.IntegerField(_("largest number"), null=True, blank=True)
    position = models.PositiveIntegerField(default=0)
    # The crosswalk: last year's question this one continues, so that trends compare.
    previous = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="continued_by",
        verbose_name=_("continues"),
    )

    class Meta:
        ordering = ["questionnaire", "position"]
        constraints = [
            models.UniqueConstraint(
                fields=["questionnaire", "code"], name="one_question_code_per_questionnaire"
            )
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.text[:60]}"

    @property
    def worth(self) -> dict[int, Decimal] | None:
        """A scored single choice's worth of each value, in percent; None otherwise."""
        if self.kind != self.Kind.SINGLE:
            return None
        worth = {
            int(choice["value"]): Decimal(str(choice["worth"]))
            for choice in self.choices
            if isinstance(choice, dict) and choice.get("worth") is not None
        }
        return worth or None

    @property
    def is_scored(self) -> bool:
        return self.indicator_id is not None and (
            self.kind == self.Kind.SCALE or self.worth is not None
        )


# Campaigns -------------------------------------------------------------------------


class Campaign(models.Model):
    """One survey of one year: its questionnaires, units, formula, sample and dates."""

    class Method(models.TextChoices):
        SHARE = "share", _("Share of answers 4 or 5")
        MEAN = "mean", _("Mean answer rescaled to 0–100 %")

    class Sample(models.TextChoices):
        FORMULA = "formula", _("From the unit's transactions: n = N / (1 + N·e²)")
        FIXED = "fixed", _("The same number for every unit")

    code = models.SlugField(_("code"), max_length=80, unique=True)
    title = models.CharField(_("title"), max_length=300)
    year = models.PositiveIntegerField(_("year"))
    source = models.CharField(_("survey"), max_length=10, choices=Source.choices)
    method = models.CharField(
        _("formula"), max_length=10, choices=Method.choices, default=Method.SHARE
    )
    questionnaires = models.ManyToManyField(
        Questionnaire, related_name="campaigns", verbose_name=_("questionnaires")
    )
    partners = models.ManyToManyField(
        Partner, blank=True, related_name="campaigns", verbose_name=_("partners")
    )
    sample = models.CharField(
        _("target sample"), max_length=10, choices=Sample.choices, default=Sample.FORMULA
    )
    margin = models.DecimalField(
        _("margin of error"), max_digits=4, decimal_places=3, default=DEFAULT_MARGIN
    )
    fixed_sample = models.PositiveIntegerField(_("respondents per unit"), null=True, blank=True)
    opens_on = models.DateField(_("opens on"))
    closes_on = models.DateField(_("closes on"))
    # Below this many respondents, a unit's figure is not shown per respondent group.
    min_group_count = models.PositiveSmallIntegerField(_("smallest group shown"), default=5)
    # Abuse control of the public form, without identities.
    duplicate_minutes = models.PositiveSmallIntegerField(
        _("duplicates within (minutes)"), default=30
    )
    hourly_limit = models.PositiveSmallIntegerField(
        _("responses an hour from one address before they are flagged"), default=20
    )
    aggregated_at = models.DateTimeField(_("aggregated at"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    created_by = models.ForeignKey(
        "org.User", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["-year", "source", "code"]
        verbose_name = _("survey campaign")
        verbose_name_plural = _("survey campaigns")
        constraints = [
            models.CheckConstraint(
                condition=Q(closes_on__gte=models.F("opens_on")), name="campaign_dates_in_order"
            ),
            models.CheckConstraint(
                condition=Q(margin__gt=0, margin__lt=1), name="campaign_margin_is_a_proportion"
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def is_open(self, today: object) -> bool:
        """Responses are taken from the opening day to the closing day, both included."""
        return bool(self.opens_on <= today <= self.closes_on)  # type: ignore[operator]

    def target_for(self, transactions: int | None) -> int | None:
        """A unit's target sample: fixed, or from its transactions (None: not known)."""
        if self.sample == self.Sample.FIXED:
            return self.fixed_sample
        if transactions is None:
            return None
        return sample_size(transactions, self.margin)


class CampaignUnit(models.Model):
    """A unit covered by a campaign, with the short code of its public link and its
    transactions of the period (N of the sample size)."""

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="units")
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="+")
    link_code = models.CharField(_("link code"), max_length=16, unique=True)
    transactions = models.PositiveIntegerField(_("transactions"), null=True, blank=True)

    class Meta:
        ordering = ["campaign", "unit__group__position", "unit__position", "unit__name"]
        constraints = [
            models.UniqueConstraint(fields=["campaign", "unit"], name="one_entry_per_unit"),
            models.CheckConstraint(
                condition=Q(transactions__lte=MAX_TRANSACTIONS), name="transactions_bounded"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.campaign} – {self.unit}"

    @property
    def target(self) -> int | None:
        return self.campaign.target_for(self.transactions)


class CollectorAssignment(models.Model):
    """A partner's collector records responses in person for this unit."""

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="assignments")
    collector = models.ForeignKey(
        "org.User",
        on_delete=models.CASCADE,
        related_name="collections",
        limit_choices_to={"role": Role.COLLECTOR},
    )
    unit = models.ForeignKey(Unit, on_delete=models.CASCADE, related_name="+")

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["campaign", "collector", "unit"], name="one_assignment_per_unit"
            )
        ]

    def __str__(self) -> str:
        return f"{self.collector} – {self.unit}"


class Respondent(models.Model):
    """A staff member invited to answer through a personal link. Only the link's hash is
    kept, and only that it was used: never when, never which response it gave."""

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="respondents")
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="+")
    group = models.ForeignKey(RespondentGroup, on_delete=models.PROTECT, related_name="+")
    name = models.CharField(_("name"), max_length=200)
    email = models.EmailField(_("e-mail"), blank=True)
    mobile = models.CharField(_("mobile number"), max_length=15, blank=True)
    token_hash = models.CharField(max_length=64, unique=True)
    invited_at = models.DateTimeField(_("invited at"), null=True, blank=True)
    reminded_at = models.DateTimeField(_("reminded at"), null=True, blank=True)
    used = models.BooleanField(_("answered"), default=False)

    class Meta:
        ordering = ["campaign", "unit", "group", "name"]
        verbose_name = _("respondent")
        verbose_name_plural = _("respondents")
        indexes = [models.Index(fields=["campaign", "unit", "group", "used"])]

    def __str__(self) -> str:
        return self.name


# Responses -------------------------------------------------------------------------


class Channel(models.TextChoices):
    WEB = "web", _("Public form")
    LINK = "link", _("Personal link")
    COLLECTOR = "collector", _("Recorded by a collector")
    PAPER = "paper", _("Paper form keyed in")
    IMPORT = "import", _("Another survey tool")
    PORTAL = "portal", _("Public-service portal rating")


class Flag(models.TextChoices):
    """Why a response is not counted until the administrator decides."""

    HONEYPOT = "honeypot", _("The hidden field was filled in (a program, not a person)")
    TOO_MANY = "too_many", _("Too many responses from one address within the hour")
    DUPLICATE = "duplicate", _("The same answers from one address just before")
    DOSSIER = "dossier", _("The dossier was already rated")


class ResponseQuerySet(models.QuerySet["Response"]):
    def counted(self) -> ResponseQuerySet:
        return self.filter(counted=True)

    def flagged(self) -> ResponseQuerySet:
        """Flagged and not decided yet."""
        return self.exclude(flag="").filter(decision="")


class Response(models.Model):
    """One person's answers. Its key is random and its date a day, so that neither its
    identifier nor its time puts responses in the order they came."""

    class Decision(models.TextChoices):
        ACCEPTED = "accepted", _("Counted")
        REJECTED = "rejected", _("Not counted")

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="responses")
    questionnaire = models.ForeignKey(Questionnaire, on_delete=models.PROTECT, related_name="+")
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="+")
    group = models.ForeignKey(
        RespondentGroup, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    channel = models.CharField(_("channel"), max_length=10, choices=Channel.choices)
    day = models.DateField(_("day"))
    collector = models.ForeignKey(
        "org.User", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    dossier_code = models.CharField(_("dossier code"), max_length=40, blank=True)
    flag = models.CharField(_("flag"), max_length=10, choices=Flag.choices, blank=True)
    counted = models.BooleanField(_("counted"), default=True)
    decision = models.CharField(_("decision"), max_length=10, choices=Decision.choices, blank=True)
    decision_reason = models.TextField(_("reason"), blank=True)
    decided_by = models.ForeignKey(
        "org.User", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    decided_on = models.DateField(null=True, blank=True)
    generated = models.BooleanField(_("generated demo data"), default=False)

    objects = ResponseQuerySet.as_manager()

    class Meta:
        ordering = ["day", "id"]  # the id is random: within a day, no order of arrival
        verbose_name = _("response")
        verbose_name_plural = _("responses")
        indexes = [
            # The respondents of each unit and group are counted from this index alone.
            models.Index(
                fields=["campaign", "unit", "group", "counted"], name="response_unit_group"
            ),
            models.Index(
                fields=["campaign", "dossier_code"],
                condition=~Q(dossier_code=""),
                name="response_dossier",
            ),
        ]
        constraints = [
            # A flagged response waits for a decision before it counts.
            models.CheckConstraint(
                condition=Q(flag="") | ~Q(decision="") | Q(counted=False),
                name="flagged_counts_once_decided",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.campaign} {self.unit} {self.day}"


class Answer(models.Model):
    """One answer to one question (a multiple choice: one row per choice made), with
    what aggregation groups by: the campaign, the unit, the group, counted or not.

    The table grows without bound (tens of millions of rows a year), so on PostgreSQL it
    is partitioned by campaign (`partitions.py`: a campaign's answers are read, and
    removed, as one partition) and carries no foreign-key constraints in the database:
    checking four of them per row cost three quarters of an insert (measured with
    440,000 rows). Answers are written only by `responses.response_store`, in the
    transaction of their response, and removed with it.
    """

    pk = models.CompositePrimaryKey("campaign_id", "response_id", "question_id", "choice")
    campaign = models.ForeignKey(
        Campaign, on_delete=models.CASCADE, related_name="+", db_index=False, db_constraint=False
    )
    response = models.ForeignKey(
        Response,
        on_delete=models.CASCADE,
        related_name="answers",
        db_index=False,
        db_constraint=False,
    )
    question = models.ForeignKey(
        Question, on_delete=models.PROTECT, related_name="+", db_index=False, db_constraint=False
    )
    choice = models.PositiveSmallIntegerField(default=0)  # the choice of a multiple choice
    value = models.IntegerField()
    unit = models.ForeignKey(
        Unit, on_delete=models.PROTECT, related_name="+", db_index=False, db_constraint=False
    )
    group = models.ForeignKey(
        RespondentGroup,
        on_delete=models.PROTECT,
        null=True,
        related_name="+",
        db_index=False,
        db_constraint=False,
    )
    counted = models.BooleanField(default=True)

    def __str__(self) -> str:
        return f"{self.question_id}={self.value}"


class TextAnswer(models.Model):
    """A free-text answer, kept apart from the numbers that are added up."""

    pk = models.CompositePrimaryKey("response_id", "question_id")
    response = models.ForeignKey(Response, on_delete=models.CASCADE, related_name="texts")
    question = models.ForeignKey(
        Question, on_delete=models.PROTECT, related_name="+", db_index=False
    )
    text = models.TextField()

    def __str__(self) -> str:
        return self.text[:60]


class Aggregate(models.Model):
    """A campaign's figure for a unit, as its last aggregation computed it: a question's
    (with the count of each answer), an indicator's, or the unit's overall (neither);
    for all respondents or one group."""

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="aggregates")
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="+")
    group = models.ForeignKey(
        RespondentGroup, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    indicator = models.CharField(max_length=CODE_LENGTH, blank=True)
    question = models.ForeignKey(
        Question, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    n = models.PositiveIntegerField(default=0)
    pct = models.DecimalField(max_digits=7, decimal_places=PERCENT_PLACES, null=True)
    low = models.DecimalField(max_digits=7, decimal_places=PERCENT_PLACES, null=True)
    high = models.DecimalField(max_digits=7, decimal_places=PERCENT_PLACES, null=True)
    counts = models.JSONField(default=dict)  # a question's answers by value

    class Meta:
        indexes = [models.Index(fields=["campaign", "unit"])]

    def __str__(self) -> str:
        return f"{self.campaign} {self.unit} {self.indicator or self.question_id}: {self.pct}"
