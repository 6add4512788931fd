"""The initiatives register's forms: the register's filters, a unit's initiative, the
council's decision, a later year's report and its confirmation."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from parindex.org.models import Unit, UnitGroup
from parindex.results.forms import FIRST_YEAR

from .forms import MultipleFileField
from .initiatives import MAX_DECISION, MAX_TEXT, MAX_TITLE
from .models import Initiative, InitiativeFollowup


class RegisterFilterForm(forms.Form):
    year = forms.TypedChoiceField(label=_("Year"), coerce=int, required=False, empty_value=None)
    group = forms.ModelChoiceField(
        label=_("Group"), queryset=UnitGroup.objects.none(), required=False
    )
    unit = forms.ModelChoiceField(label=_("Unit"), queryset=Unit.objects.none(), required=False)
    status = forms.ChoiceField(label=_("Status"), required=False)

    def __init__(self, *args: Any, years: list[int], statuses: bool, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        year = self.fields["year"]
        assert isinstance(year, forms.TypedChoiceField)
        year.choices = [("", _("All years")), *((y, str(y)) for y in years)]
        group = self.fields["group"]
        assert isinstance(group, forms.ModelChoiceField)
        group.queryset = UnitGroup.objects.all()
        group.empty_label = _("All groups")
        unit = self.fields["unit"]
        assert isinstance(unit, forms.ModelChoiceField)
        unit.queryset = Unit.objects.order_by("group__position", "position", "name")
        unit.empty_label = _("All units")
        status = self.fields["status"]
        assert isinstance(status, forms.ChoiceField)
        if statuses:
            status.choices = [("", _("All statuses")), *Initiative.Status.choices]
        else:
            del self.fields["status"]


def _year_choices() -> list[tuple[int, str]]:
    this_year = timezone.localdate().year
    return [(year, str(year)) for year in range(this_year, max(FIRST_YEAR, this_year - 3) - 1, -1)]


class InitiativeForm(forms.Form):
    year = forms.TypedChoiceField(label=_("Year"), coerce=int)
    title = forms.CharField(label=_("Title of the initiative"), max_length=MAX_TITLE)
    description = forms.CharField(
        label=_("Description"),
        max_length=MAX_TEXT,
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("What it changes, for whom, with which results."),
    )
    link = forms.URLField(label=_("Link"), max_length=500, required=False, assume_scheme="https")
    evidence_files = MultipleFileField(
        label=_("Evidence files"), required=False, help_text=_("PDF, Word, Excel, JPEG or PNG.")
    )

    def __init__(self, *args: Any, editing: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if editing:
            del self.fields["year"]
        else:
            year = self.fields["year"]
            assert isinstance(year, forms.TypedChoiceField)
            year.choices = _year_choices()


class DecisionForm(forms.Form):
    status = forms.ChoiceField(
        label=_("The council's decision"),
        choices=[
            (Initiative.Status.RECOGNISED, Initiative.Status.RECOGNISED.label),
            (Initiative.Status.NOT_RECOGNISED, Initiative.Status.NOT_RECOGNISED.label),
        ],
        widget=forms.RadioSelect,
    )
    decision = forms.CharField(
        label=_("Minutes or decision"),
        max_length=MAX_DECISION,
        help_text=_("E.g. Biên bản họp Hội đồng thẩm định ngày 15/12/2024, or a decision number."),
    )
    reason = forms.CharField(
        label=_("Why it is not recognised"),
        max_length=MAX_TEXT,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    confirmed = forms.BooleanField(required=False, widget=forms.HiddenInput)


class FollowupForm(forms.Form):
    year = forms.TypedChoiceField(label=_("Year"), coerce=int)
    maintained = forms.BooleanField(label=_("Maintained (duy trì)"), required=False)
    extended = forms.BooleanField(label=_("Extended or replicated (nhân rộng)"), required=False)
    note = forms.CharField(
        label=_("Note"),
        max_length=MAX_TEXT,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    evidence_files = MultipleFileField(
        label=_("Evidence files"), required=False, help_text=_("PDF, Word, Excel, JPEG or PNG.")
    )

    def __init__(self, *args: Any, years: list[int], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        year = self.fields["year"]
        assert isinstance(year, forms.TypedChoiceField)
        year.choices = [(y, str(y)) for y in years]


class ConfirmForm(forms.Form):
    status = forms.ChoiceField(
        label=_("The administrator's check"),
        choices=[
            (InitiativeFollowup.Status.CONFIRMED, _("Confirm")),
            (InitiativeFollowup.Status.NOT_CONFIRMED, _("Do not confirm")),
        ],
        widget=forms.RadioSelect,
    )
    comment = forms.CharField(
        label=_("Comment"),
        max_length=MAX_TEXT,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Required when not confirmed."),
    )
