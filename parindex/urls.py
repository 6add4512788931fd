from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.http import Http404, HttpRequest, HttpResponse
from django.urls import include, path

from parindex import views
from parindex.api.api import api
from parindex.jobs import views as jobs_views
from parindex.notify import views as notify_views
from parindex.org import views as org_views
from parindex.org.access import refuse, role_required
from parindex.org.forms import LoginForm
from parindex.org.models import Role

admin.site.site_header = "parindex"
admin.site.site_title = "parindex"

# The administrator's pages in the app itself (Vietnamese first, beside the Django admin):
# units' contact details, the security log, the outbox. notify knows no roles, so its
# page gets the administrator's check here.
manage_patterns = [
    path("", views.manage, name="index"),
    path("contacts/", org_views.contacts, name="contacts"),
    path("contacts/<slug:code>/", org_views.contact_edit, name="contact"),
    path("security/", org_views.security_events, name="security"),
    path("outbox/", role_required(Role.ADMIN)(notify_views.outbox), name="outbox"),
]


def refusals_logged(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """A page of an app that knows neither roles nor the security log (jobs): the 404 it
    answers for what is not the user's is logged here, as every page's refusal is."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        try:
            return view(request, *args, **kwargs)
        except Http404:
            refuse(request, f"{request.path}: not visible", hide=True)
            raise  # refuse raised already; for the type checker

    return wrapper


# Background jobs: jobs knows no roles either; a job's page checks who may see it.
job_patterns = [
    path("", role_required(Role.ADMIN)(jobs_views.job_list), name="list"),
    path("<int:pk>/", refusals_logged(jobs_views.detail), name="detail"),
    path("<int:pk>/retry/", role_required(Role.ADMIN)(jobs_views.retry), name="retry"),
]

urlpatterns = [
    path("", views.home, name="home"),
    path("favicon.ico", views.favicon, name="favicon"),
    # The load balancer's probes (HealthCheckMiddleware answers them before the rest).
    path("healthz", views.healthz, name="healthz"),
    path("readyz", views.readyz, name="readyz"),
    path(
        "accounts/login/",
        auth_views.LoginView.as_view(
            authentication_form=LoginForm, redirect_authenticated_user=True
        ),
        name="login",
    ),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("units/", include("parindex.org.urls")),
    path("frameworks/", include("parindex.frameworks.urls")),
    path("results/", include("parindex.results.urls")),
    path("documents/", include("parindex.documents.urls")),
    path("followup/", include("parindex.followup.urls")),
    path("assessments/", include("parindex.assessments.urls")),
    path("manage/", include((manage_patterns, "manage"))),
    # API tokens: a person's own (/account/tokens/) and the administrator's
    # (/manage/tokens/), beside the API itself.
    path("", include("parindex.api.token_urls")),
    path("jobs/", include((job_patterns, "jobs"))),
    # Surveys: /surveys/… for the administrator and partners, /s/… and /r/… for the public.
    path("", include("parindex.surveys.urls")),
    path("admin/", admin.site.urls),
    path("api/v1/", api.urls),
]
