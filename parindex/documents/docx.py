"""Vietnamese administrative documents in Word, laid out as Nghị định 30/2020/NĐ-CP's
appendix I sets them: A4, margins top and bottom 20 mm, left 30 mm, right 15 mm; Times New
Roman; the issuing body and the national motto side by side at the top, the number and
symbol under the body, the place and date under the motto; the kind of document and its
subject centred; the body at 14 pt; "Nơi nhận" at the bottom left, the signature block at
the bottom right.

Everything written here is text already formatted for people (numbers through
`parindex.org.templatetags.parindex`): this module lays out, it never computes.
"""

from __future__ import annotations

import datetime
import io
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from docx import Document as new_document
from docx.document import Document
from docx.enum.section import WD_ORIENT
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_BREAK
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt
from docx.table import Table, _Cell
from docx.text.paragraph import Paragraph
from docx.text.run import Run

FONT = "Times New Roman"
BODY_PT = 14  # the decree allows 13-14 for the body
TABLE_PT = 12
SMALL_PT = 12  # the parent body, the recipients' heading
RECIPIENTS_PT = 11
FIRST_LINE = Mm(10)  # first-line indent of body paragraphs: 1-1.27 cm
PAGE_WIDTH, PAGE_HEIGHT = Mm(210), Mm(297)
MARGINS = {"top": Mm(20), "bottom": Mm(20), "left": Mm(30), "right": Mm(15)}
MOTTO = "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"
MOTTO_LINE = "Độc lập - Tự do - Hạnh phúc"
RIGHT = WD_ALIGN_PARAGRAPH.RIGHT
CENTER = WD_ALIGN_PARAGRAPH.CENTER


@dataclass(frozen=True)
class Letterhead:
    """Who issues the document and how it is numbered and signed."""

    parent: str  # the body above the issuer, e.g. "UBND TỈNH SÓC TRĂNG" (may be empty)
    issuer: str  # e.g. "SỞ NỘI VỤ"
    number_symbol: str  # after "Số: ", e.g. "   /BC-SNV" (the number is left to the clerk)
    place: str  # e.g. "Sóc Trăng"
    date: datetime.date | None  # None: left for the clerk, "ngày    tháng    năm 2024"
    year: int  # the year written when the date is left blank
    signer_title: str  # may hold lines: "KT. GIÁM ĐỐC\nPHÓ GIÁM ĐỐC"
    signer_name: str = ""
    recipients: tuple[str, ...] = ()  # "Nơi nhận"
    subject: str = ""  # for a letter: "V/v …" under the number


@dataclass
class Footnotes:
    """Footnotes written as the report's own: a superscript number in the text, the notes
    gathered at the end of each section (Word's real footnotes need parts python-docx does
    not write)."""

    notes: list[str] = field(default_factory=list)
    first: int = 1

    def add(self, text: str) -> int:
        self.notes.append(text)
        return self.first + len(self.notes) - 1


def blank_document() -> Document:
    document = new_document()
    section = document.sections[0]
    section.orientation = WD_ORIENT.PORTRAIT
    section.page_width, section.page_height = PAGE_WIDTH, PAGE_HEIGHT
    section.top_margin = MARGINS["top"]
    section.bottom_margin = MARGINS["bottom"]
    section.left_margin = MARGINS["left"]
    section.right_margin = MARGINS["right"]
    for name in ("Normal", "Table Grid"):
        style = document.styles[name]
        style.font.name = FONT
        # East Asian and complex-script fonts too, or Word falls back for diacritics.
        fonts = style.element.get_or_add_rPr().get_or_add_rFonts()
        for attribute in ("w:ascii", "w:hAnsi", "w:eastAsia", "w:cs"):
            fonts.set(qn(attribute), FONT)
    normal = document.styles["Normal"]
    normal.font.size = Pt(BODY_PT)
    normal.paragraph_format.space_before = Pt(0)
    normal.paragraph_format.space_after = Pt(6)
    normal.paragraph_format.line_spacing = 1.15
    _page_numbers(section)
    return document


def _page_numbers(section: object) -> None:
    """The page number centred at the top, from the second page on (the decree's rule)."""
    section.different_first_page_header_footer = True  # type: ignore[attr-defined]
    paragraph = section.header.paragraphs[0]  # type: ignore[attr-defined]
    paragraph.alignment = CENTER
    run = paragraph.add_run()
    run.font.size = Pt(13)
    for kind, text in (("begin", None), (None, "PAGE"), ("end", None)):
        if kind is not None:
            element = OxmlElement("w:fldChar")
            element.set(qn("w:fldCharType"), kind)
        else:
            element = OxmlElement("w:instrText")
            element.set(qn("xml:space"), "preserve")
            element.text = text
        run._r.append(element)


def save(document: Document) -> bytes:
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


# The top of the document --------------------------------------------------------------


def written_date(head: Letterhead) -> str:
    if head.date is None:
        return f"{head.place}, ngày      tháng      năm {head.year}"
    day = head.date.day
    month = head.date.month
    # The decree writes days below 10 and months below 3 with a leading zero.
    day_text = f"{day:02d}" if day < 10 else str(day)
    month_text = f"{month:02d}" if month < 3 else str(month)
    return f"{head.place}, ngày {day_text} tháng {month_text} năm {head.date.year}"


def letterhead(document: Document, head: Letterhead) -> None:
    """The issuing body and the national motto, the number and the place and date."""
    table = document.add_table(rows=2, cols=2)
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    table.autofit = False
    _widths(table, (Mm(62), Mm(103)))
    left, right = table.rows[0].cells
    first = left.paragraphs[0]
    if head.parent:
        _run(first, head.parent.upper(), size=13)
        first = left.add_paragraph()
    _run(first, head.issuer.upper(), size=13, bold=True)
    _rule(left, Mm(25))
    _run(right.paragraphs[0], MOTTO, size=12, bold=True)
    _run(right.add_paragraph(), MOTTO_LINE, size=14, bold=True)
    _rule(right, Mm(55))
    for cell in (left, right):
        for paragraph in cell.paragraphs:
            paragraph.alignment = CENTER
            paragraph.paragraph_format.space_after = Pt(0)
    number_cell, date_cell = table.rows[1].cells
    number = number_cell.paragraphs[0]
    number.alignment = CENTER
    _run(number, f"Số: {head.number_symbol}", size=13)
    if head.subject:
        subject = number_cell.add_paragraph()
        subject.alignment = CENTER
        _run(subject, head.subject, size=12)
    place = date_cell.paragraphs[0]
    place.alignment = CENTER
    _run(place, written_date(head), size=14, italic=True)
    document.add_paragraph()


def _rule(cell: _Cell, width: object) -> None:
    """The short solid line under the issuer and under the motto: a bordered empty
    paragraph, centred, as wide as `width`."""
    paragraph = cell.add_paragraph()
    paragraph.alignment = CENTER
    paragraph.paragraph_format.space_after = Pt(0)
    run = paragraph.add_run("\u2500" * (int(width / Mm(2.2))))  # type: ignore[operator]
    run.font.size = Pt(6)


def title(document: Document, kind: str, subject: str = "") -> None:
    """The kind of document (BÁO CÁO) and its subject, centred and bold."""
    heading = document.add_paragraph()
    heading.alignment = CENTER
    heading.paragraph_format.space_after = Pt(0)
    heading.paragraph_format.keep_with_next = True
    _run(heading, kind.upper(), size=14, bold=True)
    if subject:
        line = document.add_paragraph()
        line.alignment = CENTER
        line.paragraph_format.keep_with_next = True
        _run(line, subject, size=14, bold=True)


def addressee(document: Document, text: str) -> None:
    """ "Kính gửi: …", centred under the title."""
    paragraph = document.add_paragraph()
    paragraph.alignment = CENTER
    paragraph.paragraph_format.space_before = Pt(6)
    _run(paragraph, f"Kính gửi: {text}", size=BODY_PT)


# The body ------------------------------------------------------------------------------


def heading(document: Document, text: str, *, level: int = 1) -> Paragraph:
    """A section heading: bold; level 1 in capitals. Kept with what follows, so that no
    heading ends a page alone."""
    paragraph = document.add_paragraph()
    paragraph.paragraph_format.first_line_indent = FIRST_LINE
    paragraph.paragraph_format.space_before = Pt(6)
    paragraph.paragraph_format.keep_with_next = True
    _run(paragraph, text.upper() if level == 1 else text, bold=True, italic=level >= 3)
    return paragraph


def paragraph(
    document: Document,
    text: str = "",
    *,
    notes: Sequence[int] = (),
    italic: bool = False,
    bold: bool = False,
    keep_with_next: bool = False,
) -> Paragraph:
    """A body paragraph, justified with a first-line indent; `notes` are footnote numbers
    written after it in superscript."""
    written = document.add_paragraph()
    written.alignment = WD_ALIGN_PARAGRAPH.JUSTIFY
    written.paragraph_format.first_line_indent = FIRST_LINE
    written.paragraph_format.keep_with_next = keep_with_next
    _run(written, text, italic=italic, bold=bold)
    for number in notes:
        run = _run(written, str(number))
        run.font.superscript = True
    return written


def bullet(document: Document, text: str, *, notes: Sequence[int] = ()) -> Paragraph:
    """A "- " item as the province writes lists."""
    return paragraph(document, f"- {text}", notes=notes)


def footnotes(document: Document, notes: Footnotes) -> None:
    """The section's notes, smaller, after a short rule."""
    if not notes.notes:
        return
    rule = document.add_paragraph()
    _run(rule, "\u2500" * 20, size=8)
    rule.paragraph_format.keep_with_next = True
    for offset, text in enumerate(notes.notes):
        written = document.add_paragraph()
        written.alignment = WD_ALIGN_PARAGRAPH.JUSTIFY
        written.paragraph_format.first_line_indent = FIRST_LINE
        written.paragraph_format.space_after = Pt(2)
        number = _run(written, str(notes.first + offset), size=11)
        number.font.superscript = True
        _run(written, f" {text}", size=11)
    notes.first += len(notes.notes)
    notes.notes.clear()


def picture(document: Document, png: bytes, *, width_mm: float = 160, caption: str = "") -> None:
    """A chart, centred, its caption under it in italics (kept on the chart's page)."""
    written = document.add_paragraph()
    written.alignment = CENTER
    written.paragraph_format.keep_with_next = bool(caption)
    written.add_run().add_picture(io.BytesIO(png), width=Mm(width_mm))
    if caption:
        under = document.add_paragraph()
        under.alignment = CENTER
        _run(under, caption, size=12, italic=True)


def page_break(document: Document) -> None:
    document.add_paragraph().add_run().add_break(WD_BREAK.PAGE)


# Tables --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Column:
    header: str
    width_mm: float
    align: str = "left"  # "left", "center" or "right" (figures)


def table(
    document: Document,
    columns: Sequence[Column],
    rows: Iterable[Sequence[str]],
    *,
    numbering: bool = True,
    bold_rows: Iterable[int] = (),
    size: int = TABLE_PT,
    splittable: bool = False,
) -> Table:
    """A bordered table whose header row repeats on every page and whose rows are never
    split across pages (unless `splittable`: rows of long text, which would leave half a
    page empty); with `numbering`, the published tables' row of column numbers (1, 2,
    3 …) under the header repeats too."""
    header_rows = 2 if numbering else 1
    written: Table = document.add_table(rows=header_rows, cols=len(columns))
    written.style = document.styles["Table Grid"]
    written.alignment = WD_TABLE_ALIGNMENT.CENTER
    written.autofit = False
    for position, column in enumerate(columns):
        cell = written.rows[0].cells[position]
        _cell_text(cell, column.header, size=size, bold=True, align="center")
        if numbering:
            _cell_text(
                written.rows[1].cells[position], str(position + 1), size=size - 1, align="center"
            )
    for row in written.rows[:header_rows]:
        _repeat_header(row)
    bold = set(bold_rows)
    for number, values in enumerate(rows):
        cells = written.add_row().cells  # type: ignore[no-untyped-call]
        for position, (column, value) in enumerate(zip(columns, values, strict=True)):
            _cell_text(cells[position], value, size=size, bold=number in bold, align=column.align)
    for row in written.rows[: header_rows if splittable else None]:
        _cant_split(row)
    _widths(written, [Mm(column.width_mm) for column in columns])
    document.add_paragraph().paragraph_format.space_after = Pt(0)
    return written


def _cell_text(cell: _Cell, text: str, *, size: int, bold: bool = False, align: str) -> None:
    written = cell.paragraphs[0]
    written.paragraph_format.space_after = Pt(0)
    written.paragraph_format.first_line_indent = Mm(0)
    written.alignment = {"left": WD_ALIGN_PARAGRAPH.LEFT, "center": CENTER, "right": RIGHT}[align]
    _run(written, text, size=size, bold=bold)


def _widths(written: Table, widths: Sequence[object]) -> None:
    """Column widths as Word and LibreOffice both read them: on the grid and on each cell."""
    for column, width in zip(written.columns, widths, strict=True):
        column.width = width
        for cell in column.cells:
            cell.width = width


def _repeat_header(row: object) -> None:
    properties = row._tr.get_or_add_trPr()  # type: ignore[attr-defined]
    element = OxmlElement("w:tblHeader")
    element.set(qn("w:val"), "true")
    properties.append(element)


def _cant_split(row: object) -> None:
    properties = row._tr.get_or_add_trPr()  # type: ignore[attr-defined]
    element = OxmlElement("w:cantSplit")
    element.set(qn("w:val"), "true")
    properties.append(element)


# The bottom of the document -----------------------------------------------------------


def closing(document: Document, head: Letterhead) -> None:
    """ "Nơi nhận" on the left, the signature block on the right, side by side; they stay on
    one page together."""
    written = document.add_table(rows=1, cols=2)
    written.autofit = False
    left, right = written.rows[0].cells
    _widths(written, (Mm(80), Mm(85)))
    _cant_split(written.rows[0])
    received = left.paragraphs[0]
    _run(received, "Nơi nhận:", size=SMALL_PT, bold=True, italic=True)
    received.paragraph_format.space_after = Pt(0)
    for line in head.recipients:
        item = left.add_paragraph()
        item.paragraph_format.space_after = Pt(0)
        _run(item, f"- {line}", size=RECIPIENTS_PT)
    first = True
    for line in head.signer_title.splitlines() or [""]:
        written_line = right.paragraphs[0] if first else right.add_paragraph()
        first = False
        written_line.alignment = CENTER
        written_line.paragraph_format.space_after = Pt(0)
        _run(written_line, line.upper(), size=14, bold=True)
    for _blank in range(4):  # room for the signature and the seal
        right.add_paragraph().paragraph_format.space_after = Pt(0)
    if head.signer_name:
        name = right.add_paragraph()
        name.alignment = CENTER
        _run(name, head.signer_name, size=14, bold=True)


def _run(
    written: Paragraph,
    text: str,
    *,
    size: int | None = None,
    bold: bool = False,
    italic: bool = False,
) -> Run:
    run = written.add_run(text)
    run.font.name = FONT
    fonts = run._r.get_or_add_rPr().get_or_add_rFonts()
    for attribute in ("w:eastAsia", "w:cs"):
        fonts.set(qn(attribute), FONT)
    if size is not None:
        run.font.size = Pt(size)
    run.font.bold = bold or None
    run.font.italic = italic or None
    return run
