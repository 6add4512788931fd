from __future__ import annotations

from typing import Any

from django import forms
from django.core.validators import MaxValueValidator, MinValueValidator
from django.utils.translation import gettext_lazy as _

from parindex.org.models import Unit, UnitGroup
from parindex.scoring.targets import NATIONAL_RANK_RISE, NEEDS_VALUE

from .models import NationalResult, Target

# The years a national result or a goal may speak of (those of the frameworks too): a goal
# is checked year by year, and a goal "to year 2 147 483 647" would never finish.
FIRST_YEAR, LAST_YEAR = 2000, 2100


def _bound_years(form: forms.BaseForm, *names: str) -> None:
    for name in names:
        field = form.fields[name]
        message = _("Enter a year between 2000 and 2100.")
        field.validators += [
            MinValueValidator(FIRST_YEAR, message=message),
            MaxValueValidator(LAST_YEAR, message=message),
        ]
        field.widget.attrs.update({"min": FIRST_YEAR, "max": LAST_YEAR})


SORTS = [
    ("rank", _("Rank")),
    ("name", _("Unit")),
    ("self", _("Self-assessed")),
    ("staff", _("Staff survey points")),
    ("sipas", _("SIPAS")),
]


class ResultsQueryForm(forms.Form):
    """What a results page shows: a revision, one group, an order. Bad values are ignored."""

    revision = forms.IntegerField(min_value=1, required=False)
    group = forms.SlugField(required=False)
    sort = forms.ChoiceField(choices=SORTS, required=False)
    page = forms.IntegerField(min_value=1, required=False)

    def value(self, name: str) -> Any:
        return self.cleaned_data.get(name) if self.is_valid() else None


class ComputeForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason for the correction"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_(
            "Needed once the results are published: the correction becomes a new revision."
        ),
        error_messages={"required": _("A correction of published results needs its reason.")},
    )

    def __init__(self, *args: Any, needs_reason: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["reason"].required = needs_reason


class PublishForm(forms.Form):
    revision = forms.IntegerField(widget=forms.HiddenInput, min_value=1)
    decision = forms.CharField(
        label=_("Decision that publishes the results"),
        max_length=300,
        help_text=_("e.g. Quyết định số 25/QĐ-UBND ngày 08/01/2024"),
    )
    decision_date = forms.DateField(
        label=_("Date of the decision"), help_text=_("dd/mm/yyyy, e.g. 08/01/2024")
    )
    allow_provisional = forms.BooleanField(
        label=_("Publish even though some units are provisional"),
        required=False,
        help_text=_("A provisional unit still counts self scores the appraisers have not checked."),
    )


class NationalResultForm(forms.ModelForm):  # type: ignore[type-arg]
    class Meta:
        model = NationalResult
        fields = ["year", "index_pct", "rank", "rank_of", "sipas_pct", "source"]
        help_texts = {
            "index_pct": _("As the Ministry published it, e.g. 85,19"),
            "source": _("e.g. Quyết định số 1044/QĐ-BNV"),
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _bound_years(self, "year")
        for name in ("index_pct", "sipas_pct"):
            self.fields[name].localize = True
            self.fields[name].widget.is_localized = True
            self.fields[name].widget.input_type = "text"
            self.fields[name].widget.attrs["inputmode"] = "decimal"

    def clean(self) -> dict[str, Any]:
        data = super().clean() or self.cleaned_data
        rank, rank_of = data.get("rank"), data.get("rank_of")
        if rank is not None and rank_of is not None and not 1 <= rank <= rank_of:
            self.add_error("rank", _("The rank must be between 1 and the number ranked."))
        for name in ("index_pct", "sipas_pct"):
            value = data.get(name)
            if value is not None and not 0 <= value <= 100:
                self.add_error(name, _("A percentage is between 0 and 100."))
        return data


class TargetForm(forms.ModelForm):  # type: ignore[type-arg]
    class Meta:
        model = Target
        fields = ["title", "source", "kind", "value", "first_year", "last_year", "group", "unit"]
        widgets = {"title": forms.Textarea(attrs={"rows": 2})}
        help_texts = {
            "title": _("The goal in the plan's words."),
            "source": _("e.g. Kế hoạch thực hiện Quyết định số 2437/QĐ-UBND ngày 16/9/2022"),
            "value": _("The rank, the number of ranks or the percentage the kind speaks of."),
            "group": _("For goals on units: only this group (leave empty for every unit)."),
            "unit": _("For goals on units: only this unit."),
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _bound_years(self, "first_year", "last_year")
        self.fields["value"].localize = True
        self.fields["value"].widget.is_localized = True
        self.fields["value"].widget.input_type = "text"
        group_field = self.fields["group"]
        assert isinstance(group_field, forms.ModelChoiceField)
        group_field.queryset = UnitGroup.objects.all()
        unit_field = self.fields["unit"]
        assert isinstance(unit_field, forms.ModelChoiceField)
        unit_field.queryset = Unit.objects.active().select_related("group")

    def clean(self) -> dict[str, Any]:
        data = super().clean() or self.cleaned_data
        kind, value = data.get("kind"), data.get("value")
        first, last = data.get("first_year"), data.get("last_year")
        if kind in NEEDS_VALUE and value is None:
            self.add_error("value", _("This kind of goal needs its number."))
        if kind == NATIONAL_RANK_RISE and value is not None and value < 1:
            self.add_error("value", _("A rise is at least one rank."))
        if first is not None and last is not None and first > last:
            self.add_error("last_year", _("The last year comes after the first."))
        if data.get("group") is not None and data.get("unit") is not None:
            self.add_error("unit", _("Choose a group or a unit, not both."))
        if kind is not None and kind.startswith("national_"):
            data["group"] = data["unit"] = None  # the province's own results: no scope
        return data
