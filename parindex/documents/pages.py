"""A PDF's pages as PNG images (poppler's pdftoppm), to look at a generated document."""

from __future__ import annotations

import re
import shutil
import subprocess
import tempfile
from pathlib import Path

from django.utils.translation import gettext as _

from parindex.org.errors import Refused

from .pdf import PdfFailed

TIMEOUT_SECONDS = 180
DPI = 80  # enough to read a page's layout on a screen


class PagesUnavailable(Refused):
    def __init__(self) -> None:
        super().__init__(
            _(
                "Pages cannot be drawn: pdftoppm is not installed on the server "
                "(on Debian or Ubuntu: apt-get install poppler-utils)."
            )
        )


def render_pages(
    pdf: bytes, out_dir: Path | str, *, dpi: int = DPI, timeout: float = TIMEOUT_SECONDS
) -> list[Path]:
    """Every page of the PDF as `page-<n>.png` in `out_dir`, in page order."""
    program = shutil.which("pdftoppm")
    if program is None:
        raise PagesUnavailable()
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="parindex-pages-") as folder:
        source = Path(folder) / "document.pdf"
        source.write_bytes(pdf)
        try:
            done = subprocess.run(  # noqa: S603 - a fixed program and arguments, no shell
                [program, "-png", "-r", str(dpi), str(source), str(out / "page")],
                capture_output=True,
                timeout=timeout,
                check=False,
            )
        except subprocess.TimeoutExpired:
            raise PdfFailed(
                _("Drawing the pages took more than %(seconds)s seconds and was stopped.")
                % {"seconds": int(timeout)}
            ) from None
    if done.returncode != 0:
        raise PdfFailed(
            _("The PDF's pages could not be drawn: %(detail)s")
            % {"detail": done.stderr.decode("utf-8", "replace").strip()[-300:]}
        )
    # pdftoppm pads the number to the page count's digits: page-01.png … page-12.png.
    pages = [path for path in out.glob("page-*.png") if re.fullmatch(r"page-\d+\.png", path.name)]
    return sorted(pages, key=lambda path: int(path.stem.split("-")[1]))
