"""A questionnaire built in ODK or KoboToolbox: an XLSForm workbook (.xlsx with the
sheets `survey`, `choices` and `settings`) read by pyxform, the format's reference
implementation, then mapped onto a questionnaire's data and checked as a YAML file is.

The mapping (docs/questionnaire-format.md, "XLSForm"): a group is an indicator; a
select_one of the values 1 to 5 is the 5-point scale; another select_one is one choice
(a `worth` column of the choices sheet gives each choice its worth); select_multiple,
integer and text keep their meaning; notes, calculations and the form's metadata are
left out, with a line saying so; any other type refuses the file.
"""

from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Mapping
from decimal import Decimal, InvalidOperation
from typing import Any

from django.utils.translation import gettext as _

from .questionnaires import (
    MAX_CHOICE_VALUE,
    MAX_QUOTED,
    QuestionnaireFileError,
    QuestionnaireSpec,
    spec_from_data,
)
from .responses import MAX_QUESTIONS

MAX_XLSX_BYTES = 2 * 1024 * 1024
# What it may unpack into: an XLSForm of 800 questions is well under a megabyte of XML,
# and pyxform reads every row before the rows can be counted.
MAX_UNPACKED_BYTES = 5 * 1024 * 1024
MAX_ENTRIES = 200  # files inside the workbook's zip
MAX_SHEETS = 20
MAX_SURVEY_ROWS = 2 * MAX_QUESTIONS + 200  # questions, groups' ends, notes
MAX_CHOICE_ROWS = 5000
SCALE_NAMES = ("1", "2", "3", "4", "5")
YES = ("yes", "true", "true()", "1")

# Types that carry no answer: left out of the questionnaire, with a line saying so.
SKIPPED = {
    "note",
    "calculate",
    "hidden",
    "start",
    "end",
    "today",
    "deviceid",
    "phonenumber",
    "username",
    "email",
    "audit",
    "simserial",
    "subscriberid",
    "start-geopoint",
    "background-audio",
    "background-geopoint",
}
# `. >= 15 and . <= 100`: the bounds of an integer, when its constraint says no more.
_BOUND = re.compile(r"\s*\.\s*(>=|<=|>|<)\s*(-?\d{1,9})\s*")


def _cut(value: object) -> str:
    text = str(value)
    return text if len(text) <= MAX_QUOTED else text[: MAX_QUOTED - 1] + "…"


def _unpacked_size(content: bytes) -> int:
    try:
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            entries = archive.infolist()
            if len(entries) > MAX_ENTRIES:
                raise QuestionnaireFileError(
                    [_("The workbook holds far more than a questionnaire does; it was not read.")]
                )
            return sum(entry.file_size for entry in entries)
    except zipfile.BadZipFile:
        raise QuestionnaireFileError([_("The file is not an Excel workbook (.xlsx).")]) from None


def _workbook(content: bytes) -> Any:
    """The workbook as pyxform reads it, after its size, its zip and its sheets are
    checked: a zip of a few kilobytes may unpack into gigabytes."""
    if len(content) > MAX_XLSX_BYTES:
        raise QuestionnaireFileError(
            [
                _("The file is larger than %(size)s MB: a questionnaire needs far less.")
                % {"size": MAX_XLSX_BYTES // (1024 * 1024)}
            ]
        )
    if _unpacked_size(content) > MAX_UNPACKED_BYTES:
        raise QuestionnaireFileError([_("The workbook is too large once unpacked.")])
    from pyxform.errors import PyXFormError
    from pyxform.xls2json_backends import get_xlsform

    try:
        return get_xlsform(io.BytesIO(content), file_type=".xlsx")
    except PyXFormError:
        raise QuestionnaireFileError([_("The file is not an Excel workbook (.xlsx).")]) from None
    except Exception:  # a damaged workbook raises many kinds inside openpyxl
        raise QuestionnaireFileError([_("The file is not an Excel workbook (.xlsx).")]) from None


def spec_from_xlsform(content: bytes) -> tuple[QuestionnaireSpec, list[str]]:
    """The questionnaire of an XLSForm, and what was left out of it; raises
    QuestionnaireFileError with every problem."""
    workbook = _workbook(content)
    problems: list[str] = []
    names = [str(name).lower() for name in workbook.sheet_names or []]
    if len(names) > MAX_SHEETS:
        problems.append(_("The workbook has more than %(most)s sheets.") % {"most": MAX_SHEETS})
    for sheet in ("survey", "choices"):
        if sheet not in names:
            problems.append(_("The workbook has no “%(sheet)s” sheet.") % {"sheet": sheet})
    for sheet, most in (("survey", MAX_SURVEY_ROWS), ("choices", MAX_CHOICE_ROWS)):
        rows = getattr(workbook, sheet, None) or []
        if len(rows) > most:
            problems.append(
                _("The “%(sheet)s” sheet has more than %(most)s rows.")
                % {"sheet": sheet, "most": most}
            )
    if problems:
        raise QuestionnaireFileError(problems)
    from pyxform.builder import create_survey_element_from_dict
    from pyxform.errors import PyXFormError
    from pyxform.xls2json import workbook_to_json

    warnings: list[str] = []
    try:
        form = workbook_to_json(
            workbook_dict=workbook,
            form_name=None,
            fallback_form_name=None,
            warnings=warnings,
        )
        # The XForm's own checks (references between questions, names): a form ODK
        # would refuse is refused here too.
        create_survey_element_from_dict(form).to_xml(validate=False, warnings=warnings)
    except PyXFormError as error:
        raise QuestionnaireFileError(
            [_("The XLSForm is not valid: %(detail)s") % {"detail": _cut(str(error))}]
        ) from None
    except Exception:  # pyxform's own checks stop at the first problem, in many ways
        raise QuestionnaireFileError(
            [_("The workbook cannot be read as an XLSForm (ODK, KoboToolbox).")]
        ) from None
    settings = (workbook.settings or [{}])[0]
    return _Mapper(settings).questionnaire(form)


def _label(raw: object) -> str:
    """A label or hint, in the form's default language when it has several."""
    if isinstance(raw, Mapping):
        chosen = raw.get("default")
        if chosen is None:
            chosen = next(iter(raw.values()), "")
        return str(chosen or "").strip()
    return str(raw or "").strip()


class _Mapper:
    """An XLSForm's survey (as pyxform's JSON holds it) mapped onto a questionnaire's
    data; `notes` says what was left out, `problems` what cannot be taken."""

    def __init__(self, settings: Mapping[str, Any]) -> None:
        self.settings = settings
        self.notes: list[str] = []
        self.problems: list[str] = []

    def questionnaire(self, form: Mapping[str, Any]) -> tuple[QuestionnaireSpec, list[str]]:
        data: dict[str, Any] = {
            "code": self.setting("form_id"),
            "title": self.setting("form_title") or _label(form.get("title")),
            "survey": self.setting("survey"),
        }
        if not data["code"]:
            self.problems.append(
                _("The “settings” sheet: the column “%(name)s” is missing or empty.")
                % {"name": "form_id"}
            )
        if not data["survey"]:
            self.problems.append(
                _(
                    "The “settings” sheet: add a column “survey” with “sipas” or “staff” "
                    "(ODK and KoboToolbox ignore it)."
                )
            )
        data["year"] = self.year()
        group = self.setting("respondent_group")
        if group:
            data["respondent_group"] = {
                "code": group,
                "name": self.setting("respondent_group_name"),
            }
        for key in ("introduction", "previous"):
            if self.setting(key):
                data[key] = self.setting(key)
        indicators: list[dict[str, Any]] = []
        background: list[dict[str, Any]] = []
        for element in form.get("children") or []:
            kind = element.get("type")
            if kind == "group" and element.get("name") == "meta":
                continue  # pyxform's instanceID
            if kind == "group":
                indicators.append(self.indicator(element))
            elif kind == "repeat":
                self.refuse(element, _("a repeated group is not taken: answer each question once"))
            else:
                question = self.question(element)
                if question is not None:
                    background.append(question)
        if indicators:
            data["indicators"] = indicators
        if background:
            data["background"] = background
        if self.problems:
            raise QuestionnaireFileError(self.problems)
        return spec_from_data(data), self.notes

    def setting(self, name: str) -> str:
        return str(self.settings.get(name) or "").strip()

    def year(self) -> int | str:
        text = self.setting("year")
        if not text:
            self.problems.append(
                _(
                    "The “settings” sheet: add a column “year” with the questionnaire's year "
                    "(ODK and KoboToolbox ignore it)."
                )
            )
            return ""
        return int(text) if re.fullmatch(r"\d{4}", text) else text

    def refuse(self, element: Mapping[str, Any], problem: str) -> None:
        self.problems.append(
            _("The “survey” sheet, “%(name)s”: %(problem)s")
            % {"name": _cut(element.get("name", "")), "problem": problem}
        )

    def indicator(self, group: Mapping[str, Any]) -> dict[str, Any]:
        # Criteria codes (1.3) are not valid XLSForm names: an `indicator` column gives them.
        code = str(group.get("indicator") or group.get("name") or "").strip()
        questions = []
        for element in group.get("children") or []:
            if element.get("type") in ("group", "repeat"):
                self.refuse(
                    element,
                    _("a group inside a group is not taken: an indicator holds questions"),
                )
                continue
            question = self.question(element)
            if question is not None:
                questions.append(question)
        return {"code": code, "title": _label(group.get("label")), "questions": questions}

    def question(self, element: Mapping[str, Any]) -> dict[str, Any] | None:
        kind = str(element.get("type", ""))
        name = str(element.get("name", ""))
        if kind in SKIPPED:
            self.notes.append(
                _("“%(name)s” (%(type)s) was left out: it asks nothing.")
                % {"name": _cut(name), "type": kind}
            )
            return None
        bind = element.get("bind") or {}
        question: dict[str, Any] = {"code": name, "text": _label(element.get("label"))}
        hint = _label(element.get("hint"))
        if hint:
            question["hint"] = hint
        if str(bind.get("required", "")).strip().lower() in YES:
            question["required"] = True
        if bind.get("relevant"):
            self.notes.append(
                _(
                    "“%(name)s”: its condition (relevant) was left out; the question is "
                    "always asked."
                )
                % {"name": _cut(name)}
            )
        if kind == "select one":
            choices = self.choices(element)
            if choices is None:
                return None
            scale = [str(c.get("name")) for c in element.get("choices") or []] == list(SCALE_NAMES)
            if scale and not any("worth" in c for c in choices):
                question["kind"] = "scale"
            else:
                question["kind"] = "single"
            question["choices"] = choices
        elif kind == "select all that apply":
            choices = self.choices(element)
            if choices is None:
                return None
            question["kind"] = "multiple"
            question["choices"] = choices
        elif kind == "integer":
            question["kind"] = "number"
            question.update(self.bounds(name, str(bind.get("constraint") or "")))
        elif kind == "text":
            question["kind"] = "text"
        else:
            self.refuse(
                element,
                _(
                    "the type “%(type)s” is not taken: a question is select_one, "
                    "select_multiple, integer or text"
                )
                % {"type": _cut(kind)},
            )
            return None
        return question

    def choices(self, element: Mapping[str, Any]) -> list[dict[str, Any]] | None:
        """The choices as values and labels: names that are whole numbers keep their
        value; a list named otherwise is numbered 1, 2, … in its order."""
        raw = list(element.get("choices") or [])
        if not raw:
            self.refuse(element, _("its choices are not in the “choices” sheet"))
            return None
        names = [str(choice.get("name", "")) for choice in raw]
        numbered = all(re.fullmatch(r"\d{1,4}", n) for n in names)
        if not numbered:
            self.notes.append(
                _("“%(name)s”: its choices are numbered 1 to %(count)s in their order.")
                % {"name": _cut(element.get("name", "")), "count": len(raw)}
            )
        choices = []
        for position, choice in enumerate(raw, start=1):
            value = int(names[position - 1]) if numbered else position
            if value > MAX_CHOICE_VALUE:
                value = MAX_CHOICE_VALUE + 1  # refused by the questionnaire's checks
            item: dict[str, Any] = {"value": value, "label": _label(choice.get("label"))}
            worth = str(choice.get("worth") or "").strip().replace(",", ".")
            if worth:
                item["worth"] = _number(worth)
            choices.append(item)
        return choices

    def bounds(self, name: str, constraint: str) -> dict[str, int]:
        if not constraint:
            return {}
        found: dict[str, int] = {}
        for part in re.split(r"\s+and\s+", constraint.strip()):
            match = _BOUND.fullmatch(part)
            if match is None:
                self.notes.append(
                    _(
                        "“%(name)s”: its constraint “%(constraint)s” was left out; the number "
                        "has no bounds."
                    )
                    % {"name": _cut(name), "constraint": _cut(constraint)}
                )
                return {}
            sign, number = match.group(1), int(match.group(2))
            if sign in (">=", ">"):
                found["min"] = number + (1 if sign == ">" else 0)
            else:
                found["max"] = number - (1 if sign == "<" else 0)
        return found


def _number(text: str) -> object:
    """A worth as the questionnaire's checks read it (they refuse what is not one)."""
    if len(text) > 20:
        return text
    try:
        return Decimal(text)
    except InvalidOperation:
        return text
