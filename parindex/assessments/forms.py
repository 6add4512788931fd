from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from parindex.frameworks.models import Criterion
from parindex.frameworks.rules import INPUT_FIELDS, InputsError, read_inputs
from parindex.scoring.rules import Inputs

from .models import Phase


class _InputsForm(forms.Form):
    """The inputs of one leaf's rule, read through the engine's rule."""

    version = forms.IntegerField(min_value=0, widget=forms.HiddenInput)
    score = forms.CharField(required=False, max_length=20)
    yes = forms.CharField(required=False, max_length=5)
    level = forms.CharField(required=False, max_length=500)
    numerator = forms.CharField(required=False, max_length=30)
    denominator = forms.CharField(required=False, max_length=30)
    occurrences = forms.CharField(required=False, max_length=10)
    items = forms.CharField(required=False, max_length=2000)

    def __init__(self, *args: Any, criterion: Criterion, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.criterion = criterion
        self.inputs: Inputs | None = None

    def clean(self) -> dict[str, Any]:
        data = super().clean() or self.cleaned_data
        try:
            self.inputs = read_inputs(
                self.criterion.rule(),
                Decimal(self.criterion.max_points),
                {name: data.get(name) or "" for name in INPUT_FIELDS},
            )
        except InputsError as error:
            self.add_error(error.field if error.field in INPUT_FIELDS else None, error.message)
        return data

    def typed(self) -> dict[str, str]:
        """What was typed, to show it again as it was."""
        return {name: str(self.data.get(name, "")) for name in INPUT_FIELDS}


class SelfAnswerForm(_InputsForm):
    note = forms.CharField(required=False, max_length=5000)
    claimed = forms.BooleanField(required=False)
    claim_reason = forms.CharField(required=False, max_length=2000)

    def typed(self) -> dict[str, str]:
        return {
            **super().typed(),
            "note": str(self.data.get("note", "")),
            "claim_reason": str(self.data.get("claim_reason", "")),
            "claimed": "on" if self.data.get("claimed") else "",
        }


class AppraisalForm(_InputsForm):
    appraisal_note = forms.CharField(required=False, max_length=5000)
    claim_decision = forms.ChoiceField(
        required=False,
        choices=[("", "—"), ("accept", _("Accept")), ("reject", _("Refuse"))],
    )

    @property
    def claim_accepted(self) -> bool | None:
        return {"accept": True, "reject": False}.get(self.cleaned_data.get("claim_decision", ""))

    def typed(self) -> dict[str, str]:
        return {
            **super().typed(),
            "appraisal_note": str(self.data.get("appraisal_note", "")),
            "claim_decision": str(self.data.get("claim_decision", "")),
        }


class PageForm(forms.Form):
    page = forms.IntegerField(min_value=1, required=False)


class FieldForm(forms.Form):
    field = forms.CharField(required=False, max_length=10)


class TransitionForm(forms.Form):
    action = forms.CharField(max_length=30)
    reason = forms.CharField(required=False, max_length=2000)


class EvidenceUploadForm(forms.Form):
    file = forms.FileField(label=_("Add a file"))


class EvidenceLinkForm(forms.Form):
    file = forms.IntegerField(min_value=1)


class RequestForm(forms.Form):
    message = forms.CharField(label=_("What should the unit explain or add?"), max_length=2000)


class ExtendForm(forms.Form):
    phase = forms.ChoiceField(
        label=_("Deadline"),
        choices=[
            (Phase.SELF_ASSESSMENT, _("Self-assessment")),
            (Phase.REVISION, _("Revision by the units")),
        ],
    )
    until = forms.DateField(label=_("New last day"), help_text=_("dd/mm/yyyy"))
    reason = forms.CharField(
        label=_("Reason"), max_length=2000, widget=forms.Textarea(attrs={"rows": 2})
    )


class DeadlinesForm(forms.ModelForm):  # type: ignore[type-arg]
    class Meta:
        from .models import Cycle

        model = Cycle
        fields = [
            "self_assessment_until",
            "appraisal_1_until",
            "revision_until",
            "appraisal_2_until",
            "council_until",
        ]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or self.cleaned_data
        dates = [data.get(name) for name in self.Meta.fields]
        known = [d for d in dates if d is not None]
        if known != sorted(known):
            raise forms.ValidationError(_("Each phase ends after the one before."))
        return data
