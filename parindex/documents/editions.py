"""The annual report's typed parts for a year: what the administrator saved, else what
the evaluating body's name suggests (the clerk then corrects it on the page)."""

from __future__ import annotations

import unicodedata

from parindex.org.models import EvaluatingBody

from .docx import Letterhead
from .models import ReportEdition


def province_of(body_name: str) -> str:
    """ "Sở Nội vụ tỉnh Sóc Trăng" → "Sóc Trăng"; the whole name when no "tỉnh"/"thành phố"."""
    for marker in (" tỉnh ", " thành phố "):
        if marker in body_name:
            return body_name.split(marker, 1)[1].strip()
    return body_name.strip()


def issuer_of(body_name: str) -> str:
    """ "Sở Nội vụ tỉnh Sóc Trăng" → "Sở Nội vụ"."""
    for marker in (" tỉnh ", " thành phố "):
        if marker in body_name:
            return body_name.split(marker, 1)[0].strip()
    return body_name.strip()


def initials(name: str) -> str:
    """ "Sở Nội vụ" → "SNV": the symbol's abbreviation, without diacritics."""
    letters = []
    for word in name.split():
        first = unicodedata.normalize("NFD", word[0])[0].upper()
        letters.append("D" if first == "Đ" else first)
    return "".join(letters)


def edition_for(year: int) -> ReportEdition:
    """The year's saved edition, else an unsaved one with the defaults."""
    saved = ReportEdition.objects.filter(year=year).first()
    if saved is not None:
        return saved
    body = EvaluatingBody.objects.order_by("pk").first()
    name = body.name if body is not None else "Sở Nội vụ"
    province = province_of(name)
    issuer = body.short_name if body is not None and body.short_name else issuer_of(name)
    is_province = province != name.strip()
    return ReportEdition(
        year=year,
        parent_body=f"UBND tỉnh {province}" if is_province else "",
        issuer=issuer,
        number_symbol=f"      /BC-{initials(issuer)}",
        place=province,
        addressee=f"Ủy ban nhân dân tỉnh {province}" if is_province else "",
        recipients="\n".join(
            ["Như trên;", "Các cơ quan, đơn vị tham gia đánh giá Chỉ số;", "Lưu: VT."]
        ),
        signer_title="GIÁM ĐỐC",
    )


def letterhead_of(edition: ReportEdition) -> Letterhead:
    return Letterhead(
        parent=edition.parent_body,
        issuer=edition.issuer,
        number_symbol=edition.number_symbol,
        place=edition.place,
        date=edition.issued_on,
        year=edition.year + 1,  # the report on a year is written early the next
        signer_title=edition.signer_title,
        signer_name=edition.signer_name,
        recipients=tuple(ReportEdition.lines(edition.recipients)),
    )
