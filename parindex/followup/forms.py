"""The follow-up's forms: each field bounded before anything works on it."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from .models import ACTIONS
from .services import FILES_MOST, TEXT_MOST, TITLE_MOST


class TaskForm(forms.Form):
    title = forms.CharField(label=_("What to do"), max_length=TITLE_MOST)
    division = forms.CharField(
        label=_("Division in charge"),
        max_length=200,
        required=False,
        help_text=_("e.g. Phòng Tổ chức – Hành chính"),
    )
    due_on = forms.DateField(label=_("Due on"), help_text=_("dd/mm/yyyy"))


class InspectionForm(forms.Form):
    title = forms.CharField(
        label=_("Inspection"),
        max_length=300,
        help_text=_("e.g. Kiểm tra CCHC năm 2024 theo Kế hoạch số 28/KH-UBND"),
    )
    held_on = forms.DateField(label=_("Held on"), help_text=_("dd/mm/yyyy"))
    findings = forms.CharField(
        label=_("Findings, one per line"),
        max_length=TEXT_MOST,
        widget=forms.Textarea(attrs={"rows": 6}),
    )


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files in one field (the follow-up's reports, submissions), their number
    bounded before any is read."""

    def __init__(self, *args: Any, most: int = FILES_MOST, **kwargs: Any) -> None:
        kwargs.setdefault("widget", MultipleFileInput())
        self.most = most
        super().__init__(*args, **kwargs)

    def clean(self, data: Any, initial: Any = None) -> Any:
        single = super().clean
        if isinstance(data, list | tuple):
            if len(data) > self.most:
                raise forms.ValidationError(
                    _("At most %(max)s files at a time.") % {"max": self.most}
                )
            return [single(item, initial) for item in data]
        return [single(data, initial)] if data else []


class StepForm(forms.Form):
    action = forms.ChoiceField(choices=[(name, name) for name in ACTIONS])
    text = forms.CharField(
        label=_("Text"),
        max_length=TEXT_MOST,
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    evidence = MultipleFileField(label=_("Evidence files"), required=False)
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1, max_value=10**9)
