"""Unit pages: each role sees what it may, and every refusal is logged."""

from __future__ import annotations

import pytest
from django.urls import reverse

from parindex.conftest import Cast
from parindex.org.models import SecurityEvent


def unit_url(cast: Cast, which: str) -> str:
    return reverse("org:unit_detail", args=[getattr(cast, which).code])


@pytest.mark.parametrize("who", ["admin", "chair", "viewer"])
def test_oversight_roles_open_every_unit(cast: Cast, who: str) -> None:
    client = cast.client(getattr(cast, who))
    for which in ("unit_a", "unit_b", "home_unit", "district"):
        assert client.get(unit_url(cast, which)).status_code == 200


@pytest.mark.parametrize("who", ["scorer_a", "head_a"])
def test_a_unit_user_opens_their_unit_and_no_other(cast: Cast, who: str) -> None:
    client = cast.client(getattr(cast, who))
    assert client.get(unit_url(cast, "unit_a")).status_code == 200
    for which in ("unit_b", "home_unit", "district"):
        assert client.get(unit_url(cast, which)).status_code == 404
    refused = SecurityEvent.objects.filter(kind=SecurityEvent.Kind.REFUSED, username=who)
    assert refused.count() == 3


def test_unit_b_cannot_see_unit_a(cast: Cast) -> None:
    response = cast.client(cast.scorer_b).get(unit_url(cast, "unit_a"))
    assert response.status_code == 404
    assert "Sở Tư pháp" not in response.content.decode()


def test_an_appraiser_opens_assigned_units_but_not_their_own(cast: Cast) -> None:
    client = cast.client(cast.appraiser)
    assert client.get(unit_url(cast, "unit_a")).status_code == 200
    assert client.get(unit_url(cast, "unit_b")).status_code == 200
    assert client.get(unit_url(cast, "home_unit")).status_code == 404
    assert client.get(unit_url(cast, "district")).status_code == 404


def test_anonymous_visitors_are_sent_to_log_in(cast: Cast) -> None:
    client = cast.client(None)
    for url in (
        reverse("home"),
        reverse("org:unit_list"),
        unit_url(cast, "unit_a"),
        reverse("frameworks:list"),
    ):
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("login"))


def test_the_unit_list_links_only_what_the_user_may_open(cast: Cast) -> None:
    page = cast.client(cast.scorer_a).get(reverse("org:unit_list")).content.decode()
    assert f'href="{unit_url(cast, "unit_a")}"' in page
    assert f'href="{unit_url(cast, "unit_b")}"' not in page
    assert "Sở Y tế" in page  # the list itself is not secret


def test_the_unit_list_runs_a_fixed_number_of_queries(
    cast: Cast, django_assert_max_num_queries: object
) -> None:
    from parindex.org.models import Unit

    client = cast.client(cast.admin)
    client.get(reverse("org:unit_list"))  # warm the session
    for number in range(30):
        Unit.objects.create(
            code=f"xa-{number}",
            name=f"UBND xã {number}",
            group=cast.districts,
            parent=cast.district,
        )
    with django_assert_max_num_queries(6):  # type: ignore[operator]
        response = client.get(reverse("org:unit_list"))
    assert response.status_code == 200


def test_admin_site_is_for_administrators_only(cast: Cast) -> None:
    assert cast.client(cast.admin).get("/admin/").status_code == 200
    for who in ("scorer_a", "head_a", "appraiser", "chair", "viewer"):
        response = cast.client(getattr(cast, who)).get("/admin/")
        assert response.status_code == 302, who
