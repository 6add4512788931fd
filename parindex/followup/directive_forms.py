"""The directives' forms: the directive, its rows of tasks, a unit's report."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from parindex.org.models import Unit, UnitGroup

from .directives import MAX_DEADLINE, MAX_TASKS, MAX_TEXT
from .forms import MultipleFileField
from .models import Directive, TaskAssignment


class DirectiveForm(forms.ModelForm[Directive]):
    link = forms.URLField(
        label=_("Link to the text"), max_length=500, required=False, assume_scheme="https"
    )

    class Meta:
        model = Directive
        fields = ["number", "issued_on", "issuer", "subject", "link"]
        widgets = {"issued_on": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")}
        help_texts = {
            "number": _("As written on the directive, e.g. 2530/UBND-NC."),
            "subject": _("E.g. V/v tăng cường giải pháp nâng cao Chỉ số cải cách hành chính."),
        }


class TaskForm(forms.Form):
    number = forms.CharField(label=_("No."), max_length=20)
    text = forms.CharField(
        label=_("Task"), max_length=MAX_TEXT, widget=forms.Textarea(attrs={"rows": 3})
    )
    deadline = forms.CharField(
        label=_("Deadline"),
        max_length=MAX_DEADLINE,
        help_text=_("A date (31/12/2021) or a period: quý IV/2021, tháng 11/2021, năm 2022."),
    )
    units = forms.ModelMultipleChoiceField(
        label=_("Units"),
        queryset=Unit.objects.none(),
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 6}),
    )
    groups = forms.ModelMultipleChoiceField(
        label=_("Whole groups"),
        queryset=UnitGroup.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        units_field = self.fields["units"]
        assert isinstance(units_field, forms.ModelMultipleChoiceField)
        units_field.queryset = Unit.objects.active().select_related("group")
        groups_field = self.fields["groups"]
        assert isinstance(groups_field, forms.ModelMultipleChoiceField)
        groups_field.queryset = UnitGroup.objects.all()

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if self.has_changed() and not data.get("units") and not data.get("groups"):
            raise forms.ValidationError(_("Choose the units or the groups this task goes to."))
        return data


class TaskEditForm(forms.Form):
    """A task's own words and deadline; the units it was given to stay."""

    number = TaskForm.base_fields["number"]
    text = TaskForm.base_fields["text"]
    deadline = TaskForm.base_fields["deadline"]


TaskFormSet = forms.formset_factory(
    TaskForm, extra=3, max_num=MAX_TASKS, validate_max=True, absolute_max=MAX_TASKS
)


class ReportForm(forms.Form):
    status = forms.ChoiceField(
        label=_("Status"),
        choices=[
            choice
            for choice in TaskAssignment.Status.choices
            if choice[0] != TaskAssignment.Status.NOT_REPORTED
        ],
    )
    text = forms.CharField(
        label=_("What the unit did"),
        max_length=MAX_TEXT,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    reason = forms.CharField(
        label=_("Why it could not be done"),
        max_length=MAX_TEXT,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    link = forms.URLField(label=_("Link"), max_length=500, required=False, assume_scheme="https")
    evidence_files = MultipleFileField(
        label=_("Evidence files"),
        required=False,
        help_text=_("PDF, Word, Excel, JPEG or PNG."),
    )
