import hashlib
from typing import Any

from django.contrib import messages
from django.core.paginator import Paginator
from django.db import transaction
from django.db.models import ProtectedError
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.templatetags.static import static
from django.utils.translation import gettext as _
from django.views.decorators.csp import csp_override
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from core import audit
from core.editing import (
    CONFLICT,
    INVALID,
    DeleteForm,
    StaleEdit,
    changed_by_message,
    delete_if_unchanged,
    keeps_input,
    login_required,
    move,
    save_form,
)

from . import permissions, services, versions
from .access import get_visible_response
from .forms import (
    AddMemberForm,
    ChapterForm,
    MemberRoleForm,
    ResponseDeleteForm,
    ResponseForm,
    VerifyForm,
    WithdrawForm,
)
from .models import Chapter, ManagementResponse, Membership, ResponseVersion
from .versions import PDF_CSP, version_list

PREVIEW_LIMIT = 100_000


@require_safe
def favicon(request):
    """Browsers ask for /favicon.ico whatever the page links: send them to the static icon."""
    return redirect(static("img/favicon.ico"), permanent=True)


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


# --- starting a response: blank, from a file (with a preview), as a copy ----------------------


@require_http_methods(["GET", "POST"])
@login_required
def response_delete(request, slug):
    """Delete a whole response after a confirmation that names what goes with it (administrators).

    Not while it has published versions: they are kept for good (a published PDF must keep
    verifying), so the page lists them and offers to withdraw the response instead (409 on POST)."""
    response = get_object_or_404(ManagementResponse, slug=slug)
    permissions.require(permissions.can_delete_response(request.user, response))
    counts = response.count_contents()
    versions = version_list(response) if counts["versions"] else []
    status = 200
    problem = None
    if request.method == "POST":
        if versions:
            problem = _("Een managementresponse met gepubliceerde versies kan niet verwijderd worden.")
            status = 409
        else:
            form = ResponseDeleteForm(request.POST)
            if form.is_valid() and all(form.cleaned_data[k] == counts[k] for k in ("recommendations", "actions")):
                title = response.title
                try:
                    response.delete()
                except ProtectedError:  # a version published meanwhile
                    return redirect("responses:delete", slug=response.slug)
                messages.success(request, _("Managementresponse “%(title)s” verwijderd.") % {"title": title})
                return redirect("tracking:home")
            problem = _(
                "De managementresponse is intussen gewijzigd. Bekijk wat er nu mee verdwijnt en bevestig opnieuw."
            )
            status = 409
    form = ResponseDeleteForm(initial=counts)
    context = {
        "response": response,
        "counts": counts,
        "form": form,
        "problem": problem,
        "versions": versions,
        "can_withdraw": response.is_published and permissions.can_withdraw(request.user, response),
    }
    return render(request, "responses/delete.html", context, status=status)


@require_http_methods(["GET", "POST"])
@login_required
def response_withdraw(request, slug):
    """Withdraw a published response, with a reason (evaluation staff and administrators).

    It is then read like a draft: anonymous visitors no longer find it; its versions stay and
    still verify (responses.services.withdraw). A response that is not published: 409 on POST."""
    response = get_object_or_404(ManagementResponse, slug=slug)
    permissions.require(permissions.can_withdraw(request.user, response))
    form = WithdrawForm(request.POST or None)
    status = 200
    problem = None
    if request.method == "POST":
        if not response.is_published:
            problem = _("Alleen een gepubliceerde managementresponse kan ingetrokken worden.")
            status = 409
        elif form.is_valid():
            try:
                services.withdraw(response=response, user=request.user, reason=form.cleaned_data["reason"])
            except services.NotWithdrawable:  # withdrawn meanwhile
                return redirect("responses:withdraw", slug=response.slug)
            messages.success(request, _("Managementresponse “%(title)s” ingetrokken.") % {"title": response.title})
            return redirect(response)
        else:
            status = INVALID
    context = {
        "response": response,
        "form": form,
        "problem": problem,
        "versions": version_list(response),
        "withdrawal": response.last_withdrawal() if response.is_withdrawn else None,
    }
    return render(request, "responses/withdraw.html", context, status=status)


@require_http_methods(["GET", "POST"])
@login_required
@keeps_input
def response_edit(request, slug):
    """The title block, cover, words and columns: a page; with htmx the form swaps itself after saving."""
    response = get_object_or_404(ManagementResponse.objects.select_related("updated_by"), slug=slug)
    permissions.require(permissions.can_edit_response(request.user, response))
    form = ResponseForm(request.POST or None, instance=response)
    status = 200
    context: dict[str, Any] = {"response": response, "form": form}
    if request.method == "POST":
        status = save_form(request, form)
        if status is None:
            saved = _("Gegevens opgeslagen.")
            if not request.htmx:
                messages.success(request, saved)
                return redirect(response)
            # A fresh form on the saved version, so that the next save is not refused as stale.
            context.update(form=ResponseForm(instance=response), saved_message=saved)
            status = 200
    template = "responses/edit.html#form" if request.htmx else "responses/edit.html"
    return render(request, template, context, status=status)


@require_http_methods(["GET", "POST"])
@login_required
@keeps_input
def chapters(request, slug):
    """The chapters before and after the recommendations: the list (each with its edit, move and
    delete controls) and a form that adds one at the end. Evaluation staff and administrators."""
    response = get_object_or_404(ManagementResponse, slug=slug)
    permissions.require(permissions.can_edit_response(request.user, response))
    last = response.chapters.order_by("-order").values_list("order", flat=True).first()
    new = Chapter(response=response, order=0 if last is None else last + 1)
    form = ChapterForm(request.POST or None, instance=new)
    status = 200
    if request.method == "POST":
        status = save_form(request, form)
        if status is None:
            messages.success(request, _("Hoofdstuk toegevoegd."))
            return redirect("responses:chapters", slug=response.slug)
    context = {"response": response, "chapter_list": response.chapters.order_by("order", "pk"), "form": form}
    return render(request, "responses/chapters.html", context, status=status)


@require_http_methods(["GET", "POST"])
@login_required
@keeps_input
def chapter(request, slug, pk):
    """One chapter's form; a stale save is refused with the current text (core/editing.py)."""
    response = get_object_or_404(ManagementResponse, slug=slug)
    permissions.require(permissions.can_edit_response(request.user, response))
    item = get_object_or_404(Chapter.objects.select_related("response", "updated_by"), pk=pk, response=response)
    form = ChapterForm(request.POST or None, instance=item)
    status = 200
    if request.method == "POST":
        status = save_form(request, form)
        if status is None:
            messages.success(request, _("Hoofdstuk opgeslagen."))
            return redirect("responses:chapters", slug=response.slug)
    context = {
        "response": response,
        "chapter": item,
        "form": form,
        "delete_form": DeleteForm(initial={"version": item.version}),
    }
    return render(request, "responses/chapter.html", context, status=status)


@require_POST
@login_required
def chapter_delete(request, slug, pk):
    """Delete a chapter, if nobody changed it since the user saw it."""
    response = get_object_or_404(ManagementResponse, slug=slug)
    permissions.require(permissions.can_edit_response(request.user, response))
    item = get_object_or_404(Chapter, pk=pk, response=response)
    form = DeleteForm(request.POST)
    if not form.is_valid():
        return redirect("responses:chapter", slug=response.slug, pk=item.pk)
    try:
        delete_if_unchanged(item, base_version=form.cleaned_data["version"])
    except StaleEdit as stale:
        if stale.current is not None:
            messages.error(request, changed_by_message(stale.current))
            context = {
                "response": response,
                "chapter": stale.current,
                "form": ChapterForm(instance=stale.current),
                "delete_form": DeleteForm(initial={"version": stale.current.version}),
            }
            return render(request, "responses/chapter.html", context, status=CONFLICT)
    messages.success(request, _("Hoofdstuk verwijderd."))
    return redirect("responses:chapters", slug=response.slug)


@require_POST
@login_required
def chapter_move(request, slug, pk):
    """Move a chapter up or down among the response's chapters."""
    response = get_object_or_404(ManagementResponse, slug=slug)
    permissions.require(permissions.can_edit_response(request.user, response))
    item = get_object_or_404(Chapter, pk=pk, response=response)
    with transaction.atomic():
        move(item, response.chapters.all(), request.POST.get("direction", ""))
    return redirect("responses:chapters", slug=response.slug)


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


# --- publishing: frozen versions, their downloads, the fingerprint check ----------------------


def get_version(request, slug, number):
    response = get_visible_response(request, slug)
    return get_object_or_404(ResponseVersion, response=response, number=number)


@require_safe
@csp_override(PDF_CSP)
def version_pdf(request, slug, number):
    """A published version's PDF, exactly as it was frozen."""
    version = get_version(request, slug, number)
    http = HttpResponse(bytes(version.pdf), content_type="application/pdf")
    name = version.response.pdf_filename().removesuffix(".pdf")
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
    context: dict[str, Any] = {"form": form}
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
            # Not a version's PDF: perhaps a file a version froze (the evidence of an action).
            files = [] if version is not None else versions.frozen_files(digest.hexdigest())
            context.update(
                checked=True,
                file_name=upload.name,
                sha256=digest.hexdigest(),
                version=version,
                visible=version is not None and version.response.is_visible_to(request.user),
                frozen_file=files[0] if files else None,
                frozen_visible=bool(files) and files[0].version.response.is_visible_to(request.user),
            )
        else:
            status = INVALID
    return render(request, "responses/verify.html", context, status=status)


# --- comparing versions -------------------------------------------------------------------------


# --- the response as of a date --------------------------------------------------------------------
