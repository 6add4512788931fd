"""The outbox as the administrator reads it.

notify knows nothing of roles (it imports nothing of the project): the project's urls.py
mounts these views behind the administrator's check, and the permission matrix tests
that every other role is refused.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from .backends import backend_label
from .forms import OutboxFilterForm
from .models import Message
from .services import outbox_send

MESSAGES_PER_PAGE = 50


@require_http_methods(["GET", "POST"])
def outbox(request: HttpRequest) -> HttpResponse:
    """Every message with its state, attempts, next attempt and last error, filtered by
    state and channel, newest first; a POST sends what is due now."""
    if request.method == "POST":
        if request.POST.get("confirmed") != "on":
            return _confirm_send(request)
        counts = outbox_send()
        messages.success(
            request,
            _("%(sent)s messages sent, %(retried)s to retry, %(failed)s failed.")
            % {"sent": counts.sent, "retried": counts.retried, "failed": counts.failed},
        )
        return redirect(request.get_full_path())
    form = OutboxFilterForm(request.GET or None)
    valid = form.is_valid() if form.is_bound else True
    query = form.cleaned_data if form.is_bound and valid else {}
    found = Message.objects.order_by("-created_at", "-pk")
    if query.get("state"):
        found = found.filter(status=query["state"])
    if query.get("channel"):
        found = found.filter(channel=query["channel"])
    if query.get("q"):
        term = query["q"].strip()
        found = found.filter(Q(recipient__icontains=term) | Q(subject__icontains=term))
    if not valid:
        found = found.none()
    page = Paginator(found, MESSAGES_PER_PAGE).get_page(query.get("page"))
    by_state = dict(Message.objects.values_list("status").annotate(n=Count("pk")))
    filters = request.GET.copy()
    filters.pop("page", None)
    return render(
        request,
        "notify/outbox.html",
        {
            "form": form,
            "page": page,
            "filters": filters.urlencode(),
            "states": [(status, by_state.get(status.value, 0)) for status in Message.Status],
            "backends": [(channel.label, backend_label(channel)) for channel in Message.Channel],
        },
        status=200 if valid else 400,
    )


CONFIRM_SHOWS = 20


def _confirm_send(request: HttpRequest) -> HttpResponse:
    """What "send now" will send, and to whom, before it is sent: a sent message cannot
    be taken back."""
    due = Message.objects.due().order_by("next_attempt_at", "pk")
    by_channel = dict(due.order_by().values_list("channel").annotate(n=Count("pk")))
    return render(
        request,
        "notify/confirm_send.html",
        {
            "count": sum(by_channel.values()),
            "channels": [
                (channel.label, by_channel.get(channel.value, 0), backend_label(channel))
                for channel in Message.Channel
            ],
            "first": list(due[:CONFIRM_SHOWS]),
            "back_url": request.get_full_path(),
        },
    )
