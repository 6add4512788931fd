"""The forms of a campaign's pages: its settings and units, each unit's transactions, a
collector's units, the files it imports, the steps it confirms, the flags it decides.
Every value is bounded before it reaches a service."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from parindex.org.models import Partner, Unit, UnitGroup, User

from .campaigns import MAX_REASON, MAX_UNITS, RESERVED_CODES, CampaignData
from .models import MAX_TRANSACTIONS, Campaign, CampaignUnit, Flag, Questionnaire, Source
from .tables import Limits

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
DATE_FORMATS = ["%Y-%m-%d", "%d/%m/%Y"]


@dataclass(frozen=True)
class UnitChoice:
    unit: Unit
    checked: bool


@dataclass(frozen=True)
class GroupChoice:
    group: UnitGroup
    whole: bool  # every unit of the group chosen at once
    units: list[UnitChoice]


class QuestionnaireChoices(forms.ModelMultipleChoiceField[Questionnaire]):
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.title} ({obj.year}, {obj.get_source_display()})"


class CollectorChoice(forms.ModelChoiceField[User]):
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj} ({obj.partner})"


class CampaignForm(forms.Form):
    """A campaign's settings. Units are chosen one by one or a whole group at once (a
    group's box adds each of its units: a province's communes fit in one click)."""

    code = forms.SlugField(
        label=gettext_lazy("Code"),
        max_length=80,
        help_text=gettext_lazy(
            "Letters, digits and dashes, e.g. sipas-2024: it is in the pages' addresses."
        ),
    )
    title = forms.CharField(label=gettext_lazy("Title"), max_length=300)
    year = forms.IntegerField(label=gettext_lazy("Year"), min_value=2000, max_value=2100)
    source = forms.ChoiceField(label=gettext_lazy("Survey"), choices=Source.choices)
    method = forms.ChoiceField(
        label=gettext_lazy("Formula"), choices=Campaign.Method.choices, widget=forms.RadioSelect
    )
    questionnaires = QuestionnaireChoices(
        label=gettext_lazy("Questionnaires"),
        queryset=Questionnaire.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        help_text=gettext_lazy(
            "Of the campaign's survey and year: one for SIPAS; for the staff survey one for "
            "each respondent group."
        ),
    )
    partners = forms.ModelMultipleChoiceField(
        label=gettext_lazy("Partners"),
        queryset=Partner.objects.order_by("name"),
        widget=forms.CheckboxSelectMultiple,
        required=False,
        help_text=gettext_lazy(
            "Their collectors record responses, their supervisors follow the progress."
        ),
    )
    sample = forms.ChoiceField(
        label=gettext_lazy("Target sample"),
        choices=Campaign.Sample.choices,
        widget=forms.RadioSelect,
    )
    margin = forms.DecimalField(
        label=gettext_lazy("Margin of error e (0.05 = 5 %)"),
        min_value=Decimal("0.001"),
        max_value=Decimal("0.5"),
        max_digits=4,
        decimal_places=3,
    )
    fixed_sample = forms.IntegerField(
        label=gettext_lazy("Respondents per unit (a fixed sample)"),
        min_value=1,
        max_value=1_000_000,
        required=False,
    )
    opens_on = forms.DateField(
        label=gettext_lazy("Opens on"), widget=DATE, input_formats=DATE_FORMATS
    )
    closes_on = forms.DateField(
        label=gettext_lazy("Closes on"), widget=DATE, input_formats=DATE_FORMATS
    )
    min_group_count = forms.IntegerField(
        label=gettext_lazy("Smallest respondent group shown"),
        min_value=1,
        max_value=100,
        help_text=gettext_lazy(
            "A unit's figures per respondent group are shown only from this many respondents."
        ),
    )
    duplicate_minutes = forms.IntegerField(
        label=gettext_lazy("The same answers from one address within (minutes) are flagged"),
        min_value=0,
        max_value=1440,
    )
    hourly_limit = forms.IntegerField(
        label=gettext_lazy("Responses an hour from one address before they are flagged"),
        min_value=1,
        max_value=10_000,
    )
    whole_groups = forms.ModelMultipleChoiceField(
        queryset=UnitGroup.objects.order_by("position", "name"), required=False
    )
    units = forms.ModelMultipleChoiceField(queryset=Unit.objects.active(), required=False)

    def __init__(self, *args: Any, campaign: Campaign | None = None, **kwargs: Any) -> None:
        if campaign is not None and "initial" not in kwargs:
            kwargs["initial"] = {
                "code": campaign.code,
                "title": campaign.title,
                "year": campaign.year,
                "source": campaign.source,
                "method": campaign.method,
                "questionnaires": list(campaign.questionnaires.all()),
                "partners": list(campaign.partners.all()),
                "sample": campaign.sample,
                "margin": campaign.margin,
                "fixed_sample": campaign.fixed_sample,
                "opens_on": campaign.opens_on,
                "closes_on": campaign.closes_on,
                "min_group_count": campaign.min_group_count,
                "duplicate_minutes": campaign.duplicate_minutes,
                "hourly_limit": campaign.hourly_limit,
                "units": list(
                    CampaignUnit.objects.filter(campaign=campaign).values_list("unit_id", flat=True)
                ),
            }
        kwargs.setdefault(
            "initial",
            {
                "method": Campaign.Method.SHARE,
                "sample": Campaign.Sample.FORMULA,
                "margin": Decimal("0.05"),
                "min_group_count": 5,
                "duplicate_minutes": 30,
                "hourly_limit": 20,
                "year": datetime.date.today().year,
            },
        )
        super().__init__(*args, **kwargs)
        self.campaign = campaign
        field = self.fields["questionnaires"]
        assert isinstance(field, forms.ModelMultipleChoiceField)
        field.queryset = Questionnaire.objects.order_by(
            "-year", "source", "respondent_group__position", "code"
        )

    def clean_code(self) -> str:
        code: str = self.cleaned_data["code"].lower()
        if code in RESERVED_CODES:
            raise forms.ValidationError(
                _("This word is taken by the surveys' addresses: choose another code.")
            )
        return code

    def clean_units(self) -> list[Unit]:
        units = list(self.cleaned_data.get("units") or [])
        if len(units) > MAX_UNITS:
            raise forms.ValidationError(
                _("A campaign covers at most %(count)s units.") % {"count": MAX_UNITS}
            )
        return units

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        chosen = {u.pk: u for u in data.get("units") or []}
        groups = list(data.get("whole_groups") or [])
        if groups:
            for unit in Unit.objects.active().filter(group__in=groups):
                chosen.setdefault(unit.pk, unit)
        if len(chosen) > MAX_UNITS:
            self.add_error(
                None, _("A campaign covers at most %(count)s units.") % {"count": MAX_UNITS}
            )
        data["all_units"] = list(chosen.values())
        if data.get("sample") == Campaign.Sample.FIXED and not data.get("fixed_sample"):
            self.add_error("fixed_sample", _("Give the number of respondents per unit."))
        opens, closes = data.get("opens_on"), data.get("closes_on")
        if opens and closes and closes < opens:
            self.add_error("closes_on", _("The campaign closes before it opens."))
        return data

    def data_for_service(self) -> CampaignData:
        data = self.cleaned_data
        return CampaignData(
            code=data["code"],
            title=data["title"].strip(),
            year=data["year"],
            source=data["source"],
            method=data["method"],
            questionnaires=list(data["questionnaires"]),
            units=data["all_units"],
            partners=list(data["partners"]),
            sample=data["sample"],
            margin=data["margin"],
            fixed_sample=data.get("fixed_sample"),
            opens_on=data["opens_on"],
            closes_on=data["closes_on"],
            min_group_count=data["min_group_count"],
            duplicate_minutes=data["duplicate_minutes"],
            hourly_limit=data["hourly_limit"],
        )

    def unit_groups(self) -> list[GroupChoice]:
        """The units to choose from, by group, with those chosen (as posted, or stored)."""
        if self.is_bound:
            chosen = {str(v)[:20] for v in self.data.getlist("units")[: MAX_UNITS + 1]}  # type: ignore[attr-defined]
            whole = {str(v)[:20] for v in self.data.getlist("whole_groups")[:100]}  # type: ignore[attr-defined]
        else:
            chosen = {str(pk) for pk in self.initial.get("units", [])}
            whole = set()
        found: dict[int, GroupChoice] = {}
        for unit in (
            Unit.objects.active()
            .select_related("group")
            .order_by("group__position", "position", "name")
        ):
            entry = found.get(unit.group_id)
            if entry is None:
                entry = found[unit.group_id] = GroupChoice(
                    unit.group, str(unit.group_id) in whole, []
                )
            entry.units.append(UnitChoice(unit, str(unit.pk) in chosen))
        return list(found.values())


class TransactionsForm(forms.Form):
    """One page of units' transactions of the period (N of n = N / (1 + N·e²))."""

    def __init__(self, *args: Any, entries: list[CampaignUnit], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.entries = entries
        for entry in entries:
            self.fields[f"u{entry.unit_id}"] = forms.IntegerField(
                required=False,
                min_value=0,
                max_value=MAX_TRANSACTIONS,
                initial=entry.transactions,
                widget=forms.NumberInput(
                    attrs={"aria-label": entry.unit.name, "inputmode": "numeric"}
                ),
            )

    def rows(self) -> list[tuple[CampaignUnit, forms.BoundField]]:
        return [(entry, self[f"u{entry.unit_id}"]) for entry in self.entries]

    def values(self) -> dict[int, int | None]:
        return {entry.unit_id: self.cleaned_data.get(f"u{entry.unit_id}") for entry in self.entries}


class TableFileForm(forms.Form):
    """A table to import (.csv or .xlsx), bounded before anything reads it."""

    file = forms.FileField(
        label=gettext_lazy("Table (.xlsx or .csv)"),
        error_messages={
            "empty": gettext_lazy("The file is empty."),
            "required": gettext_lazy("Choose a file."),
        },
    )

    def __init__(self, *args: Any, limits: Limits, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.limits = limits

    def clean_file(self) -> Any:
        upload = self.cleaned_data["file"]
        if not (upload.name or "").lower().endswith((".xlsx", ".csv")):
            raise forms.ValidationError(_("Send a .csv or .xlsx file."))
        if (upload.size or 0) > self.limits.max_bytes:
            raise forms.ValidationError(
                _("The file is too large (at most %(size)s MB).")
                % {"size": self.limits.max_bytes // (1024 * 1024)}
            )
        return upload


class ConfirmImportForm(forms.Form):
    """The confirmation of an import checked before: the kept file, signed."""

    kept = forms.CharField(max_length=500)
    confirmed = forms.BooleanField()


class ConfirmForm(forms.Form):
    confirmed = forms.BooleanField(required=False)


class CollectorForm(forms.Form):
    """The units a collector of the campaign's partners records responses for."""

    collector = CollectorChoice(label=gettext_lazy("Collector"), queryset=User.objects.none())
    units = forms.ModelMultipleChoiceField(
        label=gettext_lazy("Units"),
        queryset=Unit.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(
        self, *args: Any, campaign: Campaign, collectors: list[User], **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        collector_field = self.fields["collector"]
        assert isinstance(collector_field, forms.ModelChoiceField)
        collector_field.queryset = User.objects.filter(pk__in=[c.pk for c in collectors])
        units_field = self.fields["units"]
        assert isinstance(units_field, forms.ModelMultipleChoiceField)
        units_field.queryset = Unit.objects.filter(
            pk__in=CampaignUnit.objects.filter(campaign=campaign).values("unit_id")
        ).order_by("group__position", "position", "name")


class DashboardFilterForm(forms.Form):
    short = forms.BooleanField(required=False, label=gettext_lazy("Only units under their target"))
    page = forms.IntegerField(min_value=1, max_value=1_000_000, required=False)

    def value(self, name: str) -> Any:
        return self.cleaned_data.get(name) if self.is_valid() else None


class FlagFilterForm(forms.Form):
    flag = forms.ChoiceField(choices=[("", ""), *Flag.choices], required=False)
    page = forms.IntegerField(min_value=1, max_value=1_000_000, required=False)

    def value(self, name: str) -> Any:
        return self.cleaned_data.get(name) if self.is_valid() else None


MAX_CHOSEN = 200  # responses chosen one by one on a page


class FlagDecisionForm(forms.Form):
    """Counting or not the flagged responses chosen (or every one waiting of a kind),
    with the reason, which is recorded."""

    SCOPES = [
        ("chosen", gettext_lazy("The responses ticked")),
        ("all", gettext_lazy("Every response waiting of the kind shown")),
    ]

    chosen = forms.TypedMultipleChoiceField(choices=[], required=False, coerce=str)
    scope = forms.ChoiceField(
        choices=SCOPES, initial="chosen", widget=forms.RadioSelect, label=gettext_lazy("Which")
    )
    decision = forms.ChoiceField(
        choices=[
            ("accept", gettext_lazy("Count them")),
            ("reject", gettext_lazy("Do not count them")),
        ],
        widget=forms.RadioSelect,
        label=gettext_lazy("Decision"),
    )
    reason = forms.CharField(
        label=gettext_lazy("Reason (recorded with the decision)"),
        max_length=MAX_REASON,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    flag = forms.ChoiceField(
        choices=[("", ""), *Flag.choices], required=False, widget=forms.HiddenInput
    )
    confirmed = forms.BooleanField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if self.is_bound:
            posted = self.data.getlist("chosen")[: MAX_CHOSEN + 1]  # type: ignore[attr-defined]
            field = self.fields["chosen"]
            assert isinstance(field, forms.TypedMultipleChoiceField)
            field.choices = [(str(v)[:40], "") for v in posted]

    def clean_chosen(self) -> list[str]:
        import uuid

        chosen = self.cleaned_data.get("chosen") or []
        if len(chosen) > MAX_CHOSEN:
            raise forms.ValidationError(
                _("At most %(count)s responses at once: or decide every one of the kind.")
                % {"count": MAX_CHOSEN}
            )
        try:
            return [str(uuid.UUID(value)) for value in chosen]
        except ValueError:
            raise forms.ValidationError(_("Unknown responses.")) from None

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("scope") == "chosen" and not data.get("chosen") and "chosen" not in self.errors:
            self.add_error("chosen", _("Tick the responses to decide."))
        return data
