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


def to_decimal(value: object) -> Decimal:
    """Convert a number read from YAML, Excel, JSON or a form into a Decimal.

    Floats go through their shortest repr, so 0.1 becomes Decimal("0.1").
    Raises ValueError for anything that is not a finite number.
    """
    if isinstance(value, bool):
        raise ValueError(f"not a number: {value!r}")
    if isinstance(value, Decimal):
        result = value
    elif isinstance(value, int):
        result = Decimal(value)
    elif isinstance(value, float):
        result = Decimal(repr(value))
    elif isinstance(value, str):
        text = value.strip().replace(",", ".")
        try:
            result = Decimal(text)
        except InvalidOperation:
            raise ValueError(f"not a number: {value!r}") from None
    else:
        raise ValueError(f"not a number: {value!r}")
    if not result.is_finite():
        raise ValueError(f"not a number: {value!r}")
    return result


def places(value: Decimal) -> int:
    """Number of decimal places a value is written with (0.25 -> 2, 1.50 -> 1)."""
    exponent = value.normalize().as_tuple().exponent
    assert isinstance(exponent, int)
    return max(0, -exponent)
