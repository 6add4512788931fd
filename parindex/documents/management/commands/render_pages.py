import time
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from parindex.documents.pages import DPI, render_pages
from parindex.documents.pdf import to_pdf
from parindex.org.errors import Refused


class Command(BaseCommand):
    help = (
        "Draw a document's pages as PNG images, to look at them: a .docx or .xlsx is "
        "converted to PDF by LibreOffice first. Writes page-<n>.png (and document.pdf) in --out."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", help="a .docx, .xlsx or .pdf file")
        parser.add_argument("--out", required=True, help="the folder to write the pages in")
        parser.add_argument("--dpi", type=int, default=DPI)

    def handle(self, *args: Any, **options: Any) -> None:
        source = Path(options["file"])
        suffix = source.suffix.lower()
        if suffix not in {".docx", ".xlsx", ".pdf"}:
            raise CommandError("FILE must be a .docx, .xlsx or .pdf file")
        if not source.is_file():
            raise CommandError(f"{source}: no such file")
        out = Path(options["out"])
        out.mkdir(parents=True, exist_ok=True)
        try:
            pdf = source.read_bytes()
            if suffix != ".pdf":
                started = time.monotonic()
                pdf = to_pdf(pdf, suffix)
                (out / "document.pdf").write_bytes(pdf)
                self.stdout.write(f"PDF in {time.monotonic() - started:.1f} s")
            pages = render_pages(pdf, out, dpi=options["dpi"])
        except Refused as refused:
            raise CommandError(refused.message) from None
        for page in pages:
            self.stdout.write(str(page))
