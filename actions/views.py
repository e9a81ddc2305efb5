"""The action pages and the editing of actions, their status and their links to recommendations.

Every editing view follows docs/editing.md: one URL serves the page (no JavaScript:
form, POST, redirect and a message) and the htmx fragment that the operation changed.
The fragments:

- the status block of an action or part (``actions/_status.html``), the same on the
  document page and on the action page; after a parent's status changes, the blocks
  of the parts that inherit it come along out of band;
- the list of the "Acties bewerken" page (``actions/manage.html#list``), for adding,
  editing, moving and deleting actions and parts;
- the links panel of an action or a recommendation page (``actions/_links_for_action.html``,
  ``actions/_links_for_recommendation.html``).
"""

from django.contrib import messages
from django.db import IntegrityError, transaction
from django.db.models import Count, Q
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe
from django.views.decorators.vary import vary_on_headers
from django_htmx.http import trigger_client_event

from core import audit
from core.editing import (
    CONFLICT,
    INVALID,
    DeleteForm,
    StaleEdit,
    delete_if_unchanged,
    keeps_input,
    last_change,
    login_required,
    move,
    next_order,
    safe_next,
    save_form,
)
from recommendations.models import Recommendation
from responses import permissions
from responses.access import with_response_object
from responses.models import ManagementResponse

from . import panels
from .forms import ActionChoiceForm, ActionForm, QualifierForm, RecommendationLinkForm, StatusForm
from .models import Action, ActionLink, action_tree

# --- Reading -------------------------------------------------------------------------------


TIMELINE = 100  # the newest changes on the page; the response's activity feed has them all


@require_safe
@vary_on_headers("HX-Request")  # the page, or with htmx its fragment, at the same URL
@with_response_object(Action.objects.select_related("response", "parent"), permission=permissions.can_view)
def action_detail(request, action):
    response = action.response
    rights = permissions.rights(request.user, response)
    if request.htmx and not request.htmx.history_restore_request:
        # The action as a fragment: its status block (the status form's Cancel swaps it back).
        return render_status(request, action, response)
    parts = list(action.parts.order_by("order", "pk"))
    for part in parts:
        part.parent = action  # parts show the status they inherit without a query each
    context = {
        "action": action,
        "response": response,
        "parts": parts,
        "progress": action.progress_updates.select_related("author"),
        "rights": rights,
        "links": action_links(action),
        "timeline": audit.entries(audit.timeline(action)[:TIMELINE]) if rights.history else None,
        "panels": panels.render_all(request, action, rights),
    }
    return render(request, "actions/detail.html", context)


@require_safe
@with_response_object(Action.objects.select_related("response"), permission=permissions.can_view)
def progress(request, action):
    """The action's progress log (htmx: the detail page reloads it after a status change)."""
    if not request.htmx:
        return redirect(f"{action.get_absolute_url()}#voortgang-{action.pk}")
    return render(
        request,
        "actions/detail.html#progress",
        {"action": action, "progress": action.progress_updates.select_related("author")},
    )


# --- Status and progress ---------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
@login_required
@keeps_input
@with_response_object(
    Action.objects.select_related("response", "parent", "updated_by"), permission=permissions.can_change_status
)
def status(request, action):
    """Set the status of an action or part and log it (with an optional progress note).

    A page of its own, or (htmx) the status block on the document page or the action page,
    with the form in place of the status line.
    """
    response = action.response
    form = StatusForm(request.POST or None, instance=action)
    code = 200
    if request.method == "POST":
        code = save_form(request, form)
        if code is None:
            saved = _("Status van actie %(number)s opgeslagen: %(status)s.") % {
                "number": action.number,
                "status": action.status_line,
            }
            if action.validation_state == Action.Validation.AWAITING:
                saved += " " + _("Ze telt pas als afgehandeld wanneer een evaluatiemedewerker ze valideert.")
            if not request.htmx:
                messages.success(request, saved)
                back = safe_next(request, "")
                if back:
                    # A page that names its own anchor (the matrix: the recommendation's block, where an
                    # action may appear more than once) gets it; otherwise the status block's.
                    return redirect(back if "#" in back else f"{back}#status-{action.pk}")
                return redirect(f"{response.get_absolute_url()}#actie-{action.pk}")
            return render_status(request, action, response, saved_message=saved)
    if request.htmx:
        return render_status(request, action, response, form=form, status=code)
    return render(
        request,
        "actions/status.html",
        {"action": action, "response": response, "form": form, "next": safe_next(request, "")},
        status=code,
    )


def render_status(request, action, response, *, form=None, saved_message=None, status=200):
    """The status block of ``action``, showing ``form`` if given.

    After a save, the blocks of the parts that inherit the status come along out of band, so
    that neither page goes on showing the old inherited status; and the action page hears
    that its progress log has a new entry (``progress-logged-<pk>``).
    """
    context = {
        "action": action,
        "response": response,
        "rights": permissions.rights(request.user, response),
        "form": form,
        "saved_message": saved_message,
        "inheriting_parts": [],
        # The page the block sits on: where the control's no-JavaScript link comes back to.
        "back": request.htmx.current_url_abs_path if request.htmx else "",
    }
    if saved_message and action.parent_id is None:
        inheriting = list(action.parts.filter(status=Action.Status.INHERITED).order_by("order", "pk"))
        for part in inheriting:
            part.parent = action
        context["inheriting_parts"] = inheriting
    template = "actions/_status.html"
    cell = request.POST.get("cell") or request.GET.get("cell") or ""
    if cell.isdigit() and response.layout == "matrix":
        # The status cell of a key-action table: the action under recommendation ``cell``.
        template = f"{response.layout_spec.recommendation_template}#status_cell"
        context.update(cell=cell, rec={"pk": cell})
    http = render(request, template, context, status=status)
    if saved_message:
        trigger_client_event(http, f"progress-logged-{action.pk}")
    return http


# --- Adding, editing, moving, deleting -------------------------------------------------------


@require_safe
@login_required
@with_response_object(ManagementResponse, field="slug", permission=permissions.can_edit_actions)
def manage(request, response):
    """The "Acties bewerken" page: every action and part, with the controls to change them."""
    if request.htmx and not request.htmx.history_restore_request:
        return render_list(request, response, focus=request.GET.get("focus", ""))
    return render(request, "actions/manage.html", manage_context(request, response))


def manage_context(request, response, *, focus="", **extra):
    actions = list(Action.objects.filter(response=response).annotate(link_count=Count("links")).order_by("order", "pk"))
    top = action_tree(actions)
    for siblings in [top, *(action.part_list for action in top)]:
        for index, item in enumerate(siblings):
            item.is_first = index == 0
            item.is_last = index == len(siblings) - 1
            item.total_links = item.link_count + sum(part.link_count for part in getattr(item, "part_list", []))
            item.autofocus = focus_of(item, focus)
    return {
        "response": response,
        "actions": top,
        "focus": focus,
        "manage_url": manage_url(response),
        "rights": permissions.rights(request.user, response),
        **extra,
    }


def focus_of(item, focus):
    """Which of ``item``'s controls gets ``autofocus`` (``focus`` is the control's id)."""
    controls = {
        f"bewerk-actie-{item.pk}": "edit",
        f"omhoog-actie-{item.pk}": "up" if not item.is_first else "down",
        f"omlaag-actie-{item.pk}": "down" if not item.is_last else "up",
        f"onderdeel-toevoegen-{item.pk}": "add_part",
    }
    return controls.get(focus, "")


def render_list(request, response, *, status=200, **context):
    """The list of the manage page (htmx), with an open form or a message if given."""
    return render(request, "actions/manage.html#list", manage_context(request, response, **context), status=status)


def manage_url(response, action=None):
    url = reverse("actions:manage", args=[response.slug])
    return f"{url}#beheer-actie-{action.pk}" if action else url


@require_http_methods(["GET", "POST"])
@login_required
@keeps_input
@with_response_object(ManagementResponse, field="slug", permission=permissions.can_edit_actions)
def add(request, response):
    """A new top-level action, last in the list."""
    siblings = Action.objects.filter(response=response, parent=None)
    action = Action(response=response, status=Action.Status.TO_START, order=next_order(siblings))
    return edit_action(request, response, action, adding="top")


@require_http_methods(["GET", "POST"])
@login_required
@keeps_input
@with_response_object(Action.objects.select_related("response"), permission=permissions.can_edit_actions)
def add_part(request, parent):
    """A new part of an action, last among its parts; it inherits the action's status."""
    response = parent.response
    if parent.parent_id is not None:
        raise Http404  # the document nests one level: parts have no parts
    action = Action(response=response, parent=parent, status=Action.Status.INHERITED, order=next_order(parent.parts))
    return edit_action(request, response, action, adding=parent.pk)


@require_http_methods(["GET", "POST"])
@login_required
@keeps_input
@with_response_object(
    Action.objects.select_related("response", "parent", "updated_by"), permission=permissions.can_edit_actions
)
def edit(request, action):
    """Number, title, text, responsible unit and due date of an action or part."""
    return edit_action(request, action.response, action, editing=action.pk)


def edit_action(request, response, action, *, adding=None, editing=None):
    """The add and edit form: a page, or (htmx) the manage page's list with the form in place."""
    initial = {"number": suggest_number(response, action.parent)} if action.pk is None else None
    form = ActionForm(request.POST or None, instance=action, initial=initial)
    code = 200
    if request.method == "POST":
        try:
            with transaction.atomic():
                code = save_form(request, form)
        except IntegrityError:
            # Two people took the same number at the same moment: the form's check saw it free.
            form.add_error("number", _("Dit nummer is intussen in gebruik genomen. Kies een ander nummer."))
            code = INVALID
        if code is None:
            noun = _("Onderdeel") if action.parent_id else _("Actie")
            if adding is not None:
                saved = _("%(noun)s %(number)s toegevoegd.") % {"noun": noun, "number": action.number}
                focus = "actie-toevoegen" if adding == "top" else f"onderdeel-toevoegen-{adding}"
            else:
                saved = _("%(noun)s %(number)s opgeslagen.") % {"noun": noun, "number": action.number}
                focus = f"bewerk-actie-{action.pk}"
            if not request.htmx:
                messages.success(request, saved)
                return redirect(safe_next(request, manage_url(response, action)))
            return render_list(request, response, focus=focus, saved_message=saved)
    if action.pk:
        form_url = reverse("actions:edit", args=[action.pk])
    elif action.parent_id:
        form_url = reverse("actions:add_part", args=[action.parent_id])
    else:
        form_url = reverse("actions:add", args=[response.slug])
    if action.pk:
        form_title = _("Actie %(number)s bewerken") % {"number": action.number}
        cancel_focus = f"bewerk-actie-{action.pk}"
    elif action.parent_id:
        form_title = _("Onderdeel toevoegen aan actie %(number)s") % {"number": action.parent.number}
        cancel_focus = f"onderdeel-toevoegen-{action.parent_id}"
    else:
        form_title = _("Actie toevoegen")
        cancel_focus = "actie-toevoegen"
    context = {
        "form": form,
        "form_action": action,
        "form_url": form_url,
        "form_title": form_title,
        "cancel_focus": cancel_focus,
        "adding": adding,
        "editing": editing,
    }
    if request.htmx:
        return render_list(request, response, status=code, **context)
    context.update(
        response=response,
        next=safe_next(request, ""),
        manage_url=manage_url(response, action if action.pk else None),
    )
    return render(request, "actions/edit.html", context, status=code)


def suggest_number(response, parent):
    """The next free number: after the highest whole number, or the parent's number with the next suffix."""
    if parent is None:
        numbers = Action.objects.filter(response=response, parent=None).values_list("number", flat=True)
        whole = [int(number) for number in numbers if number.isdigit()]
        candidate = str(max(whole, default=0) + 1)
    else:
        candidate = f"{parent.number}.{parent.parts.count() + 1}"
    if Action.objects.filter(response=response, number=candidate).exists():
        return ""
    return candidate


@require_POST
@login_required
@with_response_object(Action.objects.select_related("response"), permission=permissions.can_edit_actions)
def move_action(request, action):
    """One place up or down among its siblings (top-level actions, or the parts of one action)."""
    response = action.response
    direction = request.POST.get("direction")
    if direction not in {"up", "down"}:
        return render_list(request, response, status=INVALID) if request.htmx else redirect(manage_url(response))
    if action.parent_id:
        siblings = Action.objects.filter(parent_id=action.parent_id)
    else:
        siblings = Action.objects.filter(response=response, parent=None)
    moved = move(action, siblings, direction)
    if moved:
        text = (
            _("Actie %(number)s één plaats omhoog gezet.")
            if direction == "up"
            else _("Actie %(number)s één plaats omlaag gezet.")
        )
    else:
        text = (
            _("Actie %(number)s staat al bovenaan.") if direction == "up" else _("Actie %(number)s staat al onderaan.")
        )
    saved = text % {"number": action.number}
    if not request.htmx:
        messages.add_message(request, messages.SUCCESS if moved else messages.INFO, saved)
        return redirect(manage_url(response, action))
    focus = f"omhoog-actie-{action.pk}" if direction == "up" else f"omlaag-actie-{action.pk}"
    return render_list(request, response, focus=focus, saved_message=saved)


@require_http_methods(["GET", "POST"])
@login_required
@with_response_object(
    Action.objects.select_related("response", "parent", "updated_by").annotate(
        part_count=Count("parts", distinct=True),
        link_count=Count("links", distinct=True) + Count("parts__links", distinct=True),
    ),
    permission=permissions.can_edit_actions,
)
def delete(request, action):
    """Delete an action or part, with its parts and links: a confirmation page, or (htmx) after hx-confirm."""
    response = action.response
    form = DeleteForm(request.POST or None, initial={"version": action.version})
    code = 200
    problem = None
    if request.method == "POST":
        if not form.is_valid():
            code, problem = INVALID, _("Niet verwijderd: het formulier was onvolledig. Probeer het opnieuw.")
        else:
            try:
                delete_if_unchanged(action, base_version=form.cleaned_data["version"])
            except StaleEdit as stale:
                code, problem = CONFLICT, stale_delete_message(stale.current)
                if stale.current is not None:
                    action.refresh_from_db()  # show the action as it is now, and decide on this version
                    form = DeleteForm(initial={"version": action.version})
            else:
                saved = _("Actie %(number)s verwijderd.") % {"number": action.number}
                if not request.htmx:
                    messages.success(request, saved)
                    return redirect(safe_next(request, manage_url(response)))
                return render_list(request, response, saved_message=saved)
    if request.htmx:
        return render_list(request, response, status=code, problem=problem)
    context = {
        "action": action,
        "response": response,
        "form": form,
        "problem": problem,
        "next": safe_next(request, ""),
        "manage_url": manage_url(response, action),
    }
    return render(request, "actions/delete.html", context, status=code)


def stale_delete_message(current):
    """Why a delete was refused: the action changed after the user decided to delete it."""
    if current is None:
        return _("Iemand anders heeft deze actie intussen verwijderd.")
    who, when = last_change(current)
    if who:
        text = _("%(who)s heeft deze actie intussen gewijzigd (%(when)s).") % {"who": who, "when": when}
    else:
        text = _("Iemand anders heeft deze actie intussen gewijzigd (%(when)s).") % {"when": when}
    return text + " " + _("Ze is niet verwijderd: bekijk de huidige versie en beslis opnieuw.")


# --- Links between actions and recommendations -----------------------------------------------


def action_links(action):
    """The links panel of an action page: what the action and its parts are linked to."""
    return (
        ActionLink.objects.filter(Q(action=action) | Q(action__parent=action))
        .select_related("action", "recommendation__theme__group")
        .order_by(
            "recommendation__theme__group__order",
            "recommendation__theme__order",
            "recommendation__order",
            "order",
            "pk",
        )
    )


def recommendation_links_of(recommendation):
    return recommendation.action_links.select_related("action__parent").order_by("order", "pk")


def render_panel(request, owner, *, status=200, **extra):
    """The links panel of ``owner`` (an Action or a Recommendation), as its page shows it."""
    if isinstance(owner, Action):
        response = owner.response
        rights = permissions.rights(request.user, response)
        context = {"action": owner, "response": response, "rights": rights, "links": action_links(owner)}
        template = "actions/_links_for_action.html"
    else:
        response = owner.response
        rights = permissions.rights(request.user, response)
        context = {
            "recommendation": owner,
            "response": response,
            "rights": rights,
            "links": recommendation_links_of(owner),
        }
        template = "actions/_links_for_recommendation.html"
    # Which control gets autofocus: "koppel" (link ...) or "wijzig-koppeling-<pk>" (a link's qualifier).
    focus = extra.pop("focus", "")
    _prefix, _sep, link_pk = focus.rpartition("wijzig-koppeling-")
    context.update(extra, focus_add=focus == "koppel", focus_link=int(link_pk) if link_pk.isdigit() else None)
    return render(request, template, context, status=status)


def owner_url(owner):
    kind = "actie" if isinstance(owner, Action) else "aanbeveling"
    return f"{owner.get_absolute_url()}#koppelingen-{kind}-{owner.pk}"


def panel_owner(value):
    """The page a link control sits on, from its ``panel`` value ("actie-12", "aanbeveling-5")."""
    kind, _sep, pk = (value or "").partition("-")
    if not pk.isdigit():
        return None
    if kind == "actie":
        return Action.objects.select_related("response", "parent").filter(pk=pk).first()
    if kind == "aanbeveling":
        return Recommendation.objects.select_related("response").filter(pk=pk).first()
    return None


def owner_of(request, link):
    """The panel ``link`` is shown in: the one the request names if the link belongs there, else its action's."""
    owner = panel_owner(request.POST.get("panel") or request.GET.get("panel"))
    if isinstance(owner, Action) and owner.pk in (link.action_id, link.action.parent_id):
        return owner
    if isinstance(owner, Recommendation) and owner.pk == link.recommendation_id:
        return owner
    return link.action


@require_safe
@with_response_object(Action.objects.select_related("response", "parent"), permission=permissions.can_view)
def links(request, action):
    """An action's links panel (htmx: the Cancel of the panel's forms)."""
    if not request.htmx:
        return redirect(owner_url(action))
    return render_panel(request, action, focus=request.GET.get("focus", ""))


@require_safe
@with_response_object(
    Recommendation.objects.select_related("response"), url_kwarg="rec_pk", permission=permissions.can_view
)
def recommendation_links(request, rec):
    """A recommendation's links panel (htmx: the Cancel of the panel's forms)."""
    if not request.htmx:
        return redirect(owner_url(rec))
    return render_panel(request, rec, focus=request.GET.get("focus", ""))


@require_http_methods(["GET", "POST"])
@login_required
@with_response_object(Action.objects.select_related("response", "parent"), permission=permissions.can_edit_links)
def link_add(request, action):
    """Link a recommendation of the same response to this action (or part)."""
    form = RecommendationLinkForm(request.POST or None, action=action)
    return add_link(request, action, form)


@require_http_methods(["GET", "POST"])
@login_required
@with_response_object(
    Recommendation.objects.select_related("response"), url_kwarg="rec_pk", permission=permissions.can_edit_links
)
def recommendation_link_add(request, rec):
    """Link an action or part of the same response to this recommendation."""
    form = ActionChoiceForm(request.POST or None, recommendation=rec, response=rec.response)
    return add_link(request, rec, form)


def add_link(request, owner, form):
    code = 200
    if request.method == "POST":
        code = save_link(form)
        if code is None:
            link = form.instance
            saved = _("Actie %(number)s en aanbeveling %(location)s gekoppeld.") % {
                "number": link.action.number,
                "location": link.recommendation.reference,
            }
            if not request.htmx:
                messages.success(request, saved)
                return redirect(owner_url(owner))
            return render_panel(request, owner, focus="koppel", saved_message=saved)
    if request.htmx:
        return render_panel(request, owner, status=code, link_form=form)
    return render_link_page(request, owner, form, status=code, adding=True)


def save_link(form):
    """Validate and save a link form: None when saved, else 422."""
    if not form.is_valid():
        return INVALID
    try:
        with transaction.atomic():
            form.save()
    except IntegrityError:
        # The same link, made by someone else a moment ago (the form's check saw none).
        form.add_error(None, _("Deze koppeling bestaat al."))
        return INVALID
    return None


def render_link_page(request, owner, form, *, status, adding=False, link=None):
    is_action = isinstance(owner, Action)
    if link is not None:
        title = _("Verduidelijking van de koppeling wijzigen")
    elif is_action:
        title = _("Aanbeveling koppelen aan actie %(number)s") % {"number": owner.number}
    else:
        title = _("Actie koppelen aan aanbeveling %(location)s") % {"location": owner.reference}
    context = {
        "form": form,
        "owner": owner,
        "owner_is_action": is_action,
        "owner_url": owner_url(owner),
        "response": owner.response,
        "adding": adding,
        "link": link,
        "add_title": title,
        "add_url": reverse("actions:link_add", args=[owner.pk])
        if is_action
        else reverse("actions:recommendation_link_add", args=[owner.pk]),
        "panel": ("actie-" if is_action else "aanbeveling-") + str(owner.pk),
    }
    return render(request, "actions/link_form.html", context, status=status)


@require_http_methods(["GET", "POST"])
@login_required
@with_response_object(
    ActionLink.objects.select_related("action__response", "action__parent", "recommendation__theme__group"),
    permission=permissions.can_edit_links,
)
def link_edit(request, link):
    """The qualifier of a link ("kennisdeling 4"), from either side."""
    owner = owner_of(request, link)
    form = QualifierForm(request.POST or None, instance=link)
    code = 200
    if request.method == "POST":
        code = save_form(request, form)  # 409 when someone changed the link since the form was loaded
        if code is None:
            saved = _("Koppeling opgeslagen: %(citation)s.") % {"citation": link.citation}
            if not request.htmx:
                messages.success(request, saved)
                return redirect(owner_url(owner))
            return render_panel(request, owner, focus=f"wijzig-koppeling-{link.pk}", saved_message=saved)
    if request.htmx:
        return render_panel(request, owner, status=code, editing_link=link.pk, qualifier_form=form)
    return render_link_page(request, owner, form, status=code, link=link)


@require_POST
@login_required
def link_delete(request, pk):
    """Unlink. A link that is already gone is not an error: the panel shows what is left."""
    link = (
        ActionLink.objects.select_related("action__response", "action__parent", "recommendation__theme__group")
        .filter(pk=pk)
        .first()
    )
    if link is None:
        owner = panel_owner(request.POST.get("panel"))
        if owner is None:
            raise Http404
        permissions.require(permissions.can_edit_links(request.user, owner.response))
        saved = _("Deze koppeling was al verwijderd.")
    else:
        permissions.require(permissions.can_edit_links(request.user, link.action.response))
        owner = owner_of(request, link)
        citation = link.citation
        location = link.recommendation.reference
        form = DeleteForm(request.POST)
        if not form.is_valid():
            problem = _("Niet ontkoppeld: het formulier was onvolledig. Probeer het opnieuw.")
            return unlink_refused(request, owner, INVALID, problem)
        try:
            delete_if_unchanged(link, base_version=form.cleaned_data["version"])
        except StaleEdit as stale:
            if stale.current is not None:
                return unlink_refused(request, owner, CONFLICT, stale_unlink_message(stale.current))
        saved = _("Koppeling verwijderd: %(citation)s en aanbeveling %(location)s.") % {
            "citation": citation,
            "location": location,
        }
    if not request.htmx:
        messages.success(request, saved)
        return redirect(owner_url(owner))
    return render_panel(request, owner, focus="koppel", saved_message=saved)


def unlink_refused(request, owner, code, problem):
    if not request.htmx:
        messages.error(request, problem)
        return redirect(owner_url(owner))
    return render_panel(request, owner, status=code, problem=problem)


def stale_unlink_message(current):
    """Why an unlink was refused: the link's qualifier changed after the user decided."""
    who, when = last_change(current)
    if who:
        text = _("%(who)s heeft deze koppeling intussen gewijzigd (%(when)s).") % {"who": who, "when": when}
    else:
        text = _("Iemand anders heeft deze koppeling intussen gewijzigd (%(when)s).") % {"when": when}
    return text + " " + _("Ze is niet ontkoppeld: bekijk de huidige versie en beslis opnieuw.")
