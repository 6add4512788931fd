from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from parindex.org.access import current_user, role_required
from parindex.org.errors import Refused
from parindex.org.models import Role

from . import selectors, services
from .excelio import tree_from_xlsx, tree_to_xlsx
from .forms import CopyConfirmForm, CopyToYearForm, FrameworkFilterForm, FrameworkUploadForm
from .messages import describe_all
from .models import Framework
from .spec import SpecError
from .yamlio import tree_from_yaml, tree_to_yaml
from .years import year_changes

EVERYONE = tuple(Role)


def _framework(pk: int) -> Framework:
    return get_object_or_404(Framework.objects.select_related("group"), pk=pk)


@require_GET
@role_required(*EVERYONE)
def framework_list(request: HttpRequest) -> HttpResponse:
    form = FrameworkFilterForm(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    group = filters.get("group")
    frameworks = selectors.framework_list(
        group_id=group.pk if group else None, year=filters.get("year")
    )
    return render(request, "frameworks/list.html", {"frameworks": frameworks, "form": form})


@require_GET
@role_required(*EVERYONE)
def framework_detail(request: HttpRequest, pk: int) -> HttpResponse:
    framework = get_object_or_404(Framework.objects.select_related("group", "based_on"), pk=pk)
    view = selectors.framework_view(framework)
    versions = Framework.objects.filter(group=framework.group, year=framework.year).order_by(
        "version"
    )
    last_year = (
        Framework.objects.filter(group=framework.group)
        .order_by("-year")
        .values_list("year", flat=True)
        .first()
        or framework.year
    )
    return render(
        request,
        "frameworks/detail.html",
        {
            "view": view,
            "framework": framework,
            "versions": versions,
            "copy_form": CopyToYearForm(initial={"year": last_year + 1}),
        },
    )


def _download(content: bytes | str, filename: str, content_type: str) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def _filename(framework: Framework, extension: str) -> str:
    return f"{framework.group.code}-{framework.year}-v{framework.version}.{extension}"


@require_GET
@role_required(*EVERYONE)
def framework_export_yaml(request: HttpRequest, pk: int) -> HttpResponse:
    framework = _framework(pk)
    return _download(
        tree_to_yaml(framework.to_tree()),
        _filename(framework, "yaml"),
        "application/yaml; charset=utf-8",
    )


@require_GET
@role_required(*EVERYONE)
def framework_export_xlsx(request: HttpRequest, pk: int) -> HttpResponse:
    framework = _framework(pk)
    return _download(
        tree_to_xlsx(framework.to_tree()),
        _filename(framework, "xlsx"),
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )


@require_http_methods(["GET", "POST"])
@role_required(Role.ADMIN)
def framework_import_view(request: HttpRequest) -> HttpResponse:
    """Upload a YAML file or the Excel template; nothing is stored unless all is valid."""
    form = FrameworkUploadForm(request.POST or None, request.FILES or None)
    problems: list[str] = []
    problem_count = 0
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        content = upload.read()
        try:
            if upload.name.lower().endswith(".xlsx"):
                tree = tree_from_xlsx(content)
            else:
                tree = tree_from_yaml(content)
            framework = services.framework_import(tree=tree, by=current_user(request))
        except SpecError as error:
            problems, problem_count = describe_all(error.issues), len(error.issues)
        except Refused as error:
            problems, problem_count = [error.message], 1
        else:
            messages.success(
                request,
                _("Framework “%(title)s” (version %(version)s) saved.")
                % {"title": framework.title, "version": framework.version},
            )
            return redirect(framework)
    return render(
        request,
        "frameworks/import.html",
        {"form": form, "problems": problems, "problem_count": problem_count},
        status=400 if problems or form.errors else 200,
    )


@require_http_methods(["GET", "POST"])
@role_required(Role.ADMIN)
def framework_copy(request: HttpRequest, pk: int) -> HttpResponse:
    """Copy a framework into another year: first what the copy will change in its texts
    (GET), then the copy, carrying the years forward or not, as the administrator chose."""
    framework = _framework(pk)
    if request.method == "POST":
        form: CopyToYearForm = CopyConfirmForm(request.POST)
        if form.is_valid():
            assert isinstance(form, CopyConfirmForm)
            try:
                copy = services.framework_copy_to_year(
                    framework=framework,
                    year=form.cleaned_data["year"],
                    by=current_user(request),
                    carry_years=form.carry_years,
                )
            except Refused as error:
                messages.error(request, error.message)
                return redirect(framework)
            messages.success(request, _("Copied into %(year)s as a draft.") % {"year": copy.year})
            return redirect(copy)
    else:
        form = CopyToYearForm(request.GET)
    if not form.is_valid() and "year" in form.errors:
        messages.error(request, _("Enter a year between 2000 and 2100."))
        return redirect(framework)
    year = form.cleaned_data["year"]  # a POST without the choice: show what it would do
    return render(
        request,
        "frameworks/copy.html",
        {
            "framework": framework,
            "year": year,
            "refusal": services.framework_copy_refusal(framework=framework, year=year),
            "changes": year_changes(framework.to_tree(), year),
        },
        status=200 if request.method == "GET" else 400,
    )


@require_POST
@role_required(Role.ADMIN)
def framework_new_version_view(request: HttpRequest, pk: int) -> HttpResponse:
    framework = _framework(pk)
    try:
        copy = services.framework_new_version(framework=framework, by=current_user(request))
    except Refused as error:
        messages.error(request, error.message)
        return redirect(framework)
    messages.success(
        request, _("Version %(version)s created as a draft.") % {"version": copy.version}
    )
    return redirect(copy)


@require_POST
@role_required(Role.ADMIN)
def framework_freeze_view(request: HttpRequest, pk: int) -> HttpResponse:
    framework = _framework(pk)
    services.framework_freeze(framework=framework)
    messages.success(request, _("The framework is now in use and frozen."))
    return redirect(framework)
