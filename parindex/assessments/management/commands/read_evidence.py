from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from parindex.assessments.models import EvidenceFile
from parindex.assessments.reading import ReaderUnavailable
from parindex.assessments.services import evidence_read


class Command(BaseCommand):
    help = (
        "Read the document of every evidence file not read yet (number and symbol, date, "
        "issuer, title): files uploaded before reading existed, or while pdftotext was "
        "missing. With --again, every file is read again (after a better reader)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--again", action="store_true", help="read the files read before too")

    def handle(self, *args: Any, **options: Any) -> None:
        files = EvidenceFile.objects.order_by("pk")
        if not options["again"]:
            files = files.filter(read_at__isnull=True)
        read = found = failed = 0
        # Ids first: a file is read (seconds, for a PDF) with no query left open.
        for pk in list(files.values_list("pk", flat=True)):
            file = EvidenceFile.objects.filter(pk=pk).first()
            if file is None:
                continue
            try:
                header = evidence_read(file=file)
            except ReaderUnavailable as unavailable:
                raise CommandError(unavailable.message) from None
            except OSError as error:  # the stored file is missing or unreadable
                failed += 1
                self.stderr.write(f"file {pk} ({file.name}): {error}")
                continue
            read += 1
            found += header.found
        self.stdout.write(
            f"{read} files read, {found} with a document's header found, {failed} failed."
        )
