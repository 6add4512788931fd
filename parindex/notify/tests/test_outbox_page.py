"""The administrator reads the outbox in the app: each message's state, attempts, next
attempt and last error, by state and channel; and sends what is due."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone

from parindex.conftest import Cast
from parindex.notify.models import Message
from parindex.notify.services import message_enqueue

OUTBOX = reverse("manage:outbox")


def queue(count: int, channel: str = "email", **fields: Any) -> list[Message]:
    made = []
    for n in range(count):
        message = message_enqueue(
            event_key=f"{channel}:{n}:{fields.get('tag', '')}",
            channel=channel,
            recipient=f"don-vi-{n}@x.invalid" if channel == "email" else f"09123456{n:02d}",
            subject=fields.get("subject", "Kết quả thẩm định lần 1"),
            body="Chỉ số tạm tính: 80,12%",
        )
        assert message is not None
        made.append(message)
    return made


def test_each_message_shows_its_state_attempts_next_attempt_and_last_error(
    cast: Cast,
) -> None:
    sent, failed, retried = queue(3, channel="sms")
    Message.objects.filter(pk=sent.pk).update(status="sent", attempts=1, sent_at=timezone.now())
    Message.objects.filter(pk=failed.pk).update(
        status="failed", attempts=6, last_error="gateway answered 503"
    )
    later = timezone.now() + datetime.timedelta(minutes=4)
    Message.objects.filter(pk=retried.pk).update(
        attempts=2, next_attempt_at=later, last_error="timed out"
    )
    page = cast.client(cast.admin).get(OUTBOX).content.decode()
    assert "Đã gửi" in page and "Không gửi được" in page and "Chờ gửi" in page
    assert "gateway answered 503" in page and "timed out" in page
    assert timezone.localtime(later).strftime("%H:%M %d/%m/%Y") in page
    assert ">6</td>" in page and ">2</td>" in page
    assert "Chỉ số tạm tính: 80,12%" in page  # the text itself, under its subject
    assert "màn hình dòng lệnh của máy chủ" in page  # where the console's messages go


def test_the_outbox_is_filtered_by_state_and_channel(cast: Cast) -> None:
    queue(2, channel="email")
    failed = queue(3, channel="sms")[0]
    Message.objects.filter(pk=failed.pk).update(status="failed")
    client = cast.client(cast.admin)

    def count(**query: str) -> int:
        response = client.get(OUTBOX, query)
        assert response.status_code == 200
        return int(response.context["page"].paginator.count)

    assert count() == 5
    assert count(channel="sms") == 3
    assert count(state="failed") == 1
    assert count(state="pending", channel="sms") == 2
    assert count(q="don-vi-1@") == 1


@pytest.mark.parametrize(
    "query",
    [{"state": "zzz"}, {"channel": "fax"}, {"page": "0"}, {"page": "9" * 5000}, {"q": "x" * 500}],
)
def test_a_hostile_filter_gets_a_vietnamese_400(cast: Cast, query: dict[str, str]) -> None:
    queue(2)
    response = cast.client(cast.admin).get(OUTBOX, query)
    assert response.status_code == 400
    assert 'class="field-error"' in response.content.decode()
    assert response.context["page"].paginator.count == 0


def test_the_outbox_is_paged_and_its_queries_do_not_grow(
    cast: Cast, django_assert_num_queries: Any
) -> None:
    client = cast.client(cast.admin)
    queue(3)
    client.get(OUTBOX)  # warm the session
    # session, user, count, the page, the counts by state
    with django_assert_num_queries(5):
        client.get(OUTBOX)
    queue(70, channel="sms")
    with django_assert_num_queries(5):
        response = client.get(OUTBOX, {"channel": "sms", "page": "2"})
    page = response.content.decode()
    assert "Trang 2/2 (51–70 trong tổng số 70)" in page
    assert page.count('<tr id="m-') == 20
    assert "channel=sms&amp;page=1" in page


def test_send_now_shows_what_it_will_send_then_sends_and_says_how_many(cast: Cast) -> None:
    queue(3)
    client = cast.client(cast.admin)
    first = client.post(f"{OUTBOX}?state=pending")
    page = first.content.decode()
    assert first.status_code == 200 and "3 tin nhắn đã đến hạn và sẽ được gửi ngay" in page
    assert "Thư điện tử: 3 tin, gửi qua màn hình dòng lệnh của máy chủ" in page
    assert "don-vi-2@x.invalid" in page and 'name="confirmed" value="on"' in page
    assert set(Message.objects.values_list("status", flat=True)) == {"pending"}
    response = client.post(f"{OUTBOX}?state=pending", {"confirmed": "on"}, follow=True)
    assert response.redirect_chain == [(f"{OUTBOX}?state=pending", 302)]
    assert "Đã gửi 3 tin, 0 tin sẽ gửi lại, 0 tin không gửi được." in response.content.decode()
    assert set(Message.objects.values_list("status", flat=True)) == {"sent"}


@pytest.mark.parametrize("who", ["scorer_a", "head_a", "appraiser", "chair", "viewer"])
def test_only_the_administrator_reads_the_outbox_or_sends_it(cast: Cast, who: str) -> None:
    queue(2)
    client = cast.client(getattr(cast, who))
    assert client.get(OUTBOX).status_code == 403
    assert client.post(OUTBOX).status_code == 403
    assert client.post(OUTBOX, {"confirmed": "on"}).status_code == 403
    assert set(Message.objects.values_list("status", flat=True)) == {"pending"}
