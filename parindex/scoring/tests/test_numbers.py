"""Every number read from a form, a file or an import is bounded before anything computes
with it: below 10^9, a bounded number of decimals, its text short. A ten-character
"1e9999999" is refused at once instead of becoming ten million digits."""

from __future__ import annotations

import time
from decimal import Decimal as D

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from parindex.scoring.numbers import (
    INPUT_PLACES,
    MAX_PLACES,
    MAX_TEXT,
    NumberOutOfBounds,
    to_decimal,
)


@pytest.mark.parametrize(
    "text", ["1e9999999", "1e5000", "1e1000000", "1e309", "-1e999999", "1000000000", "9" * 61]
)
def test_a_number_of_a_billion_or_more_is_refused_as_too_large(text: str) -> None:
    started = time.monotonic()
    with pytest.raises(NumberOutOfBounds) as refused:
        to_decimal(text)
    assert refused.value.reason == "too_large"
    assert time.monotonic() - started < 0.1


@pytest.mark.parametrize("value", [10**9, 10**4000, 1e308, D("1E+9999999"), -(10**9)])
def test_large_ints_floats_and_decimals_are_refused_before_conversion(value: object) -> None:
    with pytest.raises(NumberOutOfBounds):
        to_decimal(value)


def test_decimals_are_bounded_and_forms_take_a_few() -> None:
    assert to_decimal("0." + "0" * (MAX_PLACES - 1) + "1") == D(10) ** -MAX_PLACES
    with pytest.raises(NumberOutOfBounds) as refused:
        to_decimal("1e-9999999")
    assert refused.value.reason == "too_many_places"
    assert to_decimal("12,3456", places=INPUT_PLACES) == D("12.3456")
    with pytest.raises(NumberOutOfBounds, match="too_many_places"):
        to_decimal("12,34567", places=INPUT_PLACES)
    # A zero written with a huge exponent is zero, or refused; never a million zeros.
    assert to_decimal("0e9999999") == 0
    with pytest.raises(NumberOutOfBounds):
        to_decimal("0e-9999999")


def test_what_the_index_needs_is_read_as_before() -> None:
    assert to_decimal("999999999,99") == D("999999999.99")
    assert to_decimal(" 83,84 ") == D("83.84")
    assert to_decimal(596864) == D(596864)
    assert to_decimal(0.1) == D("0.1")
    # The engine's own figures, 28 digits of them, are shown as they are.
    assert to_decimal(D(100) / D(3)) == D("33.33333333333333333333333333")


def test_the_refusal_quotes_the_value_cut_short() -> None:
    with pytest.raises(NumberOutOfBounds) as refused:
        to_decimal("9" * 100_000)
    assert len(str(refused.value)) < 100


# Hostile numbers: an exponent anywhere, digits by the hundred, signs, separators.
HOSTILE = st.one_of(
    st.builds(
        "{}{}e{}".format,
        st.sampled_from(["", "-", "+"]),
        st.sampled_from(["1", "9.99", "0", ".5", "1,5"]),
        st.integers(-(10**12), 10**12),
    ),
    st.text(alphabet="0123456789", min_size=1, max_size=200),
    st.text(alphabet="0123456789.,eE-+_ ", max_size=70),
    st.text(max_size=70),
)


@given(HOSTILE)
@example("1e9999999")
@example("1e-9999999")
@example("9" * 10_000)
def test_any_text_is_read_within_the_bounds_or_refused_at_once(text: str) -> None:
    started = time.monotonic()
    try:
        value = to_decimal(text)
    except ValueError:
        pass
    else:
        assert abs(value) < 10**9
        exponent = value.as_tuple().exponent
        assert isinstance(exponent, int) and -exponent <= MAX_PLACES
        assert len(text.strip()) <= MAX_TEXT
        # Whatever is accepted can be written out and rounded cheaply.
        assert len(format(value, "f")) < 60
    assert time.monotonic() - started < 0.05
