"""The home page (what each role has to do now) and the administrator's page of the
app's own administration. Project-level glue, like urls.py."""

import datetime
import logging
import os
from dataclasses import dataclass, field

from django.contrib.auth.decorators import login_required
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import DEFAULT_DB_ALIAS, connections
from django.db.migrations.executor import MigrationExecutor
from django.db.models import Count, Q
from django.http import (
    HttpRequest,
    HttpResponse,
    HttpResponsePermanentRedirect,
    JsonResponse,
)
from django.shortcuts import render
from django.templatetags.static import static
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_safe

from parindex.assessments.selectors import assessments_in, current_cycle, progress
from parindex.frameworks.models import Criterion, Framework
from parindex.frameworks.selectors import framework_list
from parindex.notify.models import Message
from parindex.org.access import current_user, role_required, visible_units
from parindex.org.models import (
    PARTNER_ROLES,
    UNIT_ROLES,
    AppraisalAssignment,
    Role,
    SecurityEvent,
    Unit,
    UnitGroup,
    User,
)
from parindex.results.selectors import published_years
from parindex.surveys.dashboards import partner_campaigns
from parindex.surveys.models import Campaign, CollectorAssignment

logger = logging.getLogger("parindex.health")

# The security log's summary on the administrator's pages covers this many days.
SECURITY_SUMMARY_DAYS = 7


@require_GET
@login_required
def home(request: HttpRequest) -> HttpResponse:
    user = current_user(request)
    if user.role in PARTNER_ROLES:
        return render(request, "home.html", _partner_home(user))
    cycle = current_cycle()
    context: dict[str, object] = {"role": user.role, "cycle": cycle}
    if cycle is not None:
        if user.role in UNIT_ROLES:
            mine = list(assessments_in(cycle.pk, visible_units(user)))
            context["mine"] = progress(mine)[0] if mine else None
        elif user.role == Role.APPRAISER:
            context["to_appraise"] = list(
                assessments_in(cycle.pk, visible_units(user)).awaiting_appraisal()
            )
    latest = framework_list().filter(pk__in=Framework.objects.latest_versions().values("pk"))
    if user.role in UNIT_ROLES and user.unit is not None:
        unit = user.unit
        context["unit"] = unit
        context["frameworks"] = [f for f in latest if f.group_id == unit.group_id][:1]
        context["colleagues"] = (
            unit.people.filter(is_active=True).exclude(pk=user.pk).order_by("role")
        )
        context["missing_contacts"] = unit.missing_contacts()
        context["survey_results"] = Campaign.objects.filter(
            units__unit=unit, aggregated_at__isnull=False
        ).order_by("-year", "source")
    elif user.role == Role.APPRAISER:
        context["appraisal_groups"] = _appraisal_groups(user, list(latest))
    else:
        context["groups"] = UnitGroup.objects.annotate(
            unit_count=Count("units", filter=Q(units__dissolved_on__isnull=True))
        )
        context["frameworks"] = latest
        context["drafts"] = [f for f in latest if not f.is_frozen]
        context["result_years"] = published_years()
        if user.role == Role.ADMIN:
            appraisers = User.objects.filter(role=Role.APPRAISER, is_active=True)
            context["unassigned_appraisers"] = appraisers.filter(assignments__isnull=True)
            context["appraiser_count"] = appraisers.count()
            context["units_without_scorer"] = (
                visible_units(user)
                .active()
                .exclude(people__role=Role.UNIT_SCORER)
                .select_related("group")
            )
            context.update(_administration_summary())
    return render(request, "home.html", context)


def _partner_home(user: User) -> dict[str, object]:
    """A survey partner's home: a collector's units to record responses for, by
    campaign not closed yet; a supervisor's campaigns to follow."""
    context: dict[str, object] = {"role": user.role, "partner": user.partner}
    if user.role == Role.COLLECTOR:
        today = timezone.localdate()
        by_campaign: dict[int, tuple[Campaign, list[Unit]]] = {}
        for assignment in (
            CollectorAssignment.objects.filter(collector=user, campaign__closes_on__gte=today)
            .select_related("campaign", "unit")
            .order_by("campaign__opens_on", "campaign__pk", "unit__position", "unit__name")
        ):
            entry = by_campaign.setdefault(assignment.campaign_id, (assignment.campaign, []))
            entry[1].append(assignment.unit)
        context["collections"] = list(by_campaign.values())
        context["today"] = today
    else:
        context["partner_campaigns"] = partner_campaigns(user)
        context["today"] = timezone.localdate()
    return context


@require_GET
@role_required(Role.ADMIN)
def manage(request: HttpRequest) -> HttpResponse:
    """The administrator's own pages: units' contacts, the outbox, the security log."""
    return render(request, "manage.html", _administration_summary())


def _administration_summary() -> dict[str, object]:
    """What the administrator's to-do and pages count: incomplete contact details,
    messages by state, the security log's last days by kind."""
    since = timezone.now() - datetime.timedelta(days=SECURITY_SUMMARY_DAYS)
    by_state = dict(Message.objects.values_list("status").annotate(n=Count("pk")))
    by_kind = dict(
        SecurityEvent.objects.filter(at__gte=since).values_list("kind").annotate(n=Count("pk"))
    )
    units = Unit.objects.active().contacts_summary()
    return {
        "incomplete_contacts": units["incomplete"],
        "active_units": units["units"],
        "outbox_counts": {status.value: by_state.get(status.value, 0) for status in Message.Status},
        "security_counts": {kind.value: by_kind.get(kind.value, 0) for kind in SecurityEvent.Kind},
        "security_days": SECURITY_SUMMARY_DAYS,
        "security_since": timezone.localdate(since),
    }


@require_GET
def favicon(request: HttpRequest) -> HttpResponse:
    """Browsers ask for /favicon.ico where a page names no icon (a download, a PDF)."""
    return HttpResponsePermanentRedirect(static("favicon-32.png"))


@dataclass
class AppraisalGroup:
    group: UnitGroup
    framework: Framework | None
    unit_count: int
    fields: list[tuple[str, str]] = field(default_factory=list)  # (code, title)
    units: list[Unit] = field(default_factory=list)  # single-unit assignments


def _appraisal_groups(user: User, latest: list[Framework]) -> list[AppraisalGroup]:
    """The appraiser's assignments by group: fields with titles, scope, unit count."""
    assignments = list(
        AppraisalAssignment.objects.filter(appraiser=user).select_related("group", "unit")
    )
    newest: dict[int, Framework] = {}
    for framework in latest:  # newest year first
        newest.setdefault(framework.group_id, framework)
    titles = {
        (c.framework_id, c.code): c.title
        for c in Criterion.objects.filter(framework__in=newest.values(), depth=0)
    }
    counts = dict(visible_units(user).active().values_list("group_id").annotate(n=Count("id")))
    groups: dict[int, AppraisalGroup] = {}
    for assignment in assignments:
        in_force = newest.get(assignment.group_id)
        entry = groups.setdefault(
            assignment.group_id,
            AppraisalGroup(assignment.group, in_force, counts.get(assignment.group_id, 0)),
        )
        title = titles.get((in_force.pk, assignment.field_code), "") if in_force else ""
        if assignment.unit is not None:
            entry.units.append(assignment.unit)
        if (assignment.field_code, title) not in entry.fields:
            entry.fields.append((assignment.field_code, title))
    return list(groups.values())


KEPT_CHARACTERS = 20_000  # what a refused post may show back: a leaf's form or so


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    """A post refused for its security token (a log-in in another tab renewed it, or the
    page is very old): say so in the user's words and show what was typed, so that
    nothing is lost — never a bare "CSRF verification failed"."""
    typed = [
        (str(name)[:40], str(value)[:KEPT_CHARACTERS])
        for name, value in list(request.POST.items())[:20]
        if name not in ("csrfmiddlewaretoken", "version") and str(value).strip()
    ]
    return render(
        request,
        "csrf_failure.html",
        {"typed": typed, "back": request.META.get("HTTP_REFERER", "")},
        status=403,
    )


# Health ------------------------------------------------------------------------------
# For a load balancer, answered before the host check and the HTTPS redirect
# (org.middleware.HealthCheckMiddleware): no log-in, nothing about the installation.


@never_cache
@require_safe
def healthz(request: HttpRequest) -> HttpResponse:
    """The process is up and answers; nothing else is asked (no database)."""
    return JsonResponse({"status": "ok"})


@never_cache
@require_safe
def readyz(request: HttpRequest) -> HttpResponse:
    """Ready for traffic: the database answers, every migration is applied, the file
    storage takes a file and gives it back. 503 with the reason otherwise."""
    for check in (_database_answers, _migrations_applied, _storage_writable):
        reason = check()
        if reason:
            logger.warning("not ready: %s", reason, extra={"check": check.__name__})
            return JsonResponse({"status": "unavailable", "reason": reason}, status=503)
    return JsonResponse({"status": "ok", "checks": ["database", "migrations", "storage"]})


def _database_answers() -> str:
    try:
        with connections[DEFAULT_DB_ALIAS].cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception as error:  # any driver's error: the reason is its class
        return f"database unreachable ({type(error).__name__})"
    return ""


def _migrations_applied() -> str:
    try:
        executor = MigrationExecutor(connections[DEFAULT_DB_ALIAS])
        plan = executor.migration_plan(executor.loader.graph.leaf_nodes())
    except Exception as error:
        return f"migrations unreadable ({type(error).__name__})"
    if plan:
        first = plan[0][0]
        return f"{len(plan)} migration(s) not applied, first {first.app_label}.{first.name}"
    return ""


def _storage_writable() -> str:
    try:
        name = default_storage.save(f"readyz/{os.getpid()}.probe", ContentFile(b"ok"))
        default_storage.delete(name)
    except Exception as error:
        return f"file storage unreachable ({type(error).__name__})"
    return ""
