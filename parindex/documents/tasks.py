"""Building a document in the background: seconds for a report, longer for every unit's
letter, never in the request."""

from __future__ import annotations

from django.utils.translation import gettext as _

from parindex.jobs.tasks import progress, task

from .models import GeneratedDocument


@task()
def documents_build(*, document_id: int) -> str:
    from .services import document_build

    document = GeneratedDocument.objects.select_related("unit").get(pk=document_id)

    def on_progress(step: str, done: int, total: int) -> None:
        progress(step=step, done=done, total=total)

    document_build(document=document, on_progress=on_progress)
    outcome = _("%(document)s is ready.") % {"document": document.get_kind_display()}
    if document.pdf_problem:
        outcome += " " + document.pdf_problem
    return outcome
