"""Word and Excel documents to PDF by LibreOffice, headless.

Each conversion runs in its own temporary directory with its own LibreOffice user profile:
two conversions at once (two workers, two requests) never share a profile, which
LibreOffice locks, and nothing is left behind. A conversion that hangs is killed with
its whole process group after `TIMEOUT_SECONDS`.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import subprocess
import tempfile
from pathlib import Path

from django.utils.translation import gettext as _

from parindex.org.errors import Refused

# A report of a few dozen pages takes a few seconds; the first conversion on a machine
# also builds LibreOffice's font cache.
TIMEOUT_SECONDS = 180
SUFFIXES = (".docx", ".xlsx", ".odt", ".ods")
PROGRAMS = ("soffice", "libreoffice")
LOCALE = "vi_VN.UTF-8"


class PdfUnavailable(Refused):
    """LibreOffice is not installed on this server: no PDF, the Word or Excel file still."""

    def __init__(self) -> None:
        super().__init__(
            _(
                "PDF files cannot be made: LibreOffice is not installed on the server. "
                "The administrator can install it (on Debian or Ubuntu: apt-get install "
                "libreoffice-writer-nogui libreoffice-calc-nogui fonts-liberation2); "
                "the Word and Excel files can be downloaded meanwhile."
            )
        )


class PdfFailed(Refused):
    """LibreOffice ran but made no PDF, or took too long."""


def soffice() -> str | None:
    """LibreOffice's program on the PATH, if installed."""
    for name in PROGRAMS:
        found = shutil.which(name)
        if found is not None:
            return found
    return None


def to_pdf(content: bytes, suffix: str, *, timeout: float = TIMEOUT_SECONDS) -> bytes:
    """The document (`content`, a file of type `suffix`: ".docx", ".xlsx") as a PDF."""
    if suffix not in SUFFIXES:
        raise ValueError(f"cannot convert {suffix!r} files to PDF")
    program = soffice()
    if program is None:
        raise PdfUnavailable()
    with tempfile.TemporaryDirectory(prefix="parindex-pdf-") as folder:
        work = Path(folder)
        source = work / f"document{suffix}"
        source.write_bytes(content)
        out = work / "out"
        command = [
            program,
            f"-env:UserInstallation={(work / 'profile').as_uri()}",
            "--headless",
            "--invisible",
            "--nologo",
            "--norestore",
            "--nolockcheck",
            "--convert-to",
            "pdf",
            "--outdir",
            str(out),
            str(source),
        ]
        # Its own session: on a timeout the whole group goes (soffice starts soffice.bin).
        process = subprocess.Popen(  # noqa: S603 - a fixed program and arguments, no shell
            command,
            cwd=work,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            start_new_session=True,
            # Excel's number formats print in the locale's style: 83,84% as the province
            # writes it (LibreOffice reads the name; the C library need not have it).
            env={**os.environ, "LC_ALL": LOCALE, "LANG": LOCALE},
        )
        try:
            _stdout, stderr = process.communicate(timeout=timeout)
        except subprocess.TimeoutExpired:
            _kill(process)
            raise PdfFailed(
                _("The conversion to PDF took more than %(seconds)s seconds and was stopped.")
                % {"seconds": int(timeout)}
            ) from None
        made = out / "document.pdf"
        if process.returncode != 0 or not made.is_file() or made.stat().st_size == 0:
            detail = stderr.decode("utf-8", "replace").strip()[-300:]
            raise PdfFailed(
                _(
                    "LibreOffice could not convert the document to PDF "
                    "(exit code %(code)s). %(detail)s"
                )
                % {"code": process.returncode, "detail": detail}
            )
        return made.read_bytes()


def _kill(process: subprocess.Popen[bytes]) -> None:
    with contextlib.suppress(ProcessLookupError):  # already gone
        os.killpg(process.pid, signal.SIGKILL)
    process.communicate()
