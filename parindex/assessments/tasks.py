"""The assessments' background work: the reminders (the workers run it once a day,
JOBS_PERIODIC) and reading each new evidence file's document."""

from __future__ import annotations

from django.utils.translation import gettext as _

from parindex.jobs.tasks import task

from .reading import DocumentHeader


@task()
def reminders_queue() -> str:
    from .services import assessment_reminders

    return _("%(count)s reminders queued.") % {"count": assessment_reminders()}


@task()
def evidence_read_task(*, file_id: int) -> str:
    from .models import EvidenceFile
    from .services import evidence_read

    file = EvidenceFile.objects.filter(pk=file_id).first()
    if file is None:
        return _("The file is no longer kept: nothing to read.")
    if file.read_at is not None:  # a job run twice (recovered after its worker died)
        return _("The file was read already.")
    header = evidence_read(file=file)
    return _("Read: %(found)s.") % {"found": found_words(header)}


def found_words(header: DocumentHeader) -> str:
    """What a reading found, in words for the job's outcome."""
    if not header.found:
        return _("nothing found")
    parts = [
        header.number and _("number %(number)s") % {"number": header.number},
        header.date and header.date.strftime("%d/%m/%Y"),
        header.issuer and header.issuer_name,
        header.title and header.subject[:80],
    ]
    return "; ".join(part for part in parts if part)
