"""Running a campaign: setting it up (questionnaires, units, partners, the target sample),
opening it, assigning collectors, inviting and reminding the staff, deciding on flagged
responses. Each action is one transaction; what it refuses is said in words (`Refused`).

A staff member's personal link is never kept: only its hash is. The plain token exists
once, inside the message that carries it; a reminder issues a new token (the earlier
link stops answering), so that nothing stored lets anyone answer in someone's name.
"""

from __future__ import annotations

import datetime
import re
import secrets
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal

from django.db import IntegrityError, transaction
from django.db.models import Count, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from parindex.jobs.tasks import progress, task
from parindex.notify.models import Message
from parindex.notify.services import message_enqueue
from parindex.org.errors import Refused
from parindex.org.models import Partner, Role, Unit, User

from . import notices
from .models import (
    MAX_TRANSACTIONS,
    Answer,
    Campaign,
    CampaignUnit,
    CollectorAssignment,
    Questionnaire,
    Respondent,
    Response,
    Source,
)
from .questionnaires import questionnaire_freeze
from .responses import new_token
from .selectors import indicators_lacking

# A campaign covers at most this many units: a province's communes and agencies, with
# room; the page and the database statements stay bounded by it.
MAX_UNITS = 5000
# The public link's code: unambiguous on a poster (no 0/O, no 1/I), 32 signs, so that
# seven of them give 34 billion codes: guessing one is hopeless, typing one is easy.
LINK_ALPHABET = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"
LINK_LENGTH = 7
# Words the campaigns' addresses use after /surveys/: never a campaign's code.
RESERVED_CODES = frozenset(
    {"new", "progress", "collect", "questionnaires", "questionnaire", "partners", "import"}
)
NAMES_SHOWN = 10  # units named in a refusal, then "and N more"
MAX_REASON = 1000
# More messages than this are queued by a job, whose page shows the progress.
SEND_IN_REQUEST = 500
Progress = Callable[[str, int, int], None]


def link_code() -> str:
    return "".join(secrets.choice(LINK_ALPHABET) for _ in range(LINK_LENGTH))


def _link_codes(count: int) -> list[str]:
    """`count` codes no campaign unit has yet (the unique constraint guards the rest)."""
    codes: set[str] = set()
    while len(codes) < count:
        fresh = {link_code() for _ in range(count - len(codes))} - codes
        taken: set[str] = set()
        batch = sorted(fresh)
        for start in range(0, len(batch), 500):
            taken.update(
                CampaignUnit.objects.filter(link_code__in=batch[start : start + 500]).values_list(
                    "link_code", flat=True
                )
            )
        codes |= fresh - taken
    return list(codes)


def _names(names: Sequence[str], total: int | None = None) -> str:
    """The first names of a list, and how many more there are."""
    total = len(names) if total is None else total
    shown = ", ".join(names[:NAMES_SHOWN])
    if total > NAMES_SHOWN:
        shown += " " + _("and %(count)s more") % {"count": total - NAMES_SHOWN}
    return shown


# Setting up ---------------------------------------------------------------------------


@dataclass
class CampaignData:
    """What the administrator sets on a campaign's form."""

    code: str
    title: str
    year: int
    source: str
    method: str
    questionnaires: list[Questionnaire]
    units: list[Unit]
    partners: list[Partner] = field(default_factory=list)
    sample: str = Campaign.Sample.FORMULA
    margin: Decimal = Decimal("0.05")
    fixed_sample: int | None = None
    opens_on: datetime.date = datetime.date.min
    closes_on: datetime.date = datetime.date.min
    min_group_count: int = 5
    duplicate_minutes: int = 30
    hourly_limit: int = 20


def has_responses(campaign: Campaign) -> bool:
    return campaign.pk is not None and Response.objects.filter(campaign=campaign).exists()


def _check(data: CampaignData, campaign: Campaign | None) -> None:
    """Refuse what the campaign may not be, naming what is wrong."""
    if data.code in RESERVED_CODES:
        raise Refused(
            _("“%(code)s” is a word of the surveys' addresses: choose another code.")
            % {"code": data.code}
        )
    if data.closes_on < data.opens_on:
        raise Refused(_("The campaign closes before it opens."))
    if data.sample == Campaign.Sample.FIXED and not data.fixed_sample:
        raise Refused(_("Give the number of respondents per unit."))
    if not data.units:
        raise Refused(_("Choose the units the campaign covers."))
    if len(data.units) > MAX_UNITS:
        raise Refused(_("A campaign covers at most %(count)s units.") % {"count": MAX_UNITS})
    wrong = [q.title for q in data.questionnaires if q.year != data.year or q.source != data.source]
    if wrong:
        raise Refused(
            _("These questionnaires are not of this survey and year: %(names)s")
            % {"names": _names(wrong)}
        )
    if data.source == Source.SIPAS:
        if len(data.questionnaires) != 1:
            raise Refused(_("A SIPAS campaign has exactly one questionnaire."))
    else:
        if not data.questionnaires:
            raise Refused(_("Choose the staff questionnaires, one for each respondent group."))
        groups = [q.respondent_group_id for q in data.questionnaires]
        if None in groups:
            raise Refused(_("Each staff questionnaire names the respondent group it is for."))
        if len(set(groups)) != len(groups):
            raise Refused(_("Two questionnaires are for the same respondent group: keep one."))
    others = (
        CampaignUnit.objects.filter(
            campaign__source=data.source, campaign__year=data.year, unit__in=data.units
        )
        .select_related("campaign", "unit")
        .order_by("unit__name")
    )
    if campaign is not None:
        others = others.exclude(campaign=campaign)
    taken = list(others[:NAMES_SHOWN])
    if taken:
        raise Refused(
            _(
                "Another campaign of this survey and year (%(campaign)s) already covers: "
                "%(units)s. A unit is surveyed once a year by each survey."
            )
            % {
                "campaign": taken[0].campaign.title,
                "units": _names([cu.unit.name for cu in taken], others.count()),
            }
        )
    if campaign is not None and has_responses(campaign):
        frozen = (
            data.year != campaign.year
            or data.source != campaign.source
            or {q.pk for q in data.questionnaires}
            != set(campaign.questionnaires.values_list("pk", flat=True))
        )
        if frozen:
            raise Refused(
                _(
                    "The campaign has responses: its survey, year and questionnaires stay "
                    "as they are."
                )
            )
        kept = {u.pk for u in data.units}
        answered = (
            Unit.objects.filter(
                Q(pk__in=Response.objects.filter(campaign=campaign).values("unit_id"))
                | Q(pk__in=Respondent.objects.filter(campaign=campaign).values("unit_id"))
            )
            .exclude(pk__in=kept)
            .order_by("name")
        )
        names = list(answered.values_list("name", flat=True)[:NAMES_SHOWN])
        if names:
            raise Refused(
                _("These units have responses or respondents and stay in the campaign: %(units)s")
                % {"units": _names(names, answered.count())}
            )


@transaction.atomic
def campaign_save(
    *, campaign: Campaign | None, data: CampaignData, by: User, today: datetime.date
) -> Campaign:
    """Create the campaign, or change it: its settings, questionnaires, partners and
    units (a new unit gets its public link's code). Refuses a unit another campaign of
    the same survey and year covers, and, once responses came in, another survey, year
    or questionnaire, or the removal of a unit that has responses. Saved on or after its
    opening day, the campaign freezes its questionnaires."""
    _check(data, campaign)
    if campaign is None:
        campaign = Campaign(created_by=by)
    for name in (
        "code",
        "title",
        "year",
        "source",
        "method",
        "sample",
        "margin",
        "fixed_sample",
        "opens_on",
        "closes_on",
        "min_group_count",
        "duplicate_minutes",
        "hourly_limit",
    ):
        setattr(campaign, name, getattr(data, name))
    if campaign.sample == Campaign.Sample.FORMULA:
        campaign.fixed_sample = None
    try:
        with transaction.atomic():
            campaign.save()
    except IntegrityError:
        raise Refused(
            _("Another campaign has the code “%(code)s”.") % {"code": data.code}
        ) from None
    campaign.questionnaires.set(data.questionnaires)
    campaign.partners.set(data.partners)
    _units_set(campaign, [u.pk for u in data.units])
    if campaign.opens_on <= today:
        _freeze(campaign)
    return campaign


def _units_set(campaign: Campaign, wanted: Iterable[int]) -> None:
    wanted = set(wanted)
    present = set(CampaignUnit.objects.filter(campaign=campaign).values_list("unit_id", flat=True))
    removed = present - wanted
    if removed:
        CampaignUnit.objects.filter(campaign=campaign, unit_id__in=removed).delete()
        CollectorAssignment.objects.filter(campaign=campaign, unit_id__in=removed).delete()
    added = sorted(wanted - present)
    for attempt in range(3):
        try:
            with transaction.atomic():
                CampaignUnit.objects.bulk_create(
                    [
                        CampaignUnit(campaign=campaign, unit_id=unit_id, link_code=code)
                        for unit_id, code in zip(added, _link_codes(len(added)), strict=True)
                    ],
                    batch_size=500,
                )
            return
        except IntegrityError:
            # Another campaign took one of the codes between the check and the insert.
            if attempt == 2:
                raise


def _freeze(campaign: Campaign) -> None:
    for questionnaire in campaign.questionnaires.filter(frozen_at__isnull=True):
        questionnaire_freeze(questionnaire=questionnaire)


@transaction.atomic
def campaign_open(*, campaign: Campaign, by: User, today: datetime.date) -> Campaign:
    """Open the campaign today (or confirm it is open): responses are taken from now on,
    and its questionnaires never change again."""
    campaign = Campaign.objects.select_for_update().get(pk=campaign.pk)
    if campaign.closes_on < today:
        raise Refused(_("The campaign closed on its last day: it cannot open again."))
    if not campaign.questionnaires.exists():
        raise Refused(_("The campaign has no questionnaire yet."))
    if campaign.opens_on > today:
        campaign.opens_on = today
        campaign.save(update_fields=["opens_on"])
    _freeze(campaign)
    return campaign


def opening_problems(campaign: Campaign) -> list[str]:
    """What is not ready yet before a campaign opens, in words (nothing refuses it)."""
    problems = []
    if campaign.sample == Campaign.Sample.FORMULA:
        unknown = CampaignUnit.objects.filter(campaign=campaign, transactions__isnull=True).count()
        if unknown:
            problems.append(
                _("%(count)s units have no transactions yet: their target sample is unknown.")
                % {"count": unknown}
            )
    if (
        campaign.source == Source.STAFF
        and not Respondent.objects.filter(campaign=campaign).exists()
    ):
        problems.append(_("No respondent list is imported yet."))
    for leaf in indicators_lacking(year=campaign.year, source=campaign.source):
        problems.append(
            _(
                "Criterion %(code)s of “%(framework)s” reads the indicator “%(indicator)s”, "
                "which no questionnaire of %(year)s has: its points will wait."
            )
            % {
                "code": leaf.code,
                "framework": leaf.framework_title,
                "indicator": leaf.indicator,
                "year": campaign.year,
            }
        )
    return problems


@transaction.atomic
def campaign_transactions_set(*, campaign: Campaign, values: Mapping[int, int | None]) -> int:
    """Each unit's transactions of the period (N of the sample size), by unit pk; None
    empties it. Returns how many changed."""
    entries = list(
        CampaignUnit.objects.select_for_update().filter(campaign=campaign, unit_id__in=list(values))
    )
    changed = []
    for entry in entries:
        value = values[entry.unit_id]
        if value is not None and not 0 <= value <= MAX_TRANSACTIONS:
            raise Refused(
                _("Transactions are a whole number from 0 to %(max)s.") % {"max": MAX_TRANSACTIONS}
            )
        if entry.transactions != value:
            entry.transactions = value
            changed.append(entry)
    CampaignUnit.objects.bulk_update(changed, ["transactions"], batch_size=500)
    return len(changed)


# Collectors ----------------------------------------------------------------------------


def collectors_of(campaign: Campaign) -> list[User]:
    """The active collectors of the campaign's partners."""
    return list(
        User.objects.filter(
            role=Role.COLLECTOR, is_active=True, partner__in=campaign.partners.all()
        )
        .select_related("partner")
        .order_by("partner__name", "display_name", "username")
    )


@transaction.atomic
def collector_units_set(*, campaign: Campaign, collector: User, units: Sequence[Unit]) -> int:
    """The units the collector records responses for in this campaign, in place of the
    earlier ones. Returns how many units are assigned."""
    if not (
        collector.is_active
        and collector.role == Role.COLLECTOR
        and collector.partner_id is not None
        and campaign.partners.filter(pk=collector.partner_id).exists()
    ):
        raise Refused(_("Only a collector of one of the campaign's partners can be assigned."))
    covered = set(CampaignUnit.objects.filter(campaign=campaign).values_list("unit_id", flat=True))
    wanted = {u.pk for u in units}
    if wanted - covered:
        raise Refused(_("A collector is assigned only units the campaign covers."))
    CollectorAssignment.objects.filter(campaign=campaign, collector=collector).exclude(
        unit_id__in=wanted
    ).delete()
    present = set(
        CollectorAssignment.objects.filter(campaign=campaign, collector=collector).values_list(
            "unit_id", flat=True
        )
    )
    CollectorAssignment.objects.bulk_create(
        [
            CollectorAssignment(campaign=campaign, collector=collector, unit_id=unit_id)
            for unit_id in sorted(wanted - present)
        ],
        batch_size=500,
    )
    return len(wanted)


# Invitations and reminders -----------------------------------------------------------


@dataclass(frozen=True)
class Mailing:
    """Who a sending reaches: respondents by e-mail, by SMS (no e-mail), none (neither),
    across how many units, by group."""

    email: int
    sms: int
    unreachable: int
    units: int
    groups: list[tuple[str, int]]

    @property
    def messages(self) -> int:
        return self.email + self.sms


def _invitations_due(campaign: Campaign) -> Q:
    return Q(campaign=campaign, invited_at__isnull=True)


def _reminders_due(campaign: Campaign, today: datetime.date) -> Q:
    start = timezone.make_aware(datetime.datetime.combine(today, datetime.time.min))
    return Q(campaign=campaign, invited_at__isnull=False, used=False) & (
        Q(reminded_at__isnull=True) | Q(reminded_at__lt=start)
    )


def _mailing(due: Q) -> Mailing:
    people = Respondent.objects.filter(due)
    counts = people.aggregate(
        by_email=Count("pk", filter=~Q(email="")),
        by_sms=Count("pk", filter=Q(email="") & ~Q(mobile="")),
        nobody=Count("pk", filter=Q(email="", mobile="")),
        unit_count=Count("unit", distinct=True, filter=~Q(email="", mobile="")),
    )
    groups = list(
        people.exclude(email="", mobile="")
        .values_list("group__name")
        .annotate(n=Count("pk"))
        .order_by("group__position", "group__name")
    )
    return Mailing(
        counts["by_email"], counts["by_sms"], counts["nobody"], counts["unit_count"], groups
    )


def invitations_preview(campaign: Campaign) -> Mailing:
    """The respondents not invited yet."""
    return _mailing(_invitations_due(campaign))


def reminders_preview(campaign: Campaign, today: datetime.date) -> Mailing:
    """The invited who have not answered, and were not reminded today."""
    return _mailing(_reminders_due(campaign, today))


def _may_send(campaign: Campaign, today: datetime.date) -> None:
    if campaign.closes_on < today:
        raise Refused(_("The campaign is closed: nothing is sent."))
    if campaign.source != Source.STAFF:
        raise Refused(_("Only a staff survey sends personal links."))


def _send(
    campaign: Campaign,
    due: Q,
    *,
    reminder: bool,
    now: datetime.datetime,
    today: datetime.date,
    on_progress: Progress | None,
) -> int:
    """A new personal link for each respondent due, in a message each: the hash is
    stored, the token only written into the message."""
    people = list(
        Respondent.objects.select_for_update()
        .filter(due)
        .exclude(email="", mobile="")
        .select_related("unit", "group")
        .order_by("pk")
    )
    sent = 0
    step = _("Queueing the reminders") if reminder else _("Queueing the invitations")
    for done, person in enumerate(people):
        if on_progress is not None and done % 200 == 0:
            on_progress(step, done, len(people))
        token, person.token_hash = new_token()
        notice = notices.invitation(campaign, person, token, reminder=reminder)
        channel = Message.Channel.EMAIL if person.email else Message.Channel.SMS
        kind = f"remind:{today.isoformat()}" if reminder else "invite"
        queued = message_enqueue(
            event_key=f"survey:{campaign.pk}:{kind}:{person.pk}",
            channel=channel,
            recipient=person.email or person.mobile,
            subject=notice.subject,
            body=notice.detail if channel == Message.Channel.EMAIL else notice.short,
        )
        sent += queued is not None
        if reminder:
            person.reminded_at = now
        else:
            person.invited_at = now
    Respondent.objects.bulk_update(
        people, ["token_hash", "reminded_at" if reminder else "invited_at"], batch_size=500
    )
    return sent


@transaction.atomic
def invitations_send(
    *, campaign: Campaign, today: datetime.date, on_progress: Progress | None = None
) -> int:
    """Send each respondent not invited yet their personal link, by e-mail (by SMS when
    they have no e-mail). Returns how many messages were queued."""
    _may_send(campaign, today)
    return _send(
        campaign,
        _invitations_due(campaign),
        reminder=False,
        now=timezone.now(),
        today=today,
        on_progress=on_progress,
    )


@transaction.atomic
def reminders_send(
    *, campaign: Campaign, today: datetime.date, on_progress: Progress | None = None
) -> int:
    """Remind those invited who have not answered, at most once a day each: a new link,
    in place of the one sent before."""
    _may_send(campaign, today)
    if campaign.opens_on > today:
        raise Refused(_("The campaign is not open yet: there is nobody to remind."))
    return _send(
        campaign,
        _reminders_due(campaign, today),
        reminder=True,
        now=timezone.now(),
        today=today,
        on_progress=on_progress,
    )


@task()
def messages_send_job(*, campaign_id: int, reminder: bool, today: str) -> str:
    """Many invitations or reminders, queued as a job with its progress. Run again, it
    queues only those still due: nobody gets two."""

    def on_progress(step: str, done: int, total: int) -> None:
        progress(step=step, done=done, total=total)

    campaign = Campaign.objects.get(pk=campaign_id)
    day = datetime.date.fromisoformat(today)
    send = reminders_send if reminder else invitations_send
    sent = send(campaign=campaign, today=day, on_progress=on_progress)
    return _("%(count)s messages queued in the outbox.") % {"count": sent}


@transaction.atomic
def respondents_remove_uninvited(*, campaign: Campaign) -> int:
    """Remove the respondents not invited yet (a list imported by mistake); an invited
    one stays: their link is out."""
    removed, _detail = Respondent.objects.filter(_invitations_due(campaign)).delete()
    return removed


# Flags ---------------------------------------------------------------------------------


_SPACES = re.compile(r"\s+")


@transaction.atomic
def flags_decide(
    *,
    campaign: Campaign,
    chosen: Q,
    accept: bool,
    reason: str,
    by: User,
    today: datetime.date,
) -> int:
    """Decide the flagged responses `chosen` (a condition on the campaign's responses)
    that are still undecided: counted or not, with the reason, by whom, on which day.
    Their answers follow in one statement. Returns how many were decided."""
    reason = _SPACES.sub(" ", reason).strip()[:MAX_REASON]
    if not reason:
        raise Refused(_("Give the reason of the decision."))
    waiting = Response.objects.flagged().filter(chosen, campaign=campaign)
    # The answers first: once decided, the responses no longer match `waiting`.
    Answer.objects.filter(response__in=waiting.values("pk")).update(counted=accept)
    return waiting.update(
        decision=Response.Decision.ACCEPTED if accept else Response.Decision.REJECTED,
        decision_reason=reason,
        decided_by=by,
        decided_on=today,
        counted=accept,
    )
