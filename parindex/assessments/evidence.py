"""What an uploaded evidence file really is, read from its bytes, never from its name."""

from __future__ import annotations

import io
import zipfile

PDF = "pdf"
DOCX = "docx"
XLSX = "xlsx"
JPEG = "jpeg"
PNG = "png"

CONTENT_TYPES = {
    PDF: "application/pdf",
    DOCX: "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    XLSX: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    JPEG: "image/jpeg",
    PNG: "image/png",
}
EXTENSIONS = {PDF: "pdf", DOCX: "docx", XLSX: "xlsx", JPEG: "jpg", PNG: "png"}


def detect(head: bytes, read_all: bytes | None = None) -> str | None:
    """The evidence type of a file from its first bytes (and, for Office files, from the
    parts inside the zip), or None when it is not one the province accepts."""
    if head.startswith(b"%PDF-"):
        return PDF
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return PNG
    if head.startswith(b"\xff\xd8\xff"):
        return JPEG
    if head.startswith(b"PK\x03\x04") and read_all is not None:
        return _office(read_all)
    return None


def _office(content: bytes) -> str | None:
    """A DOCX or XLSX is a zip with a content-types part and its main document."""
    try:
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            names = set(archive.namelist())
    except (zipfile.BadZipFile, OSError):
        return None
    if "[Content_Types].xml" not in names:
        return None
    if "word/document.xml" in names:
        return DOCX
    if "xl/workbook.xml" in names:
        return XLSX
    return None
