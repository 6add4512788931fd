"""Vietnamese sentences written from the engine's figures: comparisons, superlatives,
"tăng/giảm … so với năm …". Each function takes published figures and words them; none
computes a figure (differences come from `engine.published_difference`)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from decimal import Decimal

from django.utils import translation
from django.utils.formats import number_format

from parindex.org.templatetags.parindex import percent, points
from parindex.scoring.engine import DEFAULT_BANDS, Band, Extremes, published_difference
from parindex.scoring.numbers import ZERO


def pct(value: Decimal) -> str:
    """83.84 → "83,84%"."""
    with translation.override("vi"):
        return percent(value)


def pts(value: Decimal) -> str:
    """94 → "94,00"."""
    with translation.override("vi"):
        return points(value)


def gap(value: Decimal) -> str:
    """A difference of two percentages: "14,78 điểm phần trăm" (not "%": it is no share)."""
    with translation.override("vi"):
        return f"{points(value)} điểm phần trăm"


def count(number: int) -> str:
    """Counts as the province writes them: 04, 14, 40."""
    return f"{number:02d}"


def whole(number: int) -> str:
    """A count of people: 2085 → "2.085"."""
    with translation.override("vi"):
        return number_format(number, force_grouping=True)


def joined(names: Sequence[str]) -> str:
    """ "A", "A và B", "A, B và C"."""
    if not names:
        return ""
    if len(names) == 1:
        return names[0]
    return f"{', '.join(names[:-1])} và {names[-1]}"


def movement(
    current: Decimal | None, previous: Decimal | None, previous_year: int, *, unit: str = "pct"
) -> str:
    """ "tăng 1,91 điểm phần trăm so với năm 2022" (or "giảm", or "bằng năm 2022"); empty
    when either figure is missing."""
    difference = published_difference(current, previous)
    if difference is None:
        return ""
    if difference == ZERO:
        return f"bằng năm {previous_year}"
    word = "tăng" if difference > ZERO else "giảm"
    amount = gap(abs(difference)) if unit == "pct" else f"{pts(abs(difference))} điểm"
    return f"{word} {amount} so với năm {previous_year}"


def band_range(number: int, bands: Sequence[Band] = DEFAULT_BANDS) -> str:
    """How a band is defined, as the report writes it: "đạt trên 90%", "đạt từ 80% đến
    90%", "đạt từ 65% đến dưới 80%", "dưới 50%"."""
    ordered = sorted(bands, key=lambda band: band.lower, reverse=True)
    position = next(n for n, band in enumerate(ordered) if band.number == number)
    band = ordered[position]
    above = ordered[position - 1] if position > 0 else None
    lower = f"{'từ' if band.lower_inclusive else 'trên'} {_whole(band.lower)}%"
    if above is None:
        return f"đạt {lower}"
    upper = f"{'dưới ' if above.lower_inclusive else ''}{_whole(above.lower)}%"
    if band.lower == ZERO:
        return f"{'dưới' if above.lower_inclusive else 'đến'} {_whole(above.lower)}%"
    return f"đạt {lower} đến {upper}"


def _whole(value: Decimal) -> str:
    """A band's limit: 90 → "90", 82.5 → "82,5"."""
    text = format(value.normalize(), "f")
    return text.replace(".", ",")


def band_counts(counts: Mapping[int, int], bands: Sequence[Band] = DEFAULT_BANDS) -> str:
    """ "04 đơn vị được xếp nhóm 2 (có kết quả chỉ số CCHC đạt từ 80% đến 90%) và 14 đơn vị
    xếp nhóm 3 (…)": the bands that hold units, best first."""
    parts: list[str] = []
    for number, units in sorted(counts.items()):
        if not units:
            continue
        verb = "được xếp" if not parts else "xếp"
        parts.append(
            f"{count(units)} đơn vị {verb} nhóm {number} "
            f"(có kết quả chỉ số CCHC {band_range(number, bands)})"
        )
    return joined(parts)


def extremes_sentence(
    found: Extremes, names: Mapping[str, str], *, lead: str = "Đạt kết quả Chỉ số CCHC"
) -> str:
    """ "Đạt kết quả Chỉ số CCHC cao nhất là A với tỷ lệ 84,81%, thấp nhất là B với tỷ lệ
    58,89%, khoảng cách chênh lệch giữa đơn vị cao nhất và thấp nhất là 25,92 điểm phần
    trăm." Units sharing a value are all named."""
    highest = joined([names[code] for code in found.highest])
    lowest = joined([names[code] for code in found.lowest])
    if found.highest == found.lowest:
        return f"{lead} của {highest} là {pct(found.highest_pct)}."
    return (
        f"{lead} cao nhất là {highest} với tỷ lệ {pct(found.highest_pct)}, thấp nhất là "
        f"{lowest} với tỷ lệ {pct(found.lowest_pct)}, khoảng cách chênh lệch giữa đơn vị "
        f"cao nhất và thấp nhất là {gap(found.gap_pct)}."
    )


def ranked_sentence(items: Sequence[tuple[str, Decimal]], *, what: str) -> str:
    """Items already ordered highest first: "A có giá trị trung bình cao nhất, với tỷ lệ
    82,95%; xếp thứ 2 là B (77,08%); tiếp theo là C (76,37%); thấp nhất là D (76,20%)"."""
    if not items:
        return ""
    first_name, first_value = items[0]
    parts = [f"{first_name} có {what} cao nhất, với tỷ lệ {pct(first_value)}"]
    for position, (name, value) in enumerate(items[1:-1], start=2):
        lead = "xếp thứ 2 là" if position == 2 else "tiếp theo là"
        parts.append(f"{lead} {name} ({pct(value)})")
    if len(items) > 1:
        last_name, last_value = items[-1]
        parts.append(f"thấp nhất là {last_name} ({pct(last_value)})")
    return "; ".join(parts) + "."
