"""Word and Excel documents to PDF by LibreOffice, and a PDF's pages as images."""

from __future__ import annotations

import shutil
import subprocess
import time
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from django.utils import translation

from parindex.conftest import Cast
from parindex.documents import docx
from parindex.documents.pages import render_pages
from parindex.documents.pdf import PdfFailed, PdfUnavailable, to_pdf

needs_libreoffice = pytest.mark.skipif(
    shutil.which("soffice") is None or shutil.which("pdftotext") is None,
    reason="LibreOffice and poppler-utils are installed by .ci/run",
)

SENTENCE = (
    "Chỉ số cải cách hành chính năm 2023 của UBND huyện Mỹ Xuyên đạt 83,84%, "
    "xếp thứ nhất trong nhóm UBND cấp huyện; Trường Cao đẳng Nghề Sóc Trăng."
)


def a_report() -> bytes:
    document = docx.blank_document()
    docx.title(document, "BÁO CÁO", "Kết quả xác định Chỉ số cải cách hành chính năm 2023")
    docx.paragraph(document, SENTENCE)
    docx.table(
        document,
        [docx.Column("Đơn vị", 90), docx.Column("Chỉ số CCHC", 40, "right")],
        [["UBND thị xã Vĩnh Châu", "69,06%"], ["UBND huyện Thạnh Trị", "77,38%"]],
    )
    return docx.save(document)


def text_of(pdf: bytes, tmp_path: Path) -> str:
    path = tmp_path / "document.pdf"
    path.write_bytes(pdf)
    program = shutil.which("pdftotext")
    assert program is not None
    done = subprocess.run(  # noqa: S603 - poppler's pdftotext on a file of the test's own
        [program, "-layout", str(path), "-"], capture_output=True, check=True, timeout=60
    )
    return " ".join(done.stdout.decode("utf-8").split())


@needs_libreoffice
def test_a_word_report_becomes_a_pdf_with_its_diacritics(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    started = time.monotonic()
    pdf = to_pdf(a_report(), ".docx")
    seconds = time.monotonic() - started
    with capsys.disabled():
        print(f"\nDOCX to PDF: {seconds:.1f} s, {len(pdf)} bytes")
    assert pdf.startswith(b"%PDF-")
    text = text_of(pdf, tmp_path)
    assert SENTENCE in text
    assert "UBND thị xã Vĩnh Châu 69,06%" in text
    assert "Kết quả xác định Chỉ số cải cách hành chính năm 2023" in text
    pages = render_pages(pdf, tmp_path / "pages", dpi=40)
    assert [page.name for page in pages] == ["page-1.png"]
    assert pages[0].read_bytes().startswith(b"\x89PNG")


@needs_libreoffice
@pytest.mark.django_db
def test_the_workbook_prints_with_vietnamese_numbers(
    cast: Cast, history: None, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    workbook = tmp_path / "ket-qua-2023.xlsx"
    call_command("build_workbook", year=2023, out=str(workbook), stdout=StringIO())
    out = StringIO()
    call_command("render_pages", str(workbook), out=str(tmp_path / "pages"), dpi=30, stdout=out)
    with capsys.disabled():
        print(f"\nXLSX workbook to PDF: {out.getvalue().splitlines()[0]}")
    written = [line for line in out.getvalue().splitlines() if line.endswith(".png")]
    assert len(written) >= 3  # a page at least for each sheet
    assert all(Path(line).read_bytes().startswith(b"\x89PNG") for line in written)
    text = text_of((tmp_path / "pages" / "document.pdf").read_bytes(), tmp_path)
    assert "UBND huyện Mỹ Xuyên 94,00 51,34 13,13 14,34 78,81 83,84% 1 2" in text
    assert "TRUNG BÌNH 77,08%" in text


def test_without_libreoffice_the_refusal_says_how_to_install_it(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("PATH", str(tmp_path))  # an empty folder: no soffice on it
    with translation.override("en"), pytest.raises(PdfUnavailable) as refused:
        to_pdf(a_report(), ".docx")
    assert "LibreOffice is not installed on the server" in refused.value.message
    assert "libreoffice-writer-nogui" in refused.value.message
    with translation.override("vi"), pytest.raises(PdfUnavailable) as refused:
        to_pdf(a_report(), ".docx")
    assert "LibreOffice chưa được cài đặt trên máy chủ" in refused.value.message


def test_a_conversion_that_fails_or_hangs_is_a_clear_error(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    fake = tmp_path / "soffice"
    fake.write_text("#!/bin/sh\necho 'Error: source file could not be loaded' >&2\nexit 1\n")
    fake.chmod(0o755)
    monkeypatch.setenv("PATH", str(tmp_path))
    with pytest.raises(PdfFailed, match="source file could not be loaded"):
        to_pdf(b"not a document", ".docx")
    fake.write_text("#!/bin/sh\n/bin/sleep 30\n")
    started = time.monotonic()
    with translation.override("en"), pytest.raises(PdfFailed, match="more than 1 seconds"):
        to_pdf(a_report(), ".docx", timeout=1)
    assert time.monotonic() - started < 10
