"""The outbox: one message per event, retried with growing delays, sent through the
configured backend (a real HTTP server stands in for the SMS gateway)."""

from __future__ import annotations

import datetime
import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, HTTPServer
from typing import Any

import pytest
from django.core import mail
from django.utils import timezone

from parindex.notify.backends import SendError
from parindex.notify.models import Message
from parindex.notify.services import message_enqueue, outbox_send

pytestmark = pytest.mark.django_db


def test_an_event_gets_one_message_however_often_it_is_announced() -> None:
    first = message_enqueue(
        event_key="ket-qua:2024:1:so-tu-phap:sms", channel="sms", recipient="0912345678", body="x"
    )
    again = message_enqueue(
        event_key="ket-qua:2024:1:so-tu-phap:sms", channel="sms", recipient="0912345678", body="x"
    )
    assert first is not None and again is None
    assert message_enqueue(event_key="no-one", channel="sms", recipient=" ", body="x") is None
    assert outbox_send().sent == 1
    assert outbox_send().sent == 0  # nothing twice
    assert Message.objects.get().status == "sent"


class Flaky:
    calls = 0

    def send(self, *, recipient: str, subject: str, body: str) -> None:
        Flaky.calls += 1
        if Flaky.calls < 3:
            raise SendError("gateway busy")


def test_a_failure_is_retried_later_each_time_after_longer(settings: Any) -> None:
    settings.NOTIFY_BACKENDS = {"sms": f"{__name__}.Flaky", "email": f"{__name__}.Flaky"}
    Flaky.calls = 0
    message_enqueue(event_key="e1", channel="sms", recipient="0912345678", body="x")
    now = timezone.now()
    assert outbox_send(now=now).retried == 1
    message = Message.objects.get()
    assert message.next_attempt_at == now + datetime.timedelta(minutes=1)
    assert outbox_send(now=now).sent == 0  # not due yet
    later = now + datetime.timedelta(minutes=1)
    assert outbox_send(now=later).retried == 1
    message.refresh_from_db()
    assert message.next_attempt_at == later + datetime.timedelta(minutes=2)
    assert outbox_send(now=later + datetime.timedelta(minutes=2)).sent == 1
    message.refresh_from_db()
    assert (message.status, message.attempts, message.last_error) == ("sent", 3, "")


def test_after_the_last_attempt_it_is_failed_and_says_why(settings: Any) -> None:
    settings.NOTIFY_BACKENDS = {"sms": f"{__name__}.Flaky", "email": f"{__name__}.Flaky"}
    settings.NOTIFY_MAX_ATTEMPTS = 2
    Flaky.calls = -10
    message_enqueue(event_key="e2", channel="sms", recipient="0912345678", body="x")
    now = timezone.now()
    outbox_send(now=now)
    counts = outbox_send(now=now + datetime.timedelta(hours=1))
    message = Message.objects.get()
    assert counts.failed == 1 and message.status == "failed" and "busy" in message.last_error


def test_e_mail_through_django_mail(settings: Any) -> None:
    settings.NOTIFY_BACKENDS = {
        "email": "parindex.notify.backends.SmtpEmailBackend",
        "sms": "parindex.notify.backends.ConsoleBackend",
    }
    message_enqueue(
        event_key="e3",
        channel="email",
        recipient="so-tu-phap@demo.parindex.invalid",
        subject="Kết quả thẩm định lần 1",
        body="Chỉ số tạm tính: 80,12%",
    )
    assert outbox_send().sent == 1
    assert mail.outbox[0].subject == "Kết quả thẩm định lần 1"
    assert mail.outbox[0].to == ["so-tu-phap@demo.parindex.invalid"]


class Gateway(BaseHTTPRequestHandler):
    received: list[tuple[str, dict[str, Any]]] = []
    answer = 200

    def do_POST(self) -> None:
        length = int(self.headers["Content-Length"])
        Gateway.received.append(
            (self.headers["Authorization"], json.loads(self.rfile.read(length)))
        )
        self.send_response(Gateway.answer)
        self.end_headers()

    def log_message(self, *args: Any) -> None:
        pass


@pytest.fixture
def gateway(settings: Any) -> Iterator[list[tuple[str, dict[str, Any]]]]:
    server = HTTPServer(("127.0.0.1", 0), Gateway)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    settings.NOTIFY_BACKENDS = {
        "email": "parindex.notify.backends.ConsoleBackend",
        "sms": "parindex.notify.backends.HttpSmsBackend",
    }
    settings.SMS_GATEWAY_URL = f"http://127.0.0.1:{server.server_port}/send"
    settings.SMS_GATEWAY_TOKEN = "token-of-the-province"
    Gateway.received, Gateway.answer = [], 200
    yield Gateway.received
    server.shutdown()


def test_sms_through_an_http_gateway(gateway: list[tuple[str, dict[str, Any]]]) -> None:
    message_enqueue(
        event_key="e4", channel="sms", recipient="0912345678", body="Chỉ số tạm tính 80,12%"
    )
    Gateway.answer = 503
    assert outbox_send().retried == 1
    Gateway.answer = 200
    assert outbox_send(now=timezone.now() + datetime.timedelta(minutes=5)).sent == 1
    authorization, payload = gateway[-1]
    assert authorization == "Bearer token-of-the-province"
    assert payload == {"to": "0912345678", "message": "Chỉ số tạm tính 80,12%"}
    assert len(gateway) == 2
