"""Every address of the project, called as every role (issue 14, item 4).

The URL resolver is walked whole: each pattern — the pages, the downloads, the Django
admin, every operation of the API under /api/v1/ — must be covered by at least one row
or be listed in EXEMPT with the reason; a new address without either fails the suite by
name. Every row is called as every member of the cast: unit A's scorer and head, unit
B's, the appraiser, the council chair, the viewer, the administrator, a survey partner's
collector and supervisor; anonymously; and, for the API, with a revoked and an expired
token. A page's refusal (403 or 404) must be in the security log, once.

Unit A's 2024 assessment and follow-up carry marker strings (MARKERS): no answer to unit
B's people, the partners or anonymous visitors may contain one — in the HTML, the JSON,
inside a workbook or document, or in a header such as a file's name.

Where an expectation goes:
- an API endpoint: ONE LINE in `api_rows()`;
- a page or a download: `extra_rows()`, or the matrix of test_permission_matrix.py, which
  this suite reads first (with the campaigns' table of
  surveys/tests/test_campaign_permissions.py).

Each test builds its data once (the shared cast's fixtures are per test) and calls every
role within it; each call runs in a savepoint rolled back after it, so that a POST one
role may make changes nothing another role sees.
"""

from __future__ import annotations

import datetime
import io
import json
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal
from typing import Any
from urllib.parse import urlsplit

import pytest
from django.contrib import admin
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.test import Client
from django.urls import URLResolver, clear_url_caches, get_resolver, path, resolve, reverse
from django.utils import timezone

from parindex.api import tokens as api_tokens
from parindex.api.models import ApiToken
from parindex.assessments import services as assessments
from parindex.assessments.models import Assessment, Cycle, EvidenceFile, Phase
from parindex.assessments.tests.files import PDF
from parindex.conftest import DEMO_FRAMEWORKS, PASSWORD, Cast
from parindex.frameworks.models import Framework
from parindex.frameworks.services import framework_import
from parindex.frameworks.yamlio import tree_from_yaml
from parindex.org.models import Role, SecurityEvent, User
from parindex.surveys.aggregation import campaign_aggregate
from parindex.surveys.tests.campaign_fixtures import Partners, answer, sipas_campaign, staff_survey
from parindex.surveys.tests.campaign_fixtures import partners as partners  # the fixture
from parindex.surveys.tests.test_campaign_permissions import pages as campaign_pages

from . import test_permission_matrix as permission_matrix

pytestmark = pytest.mark.django_db

# Who calls: the matrix's roles, unit B's head beside its scorer, a partner's staff.
PAGE_ROLES = [
    "admin",
    "scorer_a",
    "head_a",
    "scorer_b",
    "head_b",
    "appraiser",
    "chair",
    "viewer",
    "collector",
    "supervisor",
]
API_ROLES = [*PAGE_ROLES, "integration"]  # an integration account has tokens, no log-in
ANONYMOUS = "anonymous"
# Those who may never read unit A's assessment, follow-up or evidence.
OUTSIDERS_OF_A = ["scorer_b", "head_b", "collector", "supervisor", ANONYMOUS]
LOGIN = reverse("login")
ADMIN_LOGIN = reverse("admin:login")

# Patterns no row calls, each with the reason. Any other pattern needs a row.
EXEMPT: dict[str, str] = {
    "favicon": "a static icon, the same for everyone; no data",
    "healthz": "the load balancer's probe, answered by middleware (tests/test_health.py)",
    "readyz": "the load balancer's probe, answered by middleware (tests/test_health.py)",
    "login": "the log-in page is public by definition (org/tests/test_login*.py)",
    "logout": "Django's LogoutView: POST only, it ends the caller's own session",
    "set_language": "the language switch (django.conf.urls.i18n): sets a cookie, reads nothing",
    "surveys:public_form": "a citizen's survey form by its public link, open to anyone "
    "(surveys/tests/test_public_pages_role_by_role.py)",
    "surveys:public_thanks": "the thank-you page after a public form",
    "surveys:personal_thanks": "the thank-you page after an invitation's form",
    "surveys:personal_form": "a respondent's form, by the secret token of an invitation "
    "(surveys/tests/test_public_personal_link.py)",
}

# Refusals that are Django's plain 404, not in the security log: known gaps, named so that
# the suite stays green while they are reported. A gap fixed fails the suite until its
# line here is removed.
UNLOGGED_REFUSALS: dict[str, str] = {}


# The rows -------------------------------------------------------------------------


@dataclass(frozen=True)
class Row:
    """One call and the status each caller gets. A role `expected` does not name gets
    what `expectation()` rules; ANONYMOUS not named means sent to log in (a page) or 401
    (the API)."""

    method: str
    url: str
    expected: dict[str, int]
    data: dict[str, Any] | None = None  # the form, or the API's JSON body
    # Roles whose 404 is an object that does not exist, not a refusal (nothing logged).
    not_found: frozenset[str] = frozenset()
    # What a revoked or expired token gets on a public endpoint that reads a token when
    # one is sent (a survey kiosk must learn its token is wrong); None: as anonymous.
    bad_token: int | None = None

    @property
    def is_api(self) -> bool:
        return self.url.startswith("/api/")


def api_rows(world: World) -> list[Row]:
    """The API's expectations: ONE LINE PER ENDPOINT AND METHOD, with the status of each
    role of API_ROLES (the presets below, or people(..., integration=…)); a role left out
    gets what expectation() rules (unit B's head as its scorer, the partners 403, anyone
    else: a failure asking for it). Leave ANONYMOUS out and it gets 401, as do a revoked
    and an expired token; a public endpoint names ANONYMOUS, and those tokens get the
    same. The data: world.cast.unit_a (its 2024 assessment open for self-assessment,
    its leaf world.extra["leaf"], its evidence file world.evidence), world.cast.unit_b."""
    public = {**dict.fromkeys(API_ROLES, 200), ANONYMOUS: 200}
    any_person = {**dict.fromkeys(API_ROLES, 200), "integration": 403}  # a person's token
    cast = world.cast
    a = f"/api/v1/assessments/2024/{cast.unit_a.code}"
    leaf = world.extra["leaf"]
    not_a_person = {"integration": 403}
    # acting_role: A's people, the administrator, the field's appraiser read A's
    # assessment; the chair and the viewer are not in the contract's list (403); B's
    # people and the partners, who have nothing to do with it, a 404.
    reads_a = people(a=200, b=404, others=404, admin=200, appraiser=200, chair=403,
                     viewer=403, **not_a_person)  # fmt: skip
    # An answer (a version never read: 409 for A's people, who may answer).
    answers_a = {**reads_a, "scorer_a": 409, "head_a": 409, "admin": 403, "appraiser": 403}
    # An appraisal during self-assessment: refused to the field's appraiser and the admin.
    appraises_a = {**reads_a, "scorer_a": 403, "head_a": 403, "admin": 409, "appraiser": 409}
    # "submit": the head's (409: criteria unanswered), not the scorer's (403).
    submits_a = {**reads_a, "scorer_a": 403, "head_a": 409, "admin": 403, "appraiser": 403}
    # A's evidence file: the unit, its appraisers, the administrator (may_download).
    file_a = {**reads_a, "chair": 404, "viewer": 404}
    parsed_first = {**dict.fromkeys(API_ROLES, 400)}  # a body refused before anything is read
    system_only = {**dict.fromkeys(API_ROLES, 403), "integration": 400}
    public_missing = {**dict.fromkeys(API_ROLES, 404), ANONYMOUS: 404}
    return [
        Row("POST", "/api/v1/auth/token", dict.fromkeys(public, 400), data={}),  # no password
        Row("GET", "/api/v1/cycles", any_person),
        Row("GET", "/api/v1/cycles/2024/units", any_person),
        Row("GET", "/api/v1/cycles/2024/frameworks/so-nganh", any_person),
        Row(
            "GET", "/api/v1/cycles/2024/results", {**dict.fromkeys(API_ROLES, 404), **not_a_person}
        ),
        Row("PUT", f"/api/v1/cycles/2024/metrics/{cast.unit_a.code}", system_only, data={}),
        Row(
            "PUT",
            "/api/v1/cycles/2024/metrics",
            {**system_only, "integration": 200},
            data={"units": {}},
        ),
        Row("GET", a, reads_a),
        Row("PUT", f"{a}/items/{leaf}", answers_a, data={"version": 10**6}),
        Row("PUT", f"{a}/items/{leaf}/appraisal", appraises_a, data={"version": 10**6}),
        Row("POST", f"{a}/transitions", submits_a, data={"action": "submit"}),
        Row("POST", f"{a}/items/{leaf}/evidence", parsed_first, data={}),  # no file
        Row("GET", f"/api/v1/evidence/{world.evidence.pk}", file_a),
        Row("GET", "/api/v1/surveys/khong-co", public_missing),
        Row(
            "POST",
            "/api/v1/surveys/khong-co/responses",
            public_missing,
            data={"answers": {}},
            bad_token=401,
        ),
        Row("GET", "/api/v1/openapi.json", public),
        Row("GET", "/api/v1/docs", public),
        Row("GET", "/api/v1/", dict.fromkeys(public, 404)),  # nothing at the root
    ]


def people(*, a: int, b: int, others: int, **named: int) -> dict[str, int]:
    """What unit A's scorer and head get, unit B's, everyone else; then exceptions."""
    return {**dict.fromkeys(PAGE_ROLES, others)} | {
        "scorer_a": a, "head_a": a, "scorer_b": b, "head_b": b, **named
    }  # fmt: skip


def page_rows(world: World) -> list[Row]:
    """Every page and download: the matrix's rows (test_permission_matrix.py), its
    published results, the campaigns' table (surveys/tests/test_campaign_permissions.py),
    then extra_rows()."""
    cast = world.cast
    rows = [Row(*row) for row in permission_matrix.matrix(cast, world.framework)]
    public = {**dict.fromkeys(PAGE_ROLES, 200), ANONYMOUS: 200}
    rows += [Row("GET", url, public) for url in permission_matrix.PUBLIC]
    for method, url, expected in campaign_pages(cast):
        # A campaign that does not exist is a plain 404 to those who read campaigns.
        unknown = frozenset({"admin", "chair", "viewer"}) if "no-such" in url else frozenset()
        rows.append(Row(method, url, expected, not_found=unknown))
    return rows + extra_rows(world)


def extra_rows(world: World) -> list[Row]:
    """The pages no other table covers, over unit A's 2024 assessment and follow-up."""
    seed, cast = world.extra, world.cast
    year, code = 2024, cast.unit_a.code
    leaf = [year, code, seed["leaf"]]
    admin_only = people(a=403, b=403, others=403, admin=200)
    admin_posts = people(a=403, b=403, others=403, admin=302)
    everyone = {**dict.fromkeys(PAGE_ROLES, 200), ANONYMOUS: 200}
    # The unit's own answers and evidence (assessments.views._for_the_unit): A's people
    # act (an empty form: back to the page); B's people and the partners, who have no
    # business with A's assessment, get a 404; the other roles a 403.
    unit_acts = people(a=302, b=404, others=403, collector=404, supervisor=404)
    # An appraiser's actions: the administrator's and the field's appraiser's.
    appraisal = {**unit_acts, "scorer_a": 403, "head_a": 403, "admin": 302, "appraiser": 302}
    # Unit A's follow-up: the oversight roles and A's people; anyone else a 404.
    read_a = people(a=200, b=404, others=404, admin=200, chair=200, viewer=200)
    read_a_or_role = {**read_a, "appraiser": 403, "collector": 403, "supervisor": 403}
    plan_a = people(a=302, b=404, others=403)  # role_required(*UNIT_ROLES) first
    evidence = reverse("assessments:evidence", args=[world.evidence.pk])
    return [
        # A's evidence file: the unit, its appraisers, the administrator (may_read_evidence).
        Row("GET", evidence, {**unit_acts, "scorer_a": 200, "head_a": 200, "admin": 200,
                              "appraiser": 200, "chair": 404, "viewer": 404}),
        Row("POST", reverse("assessments:item_save", args=leaf),
            {**unit_acts, "scorer_a": 400, "head_a": 400}),  # an empty form: 400
        Row("POST", reverse("assessments:item_appraise", args=leaf),
            {**appraisal, "admin": 400, "appraiser": 400}),
        Row("POST", reverse("assessments:item_request", args=leaf), appraisal),
        Row("POST", reverse("assessments:field_action", args=[year, code, "1", "finish"]),
            appraisal),
        Row("POST", reverse("assessments:extend", args=[year, code]), admin_posts),
        Row("POST", reverse("assessments:evidence_upload", args=leaf), unit_acts),
        Row("POST", reverse("assessments:evidence_link", args=leaf), unit_acts),
        Row("POST", reverse("assessments:evidence_unlink", args=[*leaf, world.evidence.pk]),
            unit_acts),
        Row("POST", reverse("assessments:evidence_url_add", args=leaf), unit_acts),
        Row("POST", reverse("assessments:evidence_url_remove", args=[*leaf, seed["url"].pk]),
            unit_acts),
        # A's letter: the oversight roles and A's people (documents.views._may_read).
        Row("GET", reverse("documents:download", args=[seed["letter"].pk, "file"]), read_a),
        # Frameworks, targets, national results: the administrator's.
        Row("GET", reverse("frameworks:copy", args=[world.framework.pk]), admin_posts),
        Row("POST", reverse("frameworks:new_version", args=[world.framework.pk]), admin_posts),
        Row("GET", reverse("results:target_edit", args=[seed["target"].pk]), admin_only),
        Row("POST", reverse("results:target_delete", args=[seed["target"].pk]), admin_posts),
        Row("GET", reverse("results:national_edit", args=[seed["national"].year]), admin_only),
        # A unit's latest published result is public: the district's 2023, or none yet.
        Row("GET", reverse("results:unit_latest", args=[cast.district.code]),
            dict.fromkeys(everyone, 302)),
        Row("GET", reverse("results:unit_latest", args=[code]), everyone),
        # Unit A's follow-up: its files and deletions.
        Row("GET", reverse("followup:report_file",
                           args=[seed["assignment"].pk, seed["report_file"].pk]),
            read_a_or_role),
        Row("POST", reverse("followup:plan_target_delete", args=[code, seed["plan_target"].pk]),
            plan_a),
        Row("POST", reverse("followup:plan_task_delete", args=[code, seed["plan_task"].pk]),
            plan_a),
        Row("GET", reverse("followup:initiative_file",
                           args=[seed["initiative"].pk, seed["initiative_file"].pk]),
            {**read_a_or_role, "appraiser": 404}),  # appraisers read recognised ones only
        Row("GET", reverse("followup:task_evidence",
                           args=[seed["remediation"].pk, seed["remediation_file"].pk]), read_a),
        # Unit B's recognised initiative: every role inside reads it, its files too.
        Row("GET", reverse("followup:initiative_year_file",
                           args=[seed["followup_b"].pk, seed["followup_file"].pk]),
            people(a=200, b=200, others=200, collector=403, supervisor=403)),
        # Jobs: the list and the retry are the administrator's; a job's page is also its
        # starter's (scorer A's here).
        Row("GET", reverse("jobs:list"), admin_only),
        Row("GET", reverse("jobs:detail", args=[seed["job"].pk]),
            {**dict.fromkeys(PAGE_ROLES, 404), "admin": 200, "scorer_a": 200}),
        Row("POST", reverse("jobs:retry", args=[seed["job"].pk]), admin_only),  # asks first
        # Unit A's appeal's evidence file (results.appeal_views.appeal_file).
        Row("GET", reverse("results:appeal_file", args=[2024, seed["appeal"].pk,
                                                        world.evidence.pk]),
            read_a_or_role),
        # Where unit A's points went (results.explain): read by A's people and the
        # oversight roles; tried (POST, nothing saved) by A's people and the administrator.
        Row("GET", reverse("results:unit_points", args=[year, code]), read_a),
        Row("GET", reverse("results:unit_points_xlsx", args=[year, code]), read_a),
        Row("POST", reverse("results:unit_points", args=[year, code]),
            {**read_a, "chair": 403, "viewer": 403}),
        *poster_rows(world),
    ]  # fmt: skip


def poster_rows(world: World) -> list[Row]:
    """The posters of a SIPAS campaign of unit A alone: the administrator's and A's."""
    code, unit = "matrix-sipas", world.cast.unit_a.code  # made by the matrix's survey rows
    own = people(a=200, b=404, others=403, admin=200)
    admin_posts = people(a=403, b=403, others=403, admin=302)
    return [
        Row("GET", reverse("surveys:posters", args=[code]), own),
        Row("GET", reverse("surveys:poster_pdf", args=[code, unit]), own),
        Row("GET", reverse("surveys:poster_png", args=[code, unit]), own),
        Row("POST", reverse("surveys:posters_zip", args=[code]), admin_posts),
        # No such ZIP: the administrator's plain 404; everyone else is refused before.
        Row("GET", reverse("surveys:posters_zip_file", args=[code, 999_999]),
            people(a=403, b=403, others=403, admin=404), not_found=frozenset({"admin"})),
    ]  # fmt: skip


def admin_rows() -> list[Row]:
    """The Django admin, one family: the administrator's only; anyone else, signed in or
    not, is sent to the admin's log-in page (302, nothing logged). Its index and every
    registered model's list are called; the family's other patterns (add, change, delete,
    history, jsi18n, view_on_site) sit behind the same AdminSite.admin_view check, and
    admin:login / admin:logout are the admin's log-in and log-out."""
    expected = {role: 200 if role == "admin" else 302 for role in PAGE_ROLES}
    urls = [reverse("admin:index")] + [
        reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist")
        for model in admin.site._registry
    ]
    return [Row("GET", url, expected) for url in urls]


# The partners' staff on the matrix's rows, which do not name them: refused (403) but
# where named here.
PARTNER_PAGES: dict[str, dict[str, int]] = {
    # What every role signed in reads (EVERYONE in their views): the home page, the units'
    # list (no detail), the frameworks and their files, the province's targets.
    **{
        name: {"collector": 200, "supervisor": 200}
        for name in ["home", "org:unit_list", "frameworks:list", "frameworks:detail",
                     "frameworks:export_yaml", "frameworks:export_xlsx", "results:targets",
                     "results:targets_xlsx"]
    },
    # The cycle's list of assessments: theirs is empty (no unit).
    "assessments:current": {"collector": 302, "supervisor": 302},
    "assessments:list": {"collector": 200, "supervisor": 200},
    # A unit's pages: not theirs to know (a logged 404).
    **{
        name: {"collector": 404, "supervisor": 404}
        for name in ["org:unit_detail", "assessments:detail", "assessments:history",
                     "assessments:transition", "documents:download"]
    },
    "surveys:collect": {"collector": 200},
    "surveys:collect_unit": {"collector": 404},  # a unit not assigned to this collector
    "surveys:progress": {"supervisor": 200},
    # Their own API tokens, as every person's (api/token_views.py): the list, a token
    # created from an empty form (400), another's token (a logged 404), revoking all of
    # theirs (asks first: the same page again).
    "GET tokens:mine": {"collector": 200, "supervisor": 200},
    "POST tokens:mine": {"collector": 400, "supervisor": 400},
    "tokens:revoke": {"collector": 404, "supervisor": 404},
    "tokens:revoke_all": {"collector": 200, "supervisor": 200},
}  # fmt: skip


def expectation(row: Row, who: str) -> int | None:
    """What `who` gets from the row: as named, else by rule; None if neither says."""
    if who in row.expected:
        return row.expected[who]
    if who == "head_b" and "scorer_b" in row.expected:
        return row.expected["scorer_b"]  # unit B's head as its scorer, as for unit A
    if who in ("collector", "supervisor"):
        name = resolve(urlsplit(row.url).path).view_name
        found = PARTNER_PAGES.get(f"{row.method} {name}") or PARTNER_PAGES.get(name, {})
        return found.get(who, 403)
    return None


# The resolver ---------------------------------------------------------------------


@dataclass(frozen=True)
class Pattern:
    key: str  # "namespace:name"; "METHOD /route" for an API operation
    route: str


def _path_view(callback: Any) -> Any:
    """The django-ninja path behind a view (its operations, each with its methods)."""
    for cell in getattr(callback, "__closure__", None) or ():
        contents = cell.cell_contents
        if hasattr(contents, "operations") and hasattr(contents, "get_view"):
            return contents
    return None


def walk(
    resolver: URLResolver | None = None, prefix: str = "", namespace: tuple[str, ...] = ()
) -> Iterator[Pattern]:
    """Every pattern of the project; an API path once per method."""
    for pattern in (resolver or get_resolver()).url_patterns:
        if isinstance(pattern, URLResolver):
            inner = (*namespace, pattern.namespace) if pattern.namespace else namespace
            yield from walk(pattern, prefix + str(pattern.pattern), inner)
            continue
        route = prefix + str(pattern.pattern)
        path_view = _path_view(pattern.callback)
        if path_view is None:
            yield Pattern(":".join((*namespace, pattern.name or f"<unnamed {route}>")), route)
            continue
        for operation in path_view.operations:
            for method in operation.methods:
                yield Pattern(f"{method} /{route}", route)


def covered(rows: list[Row]) -> set[str]:
    """The keys of walk() that the rows call."""
    keys = set()
    for row in rows:
        match = resolve(urlsplit(row.url).path)
        api = _path_view(match.func) is not None
        keys.add(f"{row.method} /{match.route}" if api else match.view_name)
    return keys


def uncovered(rows: list[Row]) -> list[Pattern]:
    keys = covered(rows)
    return [
        pattern
        for pattern in dict.fromkeys(walk())
        if pattern.key not in keys
        and pattern.key not in EXEMPT
        and not pattern.key.startswith("admin:")  # one family: admin_rows()
    ]


def uncovered_message(missing: list[Pattern]) -> str:
    lines = "\n".join(f"  {pattern.key}  (/{pattern.route})" for pattern in missing)
    return (
        f"URL patterns with no access-control expectation:\n{lines}\n"
        "Add each to parindex/tests/test_access_control.py: an API endpoint is ONE LINE in "
        "api_rows(); a page or a download is a row in extra_rows() (or in the matrix of "
        "test_permission_matrix.py); a public page that shows no data may instead be "
        "listed in EXEMPT with the reason."
    )


# Unit A's markers -----------------------------------------------------------------

# Strings only unit A's data holds; none may reach OUTSIDERS_OF_A.
MARKERS = {
    "self-assessment note": "ZQXA-NOTE-3F9C",
    "not-applicable reason": "ZQXA-NA-REASON-81D2",
    "evidence file name": "ZQXA-EVIDENCE-5BE0",
    "evidence link title": "ZQXA-LINK-TITLE-C47E",
    "directive report": "ZQXA-DIRECTIVE-REPORT-6D03",
    "directive report's file name": "ZQXA-REPORT-FILE-0A5B",
    "remediation task": "ZQXA-REMEDIATION-77E1",
    "remediation report's file name": "ZQXA-REMEDIATION-FILE-B3C9",
    "initiative": "ZQXA-INITIATIVE-4D6A",
    "initiative's file name": "ZQXA-INITIATIVE-FILE-E210",
    "plan task": "ZQXA-PLAN-TASK-19F4",
    "letter": "ZQXA-LETTER-D5E8",
}
# The appraiser reads A's assessment, not its follow-up nor its letter. (Not the
# initiative's title: the assessment page's proposal for criterion 1.5.1 lists the unit's
# initiatives of the year, those awaiting the council's decision too, to whoever reads
# the page — though the initiatives' own pages show an appraiser recognised ones only.)
NOT_FOR_THE_APPRAISER = {
    what: MARKERS[what]
    for what in ["directive report", "directive report's file name", "remediation task",
                 "remediation report's file name", "initiative's file name", "plan task",
                 "letter"]
}  # fmt: skip
# Once the assessment is under appraisal (under_appraisal()).
APPRAISAL_MARKERS = {
    "appraiser's comment": "ZQXA-APPRAISAL-NOTE-9A17",
    "appraiser's request": "ZQXA-REQUEST-22C8",
}


def pdf(name: str) -> SimpleUploadedFile:
    """A PDF of that name, its content its own (the store keeps one file per digest)."""
    return SimpleUploadedFile(f"{name}.pdf", PDF + f"%{name}\n".encode())


def leaks(text: str, markers: dict[str, str]) -> list[str]:
    return [what for what, marker in markers.items() if marker in text]


@dataclass
class World:
    """The cast, the partners, and what the rows point at."""

    cast: Cast
    users: dict[str, User]
    framework: Framework  # a draft of the 2023 departments' framework
    assessment: Assessment  # unit A's 2024
    evidence: EvidenceFile  # of unit A's 2024 assessment
    extra: dict[str, Any]


TODAY_PLUS_YEAR = timezone.localdate() + datetime.timedelta(days=365)


def _seed_unit_a(cast: Cast, assessment: Assessment, seed: dict[str, Any]) -> EvidenceFile:
    """Unit A's answers, evidence and follow-up, each with its marker, through the
    services the pages call."""
    from parindex.documents.models import GeneratedDocument
    from parindex.followup import services as followup
    from parindex.followup.directives import TaskInput, directive_create, task_report
    from parindex.followup.initiatives import initiative_submit
    from parindex.followup.models import TaskAssignment
    from parindex.followup.plans import plan_save, target_save, task_save

    items = assessment.items.select_related("criterion").order_by("criterion__position")
    leaf = items.filter(criterion__code__startswith="1.").first()  # the appraiser's field
    claimable = items.filter(criterion__allow_not_applicable=True).first()
    assert leaf is not None and claimable is not None
    seed["leaf"] = leaf.criterion.code
    leaf = assessments.item_save_self(
        item=leaf,
        answer=assessments.SelfAnswer(None, MARKERS["self-assessment note"], False, ""),
        version=leaf.version,
        by=cast.scorer_a,
    )
    assessments.item_save_self(
        item=claimable,
        answer=assessments.SelfAnswer(None, "", True, MARKERS["not-applicable reason"]),
        version=claimable.version,
        by=cast.scorer_a,
    )
    evidence = assessments.evidence_upload(
        item=leaf, upload=pdf(MARKERS["evidence file name"]), by=cast.scorer_a
    )
    seed["url"] = assessments.evidence_url_add(
        item=leaf,
        url="https://sotuphap.example.invalid/bai-viet",
        title=MARKERS["evidence link title"],
        by=cast.scorer_a,
    )
    directive = directive_create(
        number="access/UBND",
        issued_on=datetime.date(2024, 3, 1),
        issuer="UBND tỉnh Sóc Trăng",
        subject="Kiểm soát truy cập",
        tasks=[TaskInput(number="1", text="Báo cáo", deadline="quý IV/2024", units=[cast.unit_a])],
        by=cast.admin,
    )
    seed["assignment"] = task_report(
        assignment=TaskAssignment.objects.get(task__directive=directive, unit=cast.unit_a),
        status=TaskAssignment.Status.DONE,
        text=MARKERS["directive report"],
        uploads=[pdf(MARKERS["directive report's file name"])],
        by=cast.scorer_a,
    )
    seed["report_file"] = seed["assignment"].evidence.get()
    task = followup.task_create(
        unit=cast.unit_a, title=MARKERS["remediation task"], due_on=TODAY_PLUS_YEAR, by=cast.admin
    )
    seed["remediation"] = followup.task_transition(
        task=task,
        action="report",
        by=cast.scorer_a,
        text="Đã làm",
        files=[pdf(MARKERS["remediation report's file name"])],
    )
    seed["remediation_file"] = EvidenceFile.objects.get(
        name__startswith=MARKERS["remediation report's file name"]
    )
    seed["initiative"] = initiative_submit(
        year=2024,
        title=MARKERS["initiative"],
        uploads=[pdf(MARKERS["initiative's file name"])],
        by=cast.scorer_a,
    )
    seed["initiative_file"] = seed["initiative"].evidence.get()
    plan = plan_save(
        unit=cast.unit_a, title="Kế hoạch", decision_number="", decision_date=None,
        first_year=2021, last_year=2030, by=cast.scorer_a,
    )  # fmt: skip
    seed["plan_target"] = target_save(
        plan=plan, kind="index_at_least", value=Decimal(85), first_year=2024, last_year=2030,
        by=cast.scorer_a,
    )  # fmt: skip
    seed["plan_task"] = task_save(
        plan=plan, division="Văn phòng", text=MARKERS["plan task"], criteria="1.1",
        due_year=2030, by=cast.scorer_a,
    )  # fmt: skip
    seed["letter"] = GeneratedDocument(
        kind=GeneratedDocument.Kind.LETTER, year=2024, unit=cast.unit_a,
        status=GeneratedDocument.Status.DONE, created_by=cast.admin,
    )  # fmt: skip
    seed["letter"].file.save("thu-so-tu-phap.docx", ContentFile(MARKERS["letter"].encode()))
    return evidence


def _seed_elsewhere(cast: Cast, seed: dict[str, Any]) -> None:
    """What the other rows point at: a target, a national result, a job scorer A started,
    unit B's recognised initiative with a later year's report and its file."""
    from parindex.followup.initiatives import followup_report
    from parindex.followup.models import Initiative
    from parindex.jobs.models import Job
    from parindex.results.models import NationalResult, Target

    seed["target"] = Target.objects.create(
        title="Mục tiêu", kind=Target.Kind.NATIONAL_RANK_AT_MOST, value=Decimal(20),
        first_year=2024, last_year=2030, created_by=cast.admin,
    )  # fmt: skip
    seed["national"] = NationalResult.objects.create(
        year=2022, index_pct=Decimal("85.19"), rank=19, rank_of=63, entered_by=cast.admin
    )
    seed["job"] = Job.objects.create(task_path="x.y", kind="Báo cáo", started_by=cast.scorer_a)
    recognised = Initiative.objects.create(
        unit=cast.unit_b, year=2022, title="Sáng kiến", status=Initiative.Status.RECOGNISED
    )
    seed["followup_b"] = followup_report(
        initiative=recognised,
        year=2023,
        maintained=True,
        extended=False,
        uploads=[pdf("sang-kien-so-y-te")],
        by=cast.scorer_b,
    )
    seed["followup_file"] = seed["followup_b"].evidence.get()


@pytest.fixture
def world(
    cast: Cast,
    history: None,
    cycle: Cycle,
    assessment_a: Assessment,
    partners: Partners,
    monkeypatch: pytest.MonkeyPatch,
) -> World:
    """The matrix's data (the 2023 districts published, the departments' 2024 cycle open
    for self-assessment), the campaigns' (as test_campaign_permissions.py's `surveys`),
    unit A's markers, an integration account."""
    from parindex.surveys import posters

    # Who gets a poster is the question here; drawing one (~1 s) is test_posters.py's.
    monkeypatch.setattr(posters, "poster_pdf", lambda entry: b"%PDF-1.4 poster")
    monkeypatch.setattr(posters, "poster_png", lambda entry: b"\x89PNG poster")
    survey = sipas_campaign([cast.unit_a, cast.unit_b])
    survey.partners.set([partners.post, partners.front])
    answer(survey, cast.unit_a, {"a1": "5", "p1": "4"})
    campaign_aggregate(campaign=survey)
    staff_survey([cast.unit_a])
    users = {role: getattr(cast, role) for role in PAGE_ROLES if hasattr(cast, role)}
    users |= {"collector": partners.collector, "supervisor": partners.supervisor}
    users["integration"] = User.objects.create_user(
        "mot-cua", password=PASSWORD, role=Role.INTEGRATION, display_name="Một cửa"
    )
    framework = framework_import(
        tree=tree_from_yaml((DEMO_FRAMEWORKS / "so-nganh-2023.yaml").read_bytes()), by=None
    )
    seed: dict[str, Any] = {}
    evidence = _seed_unit_a(cast, assessment_a, seed)
    seed["appeal"] = permission_matrix.matrix_appeal(cast)
    seed["appeal"].evidence.add(evidence)
    _seed_elsewhere(cast, seed)
    return World(cast, users, framework, assessment_a, evidence, seed)


# Calling --------------------------------------------------------------------------


@dataclass
class Answer:
    status: int
    location: str
    logged: int  # refusals this call wrote to the security log
    # The headers and the body, a workbook's, document's or ZIP's parts unpacked (a PDF's
    # compressed streams are not: the files here are small uncompressed ones).
    text: str


def _text(response: HttpResponseBase) -> str:
    # The test client closes a streamed file once it is read to its end.
    content = (
        b"".join(response.streaming_content)  # type: ignore[attr-defined]
        if response.streaming
        else response.content  # type: ignore[attr-defined]
    )
    if content[:4] == b"PK\x03\x04":  # XLSX, DOCX, ZIP: the text is inside
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            content = b"\n".join(archive.read(name) for name in archive.namelist())
    headers = "\n".join(f"{key}: {value}" for key, value in response.headers.items())
    return headers + "\n" + content.decode("utf-8", "replace")


def _refusals() -> int:
    return SecurityEvent.objects.filter(kind=SecurityEvent.Kind.REFUSED).count()


def call(client: Client, row: Row, headers: dict[str, str] | None = None) -> Answer:
    """The row's call, undone afterwards: every call finds the same data."""
    with transaction.atomic():
        before = _refusals()
        if row.method == "GET":
            response = client.get(row.url, headers=headers)
        elif row.is_api:
            body = "" if row.data is None else json.dumps(row.data)
            response = client.generic(
                row.method, row.url, body, content_type="application/json", headers=headers
            )
        else:
            response = client.post(row.url, row.data or {}, headers=headers)
        answer = Answer(
            response.status_code,
            response.get("Location", ""),
            _refusals() - before,
            _text(response),
        )
        transaction.set_rollback(True)
    return answer


def clients(world: World) -> dict[str, Client]:
    return {role: world.cast.client(world.users[role]) for role in PAGE_ROLES}


def tokens(world: World) -> dict[str, str | None]:
    """A live token per role of API_ROLES, none for ANONYMOUS, a revoked token and an
    expired one (issued through the service, as the API's tests do)."""
    users, admin_user = world.users, world.cast.admin
    texts: dict[str, str | None] = {
        role: api_tokens.token_issue(user=users[role], name="access", by=users[role])[1]
        for role in PAGE_ROLES
    }
    texts["integration"] = api_tokens.token_issue(
        user=users["integration"], name="access", by=admin_user
    )[1]
    texts[ANONYMOUS] = None
    revoked, texts["revoked"] = api_tokens.token_issue(
        user=world.cast.scorer_a, name="revoked", by=world.cast.scorer_a
    )
    api_tokens.token_revoke(token=revoked, by=world.cast.scorer_a)
    expired, texts["expired"] = api_tokens.token_issue(
        user=admin_user, name="expired", by=admin_user
    )
    ApiToken.objects.filter(pk=expired.pk).update(expires_at=timezone.now())
    return texts


def bearer(text: str | None) -> dict[str, str] | None:
    return {"Authorization": f"Bearer {text}"} if text else None


def api_expectation(row: Row, who: str) -> int | None:
    if who in ("revoked", "expired") and row.bad_token is not None:
        return row.bad_token
    if who in ("revoked", "expired", ANONYMOUS):
        return row.expected.get(ANONYMOUS, 401)  # a public endpoint reads no token
    return expectation(row, who)


def check(row: Row, who: str, got: Answer, expected: int | None, problems: list[str]) -> None:
    """The status as expected; a page's refusal logged once and nothing else logged; no
    marker of unit A's for its outsiders (nor of its follow-up for the appraiser)."""
    where = f"{who:10} {row.method:4} {row.url}"
    if expected is None:
        problems.append(f"{where}: {got.status}, and no expectation for {who}")
    elif got.status != expected:
        problems.append(f"{where}: {got.status}, expected {expected}")
    elif not row.is_api:
        refusal = got.status in (403, 404) and who not in row.not_found
        known_gap = resolve(urlsplit(row.url).path).view_name in UNLOGGED_REFUSALS
        if refusal and got.logged != 1 and not (known_gap and got.logged == 0):
            problems.append(f"{where}: {got.status} with {got.logged} security-log entries")
        if not refusal and got.logged:
            problems.append(f"{where}: {got.status} with {got.logged} refusals logged")
    if row.method == "GET" and who in (*OUTSIDERS_OF_A, "appraiser"):
        markers = NOT_FOR_THE_APPRAISER if who == "appraiser" else MARKERS
        problems += [f"{where}: unit A's {what}" for what in leaks(got.text, markers)]


def report(title: str, problems: list[str]) -> str:
    return f"{title} ({len(problems)}):\n  " + "\n  ".join(problems)


# The tests ------------------------------------------------------------------------


def test_every_address_has_an_expectation_or_a_reason(world: World) -> None:
    missing = uncovered(page_rows(world) + admin_rows() + api_rows(world))
    assert not missing, uncovered_message(missing)
    stale = set(EXEMPT) - {pattern.key for pattern in walk()}
    assert not stale, f"EXEMPT names patterns that no longer exist: {stale}"


def test_an_address_without_an_expectation_fails_the_suite_by_name(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A page and an API endpoint added without a row are reported, with where to add it."""
    from ninja import NinjaAPI

    import parindex.urls

    more = NinjaAPI(urls_namespace="api-v9", openapi_url=None, docs_url=None)

    @more.get("/scores", auth=None)
    def scores(request: HttpRequest) -> list[int]:
        return []

    @more.get("/scores/{year}", auth=None)
    def year_scores(request: HttpRequest, year: int) -> list[int]:
        return []

    @more.put("/scores/{year}", auth=None)
    def year_scores_put(request: HttpRequest, year: int) -> list[int]:
        return []

    def export(request: HttpRequest) -> HttpResponse:
        return HttpResponse()

    added = [path("audit/export/", export, name="audit_export"), path("api/v9/", more.urls)]
    monkeypatch.setattr(parindex.urls, "urlpatterns", [*parindex.urls.urlpatterns, *added])
    clear_url_caches()
    try:
        # A row for one method of a path with a parameter covers that method only.
        rows = [Row("GET", "/api/v9/scores/2024", {})]
        missing = uncovered(page_rows(world) + admin_rows() + api_rows(world) + rows)
    finally:
        monkeypatch.undo()
        clear_url_caches()
    keys = {pattern.key for pattern in missing}
    assert keys == {
        "audit_export", "GET /api/v9/scores", "PUT /api/v9/scores/<year>", "api-v9:api-root"
    }  # fmt: skip
    message = uncovered_message(missing)
    assert "audit_export  (/audit/export/)" in message and "ONE LINE in api_rows()" in message


def test_pages_answer_each_role_as_expected(world: World) -> None:
    rows = page_rows(world) + admin_rows()
    problems: list[str] = []
    seen_inside: set[str] = set()  # markers unit A's people and the administrator read
    unlogged: set[str] = set()  # UNLOGGED_REFUSALS' names refused without a log entry
    for who, client in clients(world).items():
        for row in rows:
            got = call(client, row)
            check(row, who, got, expectation(row, who), problems)
            if who in ("admin", "scorer_a") and row.method == "GET":
                seen_inside.update(leaks(got.text, MARKERS))
            if got.status in (403, 404) and not got.logged:
                unlogged.add(resolve(urlsplit(row.url).path).view_name)
    assert not problems, report("Pages that answer otherwise", problems)
    # Markers nobody sees would make the outsiders' check void.
    assert seen_inside == set(MARKERS), f"markers no page shows: {set(MARKERS) - seen_inside}"
    fixed = set(UNLOGGED_REFUSALS) - unlogged
    assert not fixed, f"now logged: remove {fixed} from UNLOGGED_REFUSALS"


def test_anonymous_visitors_are_sent_to_log_in(world: World) -> None:
    problems: list[str] = []
    client = Client()
    for row in page_rows(world) + admin_rows():
        got = call(client, row)
        if ANONYMOUS in row.expected:  # a public page
            check(row, ANONYMOUS, got, row.expected[ANONYMOUS], problems)
            continue
        login = ADMIN_LOGIN if row.url.startswith("/admin/") else LOGIN
        check(row, ANONYMOUS, got, 302, problems)
        if got.status == 302 and not got.location.startswith(login):
            problems.append(f"anonymous  {row.method:4} {row.url}: sent to {got.location}")
    assert not problems, report("Pages anonymous visitors get", problems)


def test_the_api_answers_each_token_as_expected(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Revoked and expired tokens count as failures: not the throttle's test (test_tokens).
    monkeypatch.setattr(api_tokens, "FAILURES_MOST", 10**6)
    problems: list[str] = []
    client = Client()
    for who, text in tokens(world).items():
        for row in api_rows(world):
            got = call(client, row, bearer(text))
            check(row, who, got, api_expectation(row, who), problems)
    assert not problems, report("API calls that answer otherwise", problems)


def under_appraisal(world: World) -> None:
    """Unit A submits, the first appraisal opens, the appraiser comments on the marked
    leaf and asks for an explanation (APPRAISAL_MARKERS)."""
    cast, assessment = world.cast, world.assessment
    assessment.items.filter(criterion__evidence_required=True, note="").update(note="Có")
    assessments.assessment_transition(assessment=assessment, action="submit", by=cast.head_a)
    assessments.cycle_advance(cycle=assessment.cycle, to=Phase.APPRAISAL_1, by=cast.admin)
    item = assessment.items.get(criterion__code=world.extra["leaf"])
    item = assessments.item_save_appraisal(
        item=item,
        appraisal=assessments.Appraisal(None, APPRAISAL_MARKERS["appraiser's comment"], None),
        version=item.version,
        by=cast.appraiser,
    )
    assessments.explanation_request(
        item=item, message=APPRAISAL_MARKERS["appraiser's request"], by=cast.appraiser
    )


def test_no_answer_to_another_unit_carries_unit_a_s_markers_under_appraisal(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Every GET row, and the page it redirects to (but the log-in page), as unit B's
    people, the partners and anonymous visitors; every API GET with their tokens. The
    markers stand for unit A's scores too: a score is a number any unit may share, but
    what shows a criterion's note, claim, evidence or comment shows its score beside it.
    (The self-assessment's markers are checked on every row of every role by the tests
    above, before the appraisal.)"""
    monkeypatch.setattr(api_tokens, "FAILURES_MOST", 10**6)
    under_appraisal(world)
    markers = MARKERS | APPRAISAL_MARKERS
    pages = [row for row in page_rows(world) if row.method == "GET"]
    api = [row for row in api_rows(world) if row.method == "GET"]
    texts = tokens(world)
    everyone = {**clients(world), ANONYMOUS: Client()}
    found: list[str] = []
    for who in OUTSIDERS_OF_A:
        for row in pages:
            got = call(everyone[who], row)
            if got.status == 302 and not got.location.startswith((LOGIN, ADMIN_LOGIN)):
                got = call(everyone[who], Row("GET", got.location, {}))
            found += [f"{who} GET {row.url}: unit A's {what}" for what in leaks(got.text, markers)]
        for row in api:
            got = call(everyone[who], row, bearer(texts[who]))
            found += [f"{who} GET {row.url}: unit A's {what}" for what in leaks(got.text, markers)]
    assert not found, report("Unit A's data in the answers to others", found)
    inside = "".join(
        call(everyone["admin"], row).text for row in pages if row.url.startswith("/assessments/")
    )
    unseen = set(APPRAISAL_MARKERS) - set(leaks(inside, markers))
    assert not unseen, f"markers no page shows even to the administrator: {unseen}"
