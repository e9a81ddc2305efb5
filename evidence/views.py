"""Evidence and validation pages: the panel on the action page, adding and removing evidence (the
project team), deciding on a claimed status (evaluation staff), and serving a file.

Plain forms (a POST and a redirect, with the errors next to their fields on the form's own page):
files are uploaded as multipart forms, which work the same with or without JavaScript.

Files are served only here: to whoever may read the response named in the URL (404 for a draft
they may not see), and only when the evidence belongs to that response (a number from another
response is 404, whatever the visitor may read there). Removed evidence only to the response's
members (403 for other readers). Always as an attachment, under a sandboxing CSP, never sniffed.
"""

from django.contrib import messages
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.utils.csp import CSP
from django.utils.translation import gettext as _
from django.views.decorators.csp import csp_override
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from actions.models import AWAITING, Action
from core.editing import CONFLICT, INVALID, DeleteForm, StaleEdit, login_required
from responses import permissions
from responses.access import get_visible_response, with_response_object

from . import services, storage
from .forms import DecisionForm, EvidenceForm
from .models import Evidence

# A file is data, never a page: no script, no plugin, no frame, a unique origin if it is opened anyway.
FILE_CSP = {"default-src": [CSP.NONE], "sandbox": True, "frame-ancestors": [CSP.NONE]}


def panel_url(action):
    return f"{action.get_absolute_url()}#bewijs-{action.pk}"


def panel_context(request, action, rights, **extra):
    response = action.response
    items = list(action.evidence.select_related("added_by", "progress_update").order_by("date", "added_at", "pk"))
    context = {
        "action": action,
        "response": response,
        "rights": rights,
        "evidence": [item for item in items if not item.is_removed],
        "removed": [item for item in items if item.is_removed] if rights.history else [],
        "decisions": list(action.validation_decisions.select_related("decided_by")[:20]),
        "awaiting": action.validation_state == AWAITING,
        "policy": response.get_validation_policy_display(),
    }
    if rights.evidence and "evidence_form" not in extra:
        context["evidence_form"] = EvidenceForm(action=action, auto_id="bewijs_%s")
    if rights.validate and context["awaiting"] and "decision_form" not in extra:
        context["decision_form"] = DecisionForm(initial={"version": action.version}, auto_id="validatie_%s")
    context.update(extra)
    return context


def action_panel(request, action, rights):
    """The evidence and validation panel of the action page (registered with actions.panels)."""
    return render_to_string("evidence/_panel.html", panel_context(request, action, rights), request=request)


@require_http_methods(["GET", "POST"])
@login_required
@with_response_object(Action.objects.select_related("response", "parent"), permission=permissions.can_add_evidence)
def add(request, action):
    """Add a file or a link to an action: its own page (the panel's form posts here too)."""
    form = EvidenceForm(request.POST or None, request.FILES or None, action=action, auto_id="bewijs_%s")
    status = 200
    if request.method == "POST":
        if form.is_valid():
            data = form.cleaned_data
            common = {
                "action": action,
                "user": request.user,
                "title": data["title"],
                "date": data["date"],
                "progress_update": data["progress_update"],
            }
            if data["file"]:
                item = services.add_file(upload=data["file"], **common)
            else:
                item = services.add_link(url=data["url"], **common)
            if item.is_file:  # the name as kept: a browser's folder is never part of it
                text = _("Bewijsstuk „%(title)s” (%(name)s) toegevoegd.") % {
                    "title": item.title,
                    "name": item.file_name,
                }
            else:
                text = _("Bewijsstuk „%(title)s” toegevoegd.") % {"title": item.title}
            messages.success(request, text)
            return redirect(panel_url(action))
        status = INVALID
    return render(
        request, "evidence/add.html", {"action": action, "response": action.response, "form": form}, status=status
    )


@require_POST
@login_required
@with_response_object(Evidence.objects.select_related("action__response"), permission=permissions.can_add_evidence)
def remove(request, item):
    """Take evidence off its action (it stays on the audit trail and in published versions)."""
    form = DeleteForm(request.POST)
    if item.is_removed:
        messages.info(request, _("Dit bewijsstuk was al verwijderd."))
    elif not form.is_valid():
        messages.error(request, _("Niet verwijderd: het formulier was onvolledig. Probeer het opnieuw."))
    else:
        try:
            services.remove(evidence=item, user=request.user, base_version=form.cleaned_data["version"])
        except StaleEdit:
            messages.error(request, _("Iemand anders wijzigde dit bewijsstuk intussen; het is niet verwijderd."))
        else:
            messages.success(request, _("Bewijsstuk „%(title)s” verwijderd.") % {"title": item.title})
    return redirect(panel_url(item.action))


@require_http_methods(["GET", "POST"])
@login_required
@with_response_object(Action.objects.select_related("response", "parent"), permission=permissions.can_validate)
def decide(request, action):
    """Validate a claimed status or send it back with a comment: its own page, and the panel's form."""
    form = DecisionForm(request.POST or None, initial={"version": action.version}, auto_id="validatie_%s")
    status = 200
    problem = None
    if request.method == "POST":
        if form.is_valid():
            validated = form.cleaned_data["decision"] == DecisionForm.VALIDATE
            try:
                services.decide(
                    action=action,
                    user=request.user,
                    validated=validated,
                    comment=form.cleaned_data["comment"].strip(),
                    base_version=form.cleaned_data["version"],
                )
            except services.NotAwaiting:
                status, problem = CONFLICT, _("Deze status wacht niet (meer) op validatie: er is al beslist.")
            except StaleEdit:
                status = CONFLICT
                problem = _("De actie is intussen gewijzigd. Bekijk de huidige stand en beslis opnieuw.")
            else:
                if validated:
                    text = _("Status van actie %(number)s gevalideerd.")
                else:
                    text = _("Status van actie %(number)s teruggestuurd; de eigenaars krijgen een e-mail.")
                messages.success(request, text % {"number": action.number})
                return redirect(panel_url(action))
        else:
            status = INVALID
    action.refresh_from_db()
    context = {
        "action": action,
        "response": action.response,
        "form": form,
        "problem": problem,
        "awaiting": action.validation_state == AWAITING,
        "evidence": services.evidence_of([action]).get(action.pk, []),
    }
    return render(request, "evidence/decide.html", context, status=status)


@require_safe
@csp_override(FILE_CSP)
def file(request, slug, pk):
    """An evidence file, to whoever may read its response, as an attachment."""
    response = get_visible_response(request, slug)
    item = get_object_or_404(
        Evidence.objects.select_related("action"), pk=pk, action__response=response, evidence_kind=Evidence.Kind.FILE
    )
    if item.is_removed:
        permissions.require(permissions.can_view_history(request.user, response))
    if not item.has_bytes:
        raise Http404  # a reference from an interchange file: the bytes were never here
    try:
        handle = storage.open_file(item.storage_key)
    except (FileNotFoundError, OSError) as error:
        raise Http404 from error
    http = FileResponse(handle, as_attachment=True, filename=item.file_name, content_type=item.content_type)
    http["X-Content-Type-Options"] = "nosniff"
    http["Cache-Control"] = "private, no-store"
    return http
