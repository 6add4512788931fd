"""The appeals' forms: every input bounded, criteria chosen from the unit's framework."""

from __future__ import annotations

import datetime
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from parindex.assessments.forms import RuleInputsForm
from parindex.frameworks.models import Criterion

from .appeals import MAX_CRITERIA, MAX_FILES, MAX_REASON


class AppealWindowForm(forms.Form):
    opens_on = forms.DateField(label=_("Appeals open on"))
    closes_on = forms.DateField(label=_("Appeals close on"))

    def clean(self) -> dict[str, Any]:
        data = super().clean() or self.cleaned_data
        opens: datetime.date | None = data.get("opens_on")
        closes: datetime.date | None = data.get("closes_on")
        if opens and closes and opens > closes:
            raise forms.ValidationError(_("The window closes after it opens."))
        return data


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files in one field, their number bounded before any is read."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("widget", MultipleFileInput())
        super().__init__(*args, **kwargs)

    def clean(self, data: Any, initial: Any = None) -> Any:
        single = super().clean
        if isinstance(data, list | tuple):
            if len(data) > MAX_FILES:
                raise forms.ValidationError(
                    _("At most %(max)s files at a time.") % {"max": MAX_FILES}
                )
            return [single(item, initial) for item in data]
        return [single(data, initial)] if data else []


class AppealForm(forms.Form):
    """The criteria appealed (up to `rows` lines, blank lines skipped), each with its
    reason; the evidence files; the confirmation that filing is final."""

    evidence_files = MultipleFileField(label=_("Evidence files"), required=False)
    confirmed = forms.BooleanField(
        label=_("I have read what filing does and file this appeal for the unit."),
        required=True,
    )

    def __init__(self, *args: Any, leaves: list[Criterion], rows: int = 5, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        choices = [("", "—")] + [(c.code, f"{c.code} {c.title}"[:120]) for c in leaves]
        self.line_names: list[tuple[str, str]] = []
        for number in range(1, min(rows, MAX_CRITERIA) + 1):
            code, reason = f"criterion_{number}", f"reason_{number}"
            self.fields[code] = forms.ChoiceField(
                label=_("Criterion"), choices=choices, required=False
            )
            self.fields[reason] = forms.CharField(
                label=_("Reason"), max_length=MAX_REASON, required=False, widget=forms.Textarea
            )
            self.line_names.append((code, reason))

    def clean(self) -> dict[str, Any]:
        data = super().clean() or self.cleaned_data
        lines = []
        for code, reason in self.line_names:
            if data.get(code) and not (data.get(reason) or "").strip():
                self.add_error(reason, _("Give the reason for this criterion."))
            elif data.get(code):
                lines.append((data[code], data[reason]))
            elif (data.get(reason) or "").strip():
                self.add_error(code, _("Choose the criterion this reason is for."))
        if not lines and not self.errors:
            raise forms.ValidationError(_("Name at least one criterion."))
        codes = [code for code, _reason in lines]
        if len(set(codes)) != len(codes):
            raise forms.ValidationError(_("Each criterion is named once."))
        data["lines"] = lines
        return data

    def rows(self) -> list[tuple[forms.BoundField, forms.BoundField]]:
        return [(self[code], self[reason]) for code, reason in self.line_names]


class DecisionForm(RuleInputsForm):
    """The council's decision on one criterion: the outcome, its reason and, upheld, the
    corrected appraisal in the rule's own inputs."""

    outcome = forms.ChoiceField(
        label=_("Decision"),
        choices=[("", "—"), ("upheld", _("Upheld")), ("rejected", _("Rejected"))],
    )
    council_reason = forms.CharField(
        label=_("The council's reason"), max_length=MAX_REASON, widget=forms.Textarea
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or self.cleaned_data
        if data.get("outcome") != "upheld":
            return data
        if self.read_rule_inputs(data) and self.inputs is None:
            self.add_error(None, _("An upheld criterion needs the corrected appraisal."))
        return data
