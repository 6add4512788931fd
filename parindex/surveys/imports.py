"""A campaign's files: each unit's transactions, the staff's respondent lists, and
responses keyed in from paper or exported by another tool (or the public-service portal).

Every file is read with bounds (`tables.read_table`), checked row by row, and taken whole
or not at all: a file with a bad row stores nothing, and the rows rejected are listed
with why. Responses go through the same parser as every other channel
(`responses.parse_answers`, strict) and are stored in bulk, in one transaction.
"""

from __future__ import annotations

import datetime
import re
import secrets
import uuid
from collections import Counter
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.validators import validate_email
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from parindex.jobs.tasks import progress, task
from parindex.org.errors import Refused
from parindex.org.models import Unit, normalize_name
from parindex.org.templatetags.parindex import as_written, day

from .campaigns import campaign_transactions_set
from .models import (
    MAX_TRANSACTIONS,
    Answer,
    Campaign,
    CampaignUnit,
    Channel,
    Flag,
    Questionnaire,
    Respondent,
    RespondentGroup,
    Response,
    Source,
    TextAnswer,
)
from .responses import Form, Parsed, form_of, new_token, parse_answers, parse_dossier
from .tables import Limits, TableError, blank, checked_header, column_names, read_table

LIMITS = Limits(max_bytes=2 * 1024 * 1024, max_rows=20_000, max_unpacked=20 * 1024 * 1024)
# Responses: one row each, up to the portal's ratings of a large unit's year.
RESPONSE_LIMITS = Limits(max_bytes=2 * 1024 * 1024, max_rows=50_000, max_unpacked=40 * 1024 * 1024)
REJECTED_SHOWN = 200  # rejected rows listed on the page; the count says the rest
SYNC_ROWS = 2000  # responses stored while the page waits; more go to a job
ProgressFn = Callable[[str, int, int], None]


@dataclass(frozen=True)
class Rejection:
    """A row of the file that cannot be taken, and why, in words."""

    row: int
    problems: tuple[str, ...]


class ImportRejected(Refused):
    """Rows of the file are wrong: nothing was stored. `rejected` lists the first ones."""

    def __init__(self, rejected: Sequence[Rejection], count: int) -> None:
        super().__init__(
            ngettext(
                "%(count)s row is rejected: nothing was imported. Correct it and send the "
                "file again.",
                "%(count)s rows are rejected: nothing was imported. Correct them and send "
                "the file again.",
                count,
            )
            % {"count": count}
        )
        self.rejected = list(rejected)
        self.count = count


@dataclass
class Rejections:
    shown: list[Rejection] = field(default_factory=list)
    count: int = 0

    def add(self, row: int, problems: Sequence[str]) -> None:
        self.count += 1
        if len(self.shown) < REJECTED_SHOWN:
            self.shown.append(Rejection(row, tuple(problems)))

    def raise_any(self) -> None:
        if self.count:
            raise ImportRejected(self.shown, self.count)


# Names in a file: units, groups, counts, days -----------------------------------------


def _in(column: str, problem: str) -> str:
    """A row's problem, named by its column as the file heads it."""
    return _("column “%(column)s”: %(problem)s") % {"column": column, "problem": problem}


class Names:
    """Things a file names by code or by name (a unit, a respondent group), among those
    of the campaign."""

    def __init__(self, things: Iterable[Any], what: str) -> None:
        self.what = what
        self.by_code: dict[str, Any] = {}
        self.by_name: dict[str, list[Any]] = {}
        for thing in things:
            self.by_code[thing.code.lower()] = thing
            self.by_name.setdefault(normalize_name(thing.name).lower(), []).append(thing)

    def find(self, raw: object) -> tuple[Any, str]:
        """The thing, or None and the problem in words."""
        named = normalize_name(str(raw)[:300])
        if not named:
            return None, _("the %(what)s is missing") % {"what": self.what}
        found = self.by_code.get(named.lower())
        if found is not None:
            return found, ""
        matches = self.by_name.get(named.lower(), [])
        if len(matches) == 1:
            return matches[0], ""
        if matches:
            return None, _("several have the name “%(name)s”: give the code") % {
                "name": named[:100]
            }
        return None, _("the campaign has no %(what)s with the code or name “%(name)s”") % {
            "what": self.what,
            "name": named[:100],
        }


def campaign_units(campaign: Campaign) -> list[Unit]:
    return list(
        Unit.objects.filter(pk__in=CampaignUnit.objects.filter(campaign=campaign).values("unit_id"))
    )


def campaign_groups(campaign: Campaign) -> list[RespondentGroup]:
    return list(
        RespondentGroup.objects.filter(questionnaires__campaigns=campaign)
        .distinct()
        .order_by("position", "name")
    )


_COUNT = re.compile(r"\d{1,9}|\d{1,3}(?:[. ]\d{3}){1,3}")


def parse_count(raw: object, largest: int) -> int | None:
    """A whole number from 0 to `largest` ("12.345" as the province writes thousands
    too); None if it is not one."""
    if isinstance(raw, bool):
        return None
    if isinstance(raw, float):
        if raw != raw or not 0 <= raw <= largest or raw != int(raw):
            return None
        return int(raw)
    if isinstance(raw, int):
        return raw if 0 <= raw <= largest else None
    text = str(raw)[:40].strip()
    if not _COUNT.fullmatch(text):
        return None
    count = int(re.sub(r"[. ]", "", text))
    return count if count <= largest else None


_DAY = re.compile(r"(\d{1,2})/(\d{1,2})/(\d{4})|(\d{4})-(\d{2})-(\d{2})")


def parse_day(raw: object) -> datetime.date | None:
    """A day written dd/mm/yyyy (or yyyy-mm-dd), or a spreadsheet's date."""
    if isinstance(raw, datetime.datetime):
        return raw.date()
    if isinstance(raw, datetime.date):
        return raw
    match = _DAY.fullmatch(str(raw)[:20].strip())
    if match is None:
        return None
    d, m, y, iy, im, iday = match.groups()
    try:
        if d is not None:
            return datetime.date(int(y), int(m), int(d))
        return datetime.date(int(iy), int(im), int(iday))
    except ValueError:
        return None


# Transactions ------------------------------------------------------------------------


TRANSACTION_COLUMNS = ("unit", "transactions")


def transactions_import(*, campaign: Campaign, content: bytes, filename: str) -> int:
    """Each unit's transactions of the period from a table (`unit,transactions`); a row
    whose transactions are empty is skipped. Returns how many units changed."""
    rows = read_table(
        content,
        filename,
        header=lambda cells: checked_header(cells, required=TRANSACTION_COLUMNS),
        limits=LIMITS,
    )
    units = Names(campaign_units(campaign), _("unit"))
    rejections = Rejections()
    values: dict[int, int] = {}
    seen: dict[int, int] = {}
    for number, row, _percent in rows:
        if all(blank(row.get(column)) for column in TRANSACTION_COLUMNS) or blank(
            row.get("transactions")
        ):
            continue
        problems = []
        unit, problem = units.find(row.get("unit") or "")
        if problem:
            problems.append(_in("unit", problem))
        count = parse_count(row.get("transactions"), MAX_TRANSACTIONS)
        if count is None:
            problems.append(
                _in(
                    "transactions",
                    _("a whole number from 0 to %(max)s") % {"max": as_written(MAX_TRANSACTIONS)},
                )
            )
        if unit is not None and unit.pk in seen:
            problems.append(_in("unit", _("already on row %(row)s") % {"row": seen[unit.pk]}))
        if problems:
            rejections.add(number, problems)
            continue
        seen[unit.pk] = number
        values[unit.pk] = count  # type: ignore[assignment]
    rejections.raise_any()
    if not values:
        raise TableError(_("The file has no transactions to import."))
    return campaign_transactions_set(campaign=campaign, values=values)


# Respondents ---------------------------------------------------------------------------


RESPONDENT_COLUMNS = ("unit", "group", "name")
RESPONDENT_OPTIONAL = ("email", "mobile")
_MOBILE = re.compile(r"(\+84|0)\d{9,10}")
MAX_NAME = 200


def parse_mobile(raw: object) -> str | None:
    """A Vietnamese mobile number, its spaces and dots taken out; a spreadsheet's number
    lost its leading zero, which is put back. None if it is not one."""
    if isinstance(raw, bool):
        return None
    if isinstance(raw, (int, float)):
        if isinstance(raw, float) and (raw != raw or raw != int(raw)):
            return None
        text = str(int(raw))
        if len(text) in (9, 10) and not text.startswith("0"):
            text = "0" + text
    else:
        text = re.sub(r"[\s.\-()]", "", str(raw)[:40])
    return text if _MOBILE.fullmatch(text) else None


@dataclass(frozen=True)
class NewRespondent:
    unit: Unit
    group: RespondentGroup
    name: str
    email: str
    mobile: str


@dataclass
class RespondentsChecked:
    """A respondent list, checked: who would be added, and the rows rejected."""

    people: list[NewRespondent]
    rejections: Rejections

    @property
    def units(self) -> int:
        return len({p.unit.pk for p in self.people})

    @property
    def groups(self) -> list[tuple[str, int]]:
        counts = Counter(p.group.name for p in self.people)
        return sorted(counts.items())

    @property
    def without_email(self) -> int:
        return sum(1 for p in self.people if not p.email)

    @property
    def unreachable(self) -> int:
        return sum(1 for p in self.people if not p.email and not p.mobile)


def respondents_check(*, campaign: Campaign, content: bytes, filename: str) -> RespondentsChecked:
    """Read a respondent list (`unit, group, name[, email][, mobile]`) row by row: the
    unit among the campaign's, the group among its questionnaires', a name, a valid
    e-mail and mobile number, no e-mail or mobile twice in the campaign."""
    if campaign.source != Source.STAFF:
        raise Refused(_("Only a staff survey has respondent lists."))
    rows = read_table(
        content,
        filename,
        header=lambda cells: checked_header(
            cells, required=RESPONDENT_COLUMNS, optional=RESPONDENT_OPTIONAL
        ),
        limits=LIMITS,
    )
    units = Names(campaign_units(campaign), _("unit"))
    groups = Names(campaign_groups(campaign), _("respondent group"))
    emails: dict[str, int] = dict.fromkeys(
        (
            e.lower()
            for e in Respondent.objects.filter(campaign=campaign)
            .exclude(email="")
            .values_list("email", flat=True)
        ),
        0,
    )
    mobiles: dict[str, int] = dict.fromkeys(
        Respondent.objects.filter(campaign=campaign)
        .exclude(mobile="")
        .values_list("mobile", flat=True),
        0,
    )
    checked = RespondentsChecked([], Rejections())
    for number, row, _percent in rows:
        if all(blank(value) for value in row.values()):
            continue
        problems = []
        unit, problem = units.find(row.get("unit") or "")
        if problem:
            problems.append(_in("unit", problem))
        group, problem = groups.find(row.get("group") or "")
        if problem:
            problems.append(_in("group", problem))
        name = normalize_name(str(row.get("name") or "")[: MAX_NAME + 1])
        if not name:
            problems.append(_in("name", _("the value is missing")))
        elif len(name) > MAX_NAME:
            problems.append(_in("name", _("at most %(count)s characters") % {"count": MAX_NAME}))
        email = "" if blank(row.get("email")) else str(row.get("email"))[:300].strip()
        if email:
            try:
                if len(email) > 254:
                    raise ValidationError("long")
                validate_email(email)
            except ValidationError:
                problems.append(
                    _in("email", _("“%(value)s” is not an e-mail address") % {"value": email[:60]})
                )
            else:
                earlier = emails.get(email.lower())
                if earlier is not None:
                    problems.append(
                        _in("email", _("already on row %(row)s") % {"row": earlier})
                        if earlier
                        else _in("email", _("already in the campaign's lists"))
                    )
                emails[email.lower()] = number
        mobile = ""
        if not blank(row.get("mobile")):
            parsed = parse_mobile(row.get("mobile"))
            if parsed is None:
                problems.append(
                    _in(
                        "mobile",
                        _("“%(value)s” is not a Vietnamese mobile number")
                        % {"value": str(row.get("mobile"))[:20]},
                    )
                )
            else:
                mobile = parsed
                earlier = mobiles.get(mobile)
                if earlier is not None:
                    problems.append(
                        _in("mobile", _("already on row %(row)s") % {"row": earlier})
                        if earlier
                        else _in("mobile", _("already in the campaign's lists"))
                    )
                mobiles[mobile] = number
        if problems:
            checked.rejections.add(number, problems)
            continue
        checked.people.append(NewRespondent(unit, group, name, email, mobile))
    if not checked.people and not checked.rejections.count:
        raise TableError(_("The file has no respondents to import."))
    return checked


@transaction.atomic
def respondents_import(*, campaign: Campaign, content: bytes, filename: str) -> int:
    """Add a respondent list to the campaign, every row or none. Nobody is invited yet:
    the invitations are sent apart, after their own confirmation."""
    Campaign.objects.select_for_update().filter(pk=campaign.pk).exists()
    checked = respondents_check(campaign=campaign, content=content, filename=filename)
    checked.rejections.raise_any()
    # A hash of a token never sent: the invitation issues the link that answers.
    Respondent.objects.bulk_create(
        [
            Respondent(
                campaign=campaign,
                unit=person.unit,
                group=person.group,
                name=person.name,
                email=person.email,
                mobile=person.mobile,
                token_hash=new_token()[1],
            )
            for person in checked.people
        ],
        batch_size=500,
    )
    return len(checked.people)


# Responses -----------------------------------------------------------------------------


RESPONSE_COLUMNS = ("unit", "day", "channel")
RESPONSE_OPTIONAL = ("group", "dossier")
CHANNELS = {
    "paper": Channel.PAPER,
    "giấy": Channel.PAPER,
    "import": Channel.IMPORT,
    "portal": Channel.PORTAL,
}
_SEVERAL = re.compile(r"[;,]")


@dataclass(frozen=True)
class ImportedResponse:
    row: int
    questionnaire: Questionnaire
    unit: Unit
    group: RespondentGroup | None
    channel: str
    day: datetime.date
    dossier: str
    parsed: Parsed


@dataclass
class ResponsesChecked:
    """A file of responses, checked: the responses, the rows rejected, and what storing
    them would do."""

    responses: list[ImportedResponse]
    rejections: Rejections
    repeated_dossiers: int = 0  # dossiers rated already: stored, flagged, not counted

    @property
    def units(self) -> int:
        return len({r.unit.pk for r in self.responses})

    @property
    def channels(self) -> list[tuple[str, int]]:
        labels = dict(Channel.choices)
        counts = Counter(r.channel for r in self.responses)
        return [(str(labels[channel]), n) for channel, n in sorted(counts.items())]

    @property
    def first_day(self) -> datetime.date | None:
        return min((r.day for r in self.responses), default=None)

    @property
    def last_day(self) -> datetime.date | None:
        return max((r.day for r in self.responses), default=None)


def _forms(campaign: Campaign) -> dict[int | None, tuple[Questionnaire, Form]]:
    """The campaign's forms by respondent group (SIPAS: its one form, under None)."""
    return {q.respondent_group_id: (q, form_of(q)) for q in campaign.questionnaires.order_by("pk")}


def _response_header(codes: Mapping[str, str]) -> Callable[[Sequence[object]], list[str]]:
    """The fixed columns in lower case, then the questions by their codes."""

    def header(cells: Sequence[object]) -> list[str]:
        names = column_names(cells)
        fixed = {*RESPONSE_COLUMNS, *RESPONSE_OPTIONAL}
        out: list[str] = []
        seen: set[str] = set()
        for name in names:
            if not name:
                out.append("")
                continue
            key = (
                name.lower() if name.lower() in fixed else codes.get(name, codes.get(name.lower()))
            )
            if key is None:
                raise TableError(
                    _(
                        "Unknown column “%(column)s”: neither a column of the table nor a "
                        "question's code."
                    )
                    % {"column": name[:60]}
                )
            if key in seen:
                raise TableError(
                    _("The column “%(column)s” appears twice.") % {"column": name[:60]}
                )
            seen.add(key)
            out.append(key)
        for column in RESPONSE_COLUMNS:
            if column not in seen:
                raise TableError(_("The column “%(column)s” is missing.") % {"column": column})
        return out

    return header


def responses_check(
    *, campaign: Campaign, content: bytes, filename: str, today: datetime.date
) -> ResponsesChecked:
    """Read a file of responses, one a row: the unit (code or name), the group (a staff
    survey's), the day (dd/mm/yyyy, within the campaign and not after today), the
    channel (paper, import or portal), the dossier code (SIPAS), then each question's
    answer under its code. Each row is parsed strictly against its form."""
    forms = _forms(campaign)
    if not forms:
        raise Refused(_("The campaign has no questionnaire yet."))
    codes: dict[str, str] = {}
    for _questionnaire, form in forms.values():
        for asked in form.questions:
            codes.setdefault(asked.code, asked.code)
            codes.setdefault(asked.code.lower(), asked.code)
    rows = read_table(content, filename, header=_response_header(codes), limits=RESPONSE_LIMITS)
    staff = campaign.source == Source.STAFF
    units = Names(campaign_units(campaign), _("unit"))
    groups = Names(campaign_groups(campaign), _("respondent group"))
    last = min(campaign.closes_on, today)
    checked = ResponsesChecked([], Rejections())
    fixed = {*RESPONSE_COLUMNS, *RESPONSE_OPTIONAL}
    for number, row, _percent in rows:
        if all(blank(value) for value in row.values()):
            continue
        problems: list[str] = []
        unit, problem = units.find(row.get("unit") or "")
        if problem:
            problems.append(_in("unit", problem))
        group = None
        if staff:
            group, problem = groups.find(row.get("group") or "")
            if problem:
                problems.append(_in("group", problem))
        elif not blank(row.get("group")):
            problems.append(_in("group", _("a SIPAS response has no respondent group")))
        when = parse_day(row.get("day")) if not blank(row.get("day")) else None
        if when is None:
            problems.append(_in("day", _("a day written dd/mm/yyyy")))
        elif not campaign.opens_on <= when <= last:
            problems.append(
                _in(
                    "day",
                    _("from %(first)s to %(last)s (the campaign's days, not after today)")
                    % {"first": day(campaign.opens_on), "last": day(last)},
                )
            )
        channel = CHANNELS.get(normalize_name(str(row.get("channel") or "")[:20]).lower())
        if channel is None:
            problems.append(_in("channel", _("paper, import or portal")))
        elif staff and channel == Channel.PORTAL:
            problems.append(
                _in("channel", _("the portal rates citizens' dossiers, not the staff survey"))
            )
        dossier = ""
        if not blank(row.get("dossier")):
            if staff:
                problems.append(_in("dossier", _("the staff survey has no dossier code")))
            else:
                try:
                    dossier = parse_dossier(row.get("dossier"))
                except Refused as refused:
                    problems.append(_in("dossier", refused.message))
        found = forms.get(group.pk if group is not None else None)
        if found is None and (not staff or group is not None):
            problems.append(_in("group", _("the campaign has no questionnaire for this group")))
        parsed = None
        if found is not None:
            form = found[1]
            raw: dict[str, object] = {}
            for column, value in row.items():
                if column in fixed or blank(value):
                    continue
                question = form.by_code.get(column)
                if question is not None and question.kind == "multiple" and isinstance(value, str):
                    raw[column] = [part for part in _SEVERAL.split(value) if part.strip()]
                else:
                    raw[column] = value
            parsed = parse_answers(form, raw, strict=True)
            problems += [
                message if code == "_" else _in(code, message)
                for code, message in parsed.errors.items()
            ]
            if parsed.ok and parsed.empty:
                problems.append(_("the row answers no question"))
        if problems:
            checked.rejections.add(number, problems)
            continue
        assert found is not None and parsed is not None and when is not None and channel is not None
        checked.responses.append(
            ImportedResponse(number, found[0], unit, group, channel, when, dossier, parsed)
        )
    if not checked.responses and not checked.rejections.count:
        raise TableError(_("The file has no responses to import."))
    checked.repeated_dossiers = sum(
        1 for flag in _dossier_flags(campaign, checked.responses) if flag
    )
    return checked


def _dossier_flags(campaign: Campaign, responses: Sequence[ImportedResponse]) -> list[str]:
    """Each response's flag: a dossier rated already (in the campaign, or earlier in the
    file) is flagged, as the public form flags it."""
    codes = sorted({r.dossier for r in responses if r.dossier})
    rated: set[str] = set()
    for start in range(0, len(codes), 500):
        rated.update(
            Response.objects.filter(
                campaign=campaign, counted=True, dossier_code__in=codes[start : start + 500]
            ).values_list("dossier_code", flat=True)
        )
    flags: list[str] = []
    for response in responses:
        if response.dossier and response.dossier in rated:
            flags.append(Flag.DOSSIER)
            continue
        if response.dossier:
            rated.add(response.dossier)
        flags.append("")
    return flags


@dataclass(frozen=True)
class ResponsesStored:
    stored: int
    flagged: int


def _silent(step: str, done: int, total: int) -> None:
    return None


def _store(
    campaign: Campaign, responses: Sequence[ImportedResponse], report: ProgressFn
) -> ResponsesStored:
    """Insert the responses and their answers in a few statements per thousand rows."""
    # Serialised with the public form's dossier check (responses.response_store).
    list(
        CampaignUnit.objects.select_for_update()
        .filter(campaign=campaign)
        .values_list("pk", flat=True)
    )
    flags = _dossier_flags(campaign, responses)
    total = len(responses)
    chunk = 1000
    for start in range(0, total, chunk):
        report(_("Storing the responses"), start, total)
        made: list[Response] = []
        answers: list[Answer] = []
        texts: list[TextAnswer] = []
        for item, flag in zip(
            responses[start : start + chunk], flags[start : start + chunk], strict=True
        ):
            counted = not flag
            response = Response(
                id=uuid.uuid4(),
                campaign=campaign,
                questionnaire=item.questionnaire,
                unit=item.unit,
                group=item.group,
                channel=item.channel,
                day=item.day,
                dossier_code=item.dossier,
                flag=flag,
                counted=counted,
            )
            made.append(response)
            answers += [
                Answer(
                    response=response,
                    question_id=question_id,
                    choice=choice,
                    value=value,
                    campaign_id=campaign.pk,
                    unit_id=item.unit.pk,
                    group_id=response.group_id,
                    counted=counted,
                )
                for question_id, choice, value in item.parsed.numbers
            ]
            texts += [
                TextAnswer(response=response, question_id=question_id, text=text)
                for question_id, text in item.parsed.texts
            ]
        Response.objects.bulk_create(made, batch_size=500)
        Answer.objects.bulk_create(answers, batch_size=2000)
        TextAnswer.objects.bulk_create(texts, batch_size=500)
    report(_("Storing the responses"), total, total)
    return ResponsesStored(stored=total, flagged=sum(1 for flag in flags if flag))


@transaction.atomic
def responses_import(
    *,
    campaign: Campaign,
    content: bytes,
    filename: str,
    today: datetime.date,
    on_progress: ProgressFn | None = None,
) -> ResponsesStored:
    """Store a file of responses, every row or none (`ImportRejected` lists the rows
    that are wrong). A dossier rated already is stored flagged, not counted."""
    report = on_progress or _silent
    report(_("Checking the rows"), 0, 0)
    checked = responses_check(campaign=campaign, content=content, filename=filename, today=today)
    checked.rejections.raise_any()
    return _store(campaign, checked.responses, report)


# Files kept between the check and the confirmation -------------------------------------


UPLOADS = "survey-imports"
_UPLOAD_NAME = re.compile(rf"{UPLOADS}/[0-9a-f]{{32}}\.(csv|xlsx)")
UPLOAD_HOURS = 24  # an upload not confirmed by then is removed


def upload_keep(content: bytes, filename: str) -> str:
    """Keep an uploaded file until its import is confirmed (or a day has passed)."""
    _uploads_prune()
    extension = ".xlsx" if filename.lower().endswith(".xlsx") else ".csv"
    return default_storage.save(
        f"{UPLOADS}/{secrets.token_hex(16)}{extension}", ContentFile(content)
    )


def upload_read(name: str) -> bytes:
    if not _UPLOAD_NAME.fullmatch(name) or not default_storage.exists(name):
        raise Refused(
            _("The file is no longer here (imported already, or sent a day ago): send it again.")
        )
    with default_storage.open(name, "rb") as kept:
        return bytes(kept.read(RESPONSE_LIMITS.max_bytes + 1))


def upload_discard(name: str) -> None:
    if _UPLOAD_NAME.fullmatch(name):
        default_storage.delete(name)


def _uploads_prune() -> None:
    """Remove the kept files older than a day (both storages, the local folder and S3,
    list and date their files)."""
    try:
        _dirs, files = default_storage.listdir(UPLOADS)
    except FileNotFoundError:  # nothing kept yet: the folder does not exist
        return
    cutoff = timezone.now() - datetime.timedelta(hours=UPLOAD_HOURS)
    for name in files[:1000]:
        path = f"{UPLOADS}/{name}"
        try:
            if default_storage.get_modified_time(path) < cutoff:
                default_storage.delete(path)
        except FileNotFoundError:  # confirmed and removed by another request meanwhile
            continue


@task()
def responses_import_job(*, campaign_id: int, name: str, filename: str) -> str:
    """A large file of responses, stored as a job with its progress. The kept file is
    removed inside the transaction that stores it: a job run again after its worker
    died finds no file, rather than storing the responses twice."""

    def on_progress(step: str, done: int, total: int) -> None:
        progress(step=step, done=done, total=total)

    campaign = Campaign.objects.get(pk=campaign_id)
    content = upload_read(name)
    with transaction.atomic():
        stored = responses_import(
            campaign=campaign,
            content=content,
            filename=filename,
            today=timezone.localdate(),
            on_progress=on_progress,
        )
        upload_discard(name)
    return imported_words(stored)


def imported_words(stored: ResponsesStored) -> str:
    text = ngettext(
        "%(count)s response imported.", "%(count)s responses imported.", stored.stored
    ) % {"count": stored.stored}
    if stored.flagged:
        text += " " + ngettext(
            "%(count)s of them rates a dossier rated already: flagged, not counted until decided.",
            "%(count)s of them rate a dossier rated already: flagged, not counted until decided.",
            stored.flagged,
        ) % {"count": stored.flagged}
    return text
