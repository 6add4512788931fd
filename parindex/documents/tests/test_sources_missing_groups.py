"""A year's documents name the groups it lacks from the results' own reading."""

from __future__ import annotations

import pytest

from parindex.conftest import Cast
from parindex.documents.sources import year_source
from parindex.org.models import Unit

pytestmark = pytest.mark.django_db


def test_the_groups_a_year_lacks_are_those_of_its_results(cast: Cast, history: None) -> None:
    source = year_source(2023)
    assert source is not None
    assert source.missing_groups == source.results.missing_groups == ["Sở, ban, ngành tỉnh"]
    Unit.objects.filter(group=cast.departments).update(dissolved_on="2022-12-31")
    source = year_source(2023)
    assert source is not None and source.missing_groups == []
