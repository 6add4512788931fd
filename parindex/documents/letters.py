"""Each unit's letter to its own people (shared/seeds/000): its index of the year and of
the years before, then the criteria where it lost points, field by field, with the
appraisers' comments, for the heads of its offices to put right.

The letter is the unit's: its letterhead, its head's signature, addressed to the heads
of its offices and units. Every figure is the engine's (`Source.results`, `.history`,
`.losses`), written through `parindex.org.templatetags.parindex` in Vietnamese.

Rules where the data says nothing explicit:
- The parent body above the unit's name: the unit's own `parent` when set; none for a
  people's committee (Nghị định 30 writes "ỦY BAN NHÂN DÂN / HUYỆN …" alone) nor for a
  central agency in the province (its ministry is not known; set `Unit.parent`); else,
  for the province's departments and public service units, the provincial committee of
  the evaluating body's locality ("Sở Nội vụ tỉnh Sóc Trăng" → "UBND TỈNH SÓC TRĂNG").
- The place is that locality ("Sóc Trăng"); the date and the number are the clerk's.
- The signer's title is the unit's `head_name` without the unit's name ("Giám đốc Sở
  Tài chính" → "GIÁM ĐỐC"); a people's committee signs "TM. ỦY BAN NHÂN DÂN".
"""

from __future__ import annotations

import io
import re
import unicodedata
import zipfile
from collections.abc import Callable
from dataclasses import dataclass

from django.utils import timezone, translation
from django.utils.translation import gettext as _
from docx.document import Document

from parindex.org.models import EvaluatingBody, Unit, make_code
from parindex.org.templatetags.parindex import day, percent, points
from parindex.results.losses import CriterionLoss
from parindex.results.provisional import missing_text, rank_note
from parindex.results.selectors import YearResults
from parindex.scoring.engine import RankedUnit

from . import docx
from .sources import Source

SUBJECT = "V/v cải thiện và nâng cao\nchỉ số cải cách hành chính"
COMMITTEE = "Ủy ban nhân dân"
# Titles a head's post begins with, longest first: what is left when the post does not
# end with the unit's name ("Giám đốc" of "Giám đốc Sở Tư pháp tỉnh Sóc Trăng").
HEAD_TITLES = (
    "Chi cục trưởng",
    "Chánh Văn phòng",
    "Chánh Thanh tra",
    "Tổng Giám đốc",
    "Phó Giám đốc",
    "Viện trưởng",
    "Hiệu trưởng",
    "Cục trưởng",
    "Trưởng ban",
    "Giám đốc",
    "Chủ tịch",
    "Thủ trưởng",
)
# Who leads the unit beside its head, for "Nơi nhận".
LEADERSHIP = {"giám đốc": "Ban Giám đốc", "hiệu trưởng": "Ban Giám hiệu"}

Progress = Callable[[str, int, int], None]


# Who writes: names read from the unit and the evaluating body -------------------------


@dataclass(frozen=True)
class Locality:
    kind: str  # "tỉnh", "thành phố"
    name: str  # "Sóc Trăng"

    @property
    def phrase(self) -> str:
        return f"{self.kind} {self.name}"


_LOCALITY = re.compile(r"\b(tỉnh|thành phố|tp\.?)\s+(\S.*)$", re.IGNORECASE)


def locality(body_name: str) -> Locality | None:
    """The province or city an evaluating body's name ends with: "Sở Nội vụ tỉnh Sóc
    Trăng" → tỉnh Sóc Trăng; None when the name names none (a ministry)."""
    found = _LOCALITY.search(unicodedata.normalize("NFC", body_name.strip()))
    if found is None:
        return None
    kind = found.group(1).lower()
    if kind.startswith("tp"):
        kind = "thành phố"
    return Locality(kind, found.group(2).strip().rstrip("."))


def without_locality(name: str) -> str:
    """ "Sở Nội vụ tỉnh Sóc Trăng" → "Sở Nội vụ"."""
    text = unicodedata.normalize("NFC", name.strip())
    found = _LOCALITY.search(text)
    return text[: found.start()].strip() if found is not None and found.start() else text


def is_committee(name: str) -> bool:
    """A people's committee (UBND huyện, xã …): collective, no parent body written."""
    lowered = unicodedata.normalize("NFC", name).lower()
    return lowered.startswith(("ubnd ", COMMITTEE.lower() + " "))


def _committee_place(name: str) -> str:
    """ "UBND huyện Mỹ Xuyên" → "huyện Mỹ Xuyên"."""
    text = unicodedata.normalize("NFC", name)
    for prefix in ("UBND ", COMMITTEE + " "):
        if text.lower().startswith(prefix.lower()):
            return text[len(prefix) :].strip()
    return text


def parent_body(unit: Unit, body: EvaluatingBody) -> str:
    """The body written above the unit's name (see the module's rules)."""
    if unit.parent is not None:
        return unit.parent.name
    # The group of people's committees ("UBND cấp huyện"), the central agencies'.
    if is_committee(unit.name) or is_committee(unit.group.name):
        return ""
    if "trung ương" in unicodedata.normalize("NFC", unit.group.name).lower():
        return ""
    place = locality(body.name)
    return f"UBND {place.phrase}" if place is not None else ""


def issuer(unit: Unit) -> str:
    if is_committee(unit.name):
        return f"{COMMITTEE}\n{_committee_place(unit.name)}"
    return unit.name


def symbol(unit: Unit) -> str:
    """The unit's initials for the number's symbol, as officials write them: Sở Tài chính
    → STC, Sở Kế hoạch và Đầu tư → SKHĐT, Bảo hiểm xã hội tỉnh Sóc Trăng → BHXH; a people's
    committee → UBND. The clerk completes the number and the drafting office."""
    if is_committee(unit.name):
        return "UBND"
    name = unicodedata.normalize("NFC", unit.name)
    place = locality(unit.group.body.name)
    if place is not None:  # the province's name is not part of the initials
        name = re.sub(
            rf"\s+(?:{re.escape(place.kind)}\s+)?{re.escape(place.name)}$",
            "",
            name,
            flags=re.IGNORECASE,
        )
    initials = []
    for word in re.split(r"[\s\-–,]+", name):
        if not word or word.lower() in ("và", "các", "của"):
            continue
        initials.append(word if word.isupper() or word.isdigit() else word[0].upper())
    return "".join(initials)


def head_title(unit: Unit) -> str:
    """The head's post without the unit: "Giám đốc Sở Tài chính" → "Giám đốc"."""
    post = " ".join(unicodedata.normalize("NFC", unit.head_name).split())
    for name in (unit.name, unit.short_name):
        name = " ".join(unicodedata.normalize("NFC", name).split())
        if name and post.lower().endswith(" " + name.lower()):
            return post[: -len(name) - 1].strip()
    for title in HEAD_TITLES:
        if post.lower().startswith(title.lower()):
            return post[: len(title)]
    if post:
        return post
    return "Chủ tịch" if is_committee(unit.name) else "Thủ trưởng đơn vị"


def signer_title(unit: Unit) -> str:
    title = head_title(unit)
    if is_committee(unit.name):
        return f"TM. {COMMITTEE}\n{title}"
    return title


def head_named(unit: Unit) -> str:
    """The head as the closing paragraph names the one who asks: "Giám đốc Sở Tài chính"."""
    if unit.head_name.strip():
        return unit.head_name.strip()
    return f"{'Chủ tịch' if is_committee(unit.name) else 'Thủ trưởng'} {unit.name}"


def recipients(unit: Unit, body: EvaluatingBody) -> tuple[str, ...]:
    evaluator = body.short_name.strip() or without_locality(body.name)
    found = ["Như trên;"]
    if evaluator.lower() != unit.name.lower():
        found.append(f"{evaluator} (để biết);")
    title = head_title(unit).lower()
    if is_committee(unit.name):
        found.append(f"Chủ tịch, các Phó Chủ tịch UBND {_committee_place(unit.name)};")
    else:
        found.append(f"{LEADERSHIP.get(title, 'Lãnh đạo đơn vị')};")
    found.append("Lưu: VT.")
    return tuple(found)


def _lower_first(name: str) -> str:
    """A group's name inside a sentence: "Sở, ban, ngành tỉnh" → "sở, ban, ngành tỉnh";
    "UBND cấp huyện" stays."""
    first = name.split(" ", 1)[0].rstrip(",")
    if first.isupper():
        return name
    return name[:1].lower() + name[1:]


# What it says --------------------------------------------------------------------------


def _two_digits(number: int) -> str:
    return f"{number:02d}"


def rank_phrase(results: YearResults, ranked: RankedUnit) -> str:
    """ "xếp thứ 08/19 sở, ban, ngành tỉnh", with whom the rank is among when not the
    whole group; "chưa xếp hạng: …" for a unit not ranked."""
    summary = results.cycle.groups[ranked.result.group]
    note = rank_note(ranked, summary)
    if ranked.rank is None or ranked.rank_of is None:
        return note
    group = _lower_first(results.groups[ranked.result.group].name)
    phrase = f"xếp thứ {_two_digits(ranked.rank)}/{_two_digits(ranked.rank_of)} {group}"
    return f"{phrase}; {note}" if note else phrase


def year_figures(results: YearResults, ranked: RankedUnit, *, earlier: bool) -> str:
    """Seed 000's sentence: "Năm Y, tổng điểm CCHC đạt được … xếp loại … (xếp thứ …)"."""
    result = ranked.result
    qualifiers = []
    if result.provisional:
        qualifiers.append("kết quả tạm tính")
    if not results.is_published:
        qualifiers.append("chưa công bố")
    year = f"năm {results.year}" + (f" ({', '.join(qualifiers)})" if qualifiers else "")
    opening = f"So với {year}" if earlier else year[:1].upper() + year[1:]
    band = _("group %(band)s") % {"band": ranked.band}
    return (
        f"{opening}, tổng điểm CCHC đạt được {'là ' if earlier else ''}{points(result.total)}"
        f" (bao gồm điểm tự chấm {points(result.self_assessed)}; điểm điều tra xã hội học"
        f" {points(result.survey)}), Chỉ số CCHC đạt {percent(result.index_pct)}, xếp loại"
        f" {band} ({rank_phrase(results, ranked)})."
    )


def provisional_sentence(results: YearResults, ranked: RankedUnit) -> str:
    """What a provisional result misses, in the results pages' words."""
    return (
        f"Kết quả năm {results.year} nêu trên là kết quả tạm tính, chưa phải kết quả chính"
        f" thức: {missing_text(ranked.result)}."
    )


def _sentence(text: str) -> str:
    text = text.strip()
    return text if text.endswith((".", "!", "?", "./.")) else text + "."


def loss_line(loss: CriterionLoss) -> str:
    """ "<criterion>: bị trừ 0,50 điểm. Ý kiến thẩm định: <comment>"."""
    line = f"{loss.title.strip().rstrip('.;:')}: bị trừ {points(loss.lost)} điểm."
    if loss.comment.strip():
        line += f" Ý kiến thẩm định: {_sentence(loss.comment)}"
    return line


@dataclass(frozen=True)
class _Writer:
    """What every letter of a source shares."""

    source: Source
    units: dict[str, Unit]
    letter_year: int

    def letter(self, code: str) -> bytes:
        unit = self.units[code]
        results = self.source.results
        ranked = results.ranked(code)
        if ranked is None:
            raise KeyError(code)
        body = unit.group.body
        place = locality(body.name)
        head = docx.Letterhead(
            parent=parent_body(unit, body),
            issuer=issuer(unit),
            number_symbol=f"   /{symbol(unit)}",
            place=place.name if place is not None else "……",
            date=None,
            year=self.letter_year,
            signer_title=signer_title(unit),
            recipients=recipients(unit, body),
            subject=SUBJECT,
        )
        document = docx.blank_document()
        docx.letterhead(document, head)
        docx.addressee(document, f"Trưởng các phòng, đơn vị thuộc {unit.name}.")
        self._opening(document, unit, place)
        docx.paragraph(document, self._figures(code, ranked))
        if ranked.result.provisional:
            docx.paragraph(document, provisional_sentence(results, ranked), italic=True)
        self._weaknesses(document, unit, ranked)
        self._closing(document, unit)
        docx.closing(document, head)
        return docx.save(document)

    def _opening(self, document: Document, unit: Unit, place: Locality | None) -> None:
        results = self.source.results
        where = f" trên địa bàn {place.phrase}" if place is not None else ""
        what = f"Chỉ số cải cách hành chính năm {results.year} của các cơ quan, đơn vị{where}"
        snapshot = results.snapshot
        if snapshot is None:
            basis = f"Căn cứ kết quả {what} đã được công bố,"
        elif snapshot.is_published and snapshot.decision.strip():
            dated = f" ngày {day(snapshot.decision_date)}" if snapshot.decision_date else ""
            basis = (
                f"Căn cứ {snapshot.decision.strip()}{dated} về việc phê duyệt và công bố {what},"
            )
        elif snapshot.is_published:
            basis = f"Căn cứ kết quả {what} đã được công bố,"
        else:
            basis = f"Căn cứ kết quả xác định {what} (chưa được phê duyệt, công bố),"
        docx.paragraph(document, basis)
        docx.paragraph(
            document,
            f"{unit.name} thông báo kết quả Chỉ số cải cách hành chính (CCHC) năm"
            f" {results.year} của {unit.name}, đồng thời, nhận xét, đánh giá như sau:",
        )

    def _figures(self, code: str, ranked: RankedUnit) -> str:
        sentences = [year_figures(self.source.results, ranked, earlier=False)]
        for earlier in self.source.history.values():
            before = earlier.ranked(code)
            if before is not None:
                sentences.append(year_figures(earlier, before, earlier=True))
        return " ".join(sentences)

    def _weaknesses(self, document: Document, unit: Unit, ranked: RankedUnit) -> None:
        source = self.source
        year = source.year
        losses = source.losses.get(unit.code) if source.losses is not None else None
        if losses is None:
            docx.paragraph(
                document,
                f"Kết quả năm {year} được lấy từ bảng kết quả đã công bố, không có chi tiết"
                " điểm của từng tiêu chí, tiêu chí thành phần; vì vậy, văn bản này không nêu"
                f" được những hạn chế theo từng tiêu chí của năm {year}. Đề nghị các phòng,"
                " đơn vị đối chiếu kết quả thẩm định của năm để xác định những nội dung bị"
                " trừ điểm.",
            )
            return
        provisional = ranked.result.provisional
        if not losses:
            docx.paragraph(
                document,
                f"Qua rà soát kết quả năm {year}"
                + (" (tạm tính)" if provisional else "")
                + f", {unit.name} không bị trừ điểm ở tiêu chí, tiêu chí thành phần CCHC nào.",
            )
            return
        if source.detail_differs:
            docx.paragraph(
                document,
                "Lưu ý: dữ liệu chấm điểm đã thay đổi sau lần xác định kết quả nêu trên; các"
                " tiêu chí bị trừ điểm dưới đây được đọc từ dữ liệu hiện tại.",
                italic=True,
            )
        docx.paragraph(
            document,
            "Trên cơ sở rà soát, đánh giá việc thực hiện các tiêu chí, tiêu chí thành phần"
            f" CCHC năm {year}"
            + (
                " (theo kết quả tạm tính; tiêu chí chưa thẩm định tính theo điểm tự chấm"
                " của đơn vị)"
                if provisional
                else ""
            )
            + ", cho thấy còn tồn tại những hạn chế cần khắc phục như sau:",
            keep_with_next=True,
        )
        titles = source.field_titles.get(ranked.result.group, {})
        by_field: dict[str, list[CriterionLoss]] = {}
        for loss in losses:
            by_field.setdefault(loss.field, []).append(loss)
        order = list(titles) + [code for code in by_field if code not in titles]
        for field_code in order:
            field_losses = by_field.get(field_code)
            if not field_losses:
                continue  # a field with no loss is left out
            title = titles.get(field_code) or f"Lĩnh vực {field_code}"
            docx.heading(document, f"{field_code}. {title}", level=2)
            for loss in field_losses:
                docx.bullet(document, loss_line(loss))

    def _closing(self, document: Document, unit: Unit) -> None:
        source = self.source
        losses = source.losses.get(unit.code) if source.losses is not None else None
        if losses:
            ask = (
                "rà soát, tổ chức khắc phục ngay những hạn chế đã nêu theo từng lĩnh vực,"
                " phạm vi phụ trách, bảo đảm thực hiện đúng thời gian quy định"
            )
        elif losses is None:
            ask = (
                "rà soát kết quả thực hiện từng tiêu chí, tiêu chí thành phần thuộc lĩnh"
                " vực, phạm vi phụ trách và tổ chức khắc phục những nội dung bị trừ điểm"
            )
        else:
            ask = "duy trì, phát huy kết quả đạt được ở từng lĩnh vực, phạm vi phụ trách"
        docx.paragraph(
            document,
            f"Nhằm cải thiện và nâng cao Chỉ số CCHC trong thời gian tới, {head_named(unit)}"
            f" đề nghị Trưởng các phòng, đơn vị {ask}. Đồng thời, nghiên cứu, đề xuất các"
            f" giải pháp nhằm nâng cao Chỉ số CCHC của {unit.name}.",
        )
        docx.paragraph(
            document,
            "Theo nội dung văn bản này, đề nghị Trưởng các phòng, đơn vị triển khai thực hiện./.",
        )


def _writer(source: Source, codes: list[str]) -> _Writer:
    units = {
        unit.code: unit
        for unit in Unit.objects.filter(code__in=codes).select_related("group__body", "parent")
    }
    return _Writer(source, units, timezone.localdate().year)


def build_letter(source: Source, unit: str) -> bytes:
    """One unit's letter (its code) as DOCX; KeyError when the year has no result of it."""
    with translation.override("vi"):
        return _writer(source, [unit]).letter(unit)


def file_name(year: int, unit: str) -> str:
    """`<year>-<unit code>.docx`, ASCII whatever the code."""
    ascii_code = unit if unit.isascii() else make_code(unit) or "unit"
    return f"{year}-{ascii_code}.docx"


def unit_order(source: Source) -> list[str]:
    """The units with a result, by group then rank (the engine's order)."""
    return [ranked.result.unit for ranked in source.results.cycle.units]


def build_letters(source: Source, on_progress: Progress | None = None) -> bytes:
    """Every unit's letter in a ZIP, in group and rank order."""
    codes = unit_order(source)
    every = max(1, -(-len(codes) // 20))  # twenty reports at most
    buffer = io.BytesIO()
    step = _("Writing the units' letters")
    with translation.override("vi"):
        writer = _writer(source, codes)
        with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
            for done, code in enumerate(codes):
                if on_progress is not None and done % every == 0:
                    on_progress(step, done, len(codes))
                archive.writestr(file_name(source.year, code), writer.letter(code))
        if on_progress is not None:
            on_progress(step, len(codes), len(codes))
    return buffer.getvalue()
