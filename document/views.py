from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from document.assembly import build_document
from responses import permissions
from responses.access import get_visible_response
from responses.versions import version_list

from . import checks, fragments, panels, pdf

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
        "panels": panels.render_all(request, response),  # from apps above this one (document/panels.py)
    }
    return render(request, "document/detail.html", context)


# What the PDF's ETag, a 304 and the file name need: the rest of the row is not read.
PDF_KEY_FIELDS = ["slug", "status", "revision", "published_on", "title"]


@require_safe
def response_pdf(request, slug):
    """The formal response as PDF, rendered once per revision, by the task worker, never here.

    The ETag is the content key (document/pdf.py: the response's revision, its date, the
    renderers), so a browser that has the current version gets a 304 for the cost of reading
    the response row; ``private`` for drafts, which no shared cache may keep.

    When the current revision is not rendered yet, the request queues one render (never a
    second one) and answers at once: 202 with a page that reloads itself until the PDF is there,
    and a link to the previous rendering, labelled with its date and revision (``?previous=1``).
    A render that went past its bounds: the page says so (docs/pdf.md).
    """
    response = get_visible_response(request, slug, fields=PDF_KEY_FIELDS)
    etag = pdf.pdf_etag(response)

    def previous_allowed(label):
        # A rendering made while the response was a draft is for those who may read its history.
        return label.get("public") or permissions.can_view_history(request.user, response)

    return pdf.serve(
        request,
        etag=etag,
        enqueue=lambda: pdf.enqueue_render(response.pk, etag),
        filename=response.pdf_filename(),
        public=response.is_published,
        latest=pdf.latest_key(response.pk),
        previous_allowed=previous_allowed,
        prepared={
            "response": response,
            "back_url": response.get_absolute_url(),
            "back_label": _("Terug naar het document"),
        },
    )
