"""A job's page (its progress while it runs, polled by HTMX), the list of jobs, retry.

jobs knows no roles: the project's URLs give the list and the retry the administrator's
check; a job's page shows itself to whom `Job.can_see` allows and is a 404 to others.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBadRequest
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from .forms import JobListForm, RetryForm
from .models import Job
from .services import job_retry

JOBS_PER_PAGE = 50


def _get_job_for_user(request: HttpRequest, pk: int) -> Job:
    job = get_object_or_404(Job.objects.select_related("started_by"), pk=pk)
    if not job.can_see(request.user):
        raise Http404
    return job


@require_GET
@login_required
def detail(request: HttpRequest, pk: int) -> HttpResponse:
    """The job: while it runs its progress, polled every two seconds; then its outcome
    or its error, and for the administrator a retry."""
    job = _get_job_for_user(request, pk)
    context = {"job": job, "can_retry": job.can_retry(request.user)}
    if request.headers.get("HX-Request"):
        return render(request, "jobs/_progress.html", context)
    return render(request, "jobs/job.html", context)


@require_http_methods(["GET", "POST"])
@login_required
def retry(request: HttpRequest, pk: int) -> HttpResponse:
    """Ask, then run a failed job again."""
    job = _get_job_for_user(request, pk)
    if request.method == "POST" and RetryForm(request.POST).is_valid():
        if job_retry(job=job, by=request.user):
            messages.success(request, _("The job is queued again."))
        else:
            messages.error(request, _("This job has not failed: there is nothing to retry."))
        return redirect(job)
    return render(request, "jobs/retry.html", {"job": job})


@require_GET
@login_required
def job_list(request: HttpRequest) -> HttpResponse:
    """Every job, newest first, a page at a time."""
    form = JobListForm(request.GET)
    if not form.is_valid():
        return HttpResponseBadRequest(
            render_to_string("jobs/bad_request.html", {"form": form}, request=request)
        )
    page = Paginator(Job.objects.for_list(), JOBS_PER_PAGE).get_page(form.cleaned_data["page"])
    return render(request, "jobs/list.html", {"page": page})
