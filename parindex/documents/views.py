"""The documents' pages: a year's documents (ask for one, follow it, download it), the
year's typed parts of the report, and the downloads, each checked on the server."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from parindex.org.access import current_user, refuse, role_required
from parindex.org.errors import Refused
from parindex.org.models import OVERSIGHT_ROLES, UNIT_ROLES, Role, Unit, User
from parindex.results.forms import FIRST_YEAR, LAST_YEAR

from . import services
from .editions import edition_for
from .forms import EditionForm, RequestForm
from .models import GeneratedDocument
from .sources import source_stamp, year_source

READERS = (*OVERSIGHT_ROLES, *UNIT_ROLES)


def _known_year(year: int) -> None:
    """A year the index can have (a 40-digit one in the address is no year)."""
    if not FIRST_YEAR <= year <= LAST_YEAR:
        raise Http404(_("No such year."))


def _may_read(user: User, document: GeneratedDocument) -> bool:
    """Every document to the oversight roles; to a unit's people, only their unit's own
    letter of published results."""
    if user.sees_all_units:
        return True
    return (
        user.role in UNIT_ROLES
        and document.kind == GeneratedDocument.Kind.LETTER
        and document.unit_id is not None
        and document.unit_id == user.unit_id
        and not document.draft
    )


@require_http_methods(["GET", "POST"])
@role_required(*READERS)
def year(request: HttpRequest, year: int) -> HttpResponse:
    _known_year(year)
    user = current_user(request)
    drafts = user.role in (Role.ADMIN, Role.COUNCIL_CHAIR)
    if request.method == "POST":
        return _request(request, year)
    source = year_source(year, drafts=drafts)
    published = year_source(year) if drafts else source
    documents = GeneratedDocument.objects.filter(year=year).select_related(
        "unit", "job", "created_by"
    )
    if not user.sees_all_units:
        documents = documents.filter(
            kind=GeneratedDocument.Kind.LETTER, unit_id=user.unit_id or 0, draft=False
        )
    current = source_stamp(source.results) if source is not None else ""
    current_published = source_stamp(published.results) if published is not None else ""
    rows = [
        (
            document,
            document.is_outdated(current_published if not document.draft else current),
        )
        for document in documents[:200]
    ]
    units = []
    if source is not None:
        if user.sees_all_units:
            units = [(code, info.name) for code, info in source.results.units.items()]
        elif user.unit_id is not None and published is not None:
            units = [
                (code, info.name)
                for code, info in published.results.units.items()
                if info.pk == user.unit_id
            ]
    return render(
        request,
        "documents/year.html",
        {
            "year": year,
            "source": source,
            "published": published,
            "rows": rows,
            "units": units,
            "is_admin": user.is_admin,
            "edition": edition_for(year) if user.is_admin else None,
        },
    )


def _request(request: HttpRequest, year: int) -> HttpResponse:
    user = current_user(request)
    if not (user.is_admin or user.role in UNIT_ROLES):
        refuse(request, f"documents of {year}: {user.role} asks for none")
    form = RequestForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Unknown document."))
        return redirect("documents:year", year=year)
    kind = form.cleaned_data["kind"]
    unit = None
    if kind == GeneratedDocument.Kind.LETTER:
        unit = Unit.objects.filter(code=form.cleaned_data["unit"]).first()
        if unit is None:
            messages.error(request, _("Choose the unit whose letter to write."))
            return redirect("documents:year", year=year)
    # Beside the administrator, a unit's people ask only for their own unit's letter.
    own_letter = (
        user.role in UNIT_ROLES
        and kind == GeneratedDocument.Kind.LETTER
        and unit is not None
        and unit.pk == user.unit_id
    )
    if not (user.is_admin or own_letter):
        refuse(request, f"document {kind} of {year} not theirs to ask for")
    drafts = user.is_admin and form.cleaned_data["drafts"]
    try:
        document = services.document_request(
            kind=kind, year=year, by=user, unit=unit, drafts=drafts
        )
    except Refused as refused:
        messages.error(request, refused.message)
        return redirect("documents:year", year=year)
    assert document.job is not None
    return redirect(document.job)


@require_http_methods(["GET", "POST"])
@role_required(Role.ADMIN)
def edition(request: HttpRequest, year: int) -> HttpResponse:
    _known_year(year)
    current = edition_for(year)
    form = EditionForm(instance=current)
    if request.method == "POST":
        form = EditionForm(request.POST, instance=edition_for(year))
        if form.is_valid():
            values = {name: form.cleaned_data[name] for name in services.EDITION_FIELDS}
            try:
                services.edition_save(
                    year=year,
                    values=values,
                    version=form.cleaned_data["version"] or None,
                    by=current_user(request),
                )
            except Refused as refused:
                form.add_error(None, refused.message)
            else:
                messages.success(request, _("The report's texts are saved."))
                return redirect("documents:year", year=year)
    return render(request, "documents/edition.html", {"year": year, "form": form})


@require_http_methods(["GET"])
@login_required
def download(request: HttpRequest, pk: int, what: str) -> FileResponse:
    user = current_user(request)
    document = GeneratedDocument.objects.select_related("unit").filter(pk=pk).first()
    if document is None or not user.is_active or not _may_read(user, document):
        refuse(request, f"document {pk} not visible", hide=True)
    assert document is not None
    stored = document.pdf if what == "pdf" else document.file
    if not stored or document.status != GeneratedDocument.Status.DONE:
        raise Http404(_("This file is not ready."))
    name = (stored.name or "").rsplit("/", 1)[-1]
    return FileResponse(stored.open("rb"), as_attachment=True, filename=name)


@require_POST
@role_required(Role.ADMIN)
def forget(request: HttpRequest, pk: int) -> HttpResponse:
    """Delete an outdated or failed file (a current one stays until outdated)."""
    document = GeneratedDocument.objects.filter(pk=pk).first()
    if document is None:
        refuse(request, f"document {pk} not found", hide=True)
    assert document is not None
    source = year_source(document.year, drafts=document.draft)
    current = source_stamp(source.results) if source is not None else ""
    if document.status == GeneratedDocument.Status.DONE and not document.is_outdated(current):
        messages.error(request, _("A current document is kept; it can be deleted once outdated."))
    else:
        for stored in (document.file, document.pdf):
            if stored:
                stored.delete(save=False)
        document.delete()
        messages.success(request, _("The document is deleted."))
    return redirect(reverse("documents:year", args=[document.year]))
