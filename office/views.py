"""Downloads in office formats, and recommendations uploaded from Excel.

Permissions are those of the pages: a response's table, Word document and recommendations file
for whoever may read the response (``get_visible_response``: 404 for a draft to others); the
dashboard's table for a logged-in user, over the responses the dashboard shows them; the import
for the response's evaluation staff (and administrators), as the structure editor.
"""

from django.contrib import messages
from django.http import HttpResponse, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.crypto import get_random_string
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from core.editing import CONFLICT, INVALID, login_required
from responses import permissions
from responses.access import get_visible_response, with_response_object
from responses.models import ManagementResponse
from tracking.dashboard import DashboardFilters

from . import services, sheet, table, word
from .forms import SheetUploadForm

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
IMPORT_SESSION_KEY = "recommendations_sheet"


def _attachment(http, name):
    http["Content-Disposition"] = f'attachment; filename="{name}"'
    http["Cache-Control"] = "private, no-store"
    return http


def _table_response(request, responses, name, fmt, *, back):
    """The table of ``responses`` as ``fmt`` ("xlsx" or "csv"); an XLSX over the bound is refused
    with a page that says so and offers the CSV (which is streamed, whatever its size)."""
    values = table.rows(responses)
    if fmt == "csv":
        http = StreamingHttpResponse(table.csv_lines(values), content_type="text/csv; charset=utf-8")
        return _attachment(http, f"{name}.csv")
    try:
        data = table.xlsx_bytes(values)
    except table.TooManyRows as exc:
        context = {"limit": exc.limit, "csv_url": request.get_full_path().replace(".xlsx", ".csv", 1), "back": back}
        return render(request, "office/too_large.html", context, status=INVALID)
    return _attachment(HttpResponse(data, content_type=XLSX), f"{name}.xlsx")


@require_safe
def response_table(request, slug, fmt):
    """The tracking table of one response (the document page's export menu)."""
    response = get_visible_response(request, slug)
    name = f"{response.slug}-opvolging-{timezone.localdate().isoformat()}"
    return _table_response(request, [response], name, fmt, back=response.get_absolute_url())


@require_safe
@login_required
def dashboard_table(request, fmt):
    """The tracking table of the dashboard's selection: the same filters, the same responses."""
    today = timezone.localdate()
    filters = DashboardFilters.from_query(request.GET)
    visible = ManagementResponse.objects.visible_to(request.user)
    responses = filters.apply(visible, today).order_by("-updated_at", "title", "pk")
    name = f"opvolging-{today.isoformat()}"
    return _table_response(
        request, responses.iterator(chunk_size=table.BATCH), name, fmt, back=reverse("tracking:home")
    )


@require_safe
def response_docx(request, slug):
    """The response as a Word document, in its layout, with the PDF's content."""
    response = get_visible_response(request, slug)
    data = word.docx_bytes(response)
    name = response.pdf_filename().removesuffix(".pdf") + ".docx"
    return _attachment(HttpResponse(data, content_type=DOCX), name)


@require_safe
def blank_template(request):
    """The empty template for recommendations, with its sheet of explanations."""
    return _attachment(HttpResponse(sheet.template_bytes(), content_type=XLSX), "aanbevelingen-sjabloon.xlsx")


@require_safe
def recommendations_xlsx(request, slug):
    """The response's recommendations in the template (imported again, they give the same data)."""
    response = get_visible_response(request, slug)
    return _attachment(
        HttpResponse(sheet.template_bytes(response), content_type=XLSX), f"{response.slug}-aanbevelingen.xlsx"
    )


def _preview(request, response, rows, *, status=200, note=None):
    """The preview of ``rows`` with a fresh token: kept in the session until confirmed."""
    token = get_random_string(24)
    request.session[IMPORT_SESSION_KEY] = {
        "token": token,
        "response": response.pk,
        "revision": response.revision,
        "rows": rows,
    }
    context = {
        "response": response,
        "plan": services.plan(response, rows),
        "token": token,
        "note": note,
        "agreement_labels": dict(sheet.document_words(response)),
    }
    return render(request, "office/import_preview.html", context, status=status)


@require_http_methods(["GET", "POST"])
@login_required
@with_response_object(ManagementResponse, field="slug", permission=permissions.can_edit_recommendations)
def recommendations_import(request, response):
    """Upload a filled template: a preview of what will be created, or every problem with its
    row and column. Nothing is written here."""
    form = SheetUploadForm(request.POST or None, request.FILES or None)
    context = {"response": response, "form": form, "max_rows": sheet.MAX_ROWS}
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            rows = sheet.read(upload.read(), response=response)
        except sheet.SheetError as exc:
            context.update(problems=exc.problems, file_name=upload.name)
            return render(request, "office/import.html", context, status=INVALID)
        return _preview(request, response, rows)
    return render(request, "office/import.html", context, status=INVALID if request.method == "POST" else 200)


@require_POST
@login_required
@with_response_object(ManagementResponse, field="slug", permission=permissions.can_edit_recommendations)
def recommendations_import_confirm(request, response):
    """Create the previewed recommendations, all or nothing. If the response changed since the
    preview, nothing is written and the preview is shown again as it would be now (409)."""
    pending = request.session.get(IMPORT_SESSION_KEY)
    if not pending or pending["token"] != request.POST.get("token") or pending["response"] != response.pk:
        messages.error(request, _("Dit voorbeeld is verlopen. Laad het bestand opnieuw op."))
        return redirect("office:recommendations_import", slug=response.slug)
    try:
        created = services.import_rows(
            response=response, rows=pending["rows"], user=request.user, expected_revision=pending["revision"]
        )
    except services.ResponseChanged:
        response.refresh_from_db()
        note = _(
            "De managementresponse is gewijzigd sinds het voorbeeld. Er is niets ingeladen; controleer "
            "het voorbeeld hieronder (zoals het nu zou worden) en bevestig opnieuw."
        )
        return _preview(request, response, pending["rows"], status=CONFLICT, note=note)
    del request.session[IMPORT_SESSION_KEY]
    messages.success(request, _("%(count)s aanbevelingen ingeladen uit Excel.") % {"count": len(created)})
    return redirect("recommendations:manage", slug=response.slug)
