"""What an evidence file is, read from its first page: the header of an administrative
document as Nghị định 30/2020/NĐ-CP lays it out.

    UBND TỈNH SÓC TRĂNG          CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM
        SỞ TƯ PHÁP                  Độc lập - Tự do - Hạnh phúc
    Số: 37/BC-STP                Sóc Trăng, ngày 12 tháng 3 năm 2024
                            BÁO CÁO
          Kết quả thực hiện công tác cải cách hành chính quý I

The issuing body (under its parent) at the top left, the number and symbol under it, the
place and date at the right, then the title: the type of document and its subject, or a
letter's "V/v …" under its number. `read_header` finds them in plain text, whatever put
the columns in which order (pdftotext's reading order, a Word table's cells, a pasted
text); `read` gets that text from a PDF (Debian's pdftotext, first pages only) or a Word
file (python-docx). Images and workbooks are not read (no OCR).

Every input is bounded before it is looked at: the text read from a file, the part of it
read as the header, each line; the expressions never backtrack over unbounded spans.
"""

from __future__ import annotations

import contextlib
import datetime
import io
import logging
import os
import re
import selectors
import shutil
import signal
import subprocess
import tempfile
import time
import unicodedata
import zipfile
from dataclasses import dataclass
from itertools import islice
from pathlib import Path
from typing import Any

from django.utils.translation import gettext as _

from parindex.org.errors import Refused

from . import evidence as types

logger = logging.getLogger("parindex.assessments")

PDF_PAGES = 2  # the header is on the first page; a title may run onto the second
PDF_SECONDS = 5.0
MAX_TEXT_BYTES = 256 * 1024  # of pdftotext's output
# A Word file's parts, as their sizes are declared in the zip (python-docx reads each
# whole): a small file that unzips to gigabytes is not opened.
DOCX_MAX_UNZIPPED = 100 * 1024 * 1024
DOCX_MAX_PARTS = 2000
DOCX_MAX_BLOCKS = 80  # paragraphs and table cells from the top
DOCX_MAX_ROWS = 6  # of each table: a letterhead has one or two

MAX_CHARS = 20_000  # of the text, for the header
MAX_LINES = 150
MAX_LINE = 400
MAX_PIECES = 80  # the header's lines and cells, at most
MAX_TITLE = 300
BODY_PIECE = 250  # a piece this long is a paragraph of the body, not the header's


class ReaderUnavailable(Refused):
    """pdftotext is not installed: the file stays unread until it is."""

    def __init__(self) -> None:
        super().__init__(
            _(
                "PDF files cannot be read: pdftotext is not installed on the server. The "
                "administrator can install it (on Debian or Ubuntu: apt-get install "
                "poppler-utils), then read the files left unread with the read_evidence "
                "command."
            )
        )


@dataclass(frozen=True)
class DocumentHeader:
    """What the header of a document says, each part None when not found.

    `number` is the number and symbol as written after "Số:" ("37/BC-STP"; "/BC-SNV"
    when the number was left blank), `issuer` the issuing body as written (in capitals,
    "SỞ TƯ PHÁP"), `title` the type of document and its subject ("KẾ HOẠCH Cải cách
    hành chính năm 2024") or a letter's subject ("V/v …").
    """

    number: str | None = None
    date: datetime.date | None = None
    issuer: str | None = None
    title: str | None = None

    @property
    def found(self) -> bool:
        return any(value is not None for value in (self.number, self.date, self.issuer, self.title))

    def to_json(self) -> dict[str, str | None]:
        return {
            "number": self.number,
            "date": self.date.isoformat() if self.date else None,
            "issuer": self.issuer,
            "title": self.title,
        }

    @classmethod
    def from_json(cls, data: Any) -> DocumentHeader:
        """The header as stored (`to_json`); anything else stored reads as nothing found."""
        if not isinstance(data, dict):
            return cls()

        def text(key: str) -> str | None:
            value = data.get(key)
            return value if isinstance(value, str) and value else None

        date = None
        with contextlib.suppress(TypeError, ValueError):
            date = datetime.date.fromisoformat(str(data.get("date")))
        return cls(number=text("number"), date=date, issuer=text("issuer"), title=text("title"))

    @property
    def issuer_name(self) -> str:
        """The issuer as a sentence names it: "SỞ TƯ PHÁP" → "Sở Tư pháp"."""
        return body_name(self.issuer or "")

    @property
    def subject(self) -> str:
        """The title as a sentence cites it: "BÁO CÁO Kết quả …" → "Báo cáo kết quả …"."""
        title = self.title or ""
        kind = _type_prefix(title)
        if kind is None:
            return title
        rest = title[len(kind) :].strip()
        words = kind.lower().capitalize()
        if len(rest) > 1 and rest[0].isupper() and rest[1].islower():
            rest = rest[0].lower() + rest[1:]  # an acronym (“CCHC …”) keeps its capitals
        return f"{words} {rest}" if rest else words


# Reading a file ---------------------------------------------------------------------


def read(content: bytes, kind: str) -> DocumentHeader:
    """The header of the file's document (`kind` as `evidence.detect` says); nothing found
    for images and workbooks. Raises ReaderUnavailable when PDFs cannot be read here."""
    return read_header(text_of(content, kind))


def text_of(content: bytes, kind: str) -> str:
    """The text of the file's first page(s), bounded; "" when there is none to read."""
    if kind == types.PDF:
        return _pdf_text(content)
    if kind == types.DOCX:
        return _docx_text(content)
    return ""


def _pdf_text(content: bytes, *, seconds: float = PDF_SECONDS) -> str:
    program = shutil.which("pdftotext")
    if program is None:
        raise ReaderUnavailable()
    with tempfile.TemporaryDirectory(prefix="parindex-read-") as folder:
        source = Path(folder) / "evidence.pdf"
        source.write_bytes(content)
        command = [program, "-q", "-l", str(PDF_PAGES), "-enc", "UTF-8", str(source), "-"]
        # Its own session, so that a PDF that makes it hang is killed with all it started.
        process = subprocess.Popen(  # noqa: S603 - a fixed program and arguments, no shell
            command,
            cwd=folder,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            start_new_session=True,
        )
        try:
            output = _read_bounded(process, MAX_TEXT_BYTES, time.monotonic() + seconds)
        finally:
            _stop(process)
    return output.decode("utf-8", "replace")


def _read_bounded(process: subprocess.Popen[bytes], limit: int, deadline: float) -> bytes:
    """What the process writes until it ends, `limit` bytes are read or the deadline
    passes, whichever comes first."""
    assert process.stdout is not None
    chunks: list[bytes] = []
    size = 0
    with selectors.DefaultSelector() as selector:
        selector.register(process.stdout, selectors.EVENT_READ)
        while size < limit:
            left = deadline - time.monotonic()
            if left <= 0:
                logger.warning("pdftotext stopped at its deadline; the text so far is read")
                break
            if not selector.select(timeout=left):
                continue
            chunk = os.read(process.stdout.fileno(), min(65536, limit - size))
            if not chunk:
                break
            chunks.append(chunk)
            size += len(chunk)
    return b"".join(chunks)


def _stop(process: subprocess.Popen[bytes]) -> None:
    if process.poll() is None:
        with contextlib.suppress(ProcessLookupError):  # gone meanwhile
            os.killpg(process.pid, signal.SIGKILL)
    process.wait()
    if process.stdout is not None:
        process.stdout.close()


def _docx_text(content: bytes) -> str:
    """The paragraphs from the top of a Word file, and the cells of its tables (a
    letterhead is a two-column table), one cell after the other."""
    if not _docx_openable(content):
        return ""
    from docx import Document
    from docx.table import Table

    try:
        document = Document(io.BytesIO(content))
    except Exception:  # anything a malformed file makes python-docx raise
        logger.info("a Word file could not be opened to be read", exc_info=True)
        return ""
    lines: list[str] = []
    blocks = chars = 0

    def walk(container: Any, depth: int) -> bool:
        """Add the container's lines; False once enough was read."""
        nonlocal blocks, chars
        for block in container.iter_inner_content():
            blocks += 1
            if blocks > DOCX_MAX_BLOCKS or chars > MAX_CHARS:
                return False
            if not isinstance(block, Table):
                lines.append(block.text)
                chars += len(lines[-1])
                continue
            for row in islice(block.rows, DOCX_MAX_ROWS):
                seen: set[int] = set()
                for cell in row.cells:
                    if id(cell._tc) in seen:  # a merged cell is listed once per column
                        continue
                    seen.add(id(cell._tc))
                    if depth < 2 and not walk(cell, depth + 1):
                        return False
                    lines.append("")  # a cell ends as a paragraph does
        return True

    try:
        walk(document, 0)
    except Exception:  # a part python-docx cannot make sense of
        logger.info("a Word file could not be read to its end", exc_info=True)
    return "\n".join(lines)


def _docx_openable(content: bytes) -> bool:
    try:
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            parts = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError):
        return False
    return len(parts) <= DOCX_MAX_PARTS and sum(p.file_size for p in parts) <= DOCX_MAX_UNZIPPED


# Reading the header -----------------------------------------------------------------

# Nghị định 30/2020/NĐ-CP, Điều 7 (administrative documents), and the legal documents
# that are cited as evidence as well.
DOCUMENT_TYPES = frozenset(
    {
        "NGHỊ QUYẾT",
        "QUYẾT ĐỊNH",
        "CHỈ THỊ",
        "QUY CHẾ",
        "QUY ĐỊNH",
        "THÔNG CÁO",
        "THÔNG BÁO",
        "HƯỚNG DẪN",
        "CHƯƠNG TRÌNH",
        "KẾ HOẠCH",
        "PHƯƠNG ÁN",
        "ĐỀ ÁN",
        "DỰ ÁN",
        "BÁO CÁO",
        "BIÊN BẢN",
        "TỜ TRÌNH",
        "HỢP ĐỒNG",
        "CÔNG VĂN",
        "CÔNG ĐIỆN",
        "BẢN GHI NHỚ",
        "BẢN THỎA THUẬN",
        "BẢN THOẢ THUẬN",
        "GIẤY ỦY QUYỀN",
        "GIẤY UỶ QUYỀN",
        "GIẤY MỜI",
        "GIẤY GIỚI THIỆU",
        "GIẤY NGHỈ PHÉP",
        "PHIẾU GỬI",
        "PHIẾU CHUYỂN",
        "PHIẾU BÁO",
        "THƯ CÔNG",
        "LUẬT",
        "NGHỊ ĐỊNH",
        "THÔNG TƯ",
        "BẢN CAM KẾT",
    }
)
# Lines of the header that are neither the issuer nor anything else read.
MOTTOS = (
    # Its first line may wrap in a narrow column: "… CHỦ NGHĨA" / "VIỆT NAM".
    re.compile(r"CỘNG (?:HÒA|HOÀ) XÃ HỘI CHỦ NGHĨA(?: VIỆT NAM)?", re.IGNORECASE),
    re.compile(r"^VIỆT NAM$"),
    re.compile(r"Độc lập ?[-–—] ?Tự do ?[-–—] ?Hạnh phúc", re.IGNORECASE),
    re.compile(r"ĐẢNG CỘNG SẢN VIỆT NAM", re.IGNORECASE),
)
MARKS = frozenset({"DỰ THẢO", "KHẨN", "THƯỢNG KHẨN", "HỎA TỐC", "HOẢ TỐC", "MẬT", "TỐI MẬT"})
# Who decides, written in capitals between a decision's title and its grounds.
AUTHORITIES = ("CHỦ TỊCH", "BỘ TRƯỞNG", "THỦ TƯỚNG", "GIÁM ĐỐC", "ỦY BAN", "UỶ BAN", "HỘI ĐỒNG")
# Where the body begins: the header is above.
BODY_STARTS = ("Kính gửi", "Căn cứ")
# Where a title's next line is the body's first, not more of the title.
TITLE_ENDS = ("Kính gửi", "Căn cứ", "Thực hiện", "Xét ", "Theo ", "Nhằm ", "Để ")

_COLUMNS = re.compile(r"\t| {3,}")  # a tab, or the gap between two columns
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u200b-\u200f\u2028\u2029\ufeff]")
_DECORATION = "#*_>|` \u00a0"  # Markdown's headings and bold, a table's bars
_RULE = re.compile(r"[-–—_=*.·…~\u2500-\u257f\s]+")
_NUMBER = re.compile(
    r"(?:Số|SỐ)(?: ?hiệu)? ?[:.]? ?(?P<number>[\w.\-–]{0,16} ?/ ?\w[\w.\-–/&]{0,60})"
)
_WRITTEN_DATE = re.compile(
    r"(?:[^\W\d][^,\d]{0,60}, ?)?[Nn]gày ?(?P<d>\d{1,2}) ?tháng ?(?P<m>\d{1,2}) ?năm ?(?P<y>\d{4})"
)
_NUMERIC_DATE = re.compile(
    r"(?:[^\W\d][^,\d]{0,60}, ?)?(?:[Nn]gày ?)?"
    r"(?P<d>\d{1,2})[/.\-](?P<m>\d{1,2})[/.\-](?P<y>\d{4})\b"
)
# A draft's "Số:       /BC-SNV": the blank left for the number is no gap between columns.
_BLANK_NUMBER = re.compile(r"((?:Số|SỐ) ?:)[ \t]+/")
_PLACE_DATE = re.compile(r"(?:[^\W\d][^,\d]{0,60}, ?)?[Nn]gày\b")  # a date, wrapped
_YEAR = re.compile(r"(?:năm )?\d{4}")
_SUBJECT = re.compile(r"(?:V/v|V/V|v/v)\b")
_LIST_ITEM = re.compile(r"[-+•]|(?:\d{1,3}|[IVXLC]{1,6})[.)] ")
_PLACE_WORDS = ("thành phố", "thị xã", "thị trấn", "tỉnh", "huyện", "quận", "xã", "phường")
_TYPE_WORDS = (
    "ủy ban nhân dân",
    "uỷ ban nhân dân",
    "hội đồng nhân dân",
    "văn phòng",
    "trung tâm",
    "tổng cục",
    "chi cục",
    "bệnh viện",
    "công an",
    "thanh tra",
    "cục",
    "sở",
    "bộ",
    "ban",
    "phòng",
    "vụ",
    "viện",
    "trường",
    "đài",
)
_ACRONYMS = frozenset({"UBND", "HĐND", "MTTQ", "TW", "CCHC", "TTHC", "CNTT", "KH&CN", "GD&ĐT"})


def read_header(text: str) -> DocumentHeader:
    """The number and symbol, date, issuer and title of the administrative document that
    `text` begins with; each None when the text does not say it (a draft left unnumbered
    or undated, a page that is no administrative document)."""
    pieces, motto = _header_pieces(text)
    number, date = _number(pieces), _date(pieces)
    # Lines in capitals at the top are an issuer only in a header: beside the motto, above
    # a number or a date (not the heading of a table, of a chapter).
    issuer = _issuer(pieces) if motto or number or date else None
    return DocumentHeader(number=number, date=date, issuer=issuer, title=_title(pieces))


# A piece is a line, or one column of a line; None is a blank line, RULE a drawn line.
RULE = ""


def _header_pieces(text: str) -> tuple[list[str | None], bool]:
    """The header's pieces, in order, up to where the body begins; and whether the
    national motto was among them."""
    text = unicodedata.normalize("NFC", text[:MAX_CHARS])
    pieces: list[str | None] = []
    motto = False
    for line in re.split(r"\r\n|[\n\r\f\v]", text)[:MAX_LINES]:
        line = _BLANK_NUMBER.sub(r"\1 /", _CONTROL.sub(" ", line[:MAX_LINE]))
        if not line.strip():
            pieces.append(None)
            continue
        for column in _COLUMNS.split(line):
            piece = " ".join(column.split())
            if not piece:
                continue
            if _RULE.fullmatch(piece):
                pieces.append(RULE)
                continue
            for pattern in MOTTOS:
                piece, count = pattern.subn(" ", piece)
                motto = motto or count > 0
            piece = " ".join(piece.strip(_DECORATION).split())
            if not piece:  # the motto, or nothing but Markdown's marks
                continue
            if piece.startswith(BODY_STARTS) or len(piece) > BODY_PIECE:
                return pieces, motto
            pieces.append(piece)
        if len(pieces) >= MAX_PIECES:
            break
    return pieces[:MAX_PIECES], motto


def _number(pieces: list[str | None]) -> str | None:
    for piece in pieces:
        if not piece:
            continue
        found = _NUMBER.match(piece)
        if found:
            number = found["number"].replace(" ", "").replace("–", "-")
            return number.rstrip(".-/")
    return None


def _date(pieces: list[str | None]) -> datetime.date | None:
    written = [piece for piece in pieces if piece]
    for index, piece in enumerate(written):
        # The place and date may wrap in a narrow column: "…, ngày 05 tháng 01 năm" / "2024";
        # or follow the number on its line: "Số: 37/BC-STP Sóc Trăng, ngày …".
        wrapped = f"{piece} {written[index + 1]}" if index + 1 < len(written) else piece
        number = _NUMBER.match(piece)
        after = piece[number.end() :].strip() if number else ""
        for candidate in (piece, wrapped, after):
            found = _WRITTEN_DATE.match(candidate) or _NUMERIC_DATE.match(candidate)
            if not found:
                continue
            try:
                date = datetime.date(int(found["y"]), int(found["m"]), int(found["d"]))
            except ValueError:
                break
            if 1945 <= date.year <= 2100:
                return date
            break
    return None


def _is_upper(piece: str) -> bool:
    return sum(ch.isalpha() for ch in piece) >= 2 and piece == piece.upper()


def _type_of(piece: str) -> str | None:
    """The type of document the piece names on its own ("KẾ HOẠCH"), if it does."""
    words = " ".join(piece.rstrip(":.").split())
    return words if words in DOCUMENT_TYPES else None


def _type_prefix(title: str) -> str | None:
    for length in (3, 2, 1):
        words = title.split(" ")
        if len(words) >= length and " ".join(words[:length]) in DOCUMENT_TYPES:
            return " ".join(words[:length])
    return None


def _is_other(piece: str) -> bool:
    """The piece is the number, the place and date, a mark: nothing of a title."""
    return bool(
        _NUMBER.match(piece)
        or _WRITTEN_DATE.match(piece)
        or _NUMERIC_DATE.match(piece)
        or _PLACE_DATE.match(piece)
        or _YEAR.fullmatch(piece)
        or piece in MARKS
    )


def _issuer(pieces: list[str | None]) -> str | None:
    """The lines in capitals at the top, the issuing body under its parent."""
    lines: list[str] = []
    for piece in pieces:
        if piece is None:  # pdftotext may put the motto's lines between the issuer's
            continue
        if piece == RULE:  # the short line drawn under the issuer
            if lines:
                break
            continue
        if piece in MARKS:
            continue
        if not _is_upper(piece) or _type_of(piece) or _LIST_ITEM.match(piece) or len(piece) > 100:
            break
        lines.append(piece)
        if len(lines) == 4:
            break
    if not lines:
        return None
    parent, rest = lines[0], lines[1:]
    # "ỦY BAN NHÂN DÂN" / "TỈNH SÓC TRĂNG" is one name on two lines, and no parent.
    while rest and _starts_with_place(rest[0]) and not _names_place(parent):
        parent = f"{parent} {rest.pop(0)}"
    return " ".join(rest) if rest else parent


def _starts_with_place(line: str) -> bool:
    lowered = line.lower()
    return any(lowered.startswith(word + " ") for word in _PLACE_WORDS)


def _names_place(line: str) -> bool:
    lowered = f" {line.lower()} "
    return any(f" {word} " in lowered for word in _PLACE_WORDS) or lowered.startswith(" bộ ")


def _title(pieces: list[str | None]) -> str | None:
    """A letter's "V/v …", or the type of document and the line(s) under it."""
    for index, piece in enumerate(pieces):
        if not piece:
            continue
        if _SUBJECT.match(piece):
            return _continued([piece], pieces[index + 1 :])
        kind = _type_of(piece)
        if kind is None:
            continue
        following = pieces[index + 1 :]
        while following and following[0] is None:  # a blank line between them
            following = following[1:]
        if not following or not following[0] or _ends_title(following[0], first=True):
            return kind
        return _continued([kind, following[0]], following[1:])
    return None


def _ends_title(piece: str, *, first: bool = False) -> bool:
    if first:
        return piece.startswith(AUTHORITIES) or piece.startswith(BODY_STARTS)
    return (
        piece.startswith(TITLE_ENDS)
        or _is_upper(piece)
        or _LIST_ITEM.match(piece) is not None
        or len(piece) > 160
    )


def _continued(lines: list[str], following: list[str | None]) -> str:
    """The title's first line(s) and the lines that wrap it, up to a blank line, a rule,
    or what begins the body."""
    for piece in following[:8]:
        if piece is None or piece == RULE:
            break
        if _is_other(piece):  # the date beside a letter's subject, in the other column
            continue
        if _ends_title(piece) or len(lines) >= 5:
            break
        lines.append(piece)
    title = " ".join(" ".join(lines).split())
    if len(title) > MAX_TITLE:
        title = title[:MAX_TITLE].rsplit(" ", 1)[0] + " …"
    return title


# A body's name in a sentence ------------------------------------------------------


def body_name(written: str) -> str:
    """A body's name written in capitals as a sentence writes it (Nghị định 30, Phụ lục
    II): its type in lower case but the first letter, the first word of what it does
    capitalized, a place's name capitalized: "SỞ TƯ PHÁP" → "Sở Tư pháp", "UBND TỈNH
    SÓC TRĂNG" → "UBND tỉnh Sóc Trăng", "SỞ LAO ĐỘNG - THƯƠNG BINH VÀ XÃ HỘI" →
    "Sở Lao động - Thương binh và Xã hội". A name not in capitals is kept as written."""
    words = written.split()
    if not words or not _is_upper(written):
        return written
    lowered = [w if w in _ACRONYMS else w.lower() for w in words]
    capital = [index == 0 for index in range(len(words))]
    text = " ".join(lowered)
    kind = next((k for k in _TYPE_WORDS if text.startswith(k + " ")), None)
    if kind is not None:
        capital[len(kind.split())] = True  # what it does: Sở Tư pháp
    for index, word in enumerate(lowered):
        length = _place_at(lowered, index)
        if length:
            for place in range(max(index, 1), index + length):
                capital[place] = False  # a place's kind: ủy ban nhân dân tỉnh, thanh tra tỉnh
            if index + length < len(lowered):
                for name in range(index + length, len(lowered)):
                    capital[name] = True  # a place's name: tỉnh Sóc Trăng
                break
        if (word in ("và", "-", "–") or word.endswith(",")) and index + 1 < len(lowered):
            capital[index + 1] = True  # each field of a body that has several
    return " ".join(
        word if word in _ACRONYMS or not capital[i] else word[:1].upper() + word[1:]
        for i, word in enumerate(lowered)
    )


def _place_at(words: list[str], index: int) -> int:
    """How many words name a kind of place at `index` ("tỉnh", "thành phố"), or 0;
    "xã hội" (society) is none."""
    for place in _PLACE_WORDS:
        kind = place.split()
        if words[index : index + len(kind)] == kind:
            return 0 if words[index : index + 2] == ["xã", "hội"] else len(kind)
    return 0
