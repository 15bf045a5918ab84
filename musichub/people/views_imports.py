"""Staff pages for imports: the history, uploading a file, its report (preview), confirming or cancelling,
following a confirmed import as it runs in the background, and trying a failed one again."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from musichub.core.permissions import requires

from .forms_imports import ImportUploadForm
from .imports import (
    cancel_import,
    check_import_upload,
    confirm_import,
    import_runs_newest_first,
    retry_import,
)
from .models import ImportRun

PER_PAGE = 20
CHOOSE_FILE_AGAIN = gettext_lazy(
    "Choose the file again: for your security, browsers do not keep a chosen file when a page is sent back "
    "with problems"
)


@requires("people.import_data")
def imports(request):
    page = Paginator(import_runs_newest_first(), PER_PAGE).get_page(request.GET.get("page"))
    return render(request, "people/imports/list.html", {"page": page})


@requires("people.import_data")
def import_new(request):
    form = ImportUploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        run = check_import_upload(
            kind=form.cleaned_data["kind"],
            upload=form.cleaned_data["file"],
            options=form.import_options(),
            started_by=request.user,
        )
        return redirect("people:import_detail", pk=run.pk)
    if form.is_bound and form.errors and "file" not in form.errors and request.FILES:
        form.add_error("file", CHOOSE_FILE_AGAIN)
    return render(request, "people/imports/new.html", {"form": form})


@requires("people.import_data")
def import_detail(request, pk):
    run = get_object_or_404(ImportRun.objects.select_related("started_by"), pk=pk)
    problems = Paginator(run.problems, PER_PAGE).get_page(request.GET.get("page"))
    counts = run.counts or {}
    return render(
        request,
        "people/imports/detail.html",
        {
            "run": run,
            "page": problems,
            "counts": counts,
            "unlisted_problems": max(counts.get("problems", 0) - len(run.problems), 0),
            "waiting": run.status == ImportRun.Status.PREVIEWED,
            "in_progress": run.status in (ImportRun.Status.QUEUED, ImportRun.Status.RUNNING),
        },
    )


@requires("people.import_data")
@require_POST
def import_confirm(request, pk):
    run = get_object_or_404(ImportRun, pk=pk)
    try:
        confirm_import(run=run, confirmed_by=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        _say_how_it_is_going(request, run)
    return redirect("people:import_detail", pk=run.pk)


@requires("people.import_data")
@require_POST
def import_retry(request, pk):
    run = get_object_or_404(ImportRun, pk=pk)
    try:
        retry_import(run=run, retried_by=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        _say_how_it_is_going(request, run)
    return redirect("people:import_detail", pk=run.pk)


def _say_how_it_is_going(request, run: ImportRun) -> None:
    """The message after queueing a run. A backend that runs tasks at once (tests) has already finished it."""
    run.refresh_from_db(fields=["status"])
    if run.status == ImportRun.Status.COMPLETED:
        messages.success(request, _("The file is imported."))
    elif run.status == ImportRun.Status.REJECTED:
        messages.error(
            request,
            _("The data changed since the file was checked and it now has problems: nothing was imported."),
        )
    elif run.status == ImportRun.Status.FAILED:
        messages.error(request, _("The import could not finish: this page says why."))
    else:
        messages.success(
            request,
            _("The import has started. It runs in the background: this page shows how far it has got."),
        )


@requires("people.import_data")
@require_POST
def import_cancel(request, pk):
    run = get_object_or_404(ImportRun, pk=pk)
    try:
        cancel_import(run=run, cancelled_by=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("The import is cancelled: nothing was imported and the file is deleted."))
    return redirect("people:import_detail", pk=run.pk)


urlpatterns = [
    path("manage/imports/", imports, name="imports"),
    path("manage/imports/new/", import_new, name="import_new"),
    path("manage/imports/<int:pk>/", import_detail, name="import_detail"),
    path("manage/imports/<int:pk>/confirm/", import_confirm, name="import_confirm"),
    path("manage/imports/<int:pk>/cancel/", import_cancel, name="import_cancel"),
    path("manage/imports/<int:pk>/retry/", import_retry, name="import_retry"),
]
