"""Questionnaires as data: a questionnaire's file (YAML, docs/questionnaire-format.md)
read with bounds into a `QuestionnaireSpec`, stored, written back out; next year's copy
with its crosswalk; freezing one in use.

A file is read in two passes, both complete before anything is written: its shape and
values (`spec_from_data`, every problem named by its place), then what it says about
the database (`questionnaire_check`: a questionnaire in use, a respondent group under
another name, the questionnaire and questions it continues).
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

import yaml
from django.db import transaction
from django.db.models import Count, IntegerField, OuterRef, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext as _

from parindex.frameworks.spec import SpecError
from parindex.frameworks.yamlio import load_data
from parindex.frameworks.years import carry_years
from parindex.org.errors import Refused
from parindex.org.models import User
from parindex.org.templatetags.parindex import as_written, day
from parindex.scoring.numbers import to_decimal
from parindex.scoring.rules import Issue

from .models import (
    CODE_LENGTH,
    Campaign,
    Indicator,
    Question,
    Questionnaire,
    RespondentGroup,
    Response,
    Source,
)
from .responses import MAX_QUESTIONS, NUMBER_BOUND
from .selectors import survey_leaves

logger = logging.getLogger("parindex.surveys")

# What a questionnaire file may hold: far above the national SIPAS form (five factors,
# about thirty questions) and the six staff forms, small enough that a hostile file costs
# a moment. Lengths follow the tables (models.py).
MAX_YAML_BYTES = 1024 * 1024
MAX_INDICATORS = 100
MAX_CHOICES = 30
MAX_CODE = 80  # a questionnaire's code (Questionnaire.code)
MAX_TITLE = 300
MAX_INDICATOR_TITLE = 500
MAX_TEXT = 2000  # a question's text
MAX_HINT = 1000
MAX_LABEL = 300
MAX_INTRODUCTION = 10_000
MAX_GROUP_CODE = 50
MAX_GROUP_NAME = 300
MAX_CHOICE_VALUE = 9999  # stored as a small number (Answer.choice)
MAX_QUOTED = 80  # characters of a value quoted back in a problem
YEARS = (2000, 2100)
SCALE = (1, 2, 3, 4, 5)

_QUESTIONNAIRE_CODE = re.compile(r"[A-Za-z0-9_-]{1,80}")
_GROUP_CODE = re.compile(r"[A-Za-z0-9_-]{1,50}")
# An indicator is named as a survey leaf names it (scoring.rules' _INDICATOR): lower case,
# "procedure", "1.3".
INDICATOR_CODE = re.compile(r"[a-z0-9][a-z0-9._-]{0,39}")
# A question's code is a form field's name and a key of an API body.
QUESTION_CODE = re.compile(rf"[A-Za-z0-9_][A-Za-z0-9._-]{{0,{CODE_LENGTH - 1}}}")

TOP_KEYS = (
    "code",
    "title",
    "survey",
    "year",
    "respondent_group",
    "previous",
    "introduction",
    "indicators",
    "background",
)
GROUP_KEYS = ("code", "name")
INDICATOR_KEYS = ("code", "title", "questions")
QUESTION_KEYS = (
    "code",
    "text",
    "hint",
    "kind",
    "required",
    "choices",
    "min",
    "max",
    "continues",
)
CHOICE_KEYS = ("value", "label", "worth")
KINDS = tuple(Question.Kind.values)


# The questionnaire as data -----------------------------------------------------------


@dataclass(frozen=True)
class ChoiceSpec:
    value: int
    label: str
    worth: Decimal | None = None  # percent, on a scored single choice


@dataclass(frozen=True)
class QuestionSpec:
    code: str
    text: str
    kind: str
    hint: str = ""
    required: bool = False
    choices: tuple[ChoiceSpec, ...] = ()
    min_value: int | None = None
    max_value: int | None = None
    continues: str = ""  # the code of the previous questionnaire's question it continues

    @property
    def scored(self) -> bool:
        return self.kind == Question.Kind.SCALE or (
            self.kind == Question.Kind.SINGLE and any(c.worth is not None for c in self.choices)
        )


@dataclass(frozen=True)
class IndicatorSpec:
    code: str
    title: str
    questions: tuple[QuestionSpec, ...]


@dataclass(frozen=True)
class GroupSpec:
    code: str
    name: str


@dataclass(frozen=True)
class QuestionnaireSpec:
    code: str
    title: str
    survey: str
    year: int
    group: GroupSpec | None = None
    previous: str = ""  # the code of the questionnaire it continues
    introduction: str = ""
    indicators: tuple[IndicatorSpec, ...] = ()
    background: tuple[QuestionSpec, ...] = ()

    def questions(self) -> Iterator[tuple[IndicatorSpec | None, QuestionSpec]]:
        """Every question in the order the form asks them: the indicators', then the
        background questions."""
        for indicator in self.indicators:
            for question in indicator.questions:
                yield indicator, question
        for question in self.background:
            yield None, question


class QuestionnaireFileError(Refused):
    """The file is refused whole; `problems` lists every problem found, each naming its
    place, in the user's language."""

    def __init__(self, problems: Sequence[str]) -> None:
        super().__init__(problems[0] if problems else _("The file was refused."))
        self.problems = list(problems)


# Reading ------------------------------------------------------------------------------


def _cut(value: object) -> str:
    text = str(value)
    return text if len(text) <= MAX_QUOTED else text[: MAX_QUOTED - 1] + "…"


class _Reader:
    """Collects the problems of one file while its parts are read."""

    def __init__(self) -> None:
        self.problems: list[str] = []

    def add(self, place: str, problem: str) -> None:
        self.problems.append(
            _("%(place)s: %(problem)s") % {"place": place, "problem": problem}
            if place
            else problem[:1].upper() + problem[1:]
        )

    def mapping(self, raw: object, place: str, keys: Sequence[str]) -> Mapping[str, Any] | None:
        if not isinstance(raw, Mapping):
            self.add(place, _("this part should list named entries (key: value)"))
            return None
        for key in raw:
            if key not in keys:
                self.add(
                    place,
                    _("unknown entry “%(name)s” (the entries are: %(known)s)")
                    % {"name": _cut(key), "known": ", ".join(keys)},
                )
        return raw

    def text(
        self,
        raw: Mapping[str, Any],
        key: str,
        place: str,
        *,
        most: int,
        required: bool = True,
        pattern: re.Pattern[str] | None = None,
        rule: str = "",
    ) -> str:
        value = raw.get(key)
        if value is None or value == "":
            if required:
                self.add(place, _("“%(name)s” is missing") % {"name": key})
            return ""
        if isinstance(value, bool) or not isinstance(value, (str, int, Decimal)):
            self.add(place, _("“%(name)s” should be text") % {"name": key})
            return ""
        # A code written as a number (code: 1.3) is read as it is written.
        text = value.strip() if isinstance(value, str) else str(value)
        if len(text) > most:
            self.add(
                place,
                _("“%(name)s” is longer than %(most)s characters") % {"name": key, "most": most},
            )
            return ""
        if pattern is not None and not pattern.fullmatch(text):
            self.add(
                place,
                _("“%(value)s” is not a valid “%(name)s”: %(rule)s")
                % {
                    "value": _cut(text),
                    "name": key,
                    "rule": rule,
                },
            )
            return ""
        if required and not text:
            self.add(place, _("“%(name)s” is missing") % {"name": key})
        return text

    def whole(
        self, raw: Mapping[str, Any], key: str, place: str, low: int, high: int
    ) -> int | None:
        value = raw.get(key)
        if value is None:
            return None
        if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
            self.add(
                place,
                _("“%(name)s” should be a whole number from %(low)s to %(high)s")
                % {"name": key, "low": as_written(low), "high": as_written(high)},
            )
            return None
        return value

    def flag(self, raw: Mapping[str, Any], key: str, place: str) -> bool:
        value = raw.get(key, False)
        if value is None:
            return False
        if not isinstance(value, bool):
            self.add(place, _("“%(name)s” should be true or false") % {"name": key})
            return False
        return value

    def items(self, raw: Mapping[str, Any], key: str, place: str, most: int) -> list[Any]:
        value = raw.get(key)
        if value is None:
            return []
        if not isinstance(value, list):
            self.add(place, _("“%(name)s” should be a list") % {"name": key})
            return []
        if len(value) > most:
            self.add(
                place,
                _("“%(name)s” has %(count)s entries; at most %(most)s are accepted")
                % {"name": key, "count": len(value), "most": most},
            )
            return []
        return value


_CODE_RULES = {
    "questionnaire": lambda: _("letters without accents, digits, “-” and “_”"),
    "indicator": lambda: _(
        "lower-case letters without accents, digits, “.”, “-” and “_”, as a survey leaf "
        "names it (procedure, 1.3)"
    ),
    "question": lambda: _("letters without accents, digits, “.”, “-” and “_”, at most 40"),
}


def spec_from_data(data: object) -> QuestionnaireSpec:
    """Read a questionnaire from plain data (a YAML file's, an XLSForm's); raises
    QuestionnaireFileError listing every problem."""
    reader = _Reader()
    top = reader.mapping(data, _("The questionnaire"), TOP_KEYS)
    if top is None:
        raise QuestionnaireFileError(
            reader.problems or [_("The file does not describe a questionnaire.")]
        )
    place = _("The questionnaire")
    code = reader.text(
        top,
        "code",
        place,
        most=MAX_CODE,
        pattern=_QUESTIONNAIRE_CODE,
        rule=_CODE_RULES["questionnaire"](),
    )
    title = reader.text(top, "title", place, most=MAX_TITLE)
    survey = reader.text(top, "survey", place, most=20)
    if survey and survey not in Source.values:
        reader.add(place, _("“survey” is “sipas” or “staff”"))
        survey = ""
    year = reader.whole(top, "year", place, *YEARS)
    if year is None and "year" not in top:
        reader.add(place, _("“%(name)s” is missing") % {"name": "year"})
    group = _group(reader, top, survey)
    previous = reader.text(
        top,
        "previous",
        place,
        most=MAX_CODE,
        required=False,
        pattern=_QUESTIONNAIRE_CODE,
        rule=_CODE_RULES["questionnaire"](),
    )
    introduction = reader.text(top, "introduction", place, most=MAX_INTRODUCTION, required=False)
    raw_indicators = reader.items(top, "indicators", place, MAX_INDICATORS)
    raw_background = reader.items(top, "background", place, MAX_QUESTIONS)
    if len(raw_indicators) + len(raw_background) == 0 and not reader.problems:
        reader.add(place, _("it has no indicator and no question"))
    counted = sum(
        len(item.get("questions") or [])
        if isinstance(item, Mapping) and isinstance(item.get("questions"), list)
        else 0
        for item in raw_indicators
    ) + len(raw_background)
    if counted > MAX_QUESTIONS:
        reader.add(
            place,
            _("it has %(count)s questions; at most %(most)s are accepted")
            % {"count": counted, "most": MAX_QUESTIONS},
        )
        raise QuestionnaireFileError(reader.problems)
    question_codes: dict[str, str] = {}
    indicators: list[IndicatorSpec] = []
    indicator_codes: set[str] = set()
    for number, raw in enumerate(raw_indicators, start=1):
        indicator = _indicator(reader, raw, number, question_codes, bool(previous))
        if indicator is None:
            continue
        if indicator.code in indicator_codes:
            reader.add(
                _("Indicator “%(code)s”") % {"code": _cut(indicator.code)},
                _("the code is used twice"),
            )
        indicator_codes.add(indicator.code)
        indicators.append(indicator)
    background = []
    for number, raw in enumerate(raw_background, start=1):
        question = _question(reader, raw, None, number, question_codes, bool(previous))
        if question is not None:
            background.append(question)
    if reader.problems:
        raise QuestionnaireFileError(reader.problems)
    assert year is not None
    return QuestionnaireSpec(
        code=code,
        title=title,
        survey=survey,
        year=year,
        group=group,
        previous=previous,
        introduction=introduction,
        indicators=tuple(indicators),
        background=tuple(background),
    )


def _group(reader: _Reader, top: Mapping[str, Any], survey: str) -> GroupSpec | None:
    place = _("The respondent group")
    raw = top.get("respondent_group")
    if raw is None:
        if survey == Source.STAFF:
            reader.add(
                _("The questionnaire"),
                _("a staff questionnaire names its “respondent_group” (code and name)"),
            )
        return None
    if survey == Source.SIPAS:
        reader.add(
            _("The questionnaire"),
            _("a SIPAS questionnaire is for the public: it has no “respondent_group”"),
        )
        return None
    group = reader.mapping(raw, place, GROUP_KEYS)
    if group is None:
        return None
    code = reader.text(
        group,
        "code",
        place,
        most=MAX_GROUP_CODE,
        pattern=_GROUP_CODE,
        rule=_CODE_RULES["questionnaire"](),
    )
    name = reader.text(group, "name", place, most=MAX_GROUP_NAME)
    return GroupSpec(code, name) if code and name else None


def _indicator(
    reader: _Reader, raw: object, number: int, codes: dict[str, str], continues: bool
) -> IndicatorSpec | None:
    known = raw.get("code") if isinstance(raw, Mapping) else None
    place = (
        _("Indicator “%(code)s”") % {"code": _cut(known)}
        if isinstance(known, (str, int, Decimal))
        and not isinstance(known, bool)
        and str(known).strip()
        else _("Indicator no. %(number)s") % {"number": number}
    )
    item = reader.mapping(raw, place, INDICATOR_KEYS)
    if item is None:
        return None
    code = reader.text(
        item,
        "code",
        place,
        most=CODE_LENGTH,
        pattern=INDICATOR_CODE,
        rule=_CODE_RULES["indicator"](),
    )
    title = reader.text(item, "title", place, most=MAX_INDICATOR_TITLE)
    questions = []
    for position, question_raw in enumerate(
        reader.items(item, "questions", place, MAX_QUESTIONS), 1
    ):
        question = _question(reader, question_raw, place, position, codes, continues)
        if question is not None:
            questions.append(question)
    if "questions" not in item:
        reader.add(place, _("“%(name)s” is missing") % {"name": "questions"})
    elif questions and not any(question.scored for question in questions):
        reader.add(
            place,
            _(
                "an indicator needs at least one scored question: the 5-point scale, or one "
                "choice among several with their worth"
            ),
        )
    return IndicatorSpec(code, title, tuple(questions))


def _question(
    reader: _Reader,
    raw: object,
    indicator_place: str | None,
    number: int,
    codes: dict[str, str],
    continues_allowed: bool,
) -> QuestionSpec | None:
    known = raw.get("code") if isinstance(raw, Mapping) else None
    named = (
        isinstance(known, (str, int, Decimal))
        and not isinstance(known, bool)
        and str(known).strip()
    )
    if indicator_place is None:
        place = (
            _("Background question “%(code)s”") % {"code": _cut(known)}
            if named
            else _("Background question no. %(number)s") % {"number": number}
        )
    else:
        place = (
            _("%(indicator)s, question “%(code)s”")
            % {"indicator": indicator_place, "code": _cut(known)}
            if named
            else _("%(indicator)s, question no. %(number)s")
            % {"indicator": indicator_place, "number": number}
        )
    item = reader.mapping(raw, place, QUESTION_KEYS)
    if item is None:
        return None
    before = len(reader.problems)
    code = reader.text(
        item, "code", place, most=CODE_LENGTH, pattern=QUESTION_CODE, rule=_CODE_RULES["question"]()
    )
    if code:
        if code in codes:
            reader.add(
                place,
                _("the code is already used by %(other)s") % {"other": codes[code]},
            )
        else:
            codes[code] = place
    text = reader.text(item, "text", place, most=MAX_TEXT)
    hint = reader.text(item, "hint", place, most=MAX_HINT, required=False)
    kind = reader.text(item, "kind", place, most=20)
    if kind and kind not in KINDS:
        reader.add(
            place,
            _("“kind” is one of: %(kinds)s") % {"kinds": ", ".join(KINDS)},
        )
        kind = ""
    required = reader.flag(item, "required", place)
    continues = reader.text(
        item,
        "continues",
        place,
        most=CODE_LENGTH,
        required=False,
        pattern=QUESTION_CODE,
        rule=_CODE_RULES["question"](),
    )
    if continues and not continues_allowed:
        reader.add(
            place,
            _("“continues” names a question of the previous questionnaire: name it in “previous”"),
        )
    choices = _choices(reader, item, place, kind)
    low = reader.whole(item, "min", place, -NUMBER_BOUND + 1, NUMBER_BOUND - 1)
    high = reader.whole(item, "max", place, -NUMBER_BOUND + 1, NUMBER_BOUND - 1)
    if kind and kind != Question.Kind.NUMBER and ("min" in item or "max" in item):
        reader.add(place, _("only a number question has “min” and “max”"))
    if low is not None and high is not None and low > high:
        reader.add(place, _("“min” is larger than “max”"))
    if len(reader.problems) > before:
        return None
    return QuestionSpec(
        code=code,
        text=text,
        kind=kind,
        hint=hint,
        required=required,
        choices=choices,
        min_value=low,
        max_value=high,
        continues=continues,
    )


def _choices(
    reader: _Reader, item: Mapping[str, Any], place: str, kind: str
) -> tuple[ChoiceSpec, ...]:
    raw_choices = reader.items(item, "choices", place, MAX_CHOICES)
    if not kind:
        return ()
    if kind in (Question.Kind.NUMBER, Question.Kind.TEXT):
        if raw_choices:
            reader.add(place, _("a number or text question has no “choices”"))
        return ()
    choices: list[ChoiceSpec] = []
    values: set[int] = set()
    for number, raw in enumerate(raw_choices, start=1):
        choice_place = _("%(question)s, choice no. %(number)s") % {
            "question": place,
            "number": number,
        }
        choice = reader.mapping(raw, choice_place, CHOICE_KEYS)
        if choice is None:
            continue
        if "value" not in choice:
            reader.add(choice_place, _("“%(name)s” is missing") % {"name": "value"})
            continue
        value = reader.whole(choice, "value", choice_place, 0, MAX_CHOICE_VALUE)
        label = reader.text(choice, "label", choice_place, most=MAX_LABEL)
        worth = _worth(reader, choice, choice_place)
        if value is None:
            continue
        if value in values:
            reader.add(choice_place, _("the value %(value)s is used twice") % {"value": value})
        values.add(value)
        if worth is not None and kind != Question.Kind.SINGLE:
            reader.add(choice_place, _("only a question with one choice gives choices a “worth”"))
        choices.append(ChoiceSpec(value, label, worth))
    if kind == Question.Kind.SCALE:
        if raw_choices and sorted(values) != list(SCALE):
            reader.add(
                place,
                _(
                    "the 5-point scale's choices, when given to word its levels, are the "
                    "values 1 to 5, each once"
                ),
            )
    elif len(raw_choices) < 2:
        reader.add(place, _("a choice question needs at least two “choices”"))
    return tuple(choices)


def _worth(reader: _Reader, choice: Mapping[str, Any], place: str) -> Decimal | None:
    raw = choice.get("worth")
    if raw is None:
        return None
    problem = _("“worth” is a percentage from 0 to 100 with at most two decimals")
    if isinstance(raw, bool) or not isinstance(raw, (int, Decimal)):
        reader.add(place, problem)
        return None
    try:
        worth = to_decimal(raw, places=2)
    except ValueError:
        reader.add(place, problem)
        return None
    if not 0 <= worth <= 100:
        reader.add(place, problem)
        return None
    return worth


# YAML -----------------------------------------------------------------------------------


def _yaml_problem(issue: Issue) -> str:
    line = issue.params.get("line", 0)
    if issue.code == "yaml_alias":
        return _(
            "Line %(line)s: “*%(name)s” repeats another part of the file. References of this "
            "kind are not accepted: write the part out."
        ) % {"line": line, "name": _cut(issue.params.get("name", ""))}
    if issue.code == "yaml_too_deep":
        return _(
            "Line %(line)s: the entries nest more than %(depth)s levels deep; a questionnaire "
            "needs far fewer."
        ) % {"line": line, "depth": issue.params.get("depth", "")}
    if issue.code == "number_too_large":
        return _("Line %(line)s: the number is too large or too long for a questionnaire.") % {
            "line": line
        }
    if issue.code == "not_a_number":
        return _("Line %(line)s: the value is not a number.") % {"line": line}
    if issue.code == "yaml_too_large":
        return _("The file holds far more than a questionnaire does; it was not read.")
    return _("The YAML file cannot be read (line %(line)s).") % {"line": line}


def spec_from_yaml(content: bytes | str) -> QuestionnaireSpec:
    """A questionnaire's YAML file, read with the frameworks' bounded loader (no
    references, no deep nesting, numbers bounded on their text) after its size."""
    if len(content) > MAX_YAML_BYTES:
        raise QuestionnaireFileError(
            [
                _("The file is larger than %(size)s MB: a questionnaire needs far less.")
                % {"size": MAX_YAML_BYTES // (1024 * 1024)}
            ]
        )
    if isinstance(content, bytes):
        try:
            content = content.decode("utf-8-sig")
        except UnicodeDecodeError:
            raise QuestionnaireFileError([_("The file is not UTF-8 text.")]) from None
    try:
        data = load_data(content)
    except SpecError as error:
        raise QuestionnaireFileError([_yaml_problem(issue) for issue in error.issues]) from None
    return spec_from_data(data)


def spec_to_data(spec: QuestionnaireSpec) -> dict[str, Any]:
    """The questionnaire as plain data in reading order, defaults left out: what its file
    holds."""
    data: dict[str, Any] = {
        "code": spec.code,
        "title": spec.title,
        "survey": spec.survey,
        "year": spec.year,
    }
    if spec.group is not None:
        data["respondent_group"] = {"code": spec.group.code, "name": spec.group.name}
    if spec.previous:
        data["previous"] = spec.previous
    if spec.introduction:
        data["introduction"] = spec.introduction
    if spec.indicators:
        data["indicators"] = [
            {
                "code": indicator.code,
                "title": indicator.title,
                "questions": [_question_data(q) for q in indicator.questions],
            }
            for indicator in spec.indicators
        ]
    if spec.background:
        data["background"] = [_question_data(q) for q in spec.background]
    return data


def _question_data(question: QuestionSpec) -> dict[str, Any]:
    data: dict[str, Any] = {"code": question.code, "text": question.text}
    if question.hint:
        data["hint"] = question.hint
    data["kind"] = question.kind
    if question.required:
        data["required"] = True
    if question.choices:
        data["choices"] = [
            {
                "value": c.value,
                "label": c.label,
                **({"worth": c.worth} if c.worth is not None else {}),
            }
            for c in question.choices
        ]
    if question.min_value is not None:
        data["min"] = question.min_value
    if question.max_value is not None:
        data["max"] = question.max_value
    if question.continues:
        data["continues"] = question.continues
    return data


class _Dumper(getattr(yaml, "CSafeDumper", yaml.SafeDumper)):  # type: ignore[misc]
    pass


def _represent_decimal(dumper: yaml.SafeDumper, value: Decimal) -> yaml.Node:
    text = format(value.normalize(), "f")
    tag = "tag:yaml.org,2002:float" if "." in text else "tag:yaml.org,2002:int"
    return dumper.represent_scalar(tag, text)


def _represent_str(dumper: yaml.SafeDumper, value: str) -> yaml.Node:
    return dumper.represent_scalar(
        "tag:yaml.org,2002:str", value, style="|" if "\n" in value else None
    )


_Dumper.add_representer(Decimal, _represent_decimal)
_Dumper.add_representer(str, _represent_str)


def spec_to_yaml(spec: QuestionnaireSpec) -> str:
    return yaml.dump(
        # Lines are not folded: a text is one line of the file, as it is edited.
        spec_to_data(spec),
        Dumper=_Dumper,
        allow_unicode=True,
        sort_keys=False,
        width=1_000_000,
    )


def spec_of(questionnaire: Questionnaire) -> QuestionnaireSpec:
    """A stored questionnaire as data, in three queries."""
    previous = questionnaire.previous
    indicators = list(questionnaire.indicators.order_by("position", "pk"))
    by_indicator: dict[int | None, list[QuestionSpec]] = {}
    for question in questionnaire.questions.select_related("previous").order_by("position", "pk"):
        continued = question.previous
        by_indicator.setdefault(question.indicator_id, []).append(
            QuestionSpec(
                code=question.code,
                text=question.text,
                kind=question.kind,
                hint=question.hint,
                required=question.required,
                choices=tuple(_choice_of(c) for c in question.choices if isinstance(c, dict)),
                min_value=question.min_value,
                max_value=question.max_value,
                continues=(
                    continued.code
                    if continued is not None
                    and previous is not None
                    and continued.questionnaire_id == previous.pk
                    else ""
                ),
            )
        )
    group = questionnaire.respondent_group
    return QuestionnaireSpec(
        code=questionnaire.code,
        title=questionnaire.title,
        survey=questionnaire.source,
        year=questionnaire.year,
        group=GroupSpec(group.code, group.name) if group is not None else None,
        previous=previous.code if previous is not None else "",
        introduction=questionnaire.introduction,
        indicators=tuple(
            IndicatorSpec(i.code, i.title, tuple(by_indicator.get(i.pk, []))) for i in indicators
        ),
        background=tuple(by_indicator.get(None, [])),
    )


def _choice_of(stored: Mapping[str, Any]) -> ChoiceSpec:
    worth = stored.get("worth")
    return ChoiceSpec(
        value=int(stored["value"]),
        label=str(stored.get("label", "")),
        worth=Decimal(str(worth)) if worth is not None else None,
    )


def _choice_json(choice: ChoiceSpec) -> dict[str, Any]:
    data: dict[str, Any] = {"value": choice.value, "label": choice.label}
    if choice.worth is not None:
        # JSON has no decimals: a whole worth as an integer, else its exact text.
        data["worth"] = (
            int(choice.worth) if choice.worth == int(choice.worth) else str(choice.worth)
        )
    return data


# What the database says about a file ----------------------------------------------------


def frozen_refusal(questionnaire: Questionnaire) -> str | None:
    """Why the questionnaire may not change, or None. One in use (frozen by its campaign,
    or already answered) keeps its questions: next year's is a copy."""
    if questionnaire.is_frozen:
        return _(
            "The questionnaire “%(code)s” is in use (frozen on %(date)s): its questions no "
            "longer change. Copy it into next year and change the copy."
        ) % {"code": questionnaire.code, "date": day(questionnaire.frozen_at)}
    if Response.objects.filter(questionnaire=questionnaire).exists():
        return _(
            "The questionnaire “%(code)s” already has responses: its questions no longer "
            "change. Copy it into next year and change the copy."
        ) % {"code": questionnaire.code}
    return None


def questionnaire_check(*, spec: QuestionnaireSpec, lock: bool = False) -> list[str]:
    """What stands between a valid file and the database, in sentences: the questionnaire
    it would replace is in use, its respondent group exists under another name, the
    questionnaire or the questions it continues do not exist."""
    problems: list[str] = []
    existing = Questionnaire.objects.filter(code=spec.code)
    found = (existing.select_for_update() if lock else existing).first()
    if found is not None:
        refusal = frozen_refusal(found)
        if refusal:
            problems.append(refusal)
    if spec.group is not None:
        group = RespondentGroup.objects.filter(code=spec.group.code).first()
        if group is not None and group.name != spec.group.name:
            problems.append(
                _(
                    "The respondent group: “%(code)s” is the code of “%(name)s”; write that "
                    "name, or give this group a code of its own."
                )
                % {"code": spec.group.code, "name": _cut(group.name)}
            )
    if spec.previous:
        previous = Questionnaire.objects.filter(code=spec.previous).first()
        if previous is None:
            problems.append(
                _("The questionnaire: “previous” names “%(code)s”, which does not exist.")
                % {"code": _cut(spec.previous)}
            )
        elif (
            previous.source != spec.survey
            or previous.year >= spec.year
            or previous.code == spec.code
        ):
            problems.append(
                _(
                    "The questionnaire: “previous” names “%(code)s”, which is not a "
                    "questionnaire of the same survey in an earlier year."
                )
                % {"code": _cut(spec.previous)}
            )
        else:
            known = set(previous.questions.values_list("code", flat=True))
            for _indicator, question in spec.questions():
                if question.continues and question.continues not in known:
                    problems.append(
                        _(
                            "Question “%(code)s”: “continues” names “%(other)s”, which "
                            "“%(previous)s” does not have."
                        )
                        % {
                            "code": question.code,
                            "other": _cut(question.continues),
                            "previous": previous.code,
                        }
                    )
    return problems


# Actions ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Reading:
    """A file read and checked: the questionnaire it describes, what was left out of it
    (an XLSForm's notes and calculations) and what it would replace."""

    spec: QuestionnaireSpec
    notes: list[str] = field(default_factory=list)
    replaces: Questionnaire | None = None


def questionnaire_read(*, data: bytes, filename: str) -> Reading:
    """Read an uploaded file (YAML, or an XLSForm .xlsx) and check it against the
    database, writing nothing; raises QuestionnaireFileError with every problem."""
    notes: list[str] = []
    if filename.lower().endswith(".xlsx"):
        from .xlsform import spec_from_xlsform  # it reads with this module's checks

        spec, notes = spec_from_xlsform(data)
    else:
        spec = spec_from_yaml(data)
    problems = questionnaire_check(spec=spec)
    if problems:
        raise QuestionnaireFileError(problems)
    return Reading(spec, notes, Questionnaire.objects.filter(code=spec.code).first())


@transaction.atomic
def questionnaire_import(*, data: bytes, by: User | None) -> Questionnaire:
    """Store a questionnaire's YAML file, all of it or nothing: a new questionnaire, or
    the draft of the same code replaced (its questions kept by code, so that the
    crosswalk and what links to them stay). Refused for a questionnaire in use."""
    return questionnaire_save(spec=spec_from_yaml(data), by=by)


@transaction.atomic
def questionnaire_import_xlsform(*, data: bytes, by: User | None) -> Questionnaire:
    """Store a questionnaire built in ODK or KoboToolbox (an XLSForm .xlsx)."""
    from .xlsform import spec_from_xlsform

    spec, _notes = spec_from_xlsform(data)
    return questionnaire_save(spec=spec, by=by)


@transaction.atomic
def questionnaire_save(*, spec: QuestionnaireSpec, by: User | None) -> Questionnaire:
    """Write a checked questionnaire in a few statements, whatever its size."""
    problems = questionnaire_check(spec=spec, lock=True)
    if problems:
        raise QuestionnaireFileError(problems)
    group = None
    if spec.group is not None:
        group, _created = RespondentGroup.objects.get_or_create(
            code=spec.group.code, defaults={"name": spec.group.name}
        )
    previous = Questionnaire.objects.filter(code=spec.previous).first() if spec.previous else None
    questionnaire = Questionnaire.objects.filter(code=spec.code).first()
    if questionnaire is None:
        questionnaire = Questionnaire(code=spec.code, created_by=by)
    questionnaire.title = spec.title
    questionnaire.source = spec.survey
    questionnaire.year = spec.year
    questionnaire.respondent_group = group
    questionnaire.introduction = spec.introduction
    questionnaire.previous = previous
    questionnaire.save()
    _write_questions(questionnaire, spec, previous)
    return questionnaire


def _write_questions(
    questionnaire: Questionnaire, spec: QuestionnaireSpec, previous: Questionnaire | None
) -> None:
    """Indicators and questions matched by code: changed in place, added, or removed."""
    indicators = {i.code: i for i in questionnaire.indicators.all()}
    changed, added = [], []
    for position, wanted_indicator in enumerate(spec.indicators, start=1):
        indicator = indicators.get(wanted_indicator.code)
        if indicator is None:
            added.append(
                Indicator(
                    questionnaire=questionnaire,
                    code=wanted_indicator.code,
                    title=wanted_indicator.title,
                    position=position,
                )
            )
        else:
            indicator.title, indicator.position = wanted_indicator.title, position
            changed.append(indicator)
    Indicator.objects.bulk_update(changed, ["title", "position"])
    for indicator in Indicator.objects.bulk_create(added):
        indicators[indicator.code] = indicator
    continued = dict(previous.questions.values_list("code", "pk")) if previous is not None else {}
    questions = {q.code: q for q in questionnaire.questions.all()}
    changed_questions, added_questions = [], []
    for position, (part, wanted) in enumerate(spec.questions(), start=1):
        values = {
            "indicator_id": indicators[part.code].pk if part is not None else None,
            "text": wanted.text,
            "hint": wanted.hint,
            "kind": wanted.kind,
            "choices": [_choice_json(c) for c in wanted.choices],
            "required": wanted.required,
            "min_value": wanted.min_value,
            "max_value": wanted.max_value,
            "position": position,
            "previous_id": continued.get(wanted.continues) if wanted.continues else None,
        }
        question = questions.get(wanted.code)
        if question is None:
            added_questions.append(
                Question(questionnaire=questionnaire, code=wanted.code, **values)
            )
        else:
            for name, value in values.items():
                setattr(question, name, value)
            changed_questions.append(question)
    Question.objects.bulk_update(changed_questions, list(_QUESTION_FIELDS), batch_size=200)
    Question.objects.bulk_create(added_questions, batch_size=200)
    wanted_codes = {question.code for _indicator, question in spec.questions()}
    questionnaire.questions.exclude(code__in=wanted_codes).delete()
    questionnaire.indicators.exclude(code__in={i.code for i in spec.indicators}).delete()


_QUESTION_FIELDS = (
    "indicator",
    "text",
    "hint",
    "kind",
    "choices",
    "required",
    "min_value",
    "max_value",
    "position",
    "previous",
)


def questionnaire_export(*, questionnaire: Questionnaire) -> str:
    """The questionnaire's YAML file: importing it gives the same questionnaire."""
    return spec_to_yaml(spec_of(questionnaire))


# Next year's copy and its crosswalk ------------------------------------------------------


def copy_code(questionnaire: Questionnaire, year: int) -> str:
    """The copy's code: the original's with its year moved (sipas-2024 → sipas-2025), or
    the year added."""
    old = str(questionnaire.year)
    if old in questionnaire.code:
        return questionnaire.code.replace(old, str(year))
    return f"{questionnaire.code[: MAX_CODE - 5]}-{year}"


def questionnaire_copy_refusal(*, questionnaire: Questionnaire, year: int, code: str) -> str | None:
    """Why the questionnaire cannot be copied into `year` under `code`, or None."""
    if year <= questionnaire.year:
        return _("A copy goes into a later year than %(year)s.") % {"year": questionnaire.year}
    if not _QUESTIONNAIRE_CODE.fullmatch(code):
        return _("The code is made of letters without accents, digits, “-” and “_”.")
    if Questionnaire.objects.filter(code=code).exists():
        return _("A questionnaire with the code “%(code)s” already exists.") % {"code": code}
    return None


@transaction.atomic
def questionnaire_copy(
    *, questionnaire: Questionnaire, year: int, by: User | None, code: str = ""
) -> Questionnaire:
    """Next year's questionnaire, as an editable copy: the same indicators and questions,
    their texts' years carried forward, and every question continuing the one it copies
    (the crosswalk, which the administrator may then change)."""
    code = code or copy_code(questionnaire, year)
    refusal = questionnaire_copy_refusal(questionnaire=questionnaire, year=year, code=code)
    if refusal is not None:
        raise Refused(refusal)

    def carried(text: str) -> str:
        return carry_years(text, questionnaire.year, year)

    copy = Questionnaire.objects.create(
        code=code,
        title=carried(questionnaire.title)[:MAX_TITLE],
        source=questionnaire.source,
        year=year,
        respondent_group=questionnaire.respondent_group,
        introduction=carried(questionnaire.introduction),
        previous=questionnaire,
        created_by=by,
    )
    indicators = Indicator.objects.bulk_create(
        [
            Indicator(
                questionnaire=copy,
                code=i.code,
                title=carried(i.title)[:MAX_INDICATOR_TITLE],
                position=i.position,
            )
            for i in questionnaire.indicators.order_by("position", "pk")
        ]
    )
    originals = dict(questionnaire.indicators.values_list("pk", "code"))
    new_pk = {i.code: i.pk for i in indicators}
    Question.objects.bulk_create(
        [
            Question(
                questionnaire=copy,
                indicator_id=new_pk[originals[q.indicator_id]] if q.indicator_id else None,
                code=q.code,
                text=carried(q.text),
                hint=carried(q.hint),
                kind=q.kind,
                choices=q.choices,
                required=q.required,
                min_value=q.min_value,
                max_value=q.max_value,
                position=q.position,
                previous_id=q.pk,
            )
            for q in questionnaire.questions.order_by("position", "pk")
        ],
        batch_size=200,
    )
    return copy


def crosswalk_candidates(questionnaire: Questionnaire) -> list[Questionnaire]:
    """The questionnaires this one may continue: of the same survey, from earlier years,
    the most recent first (a staff form's own group first within a year)."""
    candidates = list(
        Questionnaire.objects.filter(source=questionnaire.source, year__lt=questionnaire.year)
        .select_related("respondent_group")
        .order_by("-year", "code")[:100]
    )
    own = questionnaire.respondent_group_id
    return sorted(candidates, key=lambda q: (-q.year, q.respondent_group_id != own, q.code))


@transaction.atomic
def questionnaire_crosswalk_save(
    *,
    questionnaire: Questionnaire,
    previous: Questionnaire | None,
    links: Mapping[int, int | None],
    by: User,
) -> int:
    """Set which question of `previous` each question continues (None: none). Allowed on
    a questionnaire in use: the links change no question, only which of last year's
    figures each is compared with. Returns how many links changed."""
    if previous is not None and (
        previous.pk == questionnaire.pk
        or previous.source != questionnaire.source
        or previous.year >= questionnaire.year
    ):
        raise Refused(_("A questionnaire continues one of the same survey from an earlier year."))
    allowed = set(previous.questions.values_list("pk", flat=True)) if previous else set()
    questions = {q.pk: q for q in questionnaire.questions.select_for_update()}
    changed = []
    for pk, question in questions.items():
        target = links.get(pk)
        if target is not None and target not in allowed:
            raise Refused(_("A question continues a question of the questionnaire it continues."))
        if question.previous_id != target:
            question.previous_id = target
            changed.append(question)
    Question.objects.bulk_update(changed, ["previous"], batch_size=200)
    if questionnaire.previous_id != (previous.pk if previous else None):
        questionnaire.previous = previous
        questionnaire.save(update_fields=["previous"])
    # No history table for the links: the log keeps who changed them and when.
    logger.info(
        "crosswalk of questionnaire %s (continues %s): %s links changed by %s",
        questionnaire.code,
        previous.code if previous else "-",
        len(changed),
        by.username,
    )
    return len(changed)


@transaction.atomic
def questionnaire_freeze(*, questionnaire: Questionnaire) -> Questionnaire:
    """A questionnaire in use never changes again: next year's is a copy."""
    if questionnaire.frozen_at is None:
        questionnaire.frozen_at = timezone.now()
        questionnaire.save(update_fields=["frozen_at"])
    return questionnaire


# Reading for the pages ----------------------------------------------------------------------


def questionnaire_list(
    *, year: int | None = None, survey: str | None = None
) -> QuerySet[Questionnaire]:
    """The questionnaires with their counts of indicators, questions and campaigns, in
    one query whatever their number."""

    def count(queryset: Any) -> Coalesce:
        return Coalesce(
            Subquery(
                queryset.order_by().values("questionnaire").annotate(n=Count("pk")).values("n"),
                output_field=IntegerField(),
            ),
            0,
        )

    found = Questionnaire.objects.select_related("respondent_group").annotate(
        indicator_count=count(Indicator.objects.filter(questionnaire=OuterRef("pk"))),
        question_count=count(Question.objects.filter(questionnaire=OuterRef("pk"))),
        campaign_count=count(
            Campaign.questionnaires.through.objects.filter(questionnaire=OuterRef("pk"))
        ),
    )
    if year:
        found = found.filter(year=year)
    if survey:
        found = found.filter(source=survey)
    return found.order_by("-year", "source", "respondent_group__position", "code")


@dataclass(frozen=True)
class IndicatorView:
    indicator: Indicator | None  # None: the background questions
    questions: list[Question]


@dataclass(frozen=True)
class QuestionnaireView:
    """A questionnaire's page: its indicators with their questions (each with the
    question it continues), and the year's survey leaves of its source, checked."""

    questionnaire: Questionnaire
    parts: list[IndicatorView]
    leaves: list[Any]  # selectors.SurveyLeaf
    own_indicators: set[str]
    copies: list[Questionnaire]

    @property
    def question_count(self) -> int:
        return sum(len(part.questions) for part in self.parts)

    @property
    def indicator_count(self) -> int:
        return sum(1 for part in self.parts if part.indicator is not None)

    @property
    def lacking_count(self) -> int:
        return sum(1 for leaf in self.leaves if leaf.lacking)


def questionnaire_view(questionnaire: Questionnaire) -> QuestionnaireView:
    """Everything the page shows, in a handful of queries."""
    indicators = list(questionnaire.indicators.order_by("position", "pk"))
    by_indicator: dict[int | None, list[Question]] = {}
    for question in questionnaire.questions.select_related("previous").order_by("position", "pk"):
        by_indicator.setdefault(question.indicator_id, []).append(question)
    parts = [IndicatorView(i, by_indicator.get(i.pk, [])) for i in indicators]
    if by_indicator.get(None):
        parts.append(IndicatorView(None, by_indicator[None]))
    return QuestionnaireView(
        questionnaire=questionnaire,
        parts=parts,
        leaves=survey_leaves(year=questionnaire.year, source=questionnaire.source),
        own_indicators={i.code for i in indicators},
        copies=list(questionnaire.copies.order_by("year", "code")),
    )
