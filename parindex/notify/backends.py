"""Where messages go: the console by default, SMTP for e-mail, an HTTP gateway for SMS.

A backend sends one message or raises `SendError`; the outbox retries later. Which
backend serves a channel is configuration (settings.NOTIFY_BACKENDS), never code.
"""

from __future__ import annotations

import json
import logging
import urllib.error
import urllib.request
from typing import Protocol

from django.conf import settings
from django.core.mail import EmailMessage
from django.utils.module_loading import import_string
from django.utils.translation import gettext_lazy as _

logger = logging.getLogger("parindex.notify")


class SendError(Exception):
    """The message could not be delivered this time."""


class Backend(Protocol):
    def send(self, *, recipient: str, subject: str, body: str) -> None: ...


class ConsoleBackend:
    """Writes the message to the log (settings.LOGGING prints it on the server's
    console), one block per message: the demo's and the tests' backend."""

    label = _("the server's console (written there: nothing leaves the machine)")

    def send(self, *, recipient: str, subject: str, body: str) -> None:
        logger.info("%s", console_block(recipient=recipient, subject=subject, body=body))


RULE = "─" * 72


def console_block(*, recipient: str, subject: str, body: str) -> str:
    """A message as the console shows it: who it is for, its subject, its text."""
    lines = [
        f"── Message (console backend: written here, nothing leaves the machine) {RULE}"[
            : len(RULE)
        ],
        f"To:      {recipient}",
    ]
    if subject:
        lines.append(f"Subject: {subject}")
    lines += ["", body.rstrip(), RULE]
    return "\n".join(lines)


class SmtpEmailBackend:
    """E-mail through Django's mail settings (EMAIL_HOST, EMAIL_PORT, EMAIL_HOST_USER…)."""

    label = _("the SMTP server (EMAIL_HOST)")

    def send(self, *, recipient: str, subject: str, body: str) -> None:
        try:
            EmailMessage(subject, body, to=[recipient]).send(fail_silently=False)
        except Exception as error:
            raise SendError(str(error)) from error


class HttpSmsBackend:
    """SMS through a provider's HTTP gateway: POST {"to", "message"} as JSON to
    SMS_GATEWAY_URL, with SMS_GATEWAY_TOKEN as a bearer token. A 2xx answer is a send."""

    label = _("the HTTP SMS gateway (SMS_GATEWAY_URL)")

    def send(self, *, recipient: str, subject: str, body: str) -> None:
        url = settings.SMS_GATEWAY_URL
        if not url:
            raise SendError("SMS_GATEWAY_URL is not set")
        request = urllib.request.Request(  # noqa: S310 - the URL is the administrator's setting
            url,
            data=json.dumps({"to": recipient, "message": body}, ensure_ascii=False).encode(),
            headers={
                "Content-Type": "application/json; charset=utf-8",
                "Authorization": f"Bearer {settings.SMS_GATEWAY_TOKEN}",
            },
            method="POST",
        )
        try:
            with urllib.request.urlopen(request, timeout=settings.SMS_GATEWAY_TIMEOUT) as answer:  # noqa: S310
                if not 200 <= answer.status < 300:
                    raise SendError(f"gateway answered {answer.status}")
        except (urllib.error.URLError, OSError) as error:
            raise SendError(str(error)) from error


def backend_for(channel: str) -> Backend:
    backend: Backend = import_string(settings.NOTIFY_BACKENDS[channel])()
    return backend


def backend_label(channel: str) -> str:
    """Where the channel's messages go, for the administrator."""
    path = settings.NOTIFY_BACKENDS[channel]
    return str(getattr(import_string(path), "label", path))
