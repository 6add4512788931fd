"""The pages around the API's tokens: a person's own tokens (create one, shown once;
revoke one or all), and the administrator's: every live token, integration accounts.

Every person signed in manages their own tokens; another person's token is a logged 404.
The administrator's pages are a logged 403 for anyone else; integration accounts never
reach a page. A token's text is rendered once, in the answer to the POST that created it,
never put in a URL, a message or the cache."""

from __future__ import annotations

import datetime

from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.cache import add_never_cache_headers
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_http_methods

from parindex.org.access import current_user, refuse, role_required
from parindex.org.errors import Refused
from parindex.org.models import Role, User

from . import tokens as services
from .models import ApiToken, Scope
from .token_forms import IntegrationForm, TokenFilterForm, TokenForm

# Every role but the integration accounts', which work through the API only.
PEOPLE = tuple(role for role in Role if role != Role.INTEGRATION)
TOKENS_PER_PAGE = 50
# A person's or a system's page lists its live tokens and its latest ended ones, this many
# in all: revoked and expired tokens pile up over the years.
LISTED_MOST = 50
# The largest id a database holds: a longer number in an address is no token or account.
MAX_ID = 2**63 - 1


def _listed(user: User) -> dict[str, object]:
    """The user's tokens as their page lists them (one query): the live ones first, then
    the latest ended ones, at most LISTED_MOST; whether older ones are left out."""
    tokens = list(services.tokens_of(user)[: LISTED_MOST + 1])
    return {
        "tokens": tokens[:LISTED_MOST],
        "more": len(tokens) > LISTED_MOST,
        "live": sum(1 for token in tokens if token.is_live),
    }


def _confirmed(request: HttpRequest) -> bool:
    return request.method == "POST" and request.POST.get("confirmed") == "on"


def _get_own_token(request: HttpRequest, pk: int) -> ApiToken:
    """The user's own token; anyone else's (or none) is a logged 404."""
    token = ApiToken.objects.filter(pk=min(pk, MAX_ID), user=current_user(request)).first()
    if token is None:
        refuse(request, f"token {pk} not the user's", hide=True)
    assert token is not None
    return token


def _get_token(request: HttpRequest, pk: int) -> ApiToken:
    token = ApiToken.objects.select_related("user__unit").filter(pk=min(pk, MAX_ID)).first()
    if token is None:
        refuse(request, f"token {pk} not found", hide=True)
    assert token is not None
    return token


def _get_user(request: HttpRequest, pk: int) -> User:
    user = User.objects.select_related("unit").filter(pk=min(pk, MAX_ID)).first()
    if user is None:
        refuse(request, f"user {pk} not found", hide=True)
    assert user is not None
    return user


def _get_integration(request: HttpRequest, pk: int) -> User:
    user = User.objects.filter(pk=min(pk, MAX_ID), role=Role.INTEGRATION).first()
    if user is None:
        refuse(request, f"integration account {pk} not found", hide=True)
    assert user is not None
    return user


def _back_to(user: User) -> str:
    """Where the administrator returns after revoking a user's tokens."""
    if user.is_integration:
        return reverse("tokens:integration", args=[user.pk])
    return reverse("tokens:manage")


def _revoked(request: HttpRequest, count: int) -> None:
    messages.success(
        request,
        ngettext("%(count)d token is revoked.", "%(count)d tokens are revoked.", count)
        % {"count": count},
    )


def _created(request: HttpRequest, token: ApiToken, text: str, back_url: str) -> HttpResponse:
    """The one time the token's text is shown: in this answer, kept by no cache."""
    response = render(
        request, "api/token_created.html", {"token": token, "text": text, "back_url": back_url}
    )
    add_never_cache_headers(response)
    return response


# A person's own tokens -------------------------------------------------------------


@require_http_methods(["GET", "POST"])
@role_required(*PEOPLE)
def mine(request: HttpRequest) -> HttpResponse:
    """The user's tokens, and the form that creates one (its text shown once)."""
    user = current_user(request)
    form = TokenForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            token, text = services.token_issue(
                user=user,
                name=form.cleaned_data["name"],
                by=user,
                lifetime=datetime.timedelta(days=form.cleaned_data["lifetime"]),
            )
        except Refused as error:
            form.add_error(None, error.message)
        else:
            return _created(request, token, text, reverse("tokens:mine"))
    return render(
        request,
        "api/mine.html",
        {**_listed(user), "form": form},
        status=400 if form.errors else 200,
    )


@require_http_methods(["GET", "POST"])
@role_required(*PEOPLE)
def revoke(request: HttpRequest, pk: int) -> HttpResponse:
    """Asks first, naming the token and what stops working; revokes when confirmed."""
    token = _get_own_token(request, pk)
    if _confirmed(request) and token.is_live:
        services.token_revoke(token=token, by=current_user(request))
        _revoked(request, 1)
        return redirect("tokens:mine")
    back = reverse("tokens:mine")
    return render(request, "api/revoke.html", {"tokens": [token], "back_url": back, "owner": None})


@require_http_methods(["GET", "POST"])
@role_required(*PEOPLE)
def revoke_all(request: HttpRequest) -> HttpResponse:
    """Asks first, listing the live tokens; revokes them all when confirmed."""
    user = current_user(request)
    if _confirmed(request):
        _revoked(request, services.tokens_revoke_all(user=user, by=user))
        return redirect("tokens:mine")
    tokens = list(services.tokens_of(user).live())
    back = reverse("tokens:mine")
    return render(
        request,
        "api/revoke.html",
        {"tokens": tokens, "back_url": back, "owner": None, "all": True},
    )


# The administrator's pages ---------------------------------------------------------


@require_GET
@role_required(Role.ADMIN)
def manage(request: HttpRequest) -> HttpResponse:
    """Every user's live tokens, user by user, with their unit and role."""
    form = TokenFilterForm(request.GET or None)
    valid = form.is_valid() if form.is_bound else True
    query = form.cleaned_data if form.is_bound and valid else {}
    tokens = services.live_tokens()
    if query.get("q"):
        q = query["q"]
        tokens = tokens.filter(Q(user__username__icontains=q) | Q(user__display_name__icontains=q))
    if not valid:
        tokens = tokens.none()
    page = Paginator(tokens, TOKENS_PER_PAGE).get_page(query.get("page"))
    filters = request.GET.copy()
    filters.pop("page", None)
    return render(
        request,
        "api/manage.html",
        {"form": form, "page": page, "filters": filters.urlencode()},
        status=200 if valid else 400,
    )


@require_http_methods(["GET", "POST"])
@role_required(Role.ADMIN)
def manage_revoke(request: HttpRequest, pk: int) -> HttpResponse:
    """Any user's token: asks first, revokes when confirmed."""
    token = _get_token(request, pk)
    back = _back_to(token.user)
    if _confirmed(request) and token.is_live:
        services.token_revoke(token=token, by=current_user(request))
        _revoked(request, 1)
        return redirect(back)
    return render(
        request, "api/revoke.html", {"tokens": [token], "back_url": back, "owner": token.user}
    )


@require_http_methods(["GET", "POST"])
@role_required(Role.ADMIN)
def manage_revoke_user(request: HttpRequest, pk: int) -> HttpResponse:
    """Every live token of one user: asks first, listing them; revokes when confirmed."""
    user = _get_user(request, pk)
    back = _back_to(user)
    if _confirmed(request):
        _revoked(request, services.tokens_revoke_all(user=user, by=current_user(request)))
        return redirect(back)
    tokens = list(services.tokens_of(user).live())
    return render(
        request,
        "api/revoke.html",
        {"tokens": tokens, "back_url": back, "owner": user, "all": True},
    )


@require_http_methods(["GET", "POST"])
@role_required(Role.ADMIN)
def integrations(request: HttpRequest) -> HttpResponse:
    """The integration accounts, and the form that creates one."""
    form = IntegrationForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            account = services.integration_create(
                name=form.cleaned_data["name"], by=current_user(request)
            )
        except Refused as error:
            form.add_error(None, error.message)
        else:
            messages.success(
                request,
                _("The account %(username)s is created: issue its first token below.")
                % {"username": account.username},
            )
            return redirect("tokens:integration", account.pk)
    return render(
        request,
        "api/integrations.html",
        {"accounts": list(services.integration_accounts()), "form": form},
        status=400 if form.errors else 200,
    )


@require_http_methods(["GET", "POST"])
@role_required(Role.ADMIN)
def integration(request: HttpRequest, pk: int) -> HttpResponse:
    """An integration account: its tokens, and the form that issues one (shown once)."""
    account = _get_integration(request, pk)
    form = TokenForm(request.POST if request.method == "POST" else None, for_system=True)
    if request.method == "POST" and form.is_valid():
        try:
            token, text = services.token_issue(
                user=account,
                name=form.cleaned_data["name"],
                by=current_user(request),
                lifetime=datetime.timedelta(days=form.cleaned_data["lifetime"]),
            )
        except Refused as error:
            form.add_error(None, error.message)
        else:
            return _created(request, token, text, reverse("tokens:integration", args=[pk]))
    return render(
        request,
        "api/integration.html",
        {
            **_listed(account),
            "account": account,
            "form": form,
            "scopes": [Scope(scope).label for scope in services.scopes_for(account)],
        },
        status=400 if form.errors else 200,
    )


@require_http_methods(["GET", "POST"])
@role_required(Role.ADMIN)
def integration_deactivate(request: HttpRequest, pk: int) -> HttpResponse:
    """Asks first, saying that the system stops reaching the API; deactivates when
    confirmed."""
    account = _get_integration(request, pk)
    back = reverse("tokens:integration", args=[pk])
    if _confirmed(request) and account.is_active:
        revoked = services.integration_deactivate(user=account, by=current_user(request))
        messages.success(
            request,
            ngettext(
                "The account is deactivated; %(count)d token is revoked.",
                "The account is deactivated; %(count)d tokens are revoked.",
                revoked,
            )
            % {"count": revoked},
        )
        return redirect(back)
    tokens = list(services.tokens_of(account).live())
    return render(
        request,
        "api/deactivate.html",
        {"account": account, "tokens": tokens, "back_url": back},
    )
