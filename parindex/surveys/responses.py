"""Taking responses in: a questionnaire read once as a `Form`, what a person (or a file,
or another system) sent parsed against it with bounds, and the response stored whole in
one transaction — on the public form, through a personal link, by a collector, or from an
import.

Every channel goes through `parse_answers` and `response_store`: one reading of what an
answer may be, one way a response is written.
"""

from __future__ import annotations

import datetime
import hashlib
import re
import secrets
import threading
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.db import connection, transaction
from django.utils.translation import gettext as _

from parindex.org.errors import Refused
from parindex.org.models import Unit, User

from .models import (
    Answer,
    Campaign,
    CampaignUnit,
    Channel,
    Flag,
    Question,
    Questionnaire,
    Respondent,
    RespondentGroup,
    Response,
    TextAnswer,
)

MAX_TEXT = 2000  # characters of a free-text answer
MAX_QUESTIONS = 300  # a questionnaire's questions; more answers than this are refused
NUMBER_BOUND = 1_000_000_000  # |a number answer| below this unless the question says less
MAX_DOSSIER = 40
_INTEGER = re.compile(r"[+-]?\d{1,10}")
_DOSSIER = re.compile(r"[\w./-]{1,40}")
SCALE_VALUES = frozenset(range(1, 6))


# The questionnaire as the parser reads it -------------------------------------------


@dataclass(frozen=True)
class FormQuestion:
    pk: int
    code: str
    kind: str
    required: bool
    values: frozenset[int]  # the values a choice or the scale may take
    low: int
    high: int


@dataclass(frozen=True)
class Form:
    questionnaire_id: int
    group_id: int | None
    questions: tuple[FormQuestion, ...]
    by_code: Mapping[str, FormQuestion] = field(default_factory=dict)


_FORMS: dict[int, Form] = {}
_FORMS_LOCK = threading.Lock()


def form_of(questionnaire: Questionnaire) -> Form:
    """The questionnaire's questions as the parser reads them; a frozen one's are read
    once per process (it never changes again)."""
    found = _FORMS.get(questionnaire.pk) if questionnaire.is_frozen else None
    if found is not None:
        return found
    questions = tuple(
        FormQuestion(
            pk=q.pk,
            code=q.code,
            kind=q.kind,
            required=q.required,
            values=_values_of(q),
            low=q.min_value if q.min_value is not None else -NUMBER_BOUND + 1,
            high=q.max_value if q.max_value is not None else NUMBER_BOUND - 1,
        )
        for q in questionnaire.questions.order_by("position")
    )
    form = Form(
        questionnaire.pk,
        questionnaire.respondent_group_id,
        questions,
        {q.code: q for q in questions},
    )
    if questionnaire.is_frozen:
        with _FORMS_LOCK:
            if len(_FORMS) > 200:
                _FORMS.clear()
            _FORMS[questionnaire.pk] = form
    return form


def _values_of(question: Question) -> frozenset[int]:
    if question.kind == Question.Kind.SCALE:
        return SCALE_VALUES
    if question.kind in (Question.Kind.SINGLE, Question.Kind.MULTIPLE):
        return frozenset(
            int(choice["value"]) for choice in question.choices if isinstance(choice, dict)
        )
    return frozenset()


# Parsing ----------------------------------------------------------------------------


@dataclass
class Parsed:
    """What a response says, checked: (question, choice, value) numbers and (question,
    text) texts; `errors` by question code, in words."""

    numbers: list[tuple[int, int, int]] = field(default_factory=list)
    texts: list[tuple[int, str]] = field(default_factory=list)
    errors: dict[str, str] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return not self.errors

    @property
    def empty(self) -> bool:
        return not self.numbers and not self.texts


def _as_list(raw: object) -> list[object]:
    if isinstance(raw, (list, tuple)):
        return list(raw)[: MAX_QUESTIONS + 1]
    return [raw]


def _blank(raw: object) -> bool:
    return raw is None or (isinstance(raw, str) and not raw.strip())


def _integer(raw: object) -> int | None:
    """A whole number from text or JSON, with bounds on its text before int() reads it."""
    if isinstance(raw, bool):
        return None
    if isinstance(raw, int):
        return raw if -NUMBER_BOUND < raw < NUMBER_BOUND else None
    if isinstance(raw, float):
        return int(raw) if raw.is_integer() and -NUMBER_BOUND < raw < NUMBER_BOUND else None
    text = str(raw)[:20].strip()
    return int(text) if _INTEGER.fullmatch(text) else None


def parse_answers(form: Form, raw: Mapping[str, object], *, strict: bool = False) -> Parsed:
    """Read each question's answer from `raw` (question code -> value, or a list of
    values for several choices). Unknown codes are ignored from a web form and refused
    when `strict` (an API body, an import): nothing is stored from a response with an
    error."""
    parsed = Parsed()
    if strict:
        unknown = [str(code)[:CODE_SHOWN] for code in list(raw)[:20] if code not in form.by_code]
        if unknown:
            parsed.errors["_"] = _("Unknown questions: %(codes)s") % {"codes": ", ".join(unknown)}
            return parsed
    for question in form.questions:
        given = raw.get(question.code)
        values = [v for v in _as_list(given) if not _blank(v)] if given is not None else []
        if not values:
            if question.required:
                parsed.errors[question.code] = _("This question needs an answer.")
            continue
        error = _read(question, values, parsed)
        if error:
            parsed.errors[question.code] = error
    return parsed


CODE_SHOWN = 40


def _read(question: FormQuestion, values: Sequence[object], parsed: Parsed) -> str:
    """Add one question's answer to `parsed`; the error in words, or ""."""
    kind = question.kind
    if kind == Question.Kind.TEXT:
        if len(values) != 1 or not isinstance(values[0], str):
            return _("Write the answer as text.")
        text = values[0].strip()
        if len(text) > MAX_TEXT:
            return _("At most %(count)s characters.") % {"count": MAX_TEXT}
        parsed.texts.append((question.pk, text))
        return ""
    if kind == Question.Kind.MULTIPLE:
        chosen: list[int] = []
        for value in values:
            number = _integer(value)
            if number is None or number not in question.values:
                return _("Choose among the answers given.")
            if number not in chosen:
                chosen.append(number)
        parsed.numbers.extend((question.pk, number, number) for number in chosen)
        return ""
    if len(values) != 1:
        return _("Give one answer.")
    number = _integer(values[0])
    if kind == Question.Kind.NUMBER:
        if number is None or not question.low <= number <= question.high:
            return _("A whole number from %(low)s to %(high)s.") % {
                "low": question.low,
                "high": question.high,
            }
    elif number is None or number not in question.values:
        return (
            _("Choose a level from 1 to 5.")
            if kind == Question.Kind.SCALE
            else _("Choose among the answers given.")
        )
    parsed.numbers.append((question.pk, 0, number))
    return ""


def parse_dossier(raw: object) -> str:
    """An optional dossier code (mã hồ sơ) as the one-stop shop prints it."""
    if _blank(raw):
        return ""
    text = str(raw)[: MAX_DOSSIER + 1].strip()
    if not _DOSSIER.fullmatch(text):
        raise Refused(
            _("A dossier code has at most %(count)s letters, digits, dots, dashes or slashes.")
            % {"count": MAX_DOSSIER}
        )
    return text


# Storing ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Who:
    """Who answers, as far as a response may say: the unit, the group (a staff form's),
    the channel, the day, the collector who recorded it."""

    campaign: Campaign
    questionnaire: Questionnaire
    unit: Unit
    channel: str
    day: datetime.date
    group: RespondentGroup | None = None
    collector: User | None = None


def response_store(
    *,
    who: Who,
    parsed: Parsed,
    dossier_code: str = "",
    flag: str = "",
    generated: bool = False,
) -> Response:
    """Store one response whole: the response and its answers. A flagged response is kept,
    not counted, until the administrator decides; a dossier already rated flags the
    second rating.

    On PostgreSQL a response that needs nothing else (no dossier to look up, no text, a
    frozen questionnaire) is one statement, atomic by itself: the public form's response
    costs one round trip to the database instead of four."""
    if not parsed.ok:
        raise Refused(_("The response has errors: nothing was stored."))
    if parsed.empty:
        raise Refused(_("The response answers no question: nothing was stored."))
    response = Response(
        campaign=who.campaign,
        questionnaire=who.questionnaire,
        unit=who.unit,
        group=who.group or who.questionnaire.respondent_group,
        channel=who.channel,
        day=who.day,
        collector=who.collector if who.channel == Channel.COLLECTOR else None,
        dossier_code=dossier_code,
        flag=flag,
        counted=not flag,
        generated=generated,
    )
    alone = (
        connection.vendor == "postgresql"
        and not (dossier_code and not flag)
        and not parsed.texts
        and who.questionnaire.frozen_at is not None
    )
    if alone:
        _insert_with_answers(response, parsed.numbers)
        return response
    with transaction.atomic():
        if who.questionnaire.frozen_at is None:
            # Answered: from now on its questions never change (a campaign that opened
            # on its day without being saved again froze nothing yet).
            from .questionnaires import questionnaire_freeze

            questionnaire_freeze(questionnaire=who.questionnaire)
        if dossier_code and not flag:
            # Serialised per unit, so that two ratings of one dossier at once are seen.
            CampaignUnit.objects.select_for_update().filter(
                campaign=who.campaign, unit=who.unit
            ).exists()
            if Response.objects.filter(
                campaign=who.campaign, dossier_code=dossier_code, counted=True
            ).exists():
                response.flag, response.counted = Flag.DOSSIER, False
        response.save(force_insert=True)
        _insert_answers(response, parsed.numbers)
        if parsed.texts:
            TextAnswer.objects.bulk_create(
                [
                    TextAnswer(response=response, question_id=question_id, text=text)
                    for question_id, text in parsed.texts
                ]
            )
    return response


def _insert_with_answers(response: Response, numbers: Sequence[tuple[int, int, int]]) -> None:
    """PostgreSQL: the response row and its answers in one statement (a data-modifying
    WITH), with the values Django would write for each of the response's fields."""
    fields = Response._meta.concrete_fields
    names = ", ".join(connection.ops.quote_name(str(f.column)) for f in fields)
    values = [f.get_db_prep_save(getattr(response, f.attname), connection) for f in fields]
    answers, params = _answers_statement(response, numbers)
    with connection.cursor() as cursor:
        cursor.execute(
            f"WITH response AS (INSERT INTO {Response._meta.db_table} ({names}) "  # noqa: S608
            f"VALUES ({', '.join(['%s'] * len(fields))})) {answers}",
            [*values, *params],
        )


def _answers_statement(
    response: Response, numbers: Sequence[tuple[int, int, int]]
) -> tuple[str, list[Any]]:
    """PostgreSQL: the answers' INSERT as three arrays, a short statement whatever their
    number (the driver parsed one of 176 placeholders for every response)."""
    questions, choices, values = zip(*numbers, strict=True)
    statement = (
        f"INSERT INTO {Answer._meta.db_table} ({', '.join(ANSWER_COLUMNS)}) "  # noqa: S608
        "SELECT %s, %s, q, c, v, %s, %s, %s "
        "FROM unnest(%s::bigint[], %s::smallint[], %s::integer[]) AS a(q, c, v)"
    )
    return statement, [
        response.campaign_id,
        response.pk,
        response.unit_id,
        response.group_id,
        response.counted,
        _array(questions),
        _array(choices),
        _array(values),
    ]


def _array(numbers: Sequence[int]) -> str:
    """Whole numbers as PostgreSQL's array text: the driver quotes one string faster than
    it adapts a list (60 µs of a response's 22 answers)."""
    return "{" + ",".join(str(int(number)) for number in numbers) + "}"


ANSWER_COLUMNS = (
    "campaign_id",
    "response_id",
    "question_id",
    "choice",
    "value",
    "unit_id",
    "group_id",
    "counted",
)


def _insert_answers(response: Response, numbers: Sequence[tuple[int, int, int]]) -> None:
    """A response's answers in one INSERT of plain values: building a model object per
    answer took half of a public form's save (22 answers)."""
    if not numbers:
        return
    if len(numbers) > MAX_QUESTIONS * 10:
        raise Refused(_("The response has errors: nothing was stored."))
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(*_answers_statement(response, numbers))
        return
    answers_write(answer_rows(response, numbers))


def answer_rows(
    response: Response, numbers: Sequence[tuple[int, int, int]]
) -> list[tuple[Any, ...]]:
    """A response's answers as the rows `answers_write` takes (ANSWER_COLUMNS' order)."""
    key = Response._meta.pk.get_db_prep_value(response.pk, connection)  # SQLite: hex text
    return [
        (
            response.campaign_id,
            key,
            q,
            choice,
            value,
            response.unit_id,
            response.group_id,
            response.counted,
        )
        for q, choice, value in numbers
    ]


ROWS_A_STATEMENT = 120  # 8 values a row: under SQLite's 999 variables a statement


def answers_write(rows: Sequence[tuple[Any, ...]]) -> None:
    """Answers already checked (`answer_rows`), written as plain values in a few
    statements: what a generated or imported batch of responses uses, whatever its size."""
    table = Answer._meta.db_table
    columns = ", ".join(ANSWER_COLUMNS)
    marks = "(" + ", ".join(["%s"] * len(ANSWER_COLUMNS)) + ")"
    with connection.cursor() as cursor:
        for start in range(0, len(rows), ROWS_A_STATEMENT):
            batch = rows[start : start + ROWS_A_STATEMENT]
            cursor.execute(
                f"INSERT INTO {table} ({columns}) VALUES "  # noqa: S608 - names from the model
                + ", ".join([marks] * len(batch)),
                [value for row in batch for value in row],
            )


# Personal links ---------------------------------------------------------------------


def new_token() -> tuple[str, str]:
    """A personal link's token and the hash kept of it."""
    token = secrets.token_urlsafe(24)
    return token, token_hash(token)


def token_hash(token: str) -> str:
    return hashlib.sha256(token[:100].encode()).hexdigest()


class LinkUsed(Refused):
    """A personal link answers once."""


class LinkUnknown(Refused):
    """No invitation has this link (or its campaign is over)."""


class AnswersInvalid(Refused):
    """Some answers are not what their question takes: `parsed.errors` says which."""

    def __init__(self, parsed: Parsed) -> None:
        super().__init__(_("Some answers need correcting: nothing was stored."))
        self.parsed = parsed


def respondent_for(token: str) -> Respondent | None:
    """The invitation of a personal link, or None."""
    if not token or len(token) > 100:
        return None
    return (
        Respondent.objects.select_related("campaign", "unit", "group")
        .filter(token_hash=token_hash(token))
        .first()
    )


def questionnaire_for(campaign: Campaign, group: RespondentGroup | None) -> Questionnaire | None:
    """The campaign's form for a respondent group (SIPAS: its one form for the public)."""
    return campaign.questionnaires.filter(respondent_group=group).order_by("pk").first()


@transaction.atomic
def response_submit_by_link(
    *, token: str, raw: Mapping[str, object], day: datetime.date, strict: bool = False
) -> Response:
    """A staff member's response through their personal link: stored once, and the link
    marked used in the same transaction; nothing records which response it gave."""
    respondent = respondent_for(token)
    if respondent is None or not respondent.campaign.is_open(day):
        raise LinkUnknown(_("This link is not valid, or the survey is closed."))
    if respondent.used:
        raise LinkUsed(_("This link has already been used to answer: it answers once."))
    questionnaire = questionnaire_for(respondent.campaign, respondent.group)
    if questionnaire is None:
        raise LinkUnknown(_("This survey has no form for your group yet."))
    parsed = parse_answers(form_of(questionnaire), raw, strict=strict)
    if not parsed.ok:
        raise AnswersInvalid(parsed)
    # The update is the lock: of two submissions through one link, one marks it used.
    if not Respondent.objects.filter(pk=respondent.pk, used=False).update(used=True):
        raise LinkUsed(_("This link has already been used to answer: it answers once."))
    return response_store(
        who=Who(
            campaign=respondent.campaign,
            questionnaire=questionnaire,
            unit=respondent.unit,
            channel=Channel.LINK,
            day=day,
            group=respondent.group,
        ),
        parsed=parsed,
    )
