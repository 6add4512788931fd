"""What an uploaded evidence file really is, read from its bytes, never from its name."""

from __future__ import annotations

import io
import re
import unicodedata
import zipfile
from typing import Any

from django.http import FileResponse

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
# The other names a type's files go by, kept when the uploader used them.
OTHER_EXTENSIONS = {JPEG: ("jpeg", "jpe")}
# What no file name should hold: path separators, characters Windows refuses, controls.
_UNSAFE = re.compile(r'[\\/:*?"<>|\x00-\x1f\x7f]+')
_EXTENSION = re.compile(r"[A-Za-z0-9]{1,8}")
_NAME_LENGTH = 120


def download_name(name: str, kind: str) -> str:
    """The name a file is served under: the uploader's base name, sanitized, with the
    extension of the type its content was checked as. A PDF named “report.html”, “.bat”,
    “.hta” or “.svg” is saved by the browser as “report.pdf”, never as what it claims."""
    extension = EXTENSIONS[kind]
    text = unicodedata.normalize("NFC", name)
    text = "".join(ch for ch in text if unicodedata.category(ch) not in ("Cc", "Cf"))
    text = _UNSAFE.sub("_", text)
    base, dot, given = text.rpartition(".")
    if not dot or not _EXTENSION.fullmatch(given):  # “ver 1.5 final” has no extension
        base, given = text, ""
    if given.lower() in (extension, *OTHER_EXTENSIONS.get(kind, ())):
        extension = given  # the uploader's own spelling: “.PDF”, “.jpeg”
    base = " ".join(base.split()).strip(" .")
    if base.lower().endswith("." + extension.lower()):  # “report.pdf.html”
        base = base[: -len(extension) - 1].rstrip(" .")
    base = base[:_NAME_LENGTH].rstrip(" .") or "tai-lieu-kiem-chung"
    return f"{base}.{extension}"


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


def file_response(file: Any, *, inline: bool = False) -> FileResponse:
    """An evidence file as its download, once its reader was checked: its own type, its
    name as a browser saves it, and no script of it run (sandboxed)."""
    response = FileResponse(
        file.file.open("rb"),
        content_type=CONTENT_TYPES[file.kind],
        as_attachment=not inline or not file.previewable,
        filename=download_name(file.name, file.kind),
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "sandbox"
    return response
