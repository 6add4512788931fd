"""The initiatives register: the year's recognised ones, in the report's order."""

from __future__ import annotations

import pytest

from parindex.conftest import Cast
from parindex.followup.models import Initiative

pytestmark = pytest.mark.django_db


def test_recognised_initiatives_of_a_year_by_group_then_unit(cast: Cast) -> None:
    make = Initiative.objects.create
    district = make(unit=cast.district, year=2023, title="B", status="recognised")
    department = make(unit=cast.unit_b, year=2023, title="A", status="recognised")
    first = make(unit=cast.unit_a, year=2023, title="C", status="recognised")
    make(unit=cast.unit_a, year=2023, title="submitted")
    make(unit=cast.unit_a, year=2023, title="refused", status="not_recognised")
    make(unit=cast.unit_a, year=2024, title="next year", status="recognised")
    assert list(Initiative.objects.recognised(2023)) == [first, department, district]
