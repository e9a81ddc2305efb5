from django.conf import settings
from django.http import HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.cache import get_conditional_response
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from document.assembly import build_document
from responses import permissions
from responses.access import get_visible_response
from responses.versions import version_list

from . import checks, fragments, pdf

# What the document page reads of the row when the document part comes from the cache:
# the part's key (fragments.part_key), the visibility and rights checks (status) and the
# page around the part (title, status). The rest only when the part is rendered.
PAGE_FIELDS = ["slug", "status", "title", "revision", "layout", "language"]


@require_safe
def response_detail(request, slug):
    """The document page: the document part from the cache by the response's revision, or
    assembled from fragments (document/fragments.py); the page around it rendered for this
    request, as any page is (its CSRF token and CSP nonce are this request's).

    A warm view of a reader reads the response row (PAGE_FIELDS) and the published
    versions, nothing of the document. Editors share the scheme (their part too is rendered
    without the request; the key holds the rights), and read the document for the checklist.
    """
    response = get_visible_response(request, slug, fields=PAGE_FIELDS)
    rights = permissions.rights(request.user, response)
    # The key first, then the content (fragments.part_key).
    key = fragments.part_key(response, rights)
    part = fragments.cached_part(key)
    document = None
    if part is None or rights.any:
        response.refresh_from_db(fields=sorted(response.get_deferred_fields()))
        # Without the stored HTML: the fragments rendered now load what they need.
        document = build_document(response, stored_html=False)
    if part is None:
        part = fragments.document_part(response, rights, document)
        fragments.keep_part(key, part)
    context = {
        "response": response,
        "document_part": part,
        "rights": rights,
        "can_delete": permissions.can_delete_response(request.user, response),
        # The checklist is for editors.
        "findings": checks.check_document(document) if rights.any else None,
        "versions": version_list(response),
    }
    return render(request, "document/detail.html", context)


# What the PDF's ETag, a 304 and the file name need: the rest of the row is not read.
PDF_KEY_FIELDS = ["slug", "status", "revision", "published_on", "title"]


@require_safe
def response_pdf(request, slug):
    """The formal response as PDF, rendered once per revision, in the background.

    The ETag is the content key (document/pdf.py: the response's revision, its
    date, the renderers), so a browser that has the current version gets a 304
    for the cost of reading the response row. ``no-cache``: every use
    revalidates, so an edit shows at once; ``private`` for drafts, which no
    shared cache may keep.

    PDFs are rendered by the task worker (document/tasks.py), after each save.
    When the current one is not in the cache yet, the request makes sure one
    render is queued (never a second one), waits up to PDF_WAIT_SECONDS for it,
    and otherwise answers 202 with a page that reloads itself (a meta refresh,
    and Retry-After) until the PDF is there.
    """
    response = get_visible_response(request, slug, fields=PDF_KEY_FIELDS)
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
        http["Content-Disposition"] = f'inline; filename="{response.pdf_filename()}"'
    else:
        http = not_modified
    for name, value in headers.items():
        http[name] = value
    return pdf.pdf_answer(request, http)


def _pdf_being_prepared(request, response):
    return pdf.being_prepared(
        request,
        response=response,
        retry_url=reverse("document:pdf", args=[response.slug]),
        back_url=response.get_absolute_url(),
        back_label=_("Terug naar het document"),
    )
