from django.contrib import messages
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from responses import permissions
from responses.editing import login_required, save_form

from .forms import AgreementForm
from .models import Recommendation


def recommendation_detail(request, pk):
    recommendation = get_object_or_404(
        Recommendation.objects.select_related("theme__group__response"), pk=pk
    )
    response = recommendation.theme.group.response
    if not response.is_visible_to(request.user):
        raise Http404
    if request.htmx and not request.htmx.history_restore_request:
        # The recommendation as a fragment: its row of the document table (Cancel swaps it back).
        return render_row(request, recommendation, response)
    links = recommendation.action_links.select_related("action__parent").order_by("order", "pk")
    return render(
        request,
        "recommendations/detail.html",
        {
            "recommendation": recommendation,
            "response": response,
            "links": links,
            "rights": permissions.rights(request.user, response),
        },
    )


@require_http_methods(["GET", "POST"])
@login_required
def agreement(request, pk):
    """Set the agreement level and its justification.

    A page of its own, or (htmx) the recommendation's row of the document table,
    with the form in place of the agreement cell.
    """
    rec = get_object_or_404(
        Recommendation.objects.select_related("theme__group__response", "updated_by"), pk=pk
    )
    response = rec.theme.group.response
    permissions.require(permissions.can_change_agreement(request.user, response))

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
    context = {
        "rec": rec,
        "response": response,
        "rights": permissions.rights(request.user, response),
        "form": form,
        "saved_message": saved_message,
    }
    return render(request, "responses/_recommendation_row.html", context, status=status)
