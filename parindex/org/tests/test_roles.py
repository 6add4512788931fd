"""The role decides Django's admin flags, however an account is written."""

from __future__ import annotations

import pytest
from django.db import IntegrityError, transaction

from parindex.conftest import Cast
from parindex.org.models import Role, User

pytestmark = pytest.mark.django_db


def test_accounts_created_in_bulk_get_the_flags_of_their_role() -> None:
    User.objects.bulk_create(
        [User(username="quan-tri", role=Role.ADMIN), User(username="xem", role=Role.VIEWER)]
    )
    flags = dict(User.objects.values_list("username", "is_superuser"))
    assert flags == {"quan-tri": True, "xem": False}
    assert User.objects.get(username="quan-tri").is_staff


def test_a_role_changed_in_bulk_or_by_update_moves_the_flags(cast: Cast) -> None:
    cast.viewer.role = Role.ADMIN
    User.objects.bulk_update([cast.viewer], ["role"])
    cast.viewer.refresh_from_db()
    assert cast.viewer.is_staff and cast.viewer.is_superuser
    User.objects.filter(pk=cast.viewer.pk).update(role=Role.VIEWER)
    cast.viewer.refresh_from_db()
    assert not (cast.viewer.is_staff or cast.viewer.is_superuser)


def test_the_database_refuses_flags_that_disagree_with_the_role(cast: Cast) -> None:
    with pytest.raises(IntegrityError), transaction.atomic():
        User.objects.filter(pk=cast.chair.pk).update(is_superuser=True)
    with pytest.raises(IntegrityError), transaction.atomic():
        User.objects.filter(pk=cast.admin.pk).update(is_staff=False)


def test_createsuperuser_makes_an_administrator() -> None:
    user = User.objects.create_superuser("root", "root@example.invalid", "x")
    assert (user.role, user.is_staff, user.is_superuser) == (Role.ADMIN, True, True)
