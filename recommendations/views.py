from dataclasses import dataclass

from django.contrib import messages
from django.db import transaction
from django.db.models import Count, Prefetch
from django.http import HttpResponseBadRequest
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.text import Truncator, capfirst, get_text_list
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.http import require_http_methods, require_POST, require_safe
from django.views.decorators.vary import vary_on_headers
from django_htmx.http import reswap, retarget

from core import audit
from core.editing import (
    CONFLICT,
    INVALID,
    StaleEdit,
    delete_if_unchanged,
    keeps_input,
    last_change,
    login_required,
    move,
    next_order,
    save_form,
)
from core.richtext import plain
from responses import permissions
from responses.access import with_response_object
from responses.models import ManagementResponse

from .forms import AgreementForm, GroupForm, RecommendationForm, StructureDeleteForm, ThemeForm
from .models import Recommendation, RecommendationGroup, Theme

TIMELINE = 100  # the newest changes on the page; the response's activity feed has them all


@require_safe
@vary_on_headers("HX-Request")  # the page, or with htmx its fragment, at the same URL
@with_response_object(
    Recommendation.objects.select_related("response").with_implementation(), permission=permissions.can_view
)
def recommendation_detail(request, recommendation):
    response = recommendation.response
    if request.htmx and not request.htmx.history_restore_request:
        # The recommendation as a fragment: its row of the document table (Cancel swaps it back).
        return render_row(request, recommendation, response)
    links = recommendation.action_links.select_related("action__parent").order_by("order", "pk")
    rights = permissions.rights(request.user, response)
    return render(
        request,
        "recommendations/detail.html",
        {
            "recommendation": recommendation,
            "response": response,
            "links": links,
            "rights": rights,
            "timeline": audit.entries(audit.timeline(recommendation)[:TIMELINE]) if rights.history else None,
        },
    )


@require_http_methods(["GET", "POST"])
@login_required
@keeps_input
@with_response_object(
    Recommendation.objects.select_related("response", "updated_by"), permission=permissions.can_change_agreement
)
def agreement(request, rec):
    """Set the agreement level and its justification.

    A page of its own, or (htmx) the recommendation's row of the document table,
    with the form in place of the agreement cell.
    """
    response = rec.response
    form = AgreementForm(request.POST or None, instance=rec)
    status = 200
    if request.method == "POST":
        status = save_form(request, form)
        if status is None:
            saved = _("Mate van akkoord opgeslagen: %(level)s.") % {"level": rec.get_agreement_display()}
            if not request.htmx:
                messages.success(request, saved)
                return redirect(f"{response.get_absolute_url()}#aanbeveling-{rec.pk}")
            return render_row(request, rec, response, saved_message=saved)
    if request.htmx:
        return render_row(request, rec, response, form=form, status=status)
    return render(
        request,
        "recommendations/agreement.html",
        {"recommendation": rec, "response": response, "form": form},
        status=status,
    )


def render_row(request, rec, response, *, form=None, saved_message=None, status=200):
    """The recommendation's row of the document table, showing ``form`` if given."""
    rec.link_list = list(rec.action_links.select_related("action").order_by("order", "pk"))
    template = "document/_recommendation_row.html"
    if response.layout == "matrix":  # the management response block of the recommendation
        template = f"{response.layout_spec.recommendation_template}#agreement"
    context = {
        "rec_pk": str(rec.pk),
        "rec": rec,
        "response": response,
        "rights": permissions.rights(request.user, response),
        "form": form,
        "saved_message": saved_message,
    }
    return render(request, template, context, status=status)


# The structure editor: groups -> themes -> recommendations, added, edited, moved and deleted
# by evaluation staff on one page (recommendations:manage). Every view below is handed its
# object by ``with_response_object`` (fetched, permission checked), then hands over to one of
# the *_item helpers, which follow docs/editing.md: a page and a POST + redirect without
# JavaScript, fragments with htmx.


@dataclass(frozen=True)
class Kind:
    """What differs between the three levels of the structure."""

    name: str  # "group", "theme", "recommendation": the item partials and the context variable
    var: str  # the name templates use for the item
    model: type
    form_class: type
    parent_field: str  # where it hangs: new items go last among the siblings under this parent
    prefix: str  # the item's id on the manage page is "<prefix>-<pk>"
    add_title: str
    edit_title: str
    delete_title: str

    def siblings(self, item):
        if self.model is Recommendation and item.theme_id is None:
            # Recommendations without a theme (the UNEG matrix's) are siblings within their response.
            return Recommendation.objects.filter(response_id=item.response_id, theme=None)
        return self.model.objects.filter(**{self.parent_field: getattr(item, f"{self.parent_field}_id")})

    def anchor(self, item):
        return f"{self.prefix}-{item.pk}"

    def label(self, item):
        """Names the item in messages and in the controls' accessible names."""
        if self.name == "group":
            return _("groep “%(title)s”") % {"title": item.title}
        if self.name == "theme":
            return _("thema “%(theme)s”") % {"theme": item}
        start = Truncator(plain(item.text)).words(6, truncate="…")
        if item.number or item.location:
            return _("aanbeveling %(location)s (“%(start)s”)") % {
                "location": item.number or item.location,
                "start": start,
            }
        return _("aanbeveling “%(start)s”") % {"start": start}

    def label_parts(self, item):
        """The label in two: what the interface calls the item, and the document's words that name it
        (the controls mark those with the document's language)."""
        if self.name == "group":
            return _("groep"), item.title
        if self.name == "theme":
            return _("thema"), str(item)
        start = Truncator(plain(item.text)).words(6, truncate="…")
        if item.number or item.location:
            return _("aanbeveling %(location)s") % {"location": item.number or item.location}, start
        return _("aanbeveling"), start


GROUP = Kind(
    "group",
    "group",
    RecommendationGroup,
    GroupForm,
    "response",
    "groep",
    gettext_lazy("Groep toevoegen"),
    gettext_lazy("Groep bewerken"),
    gettext_lazy("Groep verwijderen"),
)
THEME = Kind(
    "theme",
    "theme",
    Theme,
    ThemeForm,
    "group",
    "thema",
    gettext_lazy("Thema toevoegen"),
    gettext_lazy("Thema bewerken"),
    gettext_lazy("Thema verwijderen"),
)
RECOMMENDATION = Kind(
    "recommendation",
    "rec",
    Recommendation,
    RecommendationForm,
    "theme",
    "aanbeveling",
    gettext_lazy("Aanbeveling toevoegen"),
    gettext_lazy("Aanbeveling bewerken"),
    gettext_lazy("Aanbeveling verwijderen"),
)
KIND_OF = {kind.model: kind for kind in (GROUP, THEME, RECOMMENDATION)}

MANAGE = "recommendations/manage.html"


# What the views below look up, with the response (the edit views add "updated_by", for the 409 form).
GROUPS = RecommendationGroup.objects.select_related("response")
THEMES = Theme.objects.select_related("group__response")
RECOMMENDATIONS = Recommendation.objects.select_related("response")


@require_safe
@vary_on_headers("HX-Request")
@login_required
@with_response_object(ManagementResponse, field="slug", permission=permissions.can_edit_recommendations)
def manage(request, response):
    """The structure editor: a page; with htmx (Cancel) the structure list alone."""
    template = MANAGE
    if request.htmx and not request.htmx.history_restore_request:
        template += "#structure"
    return render(request, template, structure_context(response))


@require_http_methods(["GET", "POST"])
@vary_on_headers("HX-Request")
@login_required
@keeps_input
@with_response_object(ManagementResponse, field="slug", permission=permissions.can_edit_recommendations)
def group_add(request, response):
    return add_item(request, GROUP, RecommendationGroup(response=response), response)


@require_http_methods(["GET", "POST"])
@vary_on_headers("HX-Request")
@login_required
@keeps_input
@with_response_object(GROUPS.select_related("updated_by"), permission=permissions.can_edit_recommendations)
def group_edit(request, group):
    return edit_item(request, GROUP, group, group.response)


@require_POST
@login_required
@with_response_object(GROUPS, permission=permissions.can_edit_recommendations)
def group_move(request, group):
    return move_item(request, GROUP, group, group.response)


@require_http_methods(["GET", "POST"])
@login_required
@with_response_object(GROUPS, permission=permissions.can_edit_recommendations)
def group_delete(request, group):
    return delete_item(request, GROUP, group, group.response)


@require_http_methods(["GET", "POST"])
@vary_on_headers("HX-Request")
@login_required
@keeps_input
@with_response_object(GROUPS, permission=permissions.can_edit_recommendations)
def theme_add(request, group):
    return add_item(request, THEME, Theme(group=group), group.response)


@require_http_methods(["GET", "POST"])
@vary_on_headers("HX-Request")
@login_required
@keeps_input
@with_response_object(THEMES.select_related("updated_by"), permission=permissions.can_edit_recommendations)
def theme_edit(request, theme):
    return edit_item(request, THEME, theme, theme.response)


@require_POST
@login_required
@with_response_object(THEMES, permission=permissions.can_edit_recommendations)
def theme_move(request, theme):
    return move_item(request, THEME, theme, theme.response)


@require_http_methods(["GET", "POST"])
@login_required
@with_response_object(THEMES, permission=permissions.can_edit_recommendations)
def theme_delete(request, theme):
    return delete_item(request, THEME, theme, theme.response)


@require_http_methods(["GET", "POST"])
@vary_on_headers("HX-Request")
@login_required
@keeps_input
@with_response_object(THEMES, permission=permissions.can_edit_recommendations)
def recommendation_add(request, theme):
    response = theme.response
    new = Recommendation(response=response, theme=theme, agreement=Recommendation.Agreement.UNDECIDED)
    return add_item(request, RECOMMENDATION, new, response)


@require_http_methods(["GET", "POST"])
@vary_on_headers("HX-Request")
@login_required
@with_response_object(ManagementResponse, field="slug", permission=permissions.can_edit_recommendations)
def loose_recommendation_add(request, response):
    """A recommendation without a group or theme, last among those of the response."""
    new = Recommendation(response=response, theme=None, agreement=Recommendation.Agreement.UNDECIDED)
    return add_item(request, RECOMMENDATION, new, response)


@require_http_methods(["GET", "POST"])
@vary_on_headers("HX-Request")
@login_required
@keeps_input
@with_response_object(RECOMMENDATIONS.select_related("updated_by"), permission=permissions.can_edit_recommendations)
def recommendation_edit(request, rec):
    return edit_item(request, RECOMMENDATION, rec, rec.response)


@require_POST
@login_required
@with_response_object(RECOMMENDATIONS, permission=permissions.can_edit_recommendations)
def recommendation_move(request, rec):
    return move_item(request, RECOMMENDATION, rec, rec.response)


@require_http_methods(["GET", "POST"])
@login_required
@with_response_object(RECOMMENDATIONS, permission=permissions.can_edit_recommendations)
def recommendation_delete(request, rec):
    return delete_item(request, RECOMMENDATION, rec, rec.response)


# What the views above hand over to. Permission has been checked by then.


def add_item(request, kind, item, response):
    """A new item, last under its parent: the add page, or (htmx) the add form in its slot."""
    parent = getattr(item, kind.parent_field) or response  # a recommendation without a theme
    form = kind.form_class(request.POST if request.method == "POST" else None, instance=item)
    status = 200
    if request.method == "POST":
        status = save_new(request, form, kind)
        if status is None:
            message = _("%(item)s toegevoegd.") % {"item": capfirst(kind.label(item))}
            if not request.htmx:
                messages.success(request, message)
                return redirect(manage_url(response, kind.anchor(item)))
            http = render(
                request,
                f"{MANAGE}#structure",
                structure_context(response, focus=(item, "edit"), saved_message=message),
            )
            # The add form targets its own slot (for errors); the new item shows in the whole list.
            return reswap(retarget(http, "#structure"), "outerHTML")
    slot = add_slot_id(kind, parent)
    context = {
        "kind": kind.name,
        kind.parent_field: parent,
        "loose": parent is response,
        "response": response,
        "form": form,
        "adding": True,
        "form_title": kind.add_title,
        "place": place_of(kind, item),
        "target_id": slot,
        "cancel_url": manage_url(response, slot),
    }
    if request.htmx:
        return render(request, f"{MANAGE}#add_slot", context, status=status)
    return render(request, "recommendations/item_form.html", context, status=status)


def save_new(request, form, kind):
    """``save_form`` for a new item, which goes last among its siblings."""
    with transaction.atomic():
        # Lock the parent row so that two people adding at once do not take the same place.
        parent = getattr(form.instance, kind.parent_field) or form.instance.response
        type(parent)._default_manager.select_for_update().get(pk=parent.pk)
        form.instance.order = next_order(kind.siblings(form.instance))
        return save_form(request, form)


def edit_item(request, kind, item, response):
    """The edit page, or (htmx) the item on the manage page with the form in its place."""
    form = kind.form_class(request.POST if request.method == "POST" else None, instance=item)
    status = 200
    if request.method == "POST":
        status = save_form(request, form)
        if status is None:
            message = _("%(item)s opgeslagen.") % {"item": capfirst(kind.label(item))}
            if not request.htmx:
                messages.success(request, message)
                return redirect(manage_url(response, kind.anchor(item)))
            describe_one(kind, item, focus="edit")
            return render(
                request,
                f"{MANAGE}#item",
                {"kind": kind.name, kind.var: item, "response": response, "saved_message": message},
            )
    context = {
        "kind": kind.name,
        kind.var: item,
        "response": response,
        "form": form,
        "form_title": kind.edit_title,
        "place": place_of(kind, item),
        "target_id": kind.anchor(item),
        "cancel_url": manage_url(response, kind.anchor(item)),
    }
    if request.htmx:
        return render(request, f"{MANAGE}#item", context, status=status)
    return render(request, "recommendations/item_form.html", context, status=status)


def move_item(request, kind, item, response):
    """One place up or down among its siblings; at the top or bottom nothing changes."""
    direction = request.POST.get("direction")
    if direction not in {"up", "down"}:
        return HttpResponseBadRequest(_("Kies omhoog of omlaag."))
    label = capfirst(kind.label(item))
    if move(item, kind.siblings(item), direction):
        if direction == "up":
            message = _("%(item)s een plaats naar boven verplaatst.") % {"item": label}
        else:
            message = _("%(item)s een plaats naar beneden verplaatst.") % {"item": label}
    elif direction == "up":
        message = _("%(item)s staat al bovenaan.") % {"item": label}
    else:
        message = _("%(item)s staat al onderaan.") % {"item": label}
    if not request.htmx:
        messages.success(request, message)
        return redirect(manage_url(response, kind.anchor(item)))
    return render(
        request,
        f"{MANAGE}#structure",
        structure_context(response, focus=(item, direction), saved_message=message),
    )


def delete_item(request, kind, item, response):
    """A confirmation page (GET, and without JavaScript); POST deletes the item and what it holds.

    Refused (409) when the item changed since the user confirmed, or when its contents did
    (someone added a theme or recommendation to it): the user confirmed something else.
    """
    contents = item.count_contents()
    status = 200
    problem = None
    if request.method == "POST":
        form = StructureDeleteForm(request.POST)
        if not form.is_valid():
            status, problem = INVALID, _("Niet verwijderd: de bevestiging is onvolledig. Probeer het opnieuw.")
        elif any(
            form.cleaned_data[name] is not None and form.cleaned_data[name] != contents[name]
            for name in ("themes", "recommendations")
        ):
            status = CONFLICT
            problem = " ".join(
                [
                    _("Niet verwijderd: de inhoud is intussen gewijzigd."),
                    consequences(contents) or _("Er zit nu niets meer in."),
                    _("Bevestig opnieuw als u het toch wilt verwijderen."),
                ]
            )
        else:
            label = capfirst(kind.label(item))
            taken = consequences(contents, done=True)
            neighbour = neighbour_of(kind, item) if request.htmx else None
            try:
                delete_if_unchanged(item, base_version=form.cleaned_data["version"])
            except StaleEdit as stale:
                status = CONFLICT
                problem = stale_delete_message(stale.current)
                if stale.current is not None:
                    item = stale.current
            else:
                message = _("%(item)s verwijderd.") % {"item": label}
                if taken:
                    message += " " + taken
                if not request.htmx:
                    messages.success(request, message)
                    parent = getattr(item, kind.parent_field)
                    anchor = "" if kind is GROUP or parent is None else KIND_OF[type(parent)].anchor(parent)
                    return redirect(manage_url(response, anchor))
                return render(
                    request,
                    f"{MANAGE}#structure",
                    structure_context(response, focus=neighbour, saved_message=message),
                )
        if request.htmx:
            # The list as it is now, with why nothing was deleted on top.
            return render(
                request,
                f"{MANAGE}#structure",
                structure_context(response, structure_alert=problem),
                status=status,
            )
    form = StructureDeleteForm(
        initial={"version": item.version, "themes": contents["themes"], "recommendations": contents["recommendations"]}
    )
    context = {
        "kind": kind.name,
        kind.var: item,
        "item": item,
        "response": response,
        "form": form,
        "problem": problem,
        "page_title": kind.delete_title,
        "question": delete_question(kind, item),
        "consequences": consequences(contents),
        "place": place_of(kind, item),
        "cancel_url": manage_url(response, kind.anchor(item)),
    }
    return render(request, "recommendations/delete_item.html", context, status=status)


# The manage page's data and the words around it.


def manage_url(response, anchor=""):
    url = reverse("recommendations:manage", args=[response.slug])
    return f"{url}#{anchor}" if anchor else url


def add_slot_id(kind, parent):
    """Where the add form of ``kind`` opens on the manage page."""
    if kind is GROUP:
        return "groep-toevoegen"
    if kind is RECOMMENDATION and not isinstance(parent, Theme):
        return "aanbeveling-toevoegen-los"
    return f"{kind.prefix}-toevoegen-{parent.pk}"


def place_of(kind, item):
    """Where the item sits in the structure, for the edit and delete pages."""
    if kind is GROUP:
        return ""
    if kind is THEME:
        return item.group.title
    if item.theme is None:
        return ""
    return f"{item.theme.group.title} › {item.theme}"


def structure_context(response, *, focus=None, **extra):
    """The whole structure in three queries (groups, themes, recommendations with their link counts).

    ``focus`` is ``(item, what)``: that item's control ``what`` ("edit", "up", "down", "add")
    gets ``autofocus``, so that after a swap the keyboard user is where they were.
    """
    groups = list(
        RecommendationGroup.objects.filter(response=response)
        .order_by("order", "pk")
        .prefetch_related(
            Prefetch("themes", Theme.objects.order_by("order", "pk"), to_attr="theme_list"),
            Prefetch(
                "theme_list__recommendations",
                Recommendation.objects.annotate(link_count=Count("action_links")).order_by("order", "pk"),
                to_attr="recommendation_list",
            ),
        )
    )
    loose = list(
        Recommendation.objects.filter(response=response, theme=None)
        .annotate(link_count=Count("action_links"))
        .order_by("order", "pk")
    )
    mark_ends(loose)
    for rec in loose:
        describe(RECOMMENDATION, rec, {"themes": 0, "recommendations": 0, "links": rec.link_count})
    mark_ends(groups)
    for group in groups:
        mark_ends(group.theme_list)
        for theme in group.theme_list:
            mark_ends(theme.recommendation_list)
            for rec in theme.recommendation_list:
                describe(RECOMMENDATION, rec, {"themes": 0, "recommendations": 0, "links": rec.link_count})
            describe(
                THEME,
                theme,
                {
                    "themes": 0,
                    "recommendations": len(theme.recommendation_list),
                    "links": sum(rec.link_count for rec in theme.recommendation_list),
                },
            )
        describe(
            GROUP,
            group,
            {
                "themes": len(group.theme_list),
                "recommendations": sum(t.contents["recommendations"] for t in group.theme_list),
                "links": sum(t.contents["links"] for t in group.theme_list),
            },
        )
    context = {"response": response, "groups": groups, "loose": loose, "focus_add_group": False, **extra}
    if focus is not None:
        target, what = focus
        if target is None:
            context["focus_add_group"] = True
        else:
            for item in [*loose, *walk(groups)]:
                if type(item) is type(target) and item.pk == target.pk:
                    item.focus = focus_control(item, what)
    return context


def walk(groups):
    for group in groups:
        yield group
        for theme in group.theme_list:
            yield theme
            yield from theme.recommendation_list


def mark_ends(items):
    for index, item in enumerate(items):
        item.is_first = index == 0
        item.is_last = index == len(items) - 1


def focus_control(item, what):
    """A move button that has just become disabled cannot keep focus: use the other one."""
    if what == "up" and item.is_first:
        what = "edit" if item.is_last else "down"
    elif what == "down" and item.is_last:
        what = "edit" if item.is_first else "up"
    return what


def describe(kind, item, contents):
    """What the item's controls say: its name, and what a delete would take along."""
    if kind is RECOMMENDATION:
        item.excerpt = Truncator(plain(item.text)).chars(180, truncate="…")
    item.label = kind.label(item)
    item.label_head, item.label_quote = kind.label_parts(item)
    item.contents = contents
    item.delete_question = f"{delete_question(kind, item)} {consequences(contents)}".strip()


def describe_one(kind, item, *, focus=None):
    """``describe`` for an item shown on its own (after an edit): two or three queries."""
    order = list(kind.siblings(item).order_by("order", "pk").values_list("pk", flat=True))
    item.is_first = order[:1] == [item.pk]
    item.is_last = order[-1:] == [item.pk]
    describe(kind, item, item.count_contents())
    item.focus = focus


def neighbour_of(kind, item):
    """What gets focus after ``item`` is deleted: the next item, else the previous one, else
    the parent's add control (or "Groep toevoegen": ``(None, "add")``)."""
    order = list(kind.siblings(item).order_by("order", "pk").values_list("pk", flat=True))
    index = order.index(item.pk)
    others = order[index + 1 : index + 2] or order[max(index - 1, 0) : index]
    if others:
        return (kind.model(pk=others[0]), "edit")
    if kind is GROUP or getattr(item, kind.parent_field) is None:
        return (None, "add")
    return (getattr(item, kind.parent_field), "add")


def delete_question(kind, item):
    return _("%(item)s verwijderen?") % {"item": capfirst(kind.label(item))}


def consequences(contents, *, done=False):
    """What goes with a delete: "Dit verwijdert ook 2 thema's, 5 aanbevelingen en 3 koppelingen
    met acties." (``done``: "Ook verwijderd: ...") or "" when nothing does."""
    parts = []
    if contents["themes"]:
        n = contents["themes"]
        parts.append(ngettext("%(n)d thema", "%(n)d thema's", n) % {"n": n})
    if contents["recommendations"]:
        n = contents["recommendations"]
        parts.append(ngettext("%(n)d aanbeveling", "%(n)d aanbevelingen", n) % {"n": n})
    if contents["links"]:
        n = contents["links"]
        parts.append(ngettext("%(n)d koppeling met een actie", "%(n)d koppelingen met acties", n) % {"n": n})
    if not parts:
        return ""
    listed = get_text_list(parts, _("en"))
    if done:
        return _("Ook verwijderd: %(list)s.") % {"list": listed}
    return _("Dit verwijdert ook %(list)s.") % {"list": listed}


def stale_delete_message(current):
    if current is None:
        return _("Dit was intussen al verwijderd.")
    who, when = last_change(current)
    if who:
        text = _("Niet verwijderd: %(who)s heeft dit intussen gewijzigd (%(when)s).") % {"who": who, "when": when}
    else:
        text = _("Niet verwijderd: iemand anders heeft dit intussen gewijzigd (%(when)s).") % {"when": when}
    return text + " " + _("Bekijk de huidige versie en bevestig opnieuw als u het toch wilt verwijderen.")
