"""The forms of the survey results page: a unit's row, the filters, the import."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django import forms
from django.forms import BoundField
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from parindex.org.templatetags.parindex import compact_points

from .models import UnitSurveyResult
from .selectors import SOURCES, SheetRow
from .services import (
    MAX_FILE_BYTES,
    BadValue,
    SurveyChange,
    SurveyValue,
    parse_percent,
    parse_respondents,
)


class SurveyFilterForm(forms.Form):
    """Which units the page shows. Bad values are ignored."""

    group = forms.SlugField(required=False, max_length=50)
    lacking = forms.BooleanField(required=False, label=gettext_lazy("Only units lacking a result"))
    page = forms.IntegerField(min_value=1, max_value=1_000_000, required=False)

    def value(self, name: str) -> Any:
        return self.cleaned_data.get(name) if self.is_valid() else None


def shown(value: SurveyValue | None) -> str:
    """A stored result as the page carries it back, to tell whether it changed meanwhile."""
    return "" if value is None else f"{value.percent}|{value.respondents}"


def _value(result: UnitSurveyResult | None) -> SurveyValue | None:
    return None if result is None else SurveyValue(result.percent, result.respondents)


class SurveyRowForm(forms.Form):
    """One unit's results on the page: the percent and the respondents of each source its
    framework scores. Both empty: no result (a stored one is removed)."""

    def __init__(self, *args: Any, row: SheetRow, **kwargs: Any) -> None:
        kwargs.setdefault("prefix", f"u{row.unit.pk}")
        super().__init__(*args, **kwargs)
        self.row = row
        labels = dict(UnitSurveyResult.Source.choices)
        for source in row.needed:
            value = _value(row.result(source))
            named = f"{row.unit.name} — {labels[source]}"
            self.fields[f"{source}_percent"] = forms.CharField(
                required=False,
                max_length=40,
                initial=compact_points(value.percent) if value else "",
                widget=forms.TextInput(
                    attrs={"inputmode": "decimal", "size": 7, "aria-label": f"{named} (%)"}
                ),
            )
            self.fields[f"{source}_respondents"] = forms.CharField(
                required=False,
                max_length=40,
                initial=value.respondents if value else "",
                widget=forms.TextInput(
                    attrs={
                        "inputmode": "numeric",
                        "size": 6,
                        "aria-label": f"{named}: " + _("respondents"),
                    }
                ),
            )
            self.fields[f"{source}_shown"] = forms.CharField(
                required=False, max_length=80, initial=shown(value), widget=forms.HiddenInput
            )

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        for source in self.row.needed:
            percent = (data.get(f"{source}_percent") or "").strip()
            respondents = (data.get(f"{source}_respondents") or "").strip()
            if not percent and not respondents:
                data[source] = None
                continue
            value: dict[str, Any] = {}
            for name, raw, parse in (
                ("percent", percent, parse_percent),
                ("respondents", respondents, parse_respondents),
            ):
                if not raw:
                    self.add_error(f"{source}_{name}", _("the value is missing"))
                    continue
                try:
                    value[name] = parse(raw)
                except BadValue as error:
                    self.add_error(f"{source}_{name}", str(error))
            if len(value) == 2:
                data[source] = SurveyValue(value["percent"], value["respondents"])
        return data

    def changes(self) -> list[SurveyChange]:
        """What was typed differently from what the page showed."""
        found = []
        for source in self.row.needed:
            after = self.cleaned_data.get(source)
            before = self._shown(self.cleaned_data.get(f"{source}_shown") or "")
            if after != before:
                found.append(SurveyChange(self.row.unit, source, before, after))
        return found

    @staticmethod
    def _shown(text: str) -> SurveyValue | None:
        """The hidden copy of what the page showed; anything unreadable counts as a value
        nobody has, which the service then refuses as changed meanwhile."""
        if not text:
            return None
        percent, _sep, respondents = text.partition("|")
        try:
            return SurveyValue(parse_percent(percent), parse_respondents(respondents))
        except BadValue:
            return SurveyValue(Decimal(-1), -1)

    def cells(self) -> list[Cell]:
        """Each source, in order, as the page's row shows it."""
        cells = []
        for source in SOURCES:
            if source not in self.row.needed:
                cells.append(Cell(source, False, None, None, None, None, []))
                continue
            percent = self[f"{source}_percent"]
            respondents = self[f"{source}_respondents"]
            cells.append(
                Cell(
                    source,
                    True,
                    percent,
                    respondents,
                    self[f"{source}_shown"],
                    self.row.result(source),
                    [*percent.errors, *respondents.errors],
                )
            )
        return cells


@dataclass(frozen=True)
class Cell:
    """A source of a unit's row: its inputs, or nothing where the framework does not
    score it; the result stored now, shown beside what was typed."""

    source: str
    needed: bool
    percent: BoundField | None
    respondents: BoundField | None
    shown: BoundField | None
    stored: UnitSurveyResult | None
    errors: list[str]


class SurveyImportForm(forms.Form):
    file = forms.FileField(
        label=gettext_lazy("Table of survey results (.xlsx or .csv)"),
        error_messages={
            "empty": gettext_lazy("The file is empty."),
            "required": gettext_lazy("Choose a file."),
        },
    )

    def clean_file(self) -> object:
        upload = self.cleaned_data["file"]
        if not upload.name.lower().endswith((".xlsx", ".csv")):
            raise forms.ValidationError(_("Send a .csv or .xlsx file."))
        if upload.size > MAX_FILE_BYTES:
            raise forms.ValidationError(
                _("The file is too large (at most %(size)s MB).")
                % {"size": MAX_FILE_BYTES // (1024 * 1024)}
            )
        return upload
