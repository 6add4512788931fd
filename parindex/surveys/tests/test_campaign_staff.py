"""The staff survey: respondent lists imported whole or not at all; invitations and
reminders asked first, sent through the outbox with a personal link whose token only the
message holds; a reminder's new link replaces the old one; the response rate live."""

from __future__ import annotations

import datetime
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from parindex.conftest import Cast
from parindex.notify.models import Message
from parindex.org.errors import Refused

from ..campaigns import invitations_send, reminders_send
from ..imports import ImportRejected, respondents_import
from ..models import Respondent, Response
from ..notices import personal_link
from ..responses import LinkUnknown, response_submit_by_link, token_hash
from .campaign_fixtures import TODAY, StaffSurvey, staff_survey

pytestmark = pytest.mark.django_db

HEADER = "unit,group,name,email,mobile\n"
LIST = (
    HEADER
    + "so-tu-phap,lanh-dao,Nguyễn Văn An,an@stp.gov.vn,\n"
    + "Sở Tư pháp,Công chức,Trần Thị Bình,binh@stp.gov.vn,0912 345 678\n"
    + "so-tu-phap,cong-chuc,Lê Văn Cường,,0987.654.321\n"
    + "so-y-te,cong-chuc,Phạm Thị Dung,,\n"
)


@pytest.fixture
def survey(cast: Cast) -> StaffSurvey:
    return staff_survey([cast.unit_a, cast.unit_b])


def upload(cast: Cast, survey: StaffSurvey, text: str) -> object:
    return cast.client(cast.admin).post(
        reverse("surveys:respondents_import", args=[survey.campaign.code]),
        {"file": SimpleUploadedFile("ds.csv", text.encode())},
    )


def test_a_respondent_list_is_checked_shown_then_added_once_confirmed(
    cast: Cast, survey: StaffSurvey
) -> None:
    client = cast.client(cast.admin)
    page = client.get(reverse("surveys:respondents", args=[survey.campaign.code]))
    assert page.status_code == 200 and "lanh-dao" in page.content.decode()
    asked = upload(cast, survey, LIST)
    assert asked.status_code == 200  # the confirmation: nothing is added yet
    text = asked.content.decode()
    assert "4" in text and "Lãnh đạo phòng: 1" in text and "Công chức: 3" in text
    assert not Respondent.objects.exists()
    kept = re.search(r'name="kept" value="([^"]+)"', text)
    assert kept is not None
    done = client.post(
        reverse("surveys:respondents_import", args=[survey.campaign.code]),
        {"kept": kept.group(1), "confirmed": "on"},
    )
    assert done.status_code == 302
    people = {r.name: r for r in Respondent.objects.select_related("group")}
    assert set(people) == {"Nguyễn Văn An", "Trần Thị Bình", "Lê Văn Cường", "Phạm Thị Dung"}
    assert people["Trần Thị Bình"].mobile == "0912345678"
    assert people["Trần Thị Bình"].group == survey.staff
    assert all(not r.invited_at for r in people.values())
    # The confirmation is used once: its file is gone.
    again = client.post(
        reverse("surveys:respondents_import", args=[survey.campaign.code]),
        {"kept": kept.group(1), "confirmed": "on"},
    )
    assert again.status_code == 302 and Respondent.objects.count() == 4


def test_a_list_with_bad_rows_adds_nobody_and_lists_them(cast: Cast, survey: StaffSurvey) -> None:
    bad = (
        HEADER
        + "so-tu-phap,lanh-dao,Nguyễn Văn An,an@stp.gov.vn,\n"
        + "so-tai-chinh,lanh-dao,Ngô Văn Em,em@stc.gov.vn,\n"  # row 3: not in the campaign
        + "so-tu-phap,hdnd,Võ Thị Gấm,gam@stp.gov.vn,\n"  # row 4: no such group
        + "so-tu-phap,cong-chuc,,x@stp.gov.vn,\n"  # row 5: no name
        + "so-tu-phap,cong-chuc,Đỗ Văn Hòa,không phải thư,123\n"  # row 6: two bad values
        + "so-tu-phap,cong-chuc,Bùi Văn Ích,AN@stp.gov.vn,\n"  # row 7: the e-mail of row 2
    )
    response = upload(cast, survey, bad)
    assert response.status_code == 400
    text = response.content.decode()
    for row in ("3", "4", "5", "6", "7"):
        assert f'<td class="num">{row}</td>' in text
    assert "không phải thư" in text and "123" in text
    assert not Respondent.objects.exists()
    with pytest.raises(ImportRejected) as rejected:
        respondents_import(campaign=survey.campaign, content=bad.encode(), filename="ds.csv")
    assert rejected.value.count == 5 and [r.row for r in rejected.value.rejected] == [3, 4, 5, 6, 7]


def test_a_sipas_campaign_has_no_respondent_list(cast: Cast) -> None:
    from .campaign_fixtures import sipas_campaign

    survey = sipas_campaign([cast.unit_a])
    client = cast.client(cast.admin)
    assert client.get(reverse("surveys:respondents", args=[survey.code])).status_code == 404


def imported(survey: StaffSurvey) -> None:
    respondents_import(campaign=survey.campaign, content=LIST.encode(), filename="ds.csv")


def test_invitations_ask_first_then_carry_a_link_only_the_message_holds(
    cast: Cast, survey: StaffSurvey
) -> None:
    imported(survey)
    before = set(Respondent.objects.values_list("token_hash", flat=True))
    client = cast.client(cast.admin)
    url = reverse("surveys:invitations_send", args=[survey.campaign.code])
    asked = client.post(url)
    text = asked.content.decode()
    assert asked.status_code == 200 and not Message.objects.exists()
    # Two e-mails, one SMS (no e-mail, a mobile), one nobody can reach.
    assert "2 thư điện tử và 1 SMS" in text and "1 người" in text
    assert client.post(url, {"confirmed": "on"}).status_code == 302
    messages = list(Message.objects.order_by("recipient"))
    assert [(m.channel, m.recipient) for m in messages] == [
        ("sms", "0987654321"),
        ("email", "an@stp.gov.vn"),
        ("email", "binh@stp.gov.vn"),
    ]
    an = Respondent.objects.get(email="an@stp.gov.vn")
    assert an.invited_at is not None and an.token_hash not in before
    link = re.search(r"(\S+/r/(\S+)/)", messages[1].body)
    assert link is not None and link.group(1) == personal_link(link.group(2))
    token = link.group(2)
    assert token_hash(token) == an.token_hash
    # The token is nowhere in the respondents' table: only its hash.
    assert not Respondent.objects.filter(token_hash=token).exists()
    assert "Nguyễn Văn An" in messages[1].body and "ẩn danh" in messages[1].body
    # The link answers, once.
    response_submit_by_link(token=token, raw={"q1": "4", "q2": "5"}, day=TODAY)
    assert Respondent.objects.get(pk=an.pk).used
    # Sending again reaches nobody new.
    again = client.post(url, follow=True)
    assert again.status_code == 200 and Message.objects.count() == 3
    dung = Respondent.objects.get(name="Phạm Thị Dung")
    assert dung.invited_at is None  # neither e-mail nor mobile


def test_a_reminder_carries_a_new_link_once_a_day_and_the_old_one_stops(
    cast: Cast, survey: StaffSurvey
) -> None:
    imported(survey)
    invitations_send(campaign=survey.campaign, today=TODAY)
    first = {
        m.recipient: re.search(r"/r/(\S+)/", m.body).group(1)  # type: ignore[union-attr]
        for m in Message.objects.all()
    }
    # An answered: nobody reminds her.
    response_submit_by_link(token=first["an@stp.gov.vn"], raw={"q1": "4", "q2": "5"}, day=TODAY)
    client = cast.client(cast.admin)
    url = reverse("surveys:reminders_send", args=[survey.campaign.code])
    asked = client.post(url)
    assert asked.status_code == 200 and "1 thư điện tử và 1 SMS" in asked.content.decode()
    assert client.post(url, {"confirmed": "on"}).status_code == 302
    reminders = Message.objects.filter(event_key__contains=":remind:")
    assert sorted(m.recipient for m in reminders) == ["0987654321", "binh@stp.gov.vn"]
    new = re.search(r"/r/(\S+)/", reminders.get(channel="email").body).group(1)  # type: ignore[union-attr]
    assert new != first["binh@stp.gov.vn"]
    with pytest.raises(LinkUnknown):
        response_submit_by_link(
            token=first["binh@stp.gov.vn"], raw={"q1": "1", "q2": "1"}, day=TODAY
        )
    response_submit_by_link(token=new, raw={"q1": "2", "q2": "3"}, day=TODAY)
    # Once a day: the same day, nothing more is sent.
    assert reminders_send(campaign=survey.campaign, today=TODAY) == 0
    follow = client.post(url, follow=True)
    assert "hôm nay" in follow.content.decode()
    # The next day, the one who still has not answered is reminded again.
    tomorrow = TODAY + datetime.timedelta(days=1)
    assert reminders_send(campaign=survey.campaign, today=tomorrow) == 1
    assert Response.objects.count() == 2


def test_nothing_is_sent_for_a_closed_campaign(cast: Cast, survey: StaffSurvey) -> None:
    imported(survey)
    later = survey.campaign.closes_on + datetime.timedelta(days=1)
    with pytest.raises(Refused):
        invitations_send(campaign=survey.campaign, today=later)
    with pytest.raises(Refused):
        reminders_send(campaign=survey.campaign, today=later)
    assert not Message.objects.exists()


def test_the_respondents_not_invited_yet_can_be_removed(cast: Cast, survey: StaffSurvey) -> None:
    imported(survey)
    Respondent.objects.filter(name="Nguyễn Văn An").update(invited_at=timezone.now())
    client = cast.client(cast.admin)
    url = reverse("surveys:respondents_remove", args=[survey.campaign.code])
    asked = client.post(url)
    assert asked.status_code == 200 and "3" in asked.content.decode()
    assert Respondent.objects.count() == 4
    client.post(url, {"confirmed": "on"})
    assert list(Respondent.objects.values_list("name", flat=True)) == ["Nguyễn Văn An"]


def test_the_response_rate_shows_per_unit_and_group(cast: Cast, survey: StaffSurvey) -> None:
    imported(survey)
    invitations_send(campaign=survey.campaign, today=TODAY)
    token = re.search(  # type: ignore[union-attr]
        r"/r/(\S+)/", Message.objects.get(recipient="binh@stp.gov.vn").body
    ).group(1)
    response_submit_by_link(token=token, raw={"q1": "4", "q2": "4"}, day=TODAY)
    page = cast.client(cast.admin).get(reverse("surveys:campaign", args=[survey.campaign.code]))
    text = page.content.decode()
    assert page.status_code == 200
    # Công chức: 3 listed, 2 invited (one has neither address), 1 answered: 50 %.
    assert re.search(
        r"Công chức</td><td class=\"num\">3</td><td class=\"num\">2</td>"
        r"<td class=\"num\">1</td><td class=\"num\">50,00%",
        text,
    )


def test_many_invitations_are_queued_by_a_job_that_queues_each_once(
    cast: Cast, survey: StaffSurvey, settings: object, monkeypatch: pytest.MonkeyPatch
) -> None:
    from parindex.jobs.models import Job

    from .. import campaigns

    settings.TASKS = {  # type: ignore[attr-defined]
        "default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}
    }
    monkeypatch.setattr(campaigns, "SEND_IN_REQUEST", 1)
    imported(survey)
    done = cast.client(cast.admin).post(
        reverse("surveys:invitations_send", args=[survey.campaign.code]), {"confirmed": "on"}
    )
    job = Job.objects.get()
    assert done["Location"] == job.get_absolute_url()
    assert job.status == Job.Status.SUCCEEDED and "3" in job.outcome
    assert job.link == reverse("surveys:respondents", args=[survey.campaign.code])
    assert Message.objects.count() == 3
    campaigns.messages_send_job.call(
        campaign_id=survey.campaign.pk, reminder=False, today=TODAY.isoformat()
    )
    assert Message.objects.count() == 3  # run again: nobody is invited twice
