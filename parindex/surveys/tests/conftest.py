"""The surveys' tests: what a process remembers of links and frozen forms is forgotten
between tests (their rows, rolled back, give keys again), and a partner's people."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from parindex.conftest import Cast
from parindex.surveys.public import forget_entries, forget_forms

from .factories_public import PartnerPeople, partner_people


@pytest.fixture(autouse=True)
def _forget_what_processes_remember() -> Iterator[None]:
    forget_entries()
    forget_forms()
    yield
    forget_entries()
    forget_forms()


@pytest.fixture
def people(cast: Cast) -> PartnerPeople:
    return partner_people(cast.body)
