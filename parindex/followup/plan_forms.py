"""The improvement plans' forms: the plan, a target, a division's task, a year's progress,
and the year shown. Every input is bounded: years 2000–2100, percentages 0–100 with two
decimals at most, ranks from 1."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from parindex.results.forms import FIRST_YEAR, LAST_YEAR

from .models import ImprovementPlan, PlanTarget
from .plans import MAX_TEXT


def _year(label: Any, **kwargs: Any) -> forms.IntegerField:
    return forms.IntegerField(label=label, min_value=FIRST_YEAR, max_value=LAST_YEAR, **kwargs)


class YearsMixin(forms.Form):
    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        first, last = data.get("first_year"), data.get("last_year")
        if first is not None and last is not None and first > last:
            self.add_error("last_year", _("The last year comes after the first."))
        return data


class PlanForm(YearsMixin, forms.ModelForm[ImprovementPlan]):
    first_year = _year(_("From year"))
    last_year = _year(_("To year"))

    class Meta:
        model = ImprovementPlan
        fields = ["title", "decision_number", "decision_date", "first_year", "last_year"]
        widgets = {
            "decision_date": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "title": forms.Textarea(attrs={"rows": 2}),
        }
        help_texts = {
            "title": _("E.g. Kế hoạch thực hiện đề án cải thiện Chỉ số CCHC đến năm 2030."),
            "decision_number": _("As written, e.g. 2007/KH-STC."),
        }


class TargetForm(YearsMixin, forms.Form):
    kind = forms.ChoiceField(label=_("The target"), choices=PlanTarget.Kind.choices)
    field_code = forms.CharField(
        label=_("Field"),
        max_length=20,
        required=False,
        help_text=_("For a field's target: its number in the framework, e.g. 6."),
    )
    value = forms.DecimalField(
        label=_("N"),
        min_value=Decimal("0"),
        max_value=Decimal("100"),
        max_digits=5,
        decimal_places=2,
        help_text=_("A percentage (0–100, two decimals at most), or a rank (1 or more)."),
    )
    first_year = _year(_("From year"))
    last_year = _year(_("To year"))
    text = forms.CharField(
        label=_("As the plan writes it"),
        max_length=500,
        required=False,
        help_text=_("E.g. Chỉ số CCHC đạt từ 85% trở lên."),
    )

    def __init__(self, *args: Any, plan: ImprovementPlan, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.plan = plan
        for name in ("first_year", "last_year"):
            widget = self.fields[name].widget
            widget.attrs.update({"min": plan.first_year, "max": plan.last_year})

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        kind, value = data.get("kind"), data.get("value")
        whole = value is not None and value >= 1 and value == value.to_integral_value()
        if kind == PlanTarget.Kind.RANK_AT_MOST and value is not None and not whole:
            self.add_error("value", _("A rank is a whole number, 1 or more."))
        if kind == PlanTarget.Kind.FIELD_AT_LEAST and not data.get("field_code"):
            self.add_error("field_code", _("Say which field the target is about."))
        for name in ("first_year", "last_year"):
            year = data.get(name)
            if year is not None and not self.plan.first_year <= year <= self.plan.last_year:
                self.add_error(
                    name,
                    _("Within the plan's years, %(first)s–%(last)s.")
                    % {"first": self.plan.first_year, "last": self.plan.last_year},
                )
        return data


class TaskForm(forms.Form):
    division = forms.CharField(
        label=_("Division"), max_length=200, help_text=_("E.g. Văn phòng, Thanh tra, phòng …")
    )
    text = forms.CharField(
        label=_("What to do"), max_length=MAX_TEXT, widget=forms.Textarea(attrs={"rows": 3})
    )
    criteria = forms.CharField(
        label=_("Criteria served"),
        max_length=200,
        required=False,
        help_text=_("Criterion codes separated by commas, e.g. 6.1, 6.2."),
    )
    due_year = _year(_("Due year"))


class ProgressForm(forms.Form):
    year = _year(_("Year"))
    text = forms.CharField(
        label=_("Progress"), max_length=MAX_TEXT, widget=forms.Textarea(attrs={"rows": 2})
    )
    done = forms.BooleanField(label=_("Done"), required=False)


class YearForm(forms.Form):
    year = _year(_("Year"), required=False)
