from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Any

from django import forms
from django.core.validators import URLValidator
from django.db import models
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from parindex.frameworks.models import Criterion
from parindex.frameworks.rules import INPUT_FIELDS, InputsError, read_inputs
from parindex.scoring.rules import Inputs, Rule

from .models import Cycle, Phase


class RuleInputsForm(forms.Form):
    """The inputs of one leaf's rule, bounded as text, read through the engine's rule
    (`read_rule_inputs`): the unit's answer, an appraisal, the council's correction."""

    score = forms.CharField(required=False, max_length=20)
    yes = forms.CharField(required=False, max_length=5)
    level = forms.CharField(required=False, max_length=500)
    numerator = forms.CharField(required=False, max_length=30)
    denominator = forms.CharField(required=False, max_length=30)
    occurrences = forms.CharField(required=False, max_length=10)
    items = forms.CharField(required=False, max_length=2000)

    def __init__(
        self, *args: Any, criterion: Criterion, rule: Rule | None = None, **kwargs: Any
    ) -> None:
        """`rule`: the criterion's, already parsed (a page that reads many leaves)."""
        super().__init__(*args, **kwargs)
        self.criterion = criterion
        self.rule = rule
        self.inputs: Inputs | None = None

    def read_rule_inputs(self, data: dict[str, Any]) -> bool:
        """Set `inputs` from the cleaned fields; False (and the error on its field) when
        the rule cannot score them."""
        try:
            self.inputs = read_inputs(
                self.rule or self.criterion.rule(),
                Decimal(self.criterion.max_points),
                {name: data.get(name) or "" for name in INPUT_FIELDS},
            )
        except InputsError as error:
            self.add_error(error.field if error.field in INPUT_FIELDS else None, error.message)
            return False
        return True

    def typed(self) -> dict[str, str]:
        """What was typed, to show it again as it was."""
        return {name: str(self.data.get(name, "")) for name in INPUT_FIELDS}


class _InputsForm(RuleInputsForm):
    """A leaf's inputs with the version of the item they were typed over."""

    version = forms.IntegerField(min_value=0, widget=forms.HiddenInput)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or self.cleaned_data
        self.read_rule_inputs(data)
        return data


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


class FieldActionForm(forms.Form):
    # Accepting a field's self scores replaces the appraisers' scores of this round too.
    overwrite = forms.BooleanField(required=False)


class HistoryFilterForm(forms.Form):
    criterion = forms.CharField(label=_("Criterion"), required=False, max_length=30)
    by = forms.ChoiceField(label=_("Who"), required=False)

    def __init__(self, *args: Any, people: list[tuple[int, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        by = self.fields["by"]
        assert isinstance(by, forms.ChoiceField)
        by.choices = [("", _("everyone")), *((str(pk), name) for pk, name in people)]


class TransitionForm(forms.Form):
    action = forms.CharField(max_length=30)
    reason = forms.CharField(required=False, max_length=2000)
    # Sent by the page that showed what the action will do.
    confirmed = forms.BooleanField(required=False)


class EvidenceUploadForm(forms.Form):
    file = forms.FileField(label=_("Add a file"))


class EvidenceLinkForm(forms.Form):
    file = forms.IntegerField(min_value=1)


class EvidenceUrlForm(forms.Form):
    url = forms.URLField(
        label=_("Address of the page (https://…)"),
        max_length=500,
        assume_scheme="https",
        validators=[URLValidator(schemes=["http", "https"])],
    )
    title = forms.CharField(label=_("What it is"), max_length=300, required=False)


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


DEADLINE_PHASES = (
    Phase.SELF_ASSESSMENT,
    Phase.APPRAISAL_1,
    Phase.REVISION,
    Phase.APPRAISAL_2,
    Phase.COUNCIL,
)


def _deadline_field(phase: Phase) -> forms.DateField:
    field = Cycle._meta.get_field(f"{phase}_until")
    assert isinstance(field, models.DateField)
    return forms.DateField(label=capfirst(field.verbose_name), required=False)


class DeadlinesForm(forms.Form):
    """The last day of each phase; each phase ends after the one before."""

    self_assessment_until = _deadline_field(Phase.SELF_ASSESSMENT)
    appraisal_1_until = _deadline_field(Phase.APPRAISAL_1)
    revision_until = _deadline_field(Phase.REVISION)
    appraisal_2_until = _deadline_field(Phase.APPRAISAL_2)
    council_until = _deadline_field(Phase.COUNCIL)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or self.cleaned_data
        known = [d for d in self.deadlines().values() if d is not None]
        if known != sorted(known):
            raise forms.ValidationError(_("Each phase ends after the one before."))
        return data

    def deadlines(self) -> dict[str, datetime.date | None]:
        return {phase: self.cleaned_data.get(f"{phase}_until") for phase in DEADLINE_PHASES}


class PhaseForm(forms.Form):
    """The phase the administrator moves the cycle to (the one the page offered)."""

    phase = forms.ChoiceField(choices=Phase.choices)
    confirmed = forms.BooleanField(required=False)


class ConfirmForm(forms.Form):
    confirmed = forms.BooleanField(required=False)
