import hashlib

from django.conf import settings
from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.templatetags.static import static
from django.urls import reverse
from django.utils.cache import get_conditional_response
from django.utils.crypto import get_random_string
from django.utils.translation import gettext as _
from django.views.decorators.csp import csp_override
from django.views.decorators.http import require_http_methods, require_POST, require_safe
from django.views.decorators.vary import vary_on_headers

from core import audit
from core.editing import INVALID, keeps_input, login_required, save_form

from . import asof, checks, comparison, dashboard, fragments, pdf, permissions, publishing, services
from .forms import (
    LIVE,
    AddMemberForm,
    AsOfForm,
    CompareForm,
    CopyForm,
    MemberRoleForm,
    NewResponseForm,
    PublishForm,
    ResponseDeleteForm,
    ResponseForm,
    UploadForm,
    VerifyForm,
)
from .interchange import InterchangeError, SlugExists, export_response, parse
from .models import ManagementResponse, Membership, ResponseVersion

PREVIEW_LIMIT = 100_000


@require_safe
def favicon(request):
    """Browsers ask for /favicon.ico whatever the page links: send them to the static icon."""
    return redirect(static("img/favicon.ico"), permanent=True)


def get_visible_response(request, slug, *, fields=None):
    """The response ``slug`` if the user may see it; with ``fields``, only those columns are loaded."""
    responses = ManagementResponse.objects if fields is None else ManagementResponse.objects.only(*fields)
    response = get_object_or_404(responses, slug=slug)
    if not response.is_visible_to(request.user):
        # A draft is not announced to people who may not read it.
        raise Http404
    return response


@require_POST
@login_required
def preview(request, slug):
    """The live preview of a Markdown field: the text as the document page will show it.

    Only for people who may edit something in the response: rendering costs time, and
    nobody else has a form to preview."""
    response = get_object_or_404(ManagementResponse, slug=slug)
    permissions.require(permissions.can_view(request.user, response))  # a draft they cannot see: 404
    permissions.require(permissions.rights(request.user, response).any)
    text = request.POST.get(request.GET.get("field", "text"), "")
    if len(text) > PREVIEW_LIMIT:
        return HttpResponse(_("Te lang voor een voorbeeld."), status=413)
    return render(request, "editing/_preview.html", {"text": text})


@require_safe
@vary_on_headers("HX-Request")
def response_list(request):
    """The home page: the dashboard for a logged-in user, the published responses for everyone else."""
    if request.user.is_authenticated:
        return dashboard.dashboard(request)
    responses = ManagementResponse.objects.visible_to(request.user).order_by("-updated_at", "title")
    return render(
        request,
        "responses/list.html",
        {
            "responses": responses,
            "can_create": permissions.can_create_response(request.user),
        },
    )


# --- starting a response: blank, from a file (with a preview), as a copy ----------------------

UPLOAD_SESSION_KEY = "response_upload"


def new_context(request, **forms):
    context = {
        "blank_form": NewResponseForm(),
        "upload_form": UploadForm(),
        "copy_form": CopyForm(queryset=copy_sources(request.user)),
    }
    context.update(forms)
    return context


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
            response = services.create_response(form=form, user=request.user)
            messages.success(request, _("Managementresponse aangemaakt."))
            return redirect(response)
        return render(request, "responses/new.html", new_context(request, blank_form=form), status=422)
    return render(request, "responses/new.html", new_context(request))


@require_POST
@login_required
def response_upload(request):
    """Check an uploaded file and show what it would create, or every problem with its line.

    Nothing is written here: the checked text waits in the session for the confirmation.
    """
    permissions.require(permissions.can_create_response(request.user))
    form = UploadForm(request.POST, request.FILES)
    if not form.is_valid():
        return render(request, "responses/new.html", new_context(request, upload_form=form), status=422)
    upload = form.cleaned_data["file"]
    raw = upload.read()
    context = {"file_name": upload.name}
    try:
        parsed = parse(raw, source=upload.name)
    except InterchangeError as exc:
        context["problems"] = exc.errors
        return render(request, "responses/upload_preview.html", context, status=422)
    if ManagementResponse.objects.filter(slug=parsed.slug).exists():
        context["problems"] = [
            _("%(file)s: er bestaat al een managementresponse met slug “%(slug)s”; wijzig response.slug.")
            % {"file": upload.name, "slug": parsed.slug}
        ]
        return render(request, "responses/upload_preview.html", context, status=422)
    token = get_random_string(24)
    request.session[UPLOAD_SESSION_KEY] = {"token": token, "name": upload.name, "text": raw.decode("utf-8")}
    context.update(parsed=parsed, token=token)
    return render(request, "responses/upload_preview.html", context)


@require_POST
@login_required
def response_upload_confirm(request):
    """Write the previewed file: all or nothing, checked again as it is now."""
    permissions.require(permissions.can_create_response(request.user))
    pending = request.session.get(UPLOAD_SESSION_KEY)
    if not pending or pending["token"] != request.POST.get("token"):
        messages.error(request, _("Dit voorbeeld is verlopen. Laad het bestand opnieuw op."))
        return redirect("responses:new")
    context = {"file_name": pending["name"]}
    try:
        parsed = parse(pending["text"].encode("utf-8"), source=pending["name"])
        response = services.import_upload(parsed=parsed, user=request.user)
    except InterchangeError as exc:
        context["problems"] = exc.errors
        return render(request, "responses/upload_preview.html", context, status=422)
    except SlugExists:
        context["problems"] = [
            _("%(file)s: er bestaat al een managementresponse met slug “%(slug)s”; wijzig response.slug.")
            % {"file": pending["name"], "slug": parsed.slug}
        ]
        return render(request, "responses/upload_preview.html", context, status=422)
    del request.session[UPLOAD_SESSION_KEY]
    messages.success(request, _("Managementresponse ingeladen uit %(file)s.") % {"file": pending["name"]})
    return redirect(response)


@require_POST
@login_required
def response_copy(request):
    """A new draft with the structure of a response the user can see."""
    permissions.require(permissions.can_create_response(request.user))
    form = CopyForm(request.POST, queryset=copy_sources(request.user))
    if not form.is_valid():
        return render(request, "responses/new.html", new_context(request, copy_form=form), status=422)
    data = form.cleaned_data
    response = services.copy_response(
        source=data["source"],
        title=data["title"],
        slug=data["slug"] or services.unique_slug(data["title"]),
        user=request.user,
    )
    messages.success(request, _("Managementresponse aangemaakt als kopie van “%(title)s”.") % {"title": data["source"]})
    return redirect(response)


@require_http_methods(["GET", "POST"])
@login_required
def response_delete(request, slug):
    """Delete a whole response after a confirmation that names what goes with it (administrators)."""
    response = get_object_or_404(ManagementResponse, slug=slug)
    permissions.require(permissions.can_delete_response(request.user, response))
    counts = response.count_contents()
    status = 200
    problem = None
    if request.method == "POST":
        form = ResponseDeleteForm(request.POST)
        if form.is_valid() and all(form.cleaned_data[k] == counts[k] for k in ("recommendations", "actions")):
            title = response.title
            response.delete()
            messages.success(request, _("Managementresponse “%(title)s” verwijderd.") % {"title": title})
            return redirect("responses:list")
        problem = _("De managementresponse is intussen gewijzigd. Bekijk wat er nu mee verdwijnt en bevestig opnieuw.")
        status = 409
    form = ResponseDeleteForm(initial=counts)
    return render(
        request,
        "responses/delete.html",
        {"response": response, "counts": counts, "form": form, "problem": problem},
        status=status,
    )


@require_safe
def response_detail(request, slug):
    """The document page: the document part from fragments (responses/fragments.py), the page
    around it rendered for this request."""
    response = get_visible_response(request, slug)
    rights = permissions.rights(request.user, response)
    # Without the stored HTML: the fragments rendered now load what they need (responses/fragments.py).
    document = response.layout_spec.build(response, stored_html=False)
    context = {
        "response": response,
        "document_part": fragments.document_part(response, rights, document),
        "rights": rights,
        "can_delete": permissions.can_delete_response(request.user, response),
        # The checklist is for editors.
        "findings": checks.check_document(document) if rights.any else None,
        "versions": version_list(response),
    }
    return render(request, "responses/detail.html", context)


@require_http_methods(["GET", "POST"])
@login_required
@keeps_input
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


ACTIVITY_PAGE = 50


@require_safe
@login_required
def response_activity(request, slug):
    """Who changed what in the response, newest first: the audit trail (core/audit.py), paginated."""
    response = get_object_or_404(ManagementResponse, slug=slug)
    permissions.require(permissions.can_view_history(request.user, response))
    page = Paginator(audit.response_feed(response), ACTIVITY_PAGE).get_page(request.GET.get("page"))
    context = {"response": response, "page": page, "entries": audit.entries(page.object_list)}
    return render(request, "responses/activity.html", context)


@require_http_methods(["GET", "POST"])
@login_required
def people(request, slug):
    """Who has which role on the response: a list with the role of each, and a form to add someone.

    Administrators and the response's evaluation staff. One URL for the page and (htmx) the
    list, which the add form and each row's controls swap in place."""
    response = get_object_or_404(ManagementResponse, slug=slug)
    permissions.require(permissions.can_manage_people(request.user, response))
    form = AddMemberForm(request.POST or None, response=response)
    status = 200
    saved = None
    if request.method == "POST":
        if form.is_valid():
            membership = form.save()
            saved = _("%(user)s is nu %(role)s.") % {
                "user": member_name(membership.user),
                "role": membership.get_role_display(),
            }
            if not request.htmx:
                messages.success(request, saved)
                return redirect("responses:people", slug=response.slug)
            form = AddMemberForm(response=response)
        else:
            status = INVALID
    return render_people(request, response, form=form, saved_message=saved, status=status)


@require_POST
@login_required
def member(request, slug, pk):
    """Change one member's role (``role``) or remove them (``remove``)."""
    response = get_object_or_404(ManagementResponse, slug=slug)
    permissions.require(permissions.can_manage_people(request.user, response))
    membership = get_object_or_404(Membership.objects.select_related("user"), pk=pk, response=response)
    name = member_name(membership.user)
    status = 200
    if "remove" in request.POST:
        membership.delete()
        saved = _("%(user)s heeft geen rol meer in deze managementresponse.") % {"user": name}
    else:
        form = MemberRoleForm(request.POST)
        if not form.is_valid():
            return render_people(request, response, status=INVALID, saved_message=_("Kies een geldige rol."))
        membership.role = form.cleaned_data["role"]
        membership.save()
        saved = _("%(user)s is nu %(role)s.") % {"user": name, "role": membership.get_role_display()}
    if not request.htmx:
        messages.success(request, saved)
        return redirect("responses:people", slug=response.slug)
    return render_people(request, response, saved_message=saved, status=status)


def member_name(user):
    return user.get_full_name() or user.get_username()


def render_people(request, response, *, form=None, saved_message=None, status=200):
    members = response.memberships.select_related("user").order_by("role", "user__username")
    context = {
        "response": response,
        "members": members,
        "roles": Membership.Role.choices,
        "form": form or AddMemberForm(response=response),
        "saved_message": saved_message,
    }
    template = "responses/people.html#people" if request.htmx else "responses/people.html"
    return render(request, template, context, status=status)


@require_safe
def response_export(request, slug):
    response = get_visible_response(request, slug)
    http = HttpResponse(export_response(response), content_type="application/yaml; charset=utf-8")
    http["Content-Disposition"] = f'attachment; filename="{response.slug}.yaml"'
    return http


# What the PDF's ETag, a 304 and the file name need: the rest of the row is not read.
PDF_KEY_FIELDS = ["slug", "status", "revision", "published_on", "title"]


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
        http["Content-Disposition"] = f'inline; filename="{pdf.pdf_filename(response)}"'
    else:
        http = not_modified
    for name, value in headers.items():
        http[name] = value
    return pdf.pdf_answer(request, http)


def _pdf_being_prepared(request, response):
    return pdf.being_prepared(
        request,
        response=response,
        retry_url=reverse("responses:pdf", args=[response.slug]),
        back_url=response.get_absolute_url(),
        back_label=_("Terug naar het document"),
    )


# --- publishing: frozen versions, their downloads, the fingerprint check ----------------------


def version_list(response):
    """The published versions, newest first, without their PDFs and files (1 query)."""
    return list(response.published_versions.select_related("published_by").defer("pdf", "snapshot"))


@require_http_methods(["GET", "POST"])
@login_required
def response_publish(request, slug):
    """The checklist and the publish form; publishing freezes the next version (responses/publishing.py)."""
    response = get_object_or_404(ManagementResponse, slug=slug)
    permissions.require(permissions.can_publish(request.user, response))
    may_override = publishing.may_override(request.user)
    form = PublishForm(request.POST or None, may_override=may_override)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                version = publishing.publish(
                    response=response,
                    user=request.user,
                    note=form.cleaned_data["note"],
                    override_reason=form.cleaned_data.get("override_reason", ""),
                )
            except publishing.PublicationBlocked:
                form.add_error(
                    None,
                    _("Niet gepubliceerd: los eerst de fouten hieronder op.")
                    if not may_override
                    else _("Niet gepubliceerd: los de fouten op, of geef een reden om toch te publiceren."),
                )
            else:
                messages.success(request, _("Versie %(number)s gepubliceerd.") % {"number": version.number})
                return redirect(response)
        status = INVALID
    findings = checks.run_checks(response)
    context = {
        "response": response,
        "form": form,
        "findings": findings,
        "errors": checks.errors(findings),
        "may_override": may_override,
        "versions": version_list(response),
    }
    return render(request, "responses/publish.html", context, status=status)


def get_version(request, slug, number):
    response = get_visible_response(request, slug)
    return get_object_or_404(ResponseVersion, response=response, number=number)


@require_safe
@csp_override(pdf.PDF_CSP)
def version_pdf(request, slug, number):
    """A published version's PDF, exactly as it was frozen."""
    version = get_version(request, slug, number)
    http = HttpResponse(bytes(version.pdf), content_type="application/pdf")
    name = pdf.pdf_filename(version.response).removesuffix(".pdf")
    http["Content-Disposition"] = f'inline; filename="{name}-v{version.number}.pdf"'
    http["ETag"] = f'"{version.sha256}"'
    return http


@require_safe
def version_export(request, slug, number):
    """A published version's interchange file, exactly as it was frozen."""
    version = get_version(request, slug, number)
    http = HttpResponse(version.snapshot, content_type="application/yaml; charset=utf-8")
    http["Content-Disposition"] = f'attachment; filename="{version.response.slug}-v{version.number}.yaml"'
    return http


@require_http_methods(["GET", "POST"])
def verify(request):
    """Upload a PDF: is it, byte for byte, a version we published? Open to anyone.

    A match with a response the visitor may not read (set back to draft) says only that it matches."""
    form = VerifyForm(request.POST or None, request.FILES or None)
    context = {"form": form}
    status = 200
    if request.method == "POST":
        if form.is_valid():
            upload = form.cleaned_data["file"]
            digest = hashlib.sha256()
            for chunk in upload.chunks():
                digest.update(chunk)
            version = (
                ResponseVersion.objects.select_related("response")
                .defer("pdf", "snapshot")
                .filter(sha256=digest.hexdigest())
                .order_by("pk")
                .first()
            )
            context.update(
                checked=True,
                file_name=upload.name,
                sha256=digest.hexdigest(),
                version=version,
                visible=version is not None and version.response.is_visible_to(request.user),
            )
        else:
            status = INVALID
    return render(request, "responses/verify.html", context, status=status)


# --- comparing versions -------------------------------------------------------------------------


def build_comparison(request, response):
    """The comparison the query string asks for (default: the latest version with the live data),
    or ``(form, None)`` when there is nothing (valid) to compare."""
    versions = version_list(response)
    if not versions:
        return None, None
    form = CompareForm(
        request.GET or {"old": str(versions[0].number), "new": LIVE},
        versions=versions,
    )
    if not form.is_valid():
        return form, None
    sides = []
    for choice in (form.cleaned_data["old"], form.cleaned_data["new"]):
        if choice == LIVE:
            sides.append((comparison.live_data(response), _("de huidige gegevens")))
        else:
            version = ResponseVersion.objects.only("number", "snapshot").get(response=response, number=int(choice))
            label = _("versie %(number)s") % {"number": version.number}
            sides.append((comparison.version_data(version), label))
    (old, old_label), (new, new_label) = sides
    return form, comparison.compare(old, new, old_label=old_label, new_label=new_label)


@require_safe
def response_compare(request, slug):
    """What changed between two published versions, or a version and the live data."""
    response = get_visible_response(request, slug)
    form, result = build_comparison(request, response)
    status = 422 if form is not None and form.is_bound and not form.is_valid() else 200
    context = {"response": response, "form": form, "comparison": result}
    return render(request, "responses/compare.html", context, status=status)


@require_safe
@csp_override(pdf.PDF_CSP)
def response_compare_pdf(request, slug):
    """The comparison as a PDF annex, to send with a new version."""
    response = get_visible_response(request, slug)
    form, result = build_comparison(request, response)
    if result is None:
        raise Http404
    http = HttpResponse(pdf.render_comparison_pdf(response, result), content_type="application/pdf")
    name = f"{response.slug}-{form.cleaned_data['old']}-{form.cleaned_data['new']}-wijzigingen.pdf"
    http["Content-Disposition"] = f'inline; filename="{name}"'
    return http


# --- the response as of a date --------------------------------------------------------------------


def past_document(request, response):
    """``(form, document, day)`` for the date the query string asks; the document is None without
    a valid date, and the form carries an error when the response did not exist yet."""
    form = AsOfForm(request.GET or None)
    if not form.is_valid():
        return form, None, None
    day = form.cleaned_data["date"]
    try:
        return form, asof.build_document_as_of(response, asof.end_of_day(day)), day
    except asof.DidNotExist:
        form.add_error("date", _("Op die datum bestond deze managementresponse nog niet."))
        return form, None, day


@require_safe
@login_required
def response_as_of(request, slug):
    """The document as it stood at the end of a chosen day, from the audit trail; read only.

    Members and administrators (the same people who read the activity feed): a past state may
    hold text that was never published."""
    response = get_object_or_404(ManagementResponse, slug=slug)
    permissions.require(permissions.can_view_history(request.user, response))
    form, document, day = past_document(request, response)
    status = 422 if form.errors else 200
    # "date_form": the document's templates read "form" as a row being edited.
    context = {"response": response, "date_form": form, "document": document, "day": day}
    if document is not None:
        # The past state's own fields (title, layout, language) for the document; no editing controls.
        context.update(past=document.response, rights=permissions.Rights())
    return render(request, "responses/as_of.html", context, status=status)


@require_safe
@login_required
@csp_override(pdf.PDF_CSP)
def response_as_of_pdf(request, slug):
    response = get_object_or_404(ManagementResponse, slug=slug)
    permissions.require(permissions.can_view_history(request.user, response))
    _form, document, day = past_document(request, response)
    if document is None:  # no (valid) date: the page says why, next to the field
        query = request.GET.urlencode()
        return redirect(reverse("responses:as_of", kwargs={"slug": slug}) + (f"?{query}" if query else ""))
    data = pdf.render_pdf(document.response, document=document, as_of=day)
    http = HttpResponse(data, content_type="application/pdf")
    http["Content-Disposition"] = f'inline; filename="{response.slug}-stand-{day.isoformat()}.pdf"'
    http["Cache-Control"] = "private, no-cache"
    return http
