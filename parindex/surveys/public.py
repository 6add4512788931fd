"""Answering a form on a page: the public link of a unit (anyone, anonymous), a staff
member's personal link, a collector recording in person — and the public form's abuse
control, without identities.

No address is stored anywhere. The public form counts responses per address in Django's
cache under HMAC(SECRET_KEY, address), for the hour only; a duplicate is recognised by
HMAC(address, unit, answers), kept for the campaign's `duplicate_minutes`. What the
counters catch is stored flagged (`Flag`), never dropped: the administrator decides.
Beyond ten times the hourly limit an address is refused (429) before anything is read
or stored, which protects the server rather than the figures.

The counters live in the default cache: per process with the default local-memory
cache, shared by every process and machine with a shared one (CACHE_URL, see
docs/deployment.md); with two processes on the local cache an address gets each limit
in each process.

The form's fields: each question's answer under `q-<code>` (`field_name`; a multiple
choice: one value per choice made), the optional dossier code under `dossier`, the honeypot under
`website` (hidden by CSS, labelled "leave empty" for screen readers).
"""

from __future__ import annotations

import datetime
import hashlib
import hmac
import re
import threading
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest, QueryDict
from django.utils.translation import gettext as _

from parindex.org.errors import Refused
from parindex.org.models import Unit, User
from parindex.org.security import client_ip

from .models import (
    Campaign,
    CampaignUnit,
    Channel,
    Flag,
    Question,
    Questionnaire,
    Response,
    Source,
)
from .responses import (
    Form,
    Parsed,
    Who,
    form_of,
    parse_answers,
    parse_dossier,
    questionnaire_for,
    response_store,
)

FIELD_PREFIX = "q-"
_PLAIN_CODE = re.compile(r"[A-Za-z0-9_.-]{1,40}")
DOSSIER_FIELD = "dossier"
HONEYPOT_FIELD = "website"
# Fields a form sends besides its questions: the CSRF token, the dossier, the honeypot,
# the submit button; a few more are tolerated (a browser extension's), not hundreds.
EXTRA_FIELDS = 10
MAX_VALUES = 60  # values of one question (the choices of a multiple choice)
REFUSE_FACTOR = 10  # beyond this many times the hourly limit: 429, nothing stored
HOUR = 3600


def field_name(code: str) -> str:
    """A question's field: `q-<code>`, or `q-<hash of the code>` for a code with other
    characters, so that a name never needs quoting in the page."""
    if _PLAIN_CODE.fullmatch(code):
        return FIELD_PREFIX + code
    return FIELD_PREFIX + hashlib.sha256(code.encode()).hexdigest()[:12]


class Unreadable(Refused):
    """What was sent cannot be a response to this form: more fields than it has, text
    that is not UTF-8, a NUL byte. Answered with a 400 and nothing is read further."""


class NeedsCorrecting(Refused):
    """Some answers (or the dossier code) are not what their question takes; `errors`
    by question code, `dossier` the dossier code's. Nothing was stored."""

    def __init__(self, errors: Mapping[str, str], dossier: str = "", message: str = "") -> None:
        super().__init__(message or _("Some answers need correcting: nothing was stored."))
        self.errors = dict(errors)
        self.dossier = dossier


class Throttled(Refused):
    """Far too many responses from one address this hour: refused, nothing stored."""

    def __init__(self, retry_after: int) -> None:
        super().__init__(_("Too many responses came from your address within the hour."))
        self.retry_after = retry_after


# What a public link opens ------------------------------------------------------------


@dataclass(frozen=True)
class PublicEntry:
    """A unit's public form in a campaign: read once every few seconds per process."""

    link_code: str
    campaign: Campaign
    unit: Unit
    questionnaire: Questionnaire | None  # None: the campaign has no form for the public


LINK_SECONDS = 10.0  # how long a process trusts what it read of a link (dates, title)
_LINKS: dict[str, tuple[float, PublicEntry | None]] = {}
_LINKS_LOCK = threading.Lock()
MAX_LINK_CODE = 16


def public_entry(link_code: str) -> PublicEntry | None:
    """The campaign, unit and questionnaire of a public link, or None: two queries, then
    none for LINK_SECONDS in this process (an unknown code is remembered too, so that
    guessing codes costs the database nothing more)."""
    if not link_code or len(link_code) > MAX_LINK_CODE:
        return None
    now = time.monotonic()
    found = _LINKS.get(link_code)
    if found is not None and found[0] > now:
        return found[1]
    entry = _read_entry(link_code)
    with _LINKS_LOCK:
        if len(_LINKS) > 5000:
            _LINKS.clear()
        _LINKS[link_code] = (now + LINK_SECONDS, entry)
    return entry


def _read_entry(link_code: str) -> PublicEntry | None:
    row = (
        CampaignUnit.objects.select_related("campaign", "unit").filter(link_code=link_code).first()
    )
    if row is None:
        return None
    questionnaire = (
        questionnaire_for(row.campaign, None) if row.campaign.source == Source.SIPAS else None
    )
    return PublicEntry(link_code, row.campaign, row.unit, questionnaire)


def forget_entries() -> None:
    """Forget every link read (tests; a process never needs to)."""
    with _LINKS_LOCK:
        _LINKS.clear()


# The questionnaire as a page shows it ---------------------------------------------------


@dataclass(frozen=True)
class Shown:
    """One question as the page shows it."""

    number: int
    code: str
    name: str  # the field's name
    text: str
    hint: str
    kind: str
    required: bool
    choices: tuple[tuple[str, str], ...]  # (value, label) of a single or multiple choice
    low: int | None
    high: int | None


@dataclass(frozen=True)
class Section:
    title: str
    questions: tuple[Shown, ...]


_SHOWN: dict[int, tuple[Section, ...]] = {}
_SHOWN_LOCK = threading.Lock()


def sections_of(questionnaire: Questionnaire) -> tuple[Section, ...]:
    """The questionnaire's questions in order, grouped under their indicator's title when
    it changes; a frozen questionnaire's are read once per process."""
    found = _SHOWN.get(questionnaire.pk) if questionnaire.is_frozen else None
    if found is not None:
        return found
    sections: list[Section] = []
    title: str | None = None
    current: list[Shown] = []
    questions = questionnaire.questions.select_related("indicator").order_by("position")
    for number, question in enumerate(questions, start=1):
        heading = question.indicator.title if question.indicator is not None else ""
        if heading != title and current:
            sections.append(Section(title or "", tuple(current)))
            current = []
        title = heading
        current.append(_shown(number, question))
    if current:
        sections.append(Section(title or "", tuple(current)))
    made = tuple(sections)
    if questionnaire.is_frozen:
        with _SHOWN_LOCK:
            if len(_SHOWN) > 200:
                _SHOWN.clear()
            _SHOWN[questionnaire.pk] = made
    return made


def _shown(number: int, question: Question) -> Shown:
    choices = tuple(
        (str(int(choice["value"])), str(choice.get("label", choice["value"])))
        for choice in question.choices
        if isinstance(choice, dict) and "value" in choice
    )
    return Shown(
        number=number,
        code=question.code,
        name=field_name(question.code),
        text=question.text,
        hint=question.hint,
        kind=question.kind,
        required=question.required,
        choices=choices,
        low=question.min_value,
        high=question.max_value,
    )


_BLANK: dict[tuple[int, str], str] = {}


def blank_questions(questionnaire: Questionnaire, language: str, render: Callable[[], str]) -> str:
    """The questions of a frozen questionnaire as an empty form's HTML, rendered once
    per process and language (`render`): most visits open an empty form, and rendering
    a hundred choices is most of such a page's time."""
    if not questionnaire.is_frozen:
        return render()
    key = (questionnaire.pk, language)
    found = _BLANK.get(key)
    if found is None:
        found = render()
        with _SHOWN_LOCK:
            if len(_BLANK) > 200:
                _BLANK.clear()
            _BLANK[key] = found
    return found


def forget_forms() -> None:
    """Forget every questionnaire read (tests, whose rows reuse keys; a process never
    needs to: a frozen questionnaire does not change)."""
    from . import responses

    with _SHOWN_LOCK:
        _SHOWN.clear()
        _BLANK.clear()
    with responses._FORMS_LOCK:
        responses._FORMS.clear()


# What was sent ----------------------------------------------------------------------


@dataclass
class Sent:
    """A form's post, read with bounds: each question's values by code, the dossier code
    as typed, whether the honeypot was filled."""

    answers: dict[str, list[str]] = field(default_factory=dict)
    dossier: str = ""
    honeypot: bool = False


def _readable(value: str) -> bool:
    # Django decodes a body that is not UTF-8 with U+FFFD in place of what it cannot
    # read; PostgreSQL cannot store NUL in text.
    return "\x00" not in value and "\ufffd" not in value


def body_of(request: HttpRequest) -> bytes | None:
    """The raw body of a urlencoded post, to check its encoding (Django reads one that
    is not UTF-8 as Latin-1, silently); None for another kind of body."""
    if request.content_type != "application/x-www-form-urlencoded":
        return None
    return request.body


def read_post(form: Form, post: QueryDict, body: bytes | None = None) -> Sent:
    """The answers of a form's post, refused whole (`Unreadable`) when it cannot be a
    person's response to this form."""
    if body is not None:
        try:
            body.decode("utf-8")
        except UnicodeDecodeError:
            raise Unreadable(_("What was sent is not readable text (UTF-8).")) from None
    if len(post) > len(form.questions) + EXTRA_FIELDS:
        raise Unreadable(_("The form sent has more fields than this questionnaire has questions."))
    sent = Sent()
    for question in form.questions:
        values = post.getlist(field_name(question.code))
        if len(values) > MAX_VALUES:
            raise Unreadable(_("The form sent has too many answers to one question."))
        if not all(_readable(value) for value in values):
            raise Unreadable(_("What was sent is not readable text (UTF-8)."))
        sent.answers[question.code] = values
    dossier = post.get(DOSSIER_FIELD, "")
    honeypot = post.get(HONEYPOT_FIELD, "")
    if not (_readable(dossier) and _readable(honeypot[:1000])):
        raise Unreadable(_("What was sent is not readable text (UTF-8)."))
    sent.dossier = dossier[:200]
    sent.honeypot = bool(honeypot.strip())
    return sent


def parse_sent(
    form: Form, answers: Mapping[str, object], dossier_sent: object, *, strict: bool = False
) -> tuple[Parsed, str]:
    """The parsed answers and dossier code; `NeedsCorrecting` with every error at once
    (`strict`: unknown questions too, as from an API body)."""
    parsed = parse_answers(form, answers, strict=strict)
    dossier, dossier_error = "", ""
    try:
        dossier = parse_dossier(dossier_sent)
    except Refused as error:
        dossier_error = error.message
    if not parsed.ok or dossier_error:
        raise NeedsCorrecting(parsed.errors, dossier_error)
    if parsed.empty:
        raise NeedsCorrecting({}, message=_("Answer at least one question: nothing was stored."))
    return parsed, dossier


# Abuse control --------------------------------------------------------------------------


def address_key(request: HttpRequest) -> str:
    """The client's address (as the log-in throttle finds it, behind the proxy too) as a
    keyed hash: the cache never holds the address itself."""
    address = client_ip(request) or "-"
    return _mac(address)


def _mac(text: str) -> str:
    return hmac.new(
        settings.SECRET_KEY.encode(), text.encode("utf-8", "replace"), hashlib.sha256
    ).hexdigest()[:40]


def _hour_key(campaign_id: int, address: str, now: float) -> tuple[str, int]:
    return f"sv:h:{campaign_id}:{address}:{int(now // HOUR)}", HOUR - int(now) % HOUR


def throttle_check(*, campaign: Campaign, address: str, now: float | None = None) -> None:
    """Refuse (`Throttled`) an address that sent ten times the hourly limit this hour,
    before anything of its post is read."""
    now = time.time() if now is None else now
    key, left = _hour_key(campaign.pk, address, now)
    if (cache.get(key) or 0) >= REFUSE_FACTOR * campaign.hourly_limit:
        raise Throttled(left)


def _count_response(campaign: Campaign, address: str, now: float) -> int:
    """This address's responses to the campaign this hour, this one included."""
    key, _left = _hour_key(campaign.pk, address, now)
    cache.add(key, 0, timeout=HOUR)
    try:
        return int(cache.incr(key))
    except ValueError:  # expired between the two calls
        cache.set(key, 1, timeout=HOUR)
        return 1


def _seen_before(
    *, campaign: Campaign, unit_id: int, address: str, parsed: Parsed, dossier: str
) -> bool:
    """Whether the same answers came for the same unit from this address within the
    campaign's duplicate window (and note them for the next)."""
    if not campaign.duplicate_minutes:
        return False
    answers = repr((sorted(parsed.numbers), sorted(parsed.texts), dossier))
    key = "sv:d:" + _mac(f"{address}|{campaign.pk}|{unit_id}|{answers}")
    return not cache.add(key, 1, timeout=campaign.duplicate_minutes * 60)


def abuse_flag(
    *,
    campaign: Campaign,
    unit_id: int,
    address: str,
    parsed: Parsed,
    dossier: str,
    honeypot: bool,
    now: float | None = None,
) -> str:
    """The flag a public response gets, or "": the honeypot filled, too many responses
    from the address this hour, or the same answers just before. Every response is
    counted, flagged or not, so that a flood stays flagged."""
    now = time.time() if now is None else now
    count = _count_response(campaign, address, now)
    duplicate = _seen_before(
        campaign=campaign, unit_id=unit_id, address=address, parsed=parsed, dossier=dossier
    )
    if honeypot:
        return Flag.HONEYPOT
    if count > campaign.hourly_limit:
        return Flag.TOO_MANY
    if duplicate:
        return Flag.DUPLICATE
    return ""


# The three ways in ----------------------------------------------------------------------


def public_submit(
    *,
    entry: PublicEntry,
    post: QueryDict,
    address: str,
    day: datetime.date,
    body: bytes | None = None,
) -> Response:
    """A response on a unit's public form: read with bounds, flagged if suspicious,
    stored whole (one row, its answers in one statement). Raises `Throttled`,
    `Unreadable` or `NeedsCorrecting`."""
    assert entry.questionnaire is not None
    throttle_check(campaign=entry.campaign, address=address)
    form = form_of(entry.questionnaire)
    sent = read_post(form, post, body)
    parsed, dossier = parse_sent(form, sent.answers, sent.dossier)
    flag = abuse_flag(
        campaign=entry.campaign,
        unit_id=entry.unit.pk,
        address=address,
        parsed=parsed,
        dossier=dossier,
        honeypot=sent.honeypot,
    )
    return response_store(
        who=Who(entry.campaign, entry.questionnaire, entry.unit, Channel.WEB, day),
        parsed=parsed,
        dossier_code=dossier,
        flag=flag,
    )


class NotInSurvey(Refused):
    """The campaign covers no such unit, or has no form for the public."""


class SurveyClosed(Refused):
    """The campaign is not open today."""


def data_submit(
    *,
    campaign: Campaign,
    unit_code: str,
    answers: Mapping[str, object],
    dossier: str,
    address: str | None,
    day: datetime.date,
    channel: str = Channel.WEB,
) -> Response:
    """A response sent as data rather than through the form (the API: a public client, a
    survey kiosk, the public-service portal) for a unit the campaign covers: answers by
    question code, read strictly. With `address`, throttled and flagged as the public
    form's responses are; without (a trusted system's push), neither."""
    if not campaign.is_open(day):
        raise SurveyClosed(_("The survey is not open."))
    row = (
        CampaignUnit.objects.select_related("unit")
        .filter(campaign=campaign, unit__code=unit_code[:60])
        .first()
    )
    questionnaire = questionnaire_for(campaign, None) if campaign.source == Source.SIPAS else None
    if row is None or questionnaire is None:
        raise NotInSurvey(_("The survey has no public form for this unit."))
    if address is not None:
        throttle_check(campaign=campaign, address=address)
    form = form_of(questionnaire)
    parsed, dossier_code = parse_sent(form, answers, dossier, strict=True)
    flag = (
        abuse_flag(
            campaign=campaign,
            unit_id=row.unit_id,
            address=address,
            parsed=parsed,
            dossier=dossier_code,
            honeypot=False,
        )
        if address is not None
        else ""
    )
    return response_store(
        who=Who(campaign, questionnaire, row.unit, channel, day),
        parsed=parsed,
        dossier_code=dossier_code,
        flag=flag,
    )


def answers_of(form: Form, post: QueryDict, body: bytes | None = None) -> dict[str, Sequence[str]]:
    """A personal link's answers by question code, read with bounds (`Unreadable`)."""
    return dict(read_post(form, post, body).answers)


def collector_submit(
    *,
    campaign: Campaign,
    questionnaire: Questionnaire,
    unit: Unit,
    collector: User,
    post: QueryDict,
    day: datetime.date,
    body: bytes | None = None,
) -> Response:
    """A response a collector records in person, tagged with the collector. No address
    counter (a collector records many in an hour from one place) and no honeypot; a
    dossier already rated is still flagged by `response_store`."""
    form = form_of(questionnaire)
    sent = read_post(form, post, body)
    parsed, dossier = parse_sent(form, sent.answers, sent.dossier)
    return response_store(
        who=Who(campaign, questionnaire, unit, Channel.COLLECTOR, day, collector=collector),
        parsed=parsed,
        dossier_code=dossier,
    )
