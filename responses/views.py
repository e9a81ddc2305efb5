from django.conf import settings
from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.cache import get_conditional_response
from django.utils.csp import CSP
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from core import permissions
from core.editing import login_required, save_form

from . import page_cache, pdf
from .forms import ResponseForm
from .interchange import export_response
from .models import ManagementResponse

PREVIEW_LIMIT = 100_000


def get_visible_response(request, slug):
    response = get_object_or_404(ManagementResponse, slug=slug)
    if not response.is_visible_to(request.user):
        # A draft is not announced to people who may not read it.
        raise Http404
    return response


@require_POST
@login_required
def preview(request):
    """The live preview of a Markdown field: the text as the document page will show it."""
    text = request.POST.get(request.GET.get("field", "text"), "")
    if len(text) > PREVIEW_LIMIT:
        return HttpResponse(_("Te lang voor een voorbeeld."), status=413)
    return render(request, "editing/_preview.html", {"text": text})


def response_list(request):
    responses = ManagementResponse.objects.visible_to(request.user).order_by("-updated_at", "title")
    return render(request, "responses/list.html", {"responses": responses})


def response_detail(request, slug):
    """The document page, from the cache by the response's revision (responses/page_cache.py)."""
    response = get_visible_response(request, slug)
    rights = permissions.rights(request.user, response)

    def render_page(extra):
        context = {"response": response, "document_part": page_cache.document_part(response, rights), "rights": rights}
        return render(request, "responses/detail.html", {**context, **extra})

    return page_cache.render_page(request, response, rights, render_page)


@require_http_methods(["GET", "POST"])
@login_required
def response_edit(request, slug):
    """The title block and the introduction: a page; with htmx the form swaps itself after saving."""
    response = get_object_or_404(ManagementResponse.objects.select_related("updated_by"), slug=slug)
    permissions.require(permissions.can_edit_response(request.user, response))
    form = ResponseForm(request.POST or None, instance=response)
    status = 200
    context = {"response": response, "form": form}
    if request.method == "POST":
        status = save_form(request, form)
        if status is None:
            saved = _("Gegevens en inleiding opgeslagen.")
            if not request.htmx:
                messages.success(request, saved)
                return redirect(response)
            # A fresh form on the saved version, so that the next save is not refused as stale.
            context.update(form=ResponseForm(instance=response), saved_message=saved)
            status = 200
    template = "responses/edit.html#form" if request.htmx else "responses/edit.html"
    return render(request, template, context, status=status)


def response_export(request, slug):
    response = get_visible_response(request, slug)
    http = HttpResponse(export_response(response), content_type="application/yaml; charset=utf-8")
    http["Content-Disposition"] = f'attachment; filename="{response.slug}.yaml"'
    return http


# The PDF gets its own CSP: the site's (no plugins, no inline styles) could stop a
# browser's built-in PDF viewer; framing stays forbidden. The "being prepared" page
# is HTML and keeps the site's.
PDF_CSP = {"frame-ancestors": [CSP.NONE]}


@require_safe
def response_pdf(request, slug):
    """The formal response as PDF, rendered once per revision, in the background.

    The ETag is the content key (responses/pdf.py: the response's revision, its
    date, the renderers), so a browser that has the current version gets a 304
    for the cost of reading the response row. ``no-cache``: every use
    revalidates, so an edit shows at once; ``private`` for drafts, which no
    shared cache may keep.

    PDFs are rendered by the task worker (responses/tasks.py), after each save.
    When the current one is not in the cache yet, the request makes sure one
    render is queued (never a second one), waits up to PDF_WAIT_SECONDS for it,
    and otherwise answers 202 with a page that reloads itself (a meta refresh,
    and Retry-After) until the PDF is there.
    """
    response = get_visible_response(request, slug)
    etag = pdf.pdf_etag(response)
    headers = {
        "ETag": etag,
        "Cache-Control": f"{'public' if response.is_published else 'private'}, no-cache",
    }
    not_modified = get_conditional_response(request, etag=etag)
    if not_modified is None:
        data = pdf.cached_pdf_or_none(etag)
        if data is None:
            data = pdf.wait_for_pdf(response, etag=etag, seconds=settings.PDF_WAIT_SECONDS)
        if data is None:
            return _pdf_being_prepared(request, response)
        http = HttpResponse(data, content_type="application/pdf")
        # inline: the browser shows it; saving it proposes the file name.
        http["Content-Disposition"] = f'inline; filename="{pdf.pdf_filename(response)}"'
    else:
        http = not_modified
    for name, value in headers.items():
        http[name] = value
    http._csp_config = PDF_CSP  # what django.views.decorators.csp.csp_override sets
    return http


PDF_RETRY_SECONDS = 3


def _pdf_being_prepared(request, response):
    """202: the PDF is being rendered; the page asks again by itself (no ETag: there is nothing to revalidate)."""
    http = render(
        request,
        "responses/pdf_pending.html",
        {"response": response, "retry_seconds": PDF_RETRY_SECONDS},
        status=202,
    )
    http["Retry-After"] = str(PDF_RETRY_SECONDS)
    http["Cache-Control"] = "no-store"
    return http
