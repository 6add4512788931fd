"""Who is evaluated, and who does what.

An evaluating body (Sở Nội vụ of a province, a ministry, a district) evaluates units
grouped into unit groups; people hold one role each, a unit role tied to their unit.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable
from typing import Any

from django.contrib.auth.models import AbstractUser, UserManager
from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

phone_validator = RegexValidator(
    r"^(\+84|0)\d{9,10}$", _("Enter a Vietnamese phone number, e.g. 0912345678.")
)


def normalize_name(name: str) -> str:
    """Names compare after Unicode NFC normalisation, trimming and collapsing spaces."""
    return " ".join(unicodedata.normalize("NFC", name).split())


class EvaluatingBody(models.Model):
    """The body that determines the index of the units it evaluates."""

    name = models.CharField(_("name"), max_length=200)
    short_name = models.CharField(_("short name"), max_length=100, blank=True)

    class Meta:
        verbose_name = _("evaluating body")
        verbose_name_plural = _("evaluating bodies")

    def __str__(self) -> str:
        return self.name


class Partner(models.Model):
    """An organisation that takes part in the surveys beside the evaluating body: collects
    responses in person (the post office) or supervises the collection (the Fatherland
    Front, the veterans' association)."""

    body = models.ForeignKey(EvaluatingBody, on_delete=models.PROTECT, related_name="partners")
    name = models.CharField(_("name"), max_length=200)

    class Meta:
        ordering = ["name"]
        verbose_name = _("survey partner")
        verbose_name_plural = _("survey partners")

    def __str__(self) -> str:
        return self.name


class UnitGroup(models.Model):
    """Units evaluated with the same framework and ranked together (e.g. sở ngành)."""

    body = models.ForeignKey(EvaluatingBody, on_delete=models.PROTECT, related_name="groups")
    code = models.SlugField(_("code"), max_length=50, unique=True)
    name = models.CharField(_("name"), max_length=200)
    position = models.PositiveIntegerField(_("position"), default=0)

    class Meta:
        ordering = ["position", "name"]
        verbose_name = _("unit group")
        verbose_name_plural = _("unit groups")

    def __str__(self) -> str:
        return self.name


class UnitQuerySet(models.QuerySet["Unit"]):
    def active(self) -> UnitQuerySet:
        return self.filter(dissolved_on__isnull=True)

    def active_in(self, year: int) -> UnitQuerySet:
        """Units not dissolved before the end of the year."""
        return self.filter(Q(dissolved_on__isnull=True) | Q(dissolved_on__year__gt=year))

    def for_list(self) -> UnitQuerySet:
        return self.select_related("group", "parent").prefetch_related("successors")

    def contacts(self, *, heads_only: bool = True) -> dict[int, list[tuple[str, str]]]:
        """(channel, address) to reach each unit's head, by unit, in two queries: the
        unit's own e-mail and mobile, then those of its head's accounts (and its
        scorers' unless `heads_only`), each address once."""
        roles = [Role.UNIT_HEAD] if heads_only else [Role.UNIT_HEAD, Role.UNIT_SCORER]
        emails: dict[int, list[str]] = {}
        mobiles: dict[int, list[str]] = {}
        for pk, email, mobile in self.values_list("pk", "email", "mobile"):
            emails[pk], mobiles[pk] = [email], [mobile]
        people = User.objects.filter(unit__in=list(emails), role__in=roles, is_active=True)
        for unit_id, email, mobile in people.order_by("pk").values_list(
            "unit_id", "email", "mobile"
        ):
            emails[unit_id].append(email)
            mobiles[unit_id].append(mobile)
        found: dict[int, list[tuple[str, str]]] = {}
        for pk in emails:
            reached = [("email", e) for e in emails[pk] if e] + [
                ("sms", m) for m in mobiles[pk] if m
            ]
            found[pk] = list(dict.fromkeys(reached))
        return found

    def incomplete_contacts(self) -> UnitQuerySet:
        """Units missing one of the contact details messages go to."""
        return self.filter(incomplete_contacts_q())

    def contacts_summary(self) -> dict[str, int]:
        """How many units, and how many of them lack a contact detail: one query."""
        counts = self.aggregate(
            units=models.Count("pk"), incomplete=models.Count("pk", filter=incomplete_contacts_q())
        )
        return {"units": counts["units"], "incomplete": counts["incomplete"]}


# The unit's own contact details: its head (title and name), e-mail and mobile number.
CONTACT_FIELDS = ("head_name", "email", "mobile")


def incomplete_contacts_q() -> Q:
    missing = Q()
    for name in CONTACT_FIELDS:
        missing |= Q(**{name: ""})
    return missing


class Unit(models.Model):
    """An evaluated agency, known by a stable code that survives renaming."""

    code = models.SlugField(_("code"), max_length=80, unique=True)
    name = models.CharField(_("official name"), max_length=255)
    short_name = models.CharField(_("short name"), max_length=120, blank=True)
    group = models.ForeignKey(
        UnitGroup, on_delete=models.PROTECT, related_name="units", verbose_name=_("group")
    )
    parent = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
        verbose_name=_("parent unit"),
    )
    head_name = models.CharField(_("head's name"), max_length=200, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    mobile = models.CharField(
        _("mobile number"), max_length=15, blank=True, validators=[phone_validator]
    )
    dissolved_on = models.DateField(_("dissolved or merged on"), null=True, blank=True)
    successors = models.ManyToManyField(
        "self",
        symmetrical=False,
        blank=True,
        related_name="predecessors",
        verbose_name=_("successors"),
    )
    position = models.PositiveIntegerField(_("position"), default=0)

    objects = UnitQuerySet.as_manager()

    class Meta:
        ordering = ["group__position", "position", "name"]
        verbose_name = _("unit")
        verbose_name_plural = _("units")

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("org:unit_detail", args=[self.code])

    @property
    def display_name(self) -> str:
        return self.short_name or self.name

    @property
    def is_active(self) -> bool:
        return self.dissolved_on is None

    def clean(self) -> None:
        if self.parent_id is not None and self.parent_id == self.pk:
            raise ValidationError({"parent": _("A unit cannot be its own parent.")})

    def missing_contacts(self) -> list[str]:
        """The names of the contact details the unit lacks (see CONTACT_FIELDS)."""
        return [name for name in CONTACT_FIELDS if not getattr(self, name)]

    def contacts(self, *, heads_only: bool = True) -> list[tuple[str, str]]:
        """(channel, address) to reach the unit's head: `UnitQuerySet.contacts`."""
        return Unit.objects.filter(pk=self.pk).contacts(heads_only=heads_only)[self.pk]


class UnitContactChange(models.Model):
    """One of a unit's contact details changed: which, from what to what, by whom, when.

    Preliminary results and reminders go to these addresses, so each change is kept."""

    class Field(models.TextChoices):
        HEAD_NAME = "head_name", _("Head (title and name)")
        EMAIL = "email", _("E-mail")
        MOBILE = "mobile", _("Mobile number")

    unit = models.ForeignKey(Unit, on_delete=models.CASCADE, related_name="contact_changes")
    field = models.CharField(_("detail"), max_length=20, choices=Field.choices)
    before = models.CharField(_("before"), max_length=254, blank=True)
    after = models.CharField(_("after"), max_length=254, blank=True)
    by = models.ForeignKey(
        "User", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    at = models.DateTimeField(_("at"), auto_now_add=True)

    class Meta:
        ordering = ["-at", "-pk"]
        verbose_name = _("contact change")
        verbose_name_plural = _("contact changes")

    def __str__(self) -> str:
        return f"{self.unit} {self.get_field_display()}: {self.before} → {self.after}"


class UnitName(models.Model):
    """A name a unit was known by before it was renamed; old results use it."""

    unit = models.ForeignKey(Unit, on_delete=models.CASCADE, related_name="former_names")
    name = models.CharField(_("name"), max_length=255)
    used_until = models.DateField(_("used until"))

    class Meta:
        ordering = ["-used_until"]
        verbose_name = _("former name")
        verbose_name_plural = _("former names")

    def __str__(self) -> str:
        return self.name


class Role(models.TextChoices):
    ADMIN = "admin", _("Administrator")
    UNIT_SCORER = "unit_scorer", _("Unit scorer")
    UNIT_HEAD = "unit_head", _("Unit head")
    APPRAISER = "appraiser", _("Appraiser")
    COUNCIL_CHAIR = "council_chair", _("Council chair")
    VIEWER = "viewer", _("Viewer")
    # A partner's staff who record survey responses in person for the units assigned.
    COLLECTOR = "collector", _("Survey collector")
    # A partner's staff who follow the collection's progress, and nothing else.
    SUPERVISOR = "supervisor", _("Survey supervisor")
    # Another system of the province (the one-stop-shop system, a survey kiosk): pushes
    # measured inputs and survey responses through the API with its tokens; never logs in.
    INTEGRATION = "integration", _("Integration account")


UNIT_ROLES = (Role.UNIT_SCORER, Role.UNIT_HEAD)
PARTNER_ROLES = (Role.COLLECTOR, Role.SUPERVISOR)
# Roles that see every unit of the body.
OVERSIGHT_ROLES = (Role.ADMIN, Role.COUNCIL_CHAIR, Role.VIEWER)


def role_flags(role: str) -> dict[str, bool]:
    """What the role decides of Django's flags: administrators, and only they, use the
    Django admin with all its permissions. Every way a user is written goes through here
    (save, bulk_create, bulk_update, update), and a check constraint holds the rest."""
    admin = role == Role.ADMIN
    return {"is_staff": admin, "is_superuser": admin}


class UserQuerySet(models.QuerySet["User"]):
    def bulk_create(self, objs: Iterable[User], *args: Any, **kwargs: Any) -> list[User]:
        users = list(objs)
        for user in users:
            user.take_role_flags()
        return super().bulk_create(users, *args, **kwargs)

    def bulk_update(
        self, objs: Iterable[User], fields: Iterable[str], batch_size: int | None = None
    ) -> int:
        users, names = list(objs), list(fields)
        if "role" in names:
            for user in users:
                user.take_role_flags()
            names = list(dict.fromkeys([*names, *role_flags(Role.ADMIN)]))
        return super().bulk_update(users, names, batch_size=batch_size)

    def update(self, **kwargs: Any) -> int:
        # A role given as an expression (bulk_update's) comes with its flags already.
        if isinstance(kwargs.get("role"), str):
            kwargs.update(role_flags(kwargs["role"]))
        return super().update(**kwargs)


class ParindexUserManager(UserManager["User"]):
    def get_queryset(self) -> UserQuerySet:
        return UserQuerySet(self.model, using=self._db)

    def create_superuser(
        self,
        username: str,
        email: str | None = None,
        password: str | None = None,
        **extra: Any,
    ) -> User:
        extra.setdefault("role", Role.ADMIN)
        return super().create_superuser(username, email, password, **extra)


class User(AbstractUser):
    """A person with one role; unit scorers and heads belong to a unit.

    An appraiser may also belong to a unit (their own agency), which they are never
    assigned to appraise.
    """

    role = models.CharField(_("role"), max_length=20, choices=Role.choices, default=Role.VIEWER)
    unit = models.ForeignKey(
        Unit,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="people",
        verbose_name=_("unit"),
    )
    display_name = models.CharField(_("display name"), max_length=200, blank=True)
    mobile = models.CharField(
        _("mobile number"), max_length=15, blank=True, validators=[phone_validator]
    )
    partner = models.ForeignKey(
        Partner,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="people",
        verbose_name=_("survey partner"),
    )

    objects = ParindexUserManager()  # type: ignore[misc]

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        constraints = [
            models.CheckConstraint(
                condition=~Q(role__in=[r.value for r in UNIT_ROLES]) | Q(unit__isnull=False),
                name="unit_role_has_unit",
            ),
            models.CheckConstraint(
                condition=~Q(role__in=[r.value for r in PARTNER_ROLES]) | Q(partner__isnull=False),
                name="partner_role_has_partner",
            ),
            # The flags follow the role, however a row is written (see role_flags).
            models.CheckConstraint(
                condition=Q(role=Role.ADMIN, is_staff=True, is_superuser=True)
                | (~Q(role=Role.ADMIN) & Q(is_staff=False, is_superuser=False)),
                name="django_flags_follow_role",
            ),
        ]

    def __str__(self) -> str:
        return self.display_name or self.username

    def save(self, *args: Any, **kwargs: Any) -> None:
        self.take_role_flags()
        update_fields = kwargs.get("update_fields")
        if update_fields is not None and "role" in update_fields:
            kwargs["update_fields"] = {*update_fields, *role_flags(self.role)}
        super().save(*args, **kwargs)

    def clean(self) -> None:
        super().clean()
        if self.role in UNIT_ROLES and self.unit_id is None:
            raise ValidationError({"unit": _("A unit scorer or unit head belongs to a unit.")})
        if self.role in PARTNER_ROLES and self.partner_id is None:
            raise ValidationError(
                {"partner": _("A survey collector or supervisor belongs to a partner.")}
            )

    def take_role_flags(self) -> None:
        """Set Django's staff and superuser flags from the role."""
        for flag, value in role_flags(self.role).items():
            setattr(self, flag, value)

    @property
    def is_admin(self) -> bool:
        return self.is_active and self.role == Role.ADMIN

    @property
    def is_integration(self) -> bool:
        return self.role == Role.INTEGRATION

    @property
    def sees_all_units(self) -> bool:
        return self.is_active and self.role in OVERSIGHT_ROLES


class AppraisalAssignment(models.Model):
    """An appraiser checks one field of a unit group's frameworks.

    With no unit, the assignment covers every unit of the group except the appraiser's
    own; with a unit, only that unit.
    """

    appraiser = models.ForeignKey(
        User,
        on_delete=models.CASCADE,
        related_name="assignments",
        limit_choices_to={"role": Role.APPRAISER},
        verbose_name=_("appraiser"),
    )
    group = models.ForeignKey(UnitGroup, on_delete=models.CASCADE, verbose_name=_("group"))
    field_code = models.CharField(
        _("field"), max_length=10, help_text=_("Field number in the framework, e.g. 1.")
    )
    unit = models.ForeignKey(
        Unit, on_delete=models.CASCADE, null=True, blank=True, verbose_name=_("only this unit")
    )

    class Meta:
        ordering = ["group__position", "field_code"]
        verbose_name = _("appraisal assignment")
        verbose_name_plural = _("appraisal assignments")
        constraints = [
            models.UniqueConstraint(
                fields=["appraiser", "group", "field_code"],
                condition=Q(unit__isnull=True),
                name="one_group_assignment_per_field",
            ),
            models.UniqueConstraint(
                fields=["appraiser", "group", "field_code", "unit"],
                condition=Q(unit__isnull=False),
                name="one_unit_assignment_per_field",
            ),
        ]

    def __str__(self) -> str:
        scope = self.unit.display_name if self.unit else self.group.name
        return f"{self.appraiser} – {self.field_code} – {scope}"

    def clean(self) -> None:
        appraiser = self.appraiser if self.appraiser_id else None
        if appraiser is not None and appraiser.role != Role.APPRAISER:
            raise ValidationError({"appraiser": _("Only appraisers receive assignments.")})
        if self.unit_id is not None:
            if appraiser is not None and self.unit_id == appraiser.unit_id:
                raise ValidationError(
                    {"unit": _("An appraiser cannot be assigned to their own unit.")}
                )
            if self.unit is not None and self.unit.group_id != self.group_id:
                raise ValidationError({"unit": _("The unit is not in this group.")})


class SecurityEvent(models.Model):
    """Log-ins, log-outs, failures, lock-outs and permission refusals."""

    class Kind(models.TextChoices):
        LOGIN = "login", _("Log-in")
        LOGIN_FAILED = "login_failed", _("Failed log-in")
        LOGOUT = "logout", _("Log-out")
        LOCKED_OUT = "locked_out", _("Locked out")
        REFUSED = "refused", _("Permission refused")

    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    at = models.DateTimeField(_("at"), auto_now_add=True, db_index=True)
    user = models.ForeignKey(User, on_delete=models.SET_NULL, null=True, blank=True)
    username = models.CharField(_("username"), max_length=150, blank=True)
    ip_address = models.GenericIPAddressField(_("IP address"), null=True, blank=True)
    path = models.CharField(_("path"), max_length=500, blank=True)
    detail = models.CharField(_("detail"), max_length=500, blank=True)

    class Meta:
        ordering = ["-at"]
        verbose_name = _("security event")
        verbose_name_plural = _("security events")

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.username} {self.at:%Y-%m-%d %H:%M}"


def make_code(name: str) -> str:
    """A stable code from a Vietnamese name: “UBND huyện Mỹ Xuyên” → ubnd-huyen-my-xuyen."""
    from django.utils.text import slugify

    text = normalize_name(name).replace("Đ", "D").replace("đ", "d")
    text = unicodedata.normalize("NFKD", text)
    return slugify("".join(ch for ch in text if not unicodedata.combining(ch)))[:80]
