"""Decimal helpers and the rounding points of the PAR index.

Every point value is a `Decimal`. Figures are kept unrounded through every computation;
a figure is rounded half-up to two decimals only where it is published (shown, exported,
printed), and only through `publish()`.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

ZERO = Decimal(0)
HUNDRED = Decimal(100)
PUBLISHED_PLACES = Decimal("0.01")


def publish(value: Decimal) -> Decimal:
    """Round a figure for publication: half-up to two decimals."""
    return value.quantize(PUBLISHED_PLACES, rounding=ROUND_HALF_UP)


# The bounds of every number read from a form, a file or an import. No figure of the PAR
# index (points, percentages, counts of dossiers, reports or people) reaches 10^9, and none
# needs more decimals than the engine's 28-digit arithmetic leaves. A number is checked on
# its text and its exponent before anything computes with it: "1e9999999" is ten characters
# that would otherwise become an integer of ten million digits.
MAGNITUDE = 9  # |value| < 10**9
LARGEST = 10**MAGNITUDE
MAX_PLACES = 40
MAX_TEXT = 60  # characters of a number written out
# What a person types into a form: counts, points, a percentage; a few decimals at most.
INPUT_PLACES = 4


class NumberOutOfBounds(ValueError):
    """A number no figure of the index needs: `reason` is "too_large" (|value| ≥ 10^9,
    or its text longer than MAX_TEXT) or "too_many_places" (more than `places` decimals)."""

    def __init__(self, value: object, reason: str, places: int = MAX_PLACES) -> None:
        super().__init__(f"{reason}: {_shown(value)}")
        self.reason = reason
        self.places = places


def _shown(value: object) -> str:
    text = repr(value)
    return text if len(text) <= MAX_TEXT else text[:MAX_TEXT] + "…"


def to_decimal(value: object, *, places: int = MAX_PLACES) -> Decimal:
    """Convert a number read from YAML, Excel, JSON or a form into a Decimal.

    Floats go through their shortest repr, so 0.1 becomes Decimal("0.1"). Raises
    ValueError for anything that is not a finite number, and its subclass
    NumberOutOfBounds for a number of 10^9 or more in size, or with more than `places`
    decimals.
    """
    if isinstance(value, bool):
        raise ValueError(f"not a number: {_shown(value)}")
    if isinstance(value, Decimal):
        result = value
    elif isinstance(value, int):
        if abs(value) >= LARGEST:  # before Decimal converts a huge int
            raise NumberOutOfBounds(value, "too_large")
        result = Decimal(value)
    elif isinstance(value, float):
        result = Decimal(repr(value))
    elif isinstance(value, str):
        text = value.strip().replace(",", ".")
        if len(text) > MAX_TEXT:
            raise NumberOutOfBounds(value, "too_large")
        try:
            result = Decimal(text)
        except InvalidOperation:
            raise ValueError(f"not a number: {_shown(value)}") from None
    else:
        raise ValueError(f"not a number: {_shown(value)}")
    if not result.is_finite():
        raise ValueError(f"not a number: {_shown(value)}")
    return _bounded(result, value, places)


def _bounded(result: Decimal, value: object, places: int) -> Decimal:
    """The number if within bounds; only its exponent and length are read, no arithmetic."""
    exponent = result.as_tuple().exponent
    assert isinstance(exponent, int)
    if result.is_zero():
        # 0E+9999999 is 0; 0E-9999999 written out is a million zeros.
        if exponent > 0:
            return Decimal(0)
        if -exponent > places:
            raise NumberOutOfBounds(value, "too_many_places", places)
        return result
    if result.adjusted() >= MAGNITUDE:
        raise NumberOutOfBounds(value, "too_large")
    if -exponent > places:
        raise NumberOutOfBounds(value, "too_many_places", places)
    return result


def places(value: Decimal) -> int:
    """Number of decimal places a value is written with (0.25 -> 2, 1.50 -> 1)."""
    exponent = value.normalize().as_tuple().exponent
    assert isinstance(exponent, int)
    return max(0, -exponent)
