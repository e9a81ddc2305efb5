from django.conf import settings
from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.crypto import get_random_string
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from core.editing import login_required
from responses import permissions
from responses.access import get_visible_response
from responses.forms import NewResponseForm
from responses.models import ManagementResponse
from responses.services import create_response, unique_slug

from . import services, ways
from .exporter import export_response
from .forms import CopyForm, UploadForm
from .importer import SlugExists
from .models import PendingImport
from .parse import InterchangeError, parse

UPLOAD_SESSION_KEY = "response_upload"
PROGRESS_RETRY_SECONDS = 3


def new_context(request, **forms):
    context = {
        "blank_form": NewResponseForm(),
        "upload_form": UploadForm(),
        "copy_form": CopyForm(queryset=copy_sources(request.user)),
        "more_ways": ways.templates(),
    }
    context.update(ways.context(request))  # the ways apps above this one add (interchange/ways.py)
    context.update(forms)
    return context


def problems_context(problems, more=0):
    """What the preview lists when a file is refused: its problems, and how many more there are."""
    return {"problems": problems, "more_problems": more, "problem_count": len(problems) + more}


def copy_sources(user):
    return ManagementResponse.objects.visible_to(user).order_by("title")


@require_http_methods(["GET", "POST"])
@login_required
def response_new(request):
    """The entry point: a blank response (this form), or the upload and copy forms beside it."""
    permissions.require(permissions.can_create_response(request.user))
    if request.method == "POST":
        form = NewResponseForm(request.POST)
        if form.is_valid():
            response = create_response(form=form, user=request.user)
            messages.success(request, _("Managementresponse aangemaakt."))
            return redirect(response)
        return render(request, "interchange/new.html", new_context(request, blank_form=form), status=422)
    return render(request, "interchange/new.html", new_context(request))


@require_POST
@login_required
def response_upload(request):
    """Check an uploaded file and show what it would create, or every problem with its line.

    Nothing is written here: the checked text waits in the session for the confirmation.
    """
    permissions.require(permissions.can_create_response(request.user))
    form = UploadForm(request.POST, request.FILES)
    if not form.is_valid():
        return render(request, "interchange/new.html", new_context(request, upload_form=form), status=422)
    upload = form.cleaned_data["file"]
    raw = upload.read()
    context = {"file_name": upload.name}
    try:
        parsed = parse(raw, source=upload.name)
    except InterchangeError as exc:
        context.update(problems_context(exc.errors, exc.more))
        return render(request, "interchange/upload_preview.html", context, status=422)
    if ManagementResponse.objects.filter(slug=parsed.slug).exists():
        context.update(problems_context([services.slug_taken_message(upload.name, parsed.slug)]))
        return render(request, "interchange/upload_preview.html", context, status=422)
    token = get_random_string(24)
    request.session[UPLOAD_SESSION_KEY] = {"token": token, "name": upload.name, "text": raw.decode("utf-8")}
    context.update(parsed=parsed, token=token)
    return render(request, "interchange/upload_preview.html", context)


@require_POST
@login_required
def response_upload_confirm(request):
    """Write the previewed file: all or nothing, checked again as it is now."""
    permissions.require(permissions.can_create_response(request.user))
    pending = request.session.get(UPLOAD_SESSION_KEY)
    if not pending or pending["token"] != request.POST.get("token"):
        messages.error(request, _("Dit voorbeeld is verlopen. Laad het bestand opnieuw op."))
        return redirect("interchange:new")
    if len(pending["text"].encode("utf-8")) > settings.UPLOAD_IMPORT_IN_REQUEST_BYTES:
        # Too large to import before the web server's timeout: the task worker does it (checked
        # again there); the uploader follows it on the progress page.
        queued = services.queue_upload(text=pending["text"], file_name=pending["name"], user=request.user)
        del request.session[UPLOAD_SESSION_KEY]
        return redirect(queued)
    context = {"file_name": pending["name"]}
    try:
        parsed = parse(pending["text"].encode("utf-8"), source=pending["name"])
        response = services.import_upload(parsed=parsed, user=request.user)
    except InterchangeError as exc:
        context.update(problems_context(exc.errors, exc.more))
        return render(request, "interchange/upload_preview.html", context, status=422)
    except SlugExists:
        context.update(problems_context([services.slug_taken_message(pending["name"], parsed.slug)]))
        return render(request, "interchange/upload_preview.html", context, status=422)
    del request.session[UPLOAD_SESSION_KEY]
    messages.success(request, _("Managementresponse ingeladen uit %(file)s.") % {"file": pending["name"]})
    return redirect(response)


@require_safe
@login_required
def response_upload_progress(request, pk):
    """How a background import (``PendingImport``) is doing: 202 with a refresh while it waits or
    runs, then the link to the new draft, or the problems and that nothing was imported.

    Only for the uploader and administrators; anyone else gets 404 (not even that it exists)."""
    pending = get_object_or_404(PendingImport.objects.select_related("response").defer("text"), pk=pk)
    if pending.created_by_id != request.user.pk and not permissions.is_admin(request.user):
        raise Http404
    context = {"pending": pending, "retry_seconds": PROGRESS_RETRY_SECONDS}
    if pending.is_finished:
        http = render(request, "interchange/upload_progress.html", context)
    else:
        http = render(request, "interchange/upload_progress.html", context, status=202)
        http["Retry-After"] = str(PROGRESS_RETRY_SECONDS)
    http["Cache-Control"] = "no-store"
    return http


@require_POST
@login_required
def response_copy(request):
    """A new draft with the structure of a response the user can see."""
    permissions.require(permissions.can_create_response(request.user))
    form = CopyForm(request.POST, queryset=copy_sources(request.user))
    if not form.is_valid():
        return render(request, "interchange/new.html", new_context(request, copy_form=form), status=422)
    data = form.cleaned_data
    response = services.copy_response(
        source=data["source"],
        title=data["title"],
        slug=data["slug"] or unique_slug(data["title"]),
        user=request.user,
    )
    messages.success(request, _("Managementresponse aangemaakt als kopie van “%(title)s”.") % {"title": data["source"]})
    return redirect(response)


@require_safe
def response_export(request, slug):
    response = get_visible_response(request, slug)
    http = HttpResponse(export_response(response), content_type="application/yaml; charset=utf-8")
    http["Content-Disposition"] = f'attachment; filename="{response.slug}.yaml"'
    return http
