"""The fourth way to start a response: from a document (PDF or Word).

Upload (``upload``, on the page of interchange:new) -> the task worker reads it while ``progress``
follows (202 and an htmx poll; a meta refresh without JavaScript) -> ``review``: what was found,
each item with its page, unread fields marked; the reviewer corrects and accepts -> a draft through
the interchange importer, all or nothing, with the original attached (``original`` serves it).

Who: whoever may start a response (responses.permissions.can_create_response). A reading's pages
are its uploader's and administrators'; to anyone else it does not exist (404).
"""

from django.contrib import messages
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import pgettext_lazy
from django.views.decorators.csp import csp_override
from django.views.decorators.http import require_http_methods, require_POST, require_safe
from django_htmx.http import HttpResponseClientRedirect

from core.editing import CONFLICT, INVALID, login_required
from evidence.views import FILE_CSP
from interchange.importer import SlugExists
from interchange.parse import InterchangeError
from interchange.views import new_context
from responses import permissions
from responses.access import get_visible_response

from . import review, services, storage
from .forms import DocumentForm
from .models import Original, Reading

RETRY_SECONDS = 2
# The shapes the readers know (reading/readers), as the review page names them.
SHAPES = {
    "table": pgettext_lazy("shape", "tabel"),
    "matrix": pgettext_lazy("shape", "matrix"),
    "columns": pgettext_lazy("shape", "twee kolommen"),
    "followup": pgettext_lazy("shape", "voortgangsrapport"),
}


def new_page_context(request):
    """The upload form on interchange:new (registered in apps.py)."""
    return {"document_form": DocumentForm()}


@require_POST
@login_required
def upload(request):
    """Check the document (size, type by content) and queue its reading; nothing is read here."""
    permissions.require(permissions.can_create_response(request.user))
    form = DocumentForm(request.POST, request.FILES)
    if not form.is_valid():
        return render(request, "interchange/new.html", new_context(request, document_form=form), status=INVALID)
    reading = services.start_reading(
        upload=form.cleaned_data["file"],
        file_type=form.file_type,
        layout=form.cleaned_data["layout"],
        user=request.user,
    )
    return redirect(reading)


def reading_of(request, pk) -> Reading:
    """The reading, for its uploader (while they may start responses) and administrators; 404 for anyone else."""
    reading = get_object_or_404(Reading.objects.select_related("original", "response").defer("found"), pk=pk)
    if reading.created_by_id != request.user.pk and not permissions.is_admin(request.user):
        raise Http404
    permissions.require(permissions.can_create_response(request.user))
    return reading


def _failure_form(reading):
    form = DocumentForm(initial={"layout": reading.layout})
    # The reader's message, next to the file field (the catalogue's msgid, in the visitor's language).
    form.errors["file"] = form.error_class([_(reading.error)])
    return form


@require_safe
@login_required
def progress(request, pk):
    """How the reading is doing: 202 while it waits or runs (the page polls its fragment with htmx),
    then the review page; or the reader's message next to a new upload field (422)."""
    reading = reading_of(request, pk)
    if reading.state == Reading.State.READ:
        target = reverse("reading:review", kwargs={"pk": reading.pk})
        return HttpResponseClientRedirect(target) if request.htmx else redirect(target)
    if reading.state == Reading.State.FAILED and request.htmx:
        return HttpResponseClientRedirect(reading.get_absolute_url())
    context = {"reading": reading, "retry_seconds": RETRY_SECONDS}
    if reading.state == Reading.State.FAILED:
        context["document_form"] = _failure_form(reading)
        http = render(request, "reading/progress.html", context, status=INVALID)
    else:
        template = "reading/progress.html#status" if request.htmx else "reading/progress.html"
        http = render(request, template, context, status=202)
        http["Retry-After"] = str(RETRY_SECONDS)
    http["Cache-Control"] = "no-store"
    return http


@require_http_methods(["GET", "POST"])
@login_required
def review_page(request, pk):
    """What the reader found, to correct and accept; the accept creates the draft (all or nothing)."""
    reading = reading_of(request, pk)
    if reading.response_id:
        stale = request.method == "POST"  # an accept after the accept
        context = {"reading": reading, "stale": stale}
        return render(request, "reading/accepted.html", context, status=CONFLICT if stale else 200)
    if reading.state != Reading.State.READ:
        return redirect(reading)
    found = Reading.objects.values_list("found", flat=True).get(pk=reading.pk)
    if request.method == "GET":
        return _review(request, reading, found)
    try:
        version = int(request.POST.get("version", ""))
    except ValueError:
        version = -1
    try:
        response = services.accept(reading_id=reading.pk, version=version, posted=request.POST, user=request.user)
    except services.StaleReview:
        reading.refresh_from_db()
        if reading.response_id:
            return render(request, "reading/accepted.html", {"reading": reading, "stale": True}, status=CONFLICT)
        return _review(request, reading, found, stale=True, status=CONFLICT)
    except InterchangeError as exc:
        return _review(request, reading, found, problems=exc.errors, status=INVALID)
    except SlugExists:
        problem = "review:0: response.slug: " + _(
            "Er bestaat al een managementresponse met deze slug; kies een andere."
        )
        return _review(request, reading, found, problems=[problem], status=INVALID)
    messages.success(
        request,
        _("Ontwerp aangemaakt uit %(file)s. Het oorspronkelijke document hangt eraan.") % {"file": reading.file_name},
    )
    return redirect(response)


def _review(request, reading, found, *, problems=None, stale=False, status=200):
    posted = request.POST if request.method == "POST" else None
    data, items, general = review.review_items(found, posted=posted, problems=problems)
    context = {
        "language": data["response"].get("language") or "nl",
        "recommendation_count": sum(1 for item in items if item.kind == "recommendation"),
        "action_count": sum(1 for item in items if item.kind == "action"),
        "reading": reading,
        "items": items,
        "notes": found.get("notes") or [],
        "shape": SHAPES.get(found.get("shape") or "", found.get("shape") or ""),
        "unread_count": sum(1 for item in items for f in item.fields if f.unread),
        "problem_count": sum(len(item.problems) for item in items) + len(general),
        "general_problems": general,
        "stale": stale,
    }
    http = render(request, "reading/review.html", context, status=status)
    http["Cache-Control"] = "no-store"
    return http


@require_safe
@csp_override(FILE_CSP)
def original(request, slug, pk):
    """The document a response was read from, to whoever may read the response, as an attachment."""
    response = get_visible_response(request, slug)
    item = get_object_or_404(Original, pk=pk, response=response)
    try:
        handle = storage.open_file(item.storage_key)
    except (FileNotFoundError, OSError) as error:
        raise Http404 from error
    http = FileResponse(handle, as_attachment=True, filename=item.file_name, content_type=item.content_type)
    http["X-Content-Type-Options"] = "nosniff"
    http["Cache-Control"] = "private, no-store"
    return http


def document_panel(request, response) -> str:
    """The originals of a response, for its document page (registered in apps.py): one query."""
    from django.template.loader import render_to_string

    originals = list(Original.objects.filter(response=response).order_by("uploaded_at", "pk"))
    if not originals:
        return ""
    return render_to_string("reading/_originals.html", {"response": response, "originals": originals}, request)
