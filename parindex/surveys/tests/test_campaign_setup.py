"""The administrator sets a campaign up: its questionnaires, units (one by one or a whole
group), partners and sample; each unit gets a short unambiguous link code; a unit is
surveyed once a year by each survey; opening freezes the questionnaires; collectors are
assigned units; each unit's transactions are typed or imported."""

from __future__ import annotations

import datetime
import re

import pytest
from django.urls import reverse

from parindex.conftest import Cast
from parindex.org.models import Role, Unit

from ..campaigns import LINK_ALPHABET, LINK_LENGTH, CampaignData, campaign_open, campaign_save
from ..models import Campaign, CampaignUnit, CollectorAssignment, Questionnaire, Source
from ..questionnaires import questionnaire_freeze
from .campaign_fixtures import TODAY, Partners, answer, partner_user, partners, sipas_campaign
from .factories import sipas_questionnaire, staff_questionnaire

pytestmark = pytest.mark.django_db
__all__ = ["partners"]  # the fixture, used by name

LATER = TODAY + datetime.timedelta(days=10)


def form(questionnaire: Questionnaire, **changes: object) -> dict[str, object]:
    data: dict[str, object] = {
        "code": "sipas-2024",
        "title": "Khảo sát SIPAS năm 2024",
        "year": "2024",
        "source": "sipas",
        "method": "share",
        "questionnaires": [str(questionnaire.pk)],
        "sample": "formula",
        "margin": "0.05",
        "opens_on": LATER.isoformat(),
        "closes_on": (LATER + datetime.timedelta(days=30)).isoformat(),
        "min_group_count": "5",
        "duplicate_minutes": "30",
        "hourly_limit": "20",
    }
    data.update(changes)
    return data


def test_the_administrator_creates_a_campaign_over_a_whole_group_and_a_unit(cast: Cast) -> None:
    questionnaire = sipas_questionnaire()
    client = cast.client(cast.admin)
    assert client.get(reverse("surveys:campaign_new")).status_code == 200
    response = client.post(
        reverse("surveys:campaign_new"),
        form(questionnaire, whole_groups=[str(cast.departments.pk)], units=[str(cast.district.pk)]),
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    survey = Campaign.objects.get(code="sipas-2024")
    assert response["Location"] == reverse("surveys:campaign", args=[survey.code])
    covered = set(survey.units.values_list("unit__code", flat=True))
    assert covered == {"so-tu-phap", "so-y-te", "so-noi-vu", "ubnd-huyen-my-xuyen"}
    codes = list(survey.units.values_list("link_code", flat=True))
    pattern = re.compile(f"[{LINK_ALPHABET}]{{{LINK_LENGTH}}}")
    assert len(set(codes)) == 4 and all(pattern.fullmatch(code) for code in codes)
    assert not set("01OI") & set("".join(codes))  # nothing to misread on a poster
    questionnaire.refresh_from_db()
    assert not questionnaire.is_frozen  # it opens in ten days


def test_the_campaign_page_answers_a_hostile_form_with_400(cast: Cast) -> None:
    questionnaire = sipas_questionnaire()
    client = cast.client(cast.admin)
    for changes in (
        {"margin": "1e999999"},
        {"year": "9" * 40},
        {"opens_on": "31/02/2024"},
        {"code": "x" * 500},
        {"units": ["abc"]},
        {"questionnaires": ["999999"]},
        {"code": "new"},  # a word of the pages' addresses
        {"closes_on": TODAY.isoformat()},  # before it opens
        {"sample": "fixed"},  # without the number
    ):
        response = client.post(
            reverse("surveys:campaign_new"),
            form(questionnaire, **{"units": [str(cast.unit_a.pk)], **changes}),
        )
        assert response.status_code == 400, changes
    assert not Campaign.objects.exists()


def test_a_unit_is_surveyed_once_a_year_by_each_survey(cast: Cast) -> None:
    first = sipas_campaign([cast.unit_a])
    other = sipas_questionnaire(code="sipas-2024-b")
    response = cast.client(cast.admin).post(
        reverse("surveys:campaign_new"),
        form(other, code="sipas-2024-b", units=[str(cast.unit_a.pk), str(cast.unit_b.pk)]),
    )
    assert response.status_code == 400
    assert "Sở Tư pháp" in response.content.decode() and first.title in response.content.decode()
    assert Campaign.objects.count() == 1
    # Another year, or the other survey, may cover it.
    campaign_save(
        campaign=None,
        data=CampaignData(
            code="sipas-2025",
            title="SIPAS 2025",
            year=2025,
            source=Source.SIPAS,
            method="share",
            questionnaires=[sipas_questionnaire(year=2025)],
            units=[cast.unit_a],
            opens_on=LATER,
            closes_on=LATER,
        ),
        by=cast.admin,
        today=TODAY,
    )


def test_the_questionnaires_must_fit_the_survey(cast: Cast) -> None:
    from ..models import RespondentGroup

    sipas = sipas_questionnaire()
    leaders = RespondentGroup.objects.create(code="lanh-dao", name="Lãnh đạo")
    first = staff_questionnaire(leaders)
    second = Questionnaire.objects.create(
        code="cbccvc-2", title="Phiếu 2", source=Source.STAFF, year=2024, respondent_group=leaders
    )
    client = cast.client(cast.admin)
    cases = [
        (form(sipas, questionnaires=[str(sipas.pk), str(first.pk)]), "không thuộc"),
        (form(first, source="staff"), None),
        (form(first, source="staff", questionnaires=[str(first.pk), str(second.pk)]), "cùng"),
        (form(sipas, year="2025"), "không thuộc"),
    ]
    for data, words in cases:
        data["units"] = [str(cast.unit_a.pk)]
        response = client.post(reverse("surveys:campaign_new"), data)
        if words is None:
            assert response.status_code == 302
            Campaign.objects.all().delete()
            continue
        assert response.status_code == 400
        assert words in response.content.decode(), data


def test_saving_on_the_opening_day_freezes_the_questionnaires(cast: Cast) -> None:
    questionnaire = sipas_questionnaire()
    response = cast.client(cast.admin).post(
        reverse("surveys:campaign_new"),
        form(questionnaire, opens_on=TODAY.isoformat(), units=[str(cast.unit_a.pk)]),
    )
    assert response.status_code == 302
    questionnaire.refresh_from_db()
    assert questionnaire.is_frozen


def test_opening_asks_first_then_opens_today_and_freezes(cast: Cast) -> None:
    questionnaire = sipas_questionnaire()
    client = cast.client(cast.admin)
    client.post(reverse("surveys:campaign_new"), form(questionnaire, units=[str(cast.unit_a.pk)]))
    survey = Campaign.objects.get()
    url = reverse("surveys:campaign_open", args=[survey.code])
    asked = client.post(url)
    assert asked.status_code == 200
    text = asked.content.decode()
    assert questionnaire.title in text and "chưa có số giao dịch" in text  # N unknown
    survey.refresh_from_db()
    assert survey.opens_on == LATER and not Questionnaire.objects.get().is_frozen
    assert client.post(url, {"confirmed": "on"}).status_code == 302
    survey.refresh_from_db()
    assert survey.opens_on == TODAY and Questionnaire.objects.get().is_frozen


def test_a_closed_campaign_does_not_open_again(cast: Cast) -> None:
    from parindex.org.errors import Refused

    survey = sipas_campaign([cast.unit_a])
    Campaign.objects.filter(pk=survey.pk).update(
        opens_on=TODAY - datetime.timedelta(days=40), closes_on=TODAY - datetime.timedelta(days=1)
    )
    survey.refresh_from_db()
    with pytest.raises(Refused):
        campaign_open(campaign=survey, by=cast.admin, today=TODAY)


def test_responses_lock_the_survey_and_the_units_that_have_them(cast: Cast) -> None:
    survey = sipas_campaign([cast.unit_a, cast.unit_b])
    questionnaire_freeze(questionnaire=survey.questionnaires.get())
    answer(survey, cast.unit_a, {"a1": "5", "p1": "4"})
    client = cast.client(cast.admin)
    url = reverse("surveys:campaign_edit", args=[survey.code])
    page = client.get(url)
    assert page.status_code == 200 and "Sở Tư pháp" in page.content.decode()
    base = form(
        survey.questionnaires.get(),
        opens_on=survey.opens_on.isoformat(),
        closes_on=survey.closes_on.isoformat(),
    )
    # Unit A has a response: it stays.
    refused = client.post(url, {**base, "units": [str(cast.unit_b.pk)]})
    assert refused.status_code == 400 and "Sở Tư pháp" in refused.content.decode()
    # Another questionnaire is refused too.
    other = sipas_questionnaire(code="sipas-khac")
    refused = client.post(
        url, {**base, "questionnaires": [str(other.pk)], "units": [str(cast.unit_a.pk)]}
    )
    assert refused.status_code == 400
    # Unit B, without responses, can go; a new unit comes with its code.
    kept = client.post(url, {**base, "units": [str(cast.unit_a.pk), str(cast.district.pk)]})
    assert kept.status_code == 302
    assert set(survey.units.values_list("unit__code", flat=True)) == {
        "so-tu-phap",
        "ubnd-huyen-my-xuyen",
    }


def test_each_unit_gets_a_different_code_even_when_the_random_one_collides(
    cast: Cast, monkeypatch: pytest.MonkeyPatch
) -> None:
    from .. import campaigns

    sipas_campaign([cast.unit_a])
    taken = CampaignUnit.objects.get().link_code
    drawn = iter([taken, taken, "ABCDEFG", "HJKLMNP"])
    monkeypatch.setattr(campaigns, "link_code", lambda: next(drawn))
    campaign_save(
        campaign=None,
        data=CampaignData(
            code="sipas-khac",
            title="SIPAS khác",
            year=2024,
            source=Source.SIPAS,
            method="share",
            questionnaires=[sipas_questionnaire(code="sipas-khac")],
            units=[cast.unit_b, cast.district],
            opens_on=LATER,
            closes_on=LATER,
        ),
        by=cast.admin,
        today=TODAY,
    )
    codes = set(CampaignUnit.objects.values_list("link_code", flat=True))
    assert codes == {taken, "ABCDEFG", "HJKLMNP"}


def test_collectors_of_the_campaigns_partners_are_assigned_its_units(
    cast: Cast, partners: Partners
) -> None:
    survey = sipas_campaign([cast.unit_a, cast.unit_b])
    survey.partners.set([partners.post])
    client = cast.client(cast.admin)
    url = reverse("surveys:campaign_collectors", args=[survey.code])
    page = client.get(url)
    assert page.status_code == 200 and "collector" in page.content.decode()
    saved = client.post(
        url,
        {"collector": partners.collector.pk, "units": [cast.unit_a.pk, cast.unit_b.pk]},
    )
    assert saved.status_code == 302
    assert CollectorAssignment.objects.filter(collector=partners.collector).count() == 2
    client.post(url, {"collector": partners.collector.pk, "units": [cast.unit_b.pk]})
    assert list(CollectorAssignment.objects.values_list("unit_id", flat=True)) == [cast.unit_b.pk]
    # A collector of another partner, a unit outside the campaign: refused.
    stranger = partner_user("stranger", Role.COLLECTOR, partners.front)
    assert (
        client.post(url, {"collector": stranger.pk, "units": [cast.unit_a.pk]}).status_code == 400
    )
    assert (
        client.post(
            url, {"collector": partners.collector.pk, "units": [cast.district.pk]}
        ).status_code
        == 400
    )
    assert CollectorAssignment.objects.count() == 1


def test_transactions_are_typed_or_imported_and_give_each_unit_its_target(cast: Cast) -> None:
    survey = sipas_campaign([cast.unit_a, cast.unit_b], transactions=None)
    client = cast.client(cast.admin)
    url = reverse("surveys:campaign_transactions", args=[survey.code])
    assert client.get(url).status_code == 200
    saved = client.post(url, {f"u{cast.unit_a.pk}": "1000", f"u{cast.unit_b.pk}": ""})
    assert saved.status_code == 302
    entry = CampaignUnit.objects.select_related("campaign").get(unit=cast.unit_a)
    assert entry.transactions == 1000 and entry.target == 286  # 1000 / 3.5, rounded up
    assert client.post(url, {f"u{cast.unit_a.pk}": "-1"}).status_code == 400
    assert client.post(url, {f"u{cast.unit_a.pk}": "9" * 30}).status_code == 400
    from django.core.files.uploadedfile import SimpleUploadedFile

    table = 'unit,transactions\nSở Y tế,"12.000"\nso-tu-phap,400\n'.encode()
    imported = client.post(
        reverse("surveys:transactions_import", args=[survey.code]),
        {"file": SimpleUploadedFile("n.csv", table)},
    )
    assert imported.status_code == 302
    assert dict(CampaignUnit.objects.values_list("unit__code", "transactions")) == {
        "so-tu-phap": 400,
        "so-y-te": 12000,
    }
    bad = "unit,transactions\nSở Y tế,5\nSở Tài chính,10\nso-tu-phap,nhiều\n".encode()
    rejected = client.post(
        reverse("surveys:transactions_import", args=[survey.code]),
        {"file": SimpleUploadedFile("n.csv", bad)},
    )
    text = rejected.content.decode()
    assert rejected.status_code == 400 and "Sở Tài chính" in text and "nhiều" not in text
    assert CampaignUnit.objects.get(unit=cast.unit_b).transactions == 12000  # nothing taken


def test_units_are_chosen_among_active_ones(cast: Cast) -> None:
    questionnaire = sipas_questionnaire()
    gone = Unit.objects.create(
        code="so-cu", name="Sở cũ", group=cast.departments, dissolved_on=TODAY
    )
    response = cast.client(cast.admin).post(
        reverse("surveys:campaign_new"),
        form(questionnaire, whole_groups=[str(cast.departments.pk)]),
    )
    assert response.status_code == 302
    assert not CampaignUnit.objects.filter(unit=gone).exists()
