import datetime
from itertools import groupby

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from .access import current_user, get_unit_for_user, role_required, visible_units
from .forms import ContactFilterForm, SecurityEventFilterForm, UnitContactsForm, UnitFilterForm
from .models import Role, SecurityEvent, Unit
from .services import unit_set_contacts


@require_GET
@login_required
def unit_list(request: HttpRequest) -> HttpResponse:
    """Units by group. Everyone signed in sees the list; details only of visible units."""
    user = current_user(request)
    form = UnitFilterForm(request.GET or None)
    query = form.cleaned_data if form.is_valid() else {}
    units = Unit.objects.for_list()
    if not query.get("show_dissolved"):
        units = units.active()
    if query.get("q"):
        term = query["q"].strip()
        units = units.filter(
            Q(name__icontains=term) | Q(short_name__icontains=term) | Q(code__icontains=term)
        )
    visible_ids = set(visible_units(user).values_list("pk", flat=True))
    rows = list(units)
    groups = [
        (group, list(members)) for group, members in groupby(rows, key=lambda unit: unit.group)
    ]
    return render(
        request,
        "org/unit_list.html",
        {"groups": groups, "form": form, "visible_ids": visible_ids, "count": len(rows)},
    )


@require_GET
@login_required
def unit_detail(request: HttpRequest, code: str) -> HttpResponse:
    unit = get_unit_for_user(request, code)
    people = unit.people.filter(is_active=True).order_by("role", "username")
    context = {
        "unit": unit,
        "people": people,
        "children": unit.children.all(),
        "successors": unit.successors.all(),
        "predecessors": unit.predecessors.all(),
        "former_names": unit.former_names.all(),
    }
    return render(request, "org/unit_detail.html", context)


# The administrator's pages: the units' contact details and the security log -----------

SECURITY_EVENTS_PER_PAGE = 50


@require_GET
@role_required(Role.ADMIN)
def contacts(request: HttpRequest) -> HttpResponse:
    """Every unit's head, e-mail and mobile number, where messages go; incomplete first
    to see at a glance with the filter."""
    form = ContactFilterForm(request.GET or None)
    units = Unit.objects.active().select_related("group")
    valid = form.is_valid() if form.is_bound else True
    query = form.cleaned_data if form.is_bound and valid else {}
    if query.get("q"):
        term = query["q"].strip()
        units = units.filter(
            Q(name__icontains=term)
            | Q(short_name__icontains=term)
            | Q(code__icontains=term)
            | Q(head_name__icontains=term)
            | Q(email__icontains=term)
            | Q(mobile__icontains=term)
        )
    if query.get("group"):
        units = units.filter(group=query["group"])
    if query.get("missing"):
        units = units.incomplete_contacts()
    rows = list(units) if valid else []
    groups = [(group, list(members)) for group, members in groupby(rows, key=lambda u: u.group)]
    incomplete = Unit.objects.active().incomplete_contacts().count()
    return render(
        request,
        "org/contacts.html",
        {"form": form, "groups": groups, "count": len(rows), "incomplete": incomplete},
        status=200 if valid else 400,
    )


@require_http_methods(["GET", "POST"])
@role_required(Role.ADMIN)
def contact_edit(request: HttpRequest, code: str) -> HttpResponse:
    """The administrator corrects a unit's contact details; each change is kept."""
    unit = get_object_or_404(Unit.objects.select_related("group"), code=code)
    form = UnitContactsForm(request.POST if request.method == "POST" else None, instance=unit)
    if request.method == "POST":
        if form.is_valid():
            changes = unit_set_contacts(
                unit=unit,
                head_name=form.cleaned_data["head_name"],
                email=form.cleaned_data["email"],
                mobile=form.cleaned_data["mobile"],
                by=current_user(request),
            )
            if changes:
                messages.success(
                    request,
                    _("The contact details of %(unit)s are saved.") % {"unit": unit.name},
                )
            else:
                messages.info(request, _("Nothing was changed."))
            return redirect(f"{reverse('manage:contacts')}#u-{unit.code}")
        unit.refresh_from_db()  # the page shows what is stored beside what was typed
    history = unit.contact_changes.select_related("by")[:CONTACT_HISTORY_SHOWN]
    return render(
        request,
        "org/contact_edit.html",
        {"unit": unit, "form": form, "history": history},
        status=400 if form.errors else 200,
    )


CONTACT_HISTORY_SHOWN = 20


@require_GET
@role_required(Role.ADMIN)
def security_events(request: HttpRequest) -> HttpResponse:
    """The security log: log-ins, log-outs, failures, lock-outs and refusals, newest
    first, filtered by what, who, from where and when."""
    form = SecurityEventFilterForm(request.GET or None)
    valid = form.is_valid() if form.is_bound else True
    query = form.cleaned_data if form.is_bound and valid else {}
    events = SecurityEvent.objects.select_related("user").order_by("-at", "-pk")
    if query.get("kind"):
        events = events.filter(kind=query["kind"])
    if query.get("who"):
        events = events.filter(username__icontains=query["who"].strip())
    if query.get("ip"):
        events = events.filter(ip_address__startswith=query["ip"].strip())
    if query.get("since"):
        events = events.filter(at__gte=day_start(query["since"]))
    if query.get("until") and query["until"] < datetime.date.max:
        events = events.filter(at__lt=day_start(query["until"] + datetime.timedelta(days=1)))
    if not valid:
        events = events.none()
    page = Paginator(events, SECURITY_EVENTS_PER_PAGE).get_page(query.get("page"))
    filters = request.GET.copy()
    filters.pop("page", None)
    return render(
        request,
        "org/security_events.html",
        {"form": form, "page": page, "filters": filters.urlencode()},
        status=200 if valid else 400,
    )


def day_start(day: datetime.date) -> datetime.datetime:
    """The first moment of a day in the site's time zone."""
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))
