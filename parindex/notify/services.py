"""Putting messages in the outbox and sending what is due."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone

from .backends import SendError, backend_for
from .models import Message


@dataclass(frozen=True)
class Notice:
    """One event's message in its two lengths: the e-mail's, and the SMS's."""

    subject: str
    detail: str  # the e-mail's body
    short: str  # the SMS, one line with its link


def absolute_url(path: str) -> str:
    """A link for a message: the address the site is served on, and the path."""
    return settings.SITE_URL.rstrip("/") + path


def notice_enqueue(*, notice: Notice, event: str, contacts: list[tuple[str, str]]) -> int:
    """Queue the notice to each (channel, address), once per event and address; returns
    how many were queued now."""
    queued = 0
    for channel, recipient in contacts:
        queued += bool(
            message_enqueue(
                event_key=f"{event}:{channel}:{recipient}",
                channel=channel,
                recipient=recipient,
                subject=notice.subject,
                body=notice.detail if channel == Message.Channel.EMAIL else notice.short,
            )
        )
    return queued


def message_enqueue(
    *, event_key: str, channel: str, recipient: str, body: str, subject: str = ""
) -> Message | None:
    """Queue a message for an event; None if that event already has its message."""
    if not recipient.strip():
        return None
    try:
        with transaction.atomic():
            message = Message.objects.create(
                event_key=event_key[:200],
                channel=channel,
                recipient=recipient.strip(),
                subject=subject[:200],
                body=body,
                next_attempt_at=timezone.now(),
            )
    except IntegrityError:
        return None  # sent or queued already: nothing twice
    outbox_kick()
    return message


def _send_soon() -> None:
    from .tasks import outbox_send_due

    outbox_send_due.enqueue()


def outbox_kick() -> None:
    """Have a worker send the outbox once the transaction that queued messages commits:
    one task per transaction, however many messages it queued."""
    connection = transaction.get_connection()
    if connection.in_atomic_block and any(
        func is _send_soon for _sids, func, _robust in connection.run_on_commit
    ):
        return
    # Robust: a queue that cannot be reached must not undo what queued the message; the
    # workers' minute-by-minute send picks it up.
    transaction.on_commit(_send_soon, robust=True)


@dataclass
class Sent:
    sent: int = 0
    retried: int = 0
    failed: int = 0


def outbox_send(*, now: datetime.datetime | None = None, limit: int = 200) -> Sent:
    """Send the messages that are due, one transaction each; a failure is retried later,
    each time after twice as long, until NOTIFY_MAX_ATTEMPTS."""
    now = now or timezone.now()
    counts = Sent()
    due = list(
        Message.objects.due(now)
        .order_by("next_attempt_at", "pk")
        .values_list("pk", flat=True)[:limit]
    )
    for pk in due:
        with transaction.atomic():
            message = (
                Message.objects.select_for_update(skip_locked=True)
                .filter(pk=pk, status=Message.Status.PENDING)
                .first()
            )
            if message is None:
                continue  # another sender has it
            message.attempts += 1
            try:
                backend_for(message.channel).send(
                    recipient=message.recipient, subject=message.subject, body=message.body
                )
            except SendError as error:
                message.last_error = str(error)[:2000]
                if message.attempts >= settings.NOTIFY_MAX_ATTEMPTS:
                    message.status = Message.Status.FAILED
                    counts.failed += 1
                else:
                    delay = datetime.timedelta(minutes=2 ** (message.attempts - 1))
                    message.next_attempt_at = now + delay
                    counts.retried += 1
            else:
                message.status = Message.Status.SENT
                message.sent_at = timezone.now()
                message.last_error = ""
                counts.sent += 1
            message.save()
    return counts
