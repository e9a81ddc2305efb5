"""Review rounds of a response: open (evaluation staff), record (project team), close, report.

Every page works without JavaScript (plain forms, redirects); permissions come from
responses/permissions.py: members follow a response up, evaluation staff open and close
rounds, the project team records statuses.
"""

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from actions.models import Action, action_tree
from core.editing import CONFLICT, INVALID, StaleEdit, login_required
from document import pdf as response_pdf
from responses import permissions
from responses.models import ManagementResponse

from . import services
from .forms import RoundForm
from .models import ReviewRound
from .pdf import enqueue_portfolio, enqueue_round_report, portfolio_etag, round_report_etag, round_report_latest
from .portfolio import portfolio


@require_http_methods(["GET", "POST"])
@login_required
def rounds(request, slug):
    """The response's review rounds; evaluation staff open a new one here."""
    response = get_object_or_404(ManagementResponse, slug=slug)
    permissions.require(permissions.can_follow_up(request.user, response))
    may_open = bool(permissions.can_edit_response(request.user, response))
    form = RoundForm(request.POST or None, response=response) if may_open else None
    status = 200
    if request.method == "POST":
        permissions.require(may_open)
        if form.is_valid():
            review_round = form.save(commit=False)
            review_round.opened_by = request.user
            review_round.save()
            messages.success(request, _("Ronde %(name)s geopend.") % {"name": review_round.name})
            return redirect(review_round)
        status = INVALID
    context = {
        "response": response,
        "rounds": response.review_rounds.select_related("opened_by", "closed_by"),
        "form": form,
    }
    return render(request, "tracking/rounds.html", context, status=status)


def round_actions(response):
    actions = list(Action.objects.filter(response=response).select_related("parent").order_by("order", "pk"))
    for action in actions:
        action.response = response  # its vocabulary (Action.status_word), without a query per action
    return action_tree(actions)


def posted_entries(request, actions):
    """The round form's status and comment of each action, and the errors ({action id: message})."""
    entries, errors = [], {}
    for action in actions:
        value = request.POST.get(f"status-{action.pk}", action.status)
        allowed = [v for v in Action.Status.values if action.parent_id or v != Action.Status.INHERITED]
        if value not in allowed:
            errors[action.pk] = _("Kies een geldige status.")
        note = request.POST.get(f"note-{action.pk}", "").strip()
        if len(note) > 5_000:
            errors[action.pk] = _("Ten hoogste 5000 tekens.")
        version = request.POST.get(f"version-{action.pk}", "")
        action.posted_status, action.posted_note = value, note
        entries.append(
            services.Entry(
                action=action,
                status=value,
                note=note,
                base_version=int(version) if version.isdigit() else action.version,
            )
        )
    return entries, errors


@require_http_methods(["GET", "POST"])
@login_required
def round_detail(request, pk, close_error=None):
    """A round: per action its status now and (project team, open round) a status and a comment.
    ``close_error``: a refused close (``round_close``) shows the round with its reason."""
    review_round = get_object_or_404(ReviewRound.objects.select_related("response"), pk=pk)
    response = review_round.response
    permissions.require(permissions.can_follow_up(request.user, response))
    may_record = review_round.is_open and bool(permissions.can_change_status(request.user, response))
    top = round_actions(response)
    actions = [a for t in top for a in (t, *t.part_list)]
    for action in actions:
        action.posted_status, action.posted_note = action.status, ""
    errors, status = {}, 200
    if close_error:
        status = INVALID
    elif request.method == "POST":
        permissions.require(permissions.can_change_status(request.user, response))
        if not review_round.is_open:
            messages.error(request, _("Deze ronde is gesloten."))
            return redirect(review_round)
        entries, errors = posted_entries(request, actions)
        if not errors:
            try:
                recorded = services.record_round(review_round=review_round, user=request.user, entries=entries)
            except StaleEdit:
                status = CONFLICT
                messages.error(
                    request,
                    _("Iemand anders wijzigde intussen een actie. Niets is opgeslagen; uw invoer staat hieronder."),
                )
            else:
                messages.success(request, _("%(count)s acties gemeld in deze ronde.") % {"count": len(recorded)})
                return redirect(review_round)
        else:
            status = INVALID
    recorded = {}
    for update in review_round.updates.select_related("author").order_by("created_at", "pk"):
        recorded[update.action_id] = update  # the newest per action
    for action in actions:
        action.error = errors.get(action.pk)
        action.recorded = recorded.get(action.pk)
    context = {
        "response": response,
        "review_round": review_round,
        "actions": actions,
        "status_choices": Action.Status.choices,
        "may_record": may_record,
        "may_close": review_round.is_open and bool(permissions.can_edit_response(request.user, response)),
        "awaiting": [action for action in actions if action.awaits_validation],
        "close_error": close_error,
    }
    return render(request, "tracking/round.html", context, status=status)


@require_POST
@login_required
def round_close(request, pk):
    """Close the round; while statuses await validation only with a reason, which the round keeps.
    Without one: the round page again, with the message next to the reason field (422)."""
    review_round = get_object_or_404(ReviewRound.objects.select_related("response"), pk=pk)
    permissions.require(permissions.can_edit_response(request.user, review_round.response))
    if review_round.is_open:
        reason = request.POST.get("reason", "").strip()[:2_000]
        try:
            services.close_round(review_round=review_round, user=request.user, reason=reason)
        except services.AwaitingValidation as waiting:
            error = _(
                "Nog %(count)s acties wachten op validatie (%(numbers)s). Valideer ze eerst, of zeg waarom "
                "de ronde toch sluit."
            ) % {"count": len(waiting.actions), "numbers": ", ".join(a.number for a in waiting.actions)}
            return round_detail(request, review_round.pk, close_error=error)
        messages.success(request, _("Ronde %(name)s gesloten.") % {"name": review_round.name})
    return redirect(review_round)


@require_safe
@login_required
def round_report(request, pk):
    """The round's report as PDF: statuses now, what changed since the previous round, overdue
    actions, implementation per recommendation. Rendered by the task worker (tracking/pdf.py) and
    kept until something in it may have changed; meanwhile 202 and a page that asks again by
    itself, as for the document's PDF. The ETag is the PDF's key: a browser that has it gets a 304."""
    review_round = get_object_or_404(ReviewRound.objects.select_related("response"), pk=pk)
    response = review_round.response
    permissions.require(permissions.can_follow_up(request.user, response))
    etag = round_report_etag(review_round)
    return response_pdf.serve(
        request,
        etag=etag,
        enqueue=lambda: enqueue_round_report(review_round, etag),
        filename=f"{slugify(f'{response.slug}-{review_round.name}') or 'ronde'}.pdf",
        latest=round_report_latest(review_round),
        prepared={
            "response": response,
            "back_url": reverse("tracking:round", args=[review_round.pk]),
            "back_label": _("Terug naar de ronde"),
        },
    )


def report_year(request):
    year = request.GET.get("year", "")
    this_year = timezone.localdate().year
    return int(year) if year.isdigit() and 2000 <= int(year) <= this_year + 1 else this_year


@require_safe
@login_required
def portfolio_page(request):
    """The yearly portfolio report across every response the user can see."""
    year = report_year(request)
    report = portfolio(request.user, year)
    years = range(timezone.localdate().year, timezone.localdate().year - 6, -1)
    return render(request, "tracking/portfolio.html", {"report": report, "years": years})


@require_safe
@login_required
def portfolio_pdf(request):
    """The portfolio report as PDF, rendered by the task worker (tracking/pdf.py) and kept until
    something in it may have changed; meanwhile 202 and a page that asks again by itself, as for the
    document's PDF. The ETag is the PDF's key: a browser that has the current one gets a 304."""
    year = report_year(request)
    language = translation.get_language()
    etag = portfolio_etag(request.user, year, language=language)
    # No previous rendering here: it would show responses this user may no longer see.
    return response_pdf.serve(
        request,
        etag=etag,
        enqueue=lambda: enqueue_portfolio(request.user, year, language, etag),
        filename=f"portfolio-{year}.pdf",
        prepared={
            "back_url": f"{reverse('tracking:portfolio')}?year={year}",
            "back_label": _("Terug naar het portefeuillerapport"),
        },
    )
