"""Every page and action, role by role, unit against unit: what the server answers."""

from __future__ import annotations

import pytest
from django.urls import reverse

from parindex.assessments.models import Cycle
from parindex.conftest import DEMO_FRAMEWORKS, Cast
from parindex.frameworks.models import Framework
from parindex.frameworks.services import framework_import
from parindex.frameworks.yamlio import tree_from_yaml
from parindex.org.models import SecurityEvent
from parindex.results.models import Appeal

ROLES = ["admin", "scorer_a", "head_a", "scorer_b", "appraiser", "chair", "viewer"]
READERS = dict.fromkeys(ROLES, 200)
ADMIN_ONLY = {role: (200 if role == "admin" else 403) for role in ROLES}


def matrix(cast: Cast, framework: Framework) -> list[tuple[str, str, dict[str, int]]]:
    own_a = {
        "admin": 200,
        "scorer_a": 200,
        "head_a": 200,
        "scorer_b": 404,
        "appraiser": 200,
        "chair": 200,
        "viewer": 200,
    }
    appraiser_home = {**READERS, "scorer_a": 404, "head_a": 404, "scorer_b": 404, "appraiser": 404}
    return [
        ("GET", reverse("home"), READERS),
        ("GET", reverse("org:unit_list"), READERS),
        ("GET", reverse("org:unit_detail", args=[cast.unit_a.code]), own_a),
        ("GET", reverse("org:unit_detail", args=[cast.home_unit.code]), appraiser_home),
        ("GET", reverse("frameworks:list"), READERS),
        ("GET", framework.get_absolute_url(), READERS),
        ("GET", reverse("frameworks:export_yaml", args=[framework.pk]), READERS),
        ("GET", reverse("frameworks:export_xlsx", args=[framework.pk]), READERS),
        ("GET", reverse("frameworks:import"), ADMIN_ONLY),
        (
            "POST",
            reverse("frameworks:freeze", args=[framework.pk]),
            {role: (302 if role == "admin" else 403) for role in ROLES},
        ),
        ("GET", reverse("results:targets"), READERS),
        ("GET", reverse("results:targets_xlsx"), READERS),
        ("GET", reverse("results:target_new"), ADMIN_ONLY),
        ("GET", reverse("results:national_new"), ADMIN_ONLY),
        ("GET", reverse("assessments:current"), dict.fromkeys(ROLES, 302)),
        (
            "GET",
            reverse("assessments:list", args=[2024]),
            {**READERS, "scorer_a": 302, "head_a": 302, "scorer_b": 302},  # to their own
        ),
        ("GET", reverse("assessments:detail", args=[2024, cast.unit_a.code]), own_a),
        ("GET", reverse("assessments:detail", args=[2024, cast.home_unit.code]), appraiser_home),
        ("GET", reverse("assessments:history", args=[2024, cast.unit_a.code]), own_a),
        (
            "POST",
            reverse("assessments:transition", args=[2024, cast.unit_a.code]),
            {role: 404 if status == 404 else 302 for role, status in own_a.items()},
        ),
        (
            "GET",
            reverse("assessments:manage", args=[2024]),
            {**ADMIN_ONLY, "chair": 200},
        ),
        ("GET", reverse("manage:index"), ADMIN_ONLY),
        ("GET", reverse("manage:contacts"), ADMIN_ONLY),
        ("GET", reverse("manage:contact", args=[cast.unit_a.code]), ADMIN_ONLY),
        (
            "POST",
            reverse("manage:contact", args=[cast.unit_a.code]),
            {role: (302 if role == "admin" else 403) for role in ROLES},
        ),
        ("GET", reverse("manage:security"), ADMIN_ONLY),
        ("GET", reverse("manage:outbox"), ADMIN_ONLY),
        ("POST", reverse("manage:outbox"), ADMIN_ONLY),  # not confirmed: what it will send
        ("GET", reverse("results:manage", args=[2024]), ADMIN_ONLY),
        (
            "POST",
            reverse("results:manage", args=[2024]),
            ADMIN_ONLY,  # no action given: the page again, with the message
        ),
        ("GET", reverse("results:fairness", args=[2024]), {**ADMIN_ONLY, "chair": 200}),
        (
            "GET",
            reverse("results:criteria", args=[2024]),
            {**ADMIN_ONLY, "chair": 200, "viewer": 200},
        ),
        (
            "GET",
            reverse("results:criteria_xlsx", args=[2024]),
            {**ADMIN_ONLY, "chair": 200, "viewer": 200},
        ),
        ("GET", reverse("results:surveys", args=[2024]), ADMIN_ONLY),
        ("GET", reverse("results:surveys_template", args=[2024]), ADMIN_ONLY),
        (
            "POST",
            reverse("results:surveys", args=[2024]),
            {role: (302 if role == "admin" else 403) for role in ROLES},  # nothing changed
        ),
        (
            "POST",
            reverse("results:surveys_import", args=[2024]),
            {role: (400 if role == "admin" else 403) for role in ROLES},  # no file chosen
        ),
        # The documents: written for the administrator; a unit asks for its own letter.
        ("GET", reverse("documents:year", args=[2024]), {**READERS, "appraiser": 403}),
        (
            "POST",
            reverse("documents:year", args=[2024]),  # nothing asked for: the page again
            {**dict.fromkeys(ROLES, 403), "admin": 302, "scorer_a": 302, "head_a": 302}
            | {"scorer_b": 302},
        ),
        ("GET", reverse("documents:edition", args=[2024]), ADMIN_ONLY),
        ("GET", reverse("documents:download", args=[999_999, "file"]), dict.fromkeys(ROLES, 404)),
        (
            "POST",
            reverse("documents:delete", args=[999_999]),
            {**dict.fromkeys(ROLES, 403), "admin": 404},
        ),
        # The follow-up: the oversight roles read every unit's, a unit its own.
        (
            "GET",
            reverse("followup:board"),
            {**READERS, "scorer_a": 302, "head_a": 302} | {"scorer_b": 302, "appraiser": 403},
        ),
        ("GET", reverse("followup:unit", args=[cast.unit_a.code]), {**own_a, "appraiser": 403}),
        (
            "POST",
            reverse("followup:inspection", args=[cast.unit_a.code]),
            {**dict.fromkeys(ROLES, 403), "admin": 302},  # nothing given: the page again
        ),
        (
            "GET",
            reverse("followup:task", args=[999_999]),
            {**dict.fromkeys(ROLES, 404)} | {"appraiser": 403},
        ),
        *questionnaire_rows(),
        # Recording survey responses in person is a partner's collector's work only.
        ("GET", reverse("surveys:collect"), dict.fromkeys(ROLES, 403)),
        (
            "POST",
            reverse("surveys:collect_unit", args=["sipas-2024", cast.unit_a.code]),
            dict.fromkeys(ROLES, 403),
        ),
        *survey_rows(cast),
        *directive_rows(cast),
        *appeal_rows(cast),
        *plan_rows(cast),
        *initiative_rows(cast),
        *token_rows(cast),
    ]


def survey_rows(cast: Cast) -> list[tuple[str, str, dict[str, int]]]:
    """The survey campaigns' pages, over a SIPAS campaign of unit A (made once; the
    partners' roles are in parindex/surveys/tests/test_campaign_permissions.py)."""
    from parindex.surveys.models import Campaign
    from parindex.surveys.tests.factories import campaign, sipas_questionnaire

    if not Campaign.objects.filter(code="matrix-sipas").exists():
        campaign([sipas_questionnaire(code="matrix-sipas")], [cast.unit_a], code="matrix-sipas")
    code, unit = "matrix-sipas", cast.unit_a.code
    oversight = {**ADMIN_ONLY, "chair": 200, "viewer": 200}
    own_a = {**oversight, "scorer_a": 200, "head_a": 200, "scorer_b": 404}
    return [
        ("GET", reverse("surveys:campaigns"), oversight),
        ("GET", reverse("surveys:campaign_new"), ADMIN_ONLY),
        ("GET", reverse("surveys:campaign", args=[code]), oversight),
        ("GET", reverse("surveys:campaign_edit", args=[code]), ADMIN_ONLY),
        ("GET", reverse("surveys:campaign_transactions", args=[code]), ADMIN_ONLY),
        ("GET", reverse("surveys:flags", args=[code]), ADMIN_ONLY),
        ("GET", reverse("surveys:responses_import", args=[code]), ADMIN_ONLY),
        ("GET", reverse("surveys:campaign_xlsx", args=[code]), oversight),
        ("GET", reverse("surveys:progress"), ADMIN_ONLY),
        ("GET", reverse("surveys:unit_results", args=[code, unit]), own_a),
        ("GET", reverse("surveys:unit_results_xlsx", args=[code, unit]), own_a),
    ]


def directive_rows(cast: Cast) -> list[tuple[str, str, dict[str, int]]]:
    """The directives' pages (issue 13, item 3), over one directive with a task to unit A
    (made once); a unit reads and reports only its own tasks."""
    import datetime

    from parindex.followup.directives import TaskInput, directive_create
    from parindex.followup.models import Directive, TaskAssignment

    directive = Directive.objects.filter(number="matrix/UBND").first() or directive_create(
        number="matrix/UBND",
        issued_on=datetime.date(2021, 9, 24),
        issuer="UBND tỉnh Sóc Trăng",
        subject="V/v tăng cường giải pháp nâng cao Chỉ số cải cách hành chính",
        tasks=[
            TaskInput(number="1.a", text="Rà soát", deadline="quý IV/2021", units=[cast.unit_a])
        ],
        by=cast.admin,
    )
    task_a = TaskAssignment.objects.get(task__directive=directive, unit=cast.unit_a)
    oversight = {**ADMIN_ONLY, "chair": 200, "viewer": 200}
    own_a = {**oversight, "scorer_a": 200, "head_a": 200, "scorer_b": 404}
    units_only = {**dict.fromkeys(ROLES, 403), "scorer_a": 302, "head_a": 302, "scorer_b": 302}
    report_a = {**dict.fromkeys(ROLES, 403), "scorer_a": 302, "head_a": 302, "scorer_b": 404}
    pk = directive.pk
    return [
        ("GET", reverse("followup:directive_list"), oversight),
        ("GET", reverse("followup:directive_new"), ADMIN_ONLY),
        ("GET", reverse("followup:directive_detail", args=[pk]), oversight),
        ("GET", reverse("followup:directive_edit", args=[pk]), ADMIN_ONLY),
        ("GET", reverse("followup:directive_close", args=[pk]), ADMIN_ONLY),
        ("GET", reverse("followup:directive_task_edit", args=[pk, task_a.task_id]), ADMIN_ONLY),
        ("GET", reverse("followup:directive_xlsx", args=[pk]), oversight),
        ("GET", reverse("followup:my_tasks"), units_only),
        ("GET", reverse("followup:unit_tasks", args=[cast.unit_a.code]), own_a),
        ("POST", reverse("followup:task_report", args=[task_a.pk]), report_a),  # nothing given
    ]


def matrix_appeal(cast: Cast) -> Appeal:
    """Unit A's appeal on its first leaf in the 2024 cycle (made once, as filed)."""
    from django.utils import timezone

    from parindex.assessments.models import AssessmentItem
    from parindex.results.models import Appeal, AppealCriterion

    appeal = Appeal.objects.filter(unit=cast.unit_a).first()
    if appeal is None:
        item = AssessmentItem.objects.filter(
            assessment__unit=cast.unit_a, assessment__cycle__year=2024
        ).first()
        assert item is not None
        appeal = Appeal.objects.create(
            cycle_id=item.assessment.cycle_id, unit=cast.unit_a, filed_at=timezone.now(),
            filed_by=cast.scorer_a,
        )  # fmt: skip
        AppealCriterion.objects.create(appeal=appeal, criterion=item.criterion, reason="Lý do")
    return appeal


def appeal_rows(cast: Cast) -> list[tuple[str, str, dict[str, int]]]:
    """The appeals' pages (issue 15, item 4), over unit A's appeal: the oversight roles
    and the units read (a unit its own only), a unit files its own, the chair and the
    administrator decide, the administrator sets the window; appraisers nothing."""
    appeal = matrix_appeal(cast)
    line = appeal.criteria.get()
    oversight = {**ADMIN_ONLY, "chair": 200, "viewer": 200}
    read = {**oversight, "scorer_a": 200, "head_a": 200, "scorer_b": 200}
    own_a = {**read, "scorer_b": 404}
    units_only = {**dict.fromkeys(ROLES, 403), "scorer_a": 200, "head_a": 200, "scorer_b": 200}
    council = {**ADMIN_ONLY, "chair": 200}
    args = [2024, appeal.pk]
    return [
        ("GET", reverse("results:appeals", args=[2024]), read),
        ("GET", reverse("results:appeal_window", args=[2024]), ADMIN_ONLY),
        ("GET", reverse("results:appeal_new", args=[2024]), units_only),
        ("GET", reverse("results:appeal_detail", args=args), own_a),
        ("GET", reverse("results:appeal_line", args=[*args, line.pk]), council),
        ("GET", reverse("results:appeal_decide", args=args), council),
        # Nothing confirmed: the page again, asking; nothing decided.
        ("POST", reverse("results:appeal_decide", args=args), council),
    ]


def plan_rows(cast: Cast) -> list[tuple[str, str, dict[str, int]]]:
    """The improvement plans' pages (issue 13, item 5), over unit A's plan with a target and
    a task (made once): the oversight roles read every plan, a unit's scorer and head read
    and edit only their own, appraisers nothing."""
    from decimal import Decimal

    from parindex.followup.models import ImprovementPlan
    from parindex.followup.plans import plan_save, target_save, task_save

    plan = ImprovementPlan.objects.filter(unit=cast.unit_a).first()
    if plan is None:
        plan = plan_save(
            unit=cast.unit_a, title="Kế hoạch", decision_number="", decision_date=None,
            first_year=2021, last_year=2030, by=cast.scorer_a,
        )  # fmt: skip
        target_save(
            plan=plan, kind="index_at_least", value=Decimal(85), first_year=2024,
            last_year=2030, by=cast.scorer_a,
        )  # fmt: skip
        task_save(
            plan=plan, division="Văn phòng", text="Tự đánh giá", criteria="1.1", due_year=2030,
            by=cast.scorer_a,
        )  # fmt: skip
    target, task = plan.targets.get(), plan.tasks.get()
    code = cast.unit_a.code
    oversight = {**ADMIN_ONLY, "chair": 200, "viewer": 200}
    read_a = {**oversight, "scorer_a": 200, "head_a": 200, "scorer_b": 404}
    edit_a = {**dict.fromkeys(ROLES, 403), "scorer_a": 200, "head_a": 200, "scorer_b": 404}
    post_a = {**edit_a, "scorer_a": 302, "head_a": 302}  # nothing given: back to the plan
    return [
        ("GET", reverse("followup:plan_overview"), oversight),
        (
            "GET",
            reverse("followup:plan_mine"),
            {**dict.fromkeys(ROLES, 403)} | {"scorer_a": 302, "head_a": 302, "scorer_b": 302},
        ),
        ("GET", reverse("followup:plan_unit", args=[code]), read_a),
        ("GET", reverse("followup:plan_xlsx", args=[code]), read_a),
        ("GET", reverse("followup:plan_edit", args=[code]), edit_a),
        ("GET", reverse("followup:plan_target_new", args=[code]), edit_a),
        ("GET", reverse("followup:plan_target_edit", args=[code, target.pk]), edit_a),
        ("GET", reverse("followup:plan_task_new", args=[code]), edit_a),
        ("GET", reverse("followup:plan_task_edit", args=[code, task.pk]), edit_a),
        ("POST", reverse("followup:plan_task_progress", args=[code, task.pk]), post_a),
    ]


def initiative_rows(cast: Cast) -> list[tuple[str, str, dict[str, int]]]:
    """The initiatives register (issue 13, item 4), over a submission of unit A and a
    recognised one of unit B (made once): every role inside reads the register and the
    recognised ones; a unit sees and edits only its own submissions; the administrator and
    the chair decide; the viewer reads; an appraiser reads the recognised ones only."""
    from parindex.followup.models import Initiative

    submitted = Initiative.objects.filter(title="matrix submitted").first()
    if submitted is None:
        submitted = Initiative.objects.create(unit=cast.unit_a, year=2023, title="matrix submitted")
        Initiative.objects.create(
            unit=cast.unit_b, year=2023, title="matrix recognised", status="recognised"
        )
    recognised = Initiative.objects.get(title="matrix recognised")
    everyone = READERS
    own_a = {**READERS, "scorer_b": 404, "appraiser": 404}
    deciders = {**dict.fromkeys(ROLES, 403), "admin": 200, "chair": 200}
    decide = {**dict.fromkeys(ROLES, 403), "admin": 302, "chair": 302}  # nothing given
    units_only = {**dict.fromkeys(ROLES, 403), "scorer_a": 302, "head_a": 302, "scorer_b": 302}
    edit_a = {**dict.fromkeys(ROLES, 403), "scorer_a": 302, "head_a": 302, "scorer_b": 404}
    edit_b = {**dict.fromkeys(ROLES, 403), "scorer_a": 404, "head_a": 404, "scorer_b": 302}
    unit_page = {**READERS, "scorer_b": 404, "appraiser": 403}
    return [
        ("GET", reverse("followup:initiative_register"), everyone),
        ("GET", reverse("followup:initiative_register_xlsx"), everyone),
        ("GET", reverse("followup:my_initiatives"), units_only),
        ("GET", reverse("followup:unit_initiatives", args=[cast.unit_a.code]), unit_page),
        ("GET", reverse("followup:initiative_detail", args=[submitted.pk]), own_a),
        ("GET", reverse("followup:initiative_detail", args=[recognised.pk]), everyone),
        ("POST", reverse("followup:initiative_edit", args=[submitted.pk]), edit_a),
        ("POST", reverse("followup:initiative_edit", args=[recognised.pk]), edit_b),
        ("POST", reverse("followup:initiative_decide", args=[submitted.pk]), decide),
        ("POST", reverse("followup:initiative_report", args=[recognised.pk]), edit_b),
        ("GET", reverse("followup:initiative_decisions", args=[2023]), deciders),
        (
            "POST",
            reverse("followup:initiative_confirm", args=[999_999]),
            {**dict.fromkeys(ROLES, 403), "admin": 404},
        ),
    ]


def token_rows(cast: Cast) -> list[tuple[str, str, dict[str, int]]]:
    """The API tokens' pages, over a token of unit A's scorer and an integration account
    (made once): every person signed in keeps their own tokens, another's is a 404; the
    administrator's pages (every live token, integration accounts) are a 403 for anyone
    else. A POST without `confirmed` asks again; an empty form is a 400."""
    from parindex.api.models import ApiToken
    from parindex.api.tokens import integration_create, token_issue
    from parindex.org.models import Role, User

    token = ApiToken.objects.filter(name="matrix").first()
    if token is None:
        token = token_issue(user=cast.scorer_a, name="matrix", by=cast.scorer_a)[0]
    system = User.objects.filter(role=Role.INTEGRATION).first() or integration_create(
        name="Hệ thống ma trận", by=cast.admin
    )
    own = {**dict.fromkeys(ROLES, 404), "scorer_a": 200}
    admin_form = {**dict.fromkeys(ROLES, 403), "admin": 400}
    return [
        ("GET", reverse("tokens:mine"), READERS),
        ("POST", reverse("tokens:mine"), dict.fromkeys(ROLES, 400)),  # no name, no lifetime
        ("GET", reverse("tokens:revoke", args=[token.pk]), own),
        ("POST", reverse("tokens:revoke", args=[token.pk]), own),
        ("GET", reverse("tokens:revoke_all"), READERS),
        ("POST", reverse("tokens:revoke_all"), READERS),
        ("GET", reverse("tokens:manage"), ADMIN_ONLY),
        ("GET", reverse("tokens:manage_revoke", args=[token.pk]), ADMIN_ONLY),
        ("POST", reverse("tokens:manage_revoke", args=[token.pk]), ADMIN_ONLY),
        ("GET", reverse("tokens:manage_revoke_user", args=[cast.scorer_a.pk]), ADMIN_ONLY),
        ("POST", reverse("tokens:manage_revoke_user", args=[cast.scorer_a.pk]), ADMIN_ONLY),
        ("GET", reverse("tokens:integrations"), ADMIN_ONLY),
        ("POST", reverse("tokens:integrations"), admin_form),  # no name
        ("GET", reverse("tokens:integration", args=[system.pk]), ADMIN_ONLY),
        ("POST", reverse("tokens:integration", args=[system.pk]), admin_form),
        ("GET", reverse("tokens:integration_deactivate", args=[system.pk]), ADMIN_ONLY),
        ("POST", reverse("tokens:integration_deactivate", args=[system.pk]), ADMIN_ONLY),
    ]


# Published results are public: every role and anonymous visitors read them.
PUBLIC = [
    reverse("results:index"),
    reverse("results:year", args=[2023]),
    reverse("results:year_xlsx", args=[2023]),
    reverse("results:fields", args=[2023]),
    reverse("results:fields_xlsx", args=[2023]),
    reverse("results:unit", args=[2023, "ubnd-huyen-my-xuyen"]),
    reverse("results:unit_xlsx", args=[2023, "ubnd-huyen-my-xuyen"]),
    reverse("results:national_xlsx"),
]


@pytest.fixture
def published(history: None, cycle: Cycle) -> None:
    """The 2023 districts' results, and the departments' 2024 cycle under way."""


@pytest.mark.parametrize("who", [*ROLES, None])
def test_published_results_are_public(cast: Cast, published: None, who: str | None) -> None:
    client = cast.client(getattr(cast, who) if who else None)
    for url in PUBLIC:
        assert client.get(url).status_code == 200, f"{who} {url}"


@pytest.mark.parametrize("who", ROLES)
def test_what_each_role_gets(cast: Cast, published: None, who: str) -> None:
    framework = framework_import(
        tree=tree_from_yaml((DEMO_FRAMEWORKS / "so-nganh-2023.yaml").read_bytes()), by=None
    )
    client = cast.client(getattr(cast, who))
    for method, url, expected in matrix(cast, framework):
        response = client.get(url) if method == "GET" else client.post(url)
        assert response.status_code == expected[who], f"{who} {method} {url}"
    refused = SecurityEvent.objects.filter(kind=SecurityEvent.Kind.REFUSED, username=who)
    denials = sum(1 for _m, _u, expected in matrix(cast, framework) if expected[who] in (403, 404))
    assert refused.count() == denials


def test_anonymous_visitors_get_nothing_but_the_login_page_and_results(
    cast: Cast, published: None
) -> None:
    framework = framework_import(
        tree=tree_from_yaml((DEMO_FRAMEWORKS / "so-nganh-2023.yaml").read_bytes()), by=None
    )
    client = cast.client(None)
    for method, url, _expected in matrix(cast, framework):
        response = client.get(url) if method == "GET" else client.post(url)
        assert response.status_code == 302 and "/accounts/login/" in response["Location"], url
    assert client.get(reverse("login")).status_code == 200


def questionnaire_rows() -> list[tuple[str, str, dict[str, int]]]:
    """The survey questionnaires' pages (issue 11): the administrator's only."""
    from parindex.conftest import DEMO_DATA
    from parindex.surveys.models import Questionnaire
    from parindex.surveys.questionnaires import questionnaire_import

    questionnaire = Questionnaire.objects.filter(code="sipas-2024").first() or (
        questionnaire_import(
            data=(DEMO_DATA / "questionnaires" / "sipas-2024.yaml").read_bytes(), by=None
        )
    )
    pk = questionnaire.pk
    posted = {role: (302 if role == "admin" else 403) for role in ROLES}
    return [
        ("GET", reverse("surveys:questionnaire_list"), ADMIN_ONLY),
        ("GET", reverse("surveys:questionnaire_detail", args=[pk]), ADMIN_ONLY),
        ("GET", reverse("surveys:questionnaire_export", args=[pk]), ADMIN_ONLY),
        ("GET", reverse("surveys:questionnaire_import"), ADMIN_ONLY),
        ("GET", reverse("surveys:questionnaire_copy", args=[pk]) + "?year=2025", ADMIN_ONLY),
        ("GET", reverse("surveys:questionnaire_crosswalk", args=[pk]), ADMIN_ONLY),
        (
            "POST",
            reverse("surveys:questionnaire_import"),
            {role: (400 if role == "admin" else 403) for role in ROLES},  # no file chosen
        ),
        ("POST", reverse("surveys:questionnaire_copy", args=[pk]), posted),  # no year given
        ("POST", reverse("surveys:questionnaire_crosswalk", args=[pk]), posted),  # no links
    ]
