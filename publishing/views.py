"""Publishing a version (with the checklist), comparing versions, and the response as of a date:
the pages and their PDFs."""

from urllib.parse import urlencode

from django.contrib import messages
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_safe

from core.editing import INVALID, login_required
from document import checks, pdf
from responses import permissions
from responses.access import get_visible_response
from responses.models import ManagementResponse, ResponseVersion
from responses.versions import version_list

from . import asof, comparison, tasks
from . import publish as publishing
from .forms import LIVE, AsOfForm, CompareForm, PublishForm
from .models import Publication


@require_http_methods(["GET", "POST"])
@login_required
def response_publish(request, slug):
    """The checklist and the publish form. Publishing is checked here, at once, and done by the
    task worker (publishing/publish.py): the answer is the publication's page, which follows it."""
    response = get_object_or_404(ManagementResponse, slug=slug)
    permissions.require(permissions.can_publish(request.user, response))
    may_override = publishing.may_override(request.user)
    again = _failed_publication(request, response)
    initial = {"note": again.note, "override_reason": again.override_reason} if again else None
    form = PublishForm(request.POST or None, may_override=may_override, initial=initial)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                publication = publishing.request_publication(
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
                return redirect(publication)
        status = INVALID
    findings = checks.run_checks(response)
    context = {
        "response": response,
        "form": form,
        "findings": findings,
        "errors": checks.errors(findings),
        "may_override": may_override,
        "versions": version_list(response),
        "pending": response.publications.filter(status=Publication.Status.PENDING).first(),
    }
    return render(request, "publishing/publish.html", context, status=status)


def _failed_publication(request, response):
    """``?again=<id>``: a failed publication of this response, whose note the form starts from."""
    number = request.GET.get("again", "")
    if request.method != "GET" or not number.isdigit():
        return None
    return response.publications.filter(pk=number, status=Publication.Status.FAILED).first()


@require_safe
@login_required
def publication(request, slug, pk):
    """A publication on its way: 202 and a page that asks again by itself while the worker makes
    the version; then the document, with the new version; or why there is none (nothing changed)."""
    response = get_object_or_404(ManagementResponse, slug=slug)
    permissions.require(permissions.can_publish(request.user, response))
    item = get_object_or_404(response.publications.select_related("version"), pk=pk)
    if item.status == Publication.Status.DONE:
        if request.method == "GET":  # not for the page's own HEAD that asks whether it is done
            messages.success(request, _("Versie %(number)s gepubliceerd.") % {"number": item.version.number})
        return redirect(response)
    http = render(
        request,
        "publishing/publication.html",
        {"response": response, "publication": item, "retry_seconds": pdf.RETRY_SECONDS},
        status=202 if item.is_pending else 422,
    )
    if item.is_pending:
        http["Retry-After"] = str(pdf.RETRY_SECONDS)
    http["Cache-Control"] = "no-store"
    return http


def build_comparison(request, response):
    return comparison_for(response, request.GET)


def comparison_for(response, query):
    """The comparison the query string asks for (default: the latest version with the live data),
    and its cache key: ``(form, comparison, key)``, or ``(form, None, None)`` when there is nothing
    (valid) to compare.

    Cached by the two sides it compares (``comparison.cache_key``: version numbers, or the
    response's revision for the live data) and the language, so a second request reads neither
    side nor diffs anything; and a first one is bounded (``comparison.compare``: a budget of
    work for the word diffs of all its texts). Anonymous use of the page costs no more than a
    normal page: the response and its versions (2 queries) and a cache read, or once per
    revision, a bounded comparison."""
    versions = version_list(response)
    if not versions:
        return None, None, None
    form = CompareForm(
        query or {"old": str(versions[0].number), "new": LIVE},
        versions=versions,
    )
    if not form.is_valid():
        return form, None, None
    by_number = {str(version.number): version for version in versions}
    chosen = [by_number.get(form.cleaned_data[side]) for side in ("old", "new")]  # None: the live data

    def build():
        sides = []
        for version in chosen:
            if version is None:
                sides.append((comparison.live_data(response), _("de huidige gegevens")))
            else:
                frozen = ResponseVersion.objects.only("number", "snapshot").get(pk=version.pk)
                sides.append((comparison.version_data(frozen), _("versie %(number)s") % {"number": frozen.number}))
        (old, old_label), (new, new_label) = sides
        return comparison.compare(old, new, old_label=old_label, new_label=new_label)

    key = comparison.cache_key(response, *chosen)
    return form, comparison.cached(key, build), key


@require_safe
def response_compare(request, slug):
    """What changed between two published versions, or a version and the live data."""
    response = get_visible_response(request, slug)
    form, result, _key = build_comparison(request, response)
    status = 422 if form is not None and form.is_bound and not form.is_valid() else 200
    context = {"response": response, "form": form, "comparison": result}
    return render(request, "publishing/compare.html", context, status=status)


@require_safe
def response_compare_pdf(request, slug):
    """The comparison as a PDF annex, to send with a new version.

    Rendered by the task worker (publishing/tasks.py), once per comparison (``build_comparison``'s
    key), response revision (its title and organisation head the annex) and day (the annex is
    dated): kept in the shared PDF cache. Meanwhile 202 and the page that asks again by itself."""
    response = get_visible_response(request, slug)
    # The annex is part of the document: its labels, statuses and "version 1" in the document's language.
    with translation.override(response.language):
        form, result, key = build_comparison(request, response)
    if result is None:
        raise Http404
    etag = tasks.comparison_etag(response, key)
    query = {side: form.cleaned_data[side] for side in ("old", "new")}
    language = response.language  # the worker builds it as above, so that its key is this one
    return pdf.serve(
        request,
        etag=etag,
        enqueue=lambda: tasks.render_comparison_task.enqueue(response.pk, query, language, etag),
        filename=f"{response.slug}-{query['old']}-{query['new']}-wijzigingen.pdf",
        prepared={
            "response": response,
            "back_url": reverse("publishing:compare", kwargs={"slug": slug}) + f"?{urlencode(query)}",
            "back_label": _("Terug naar de vergelijking"),
        },
    )


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
    return render(request, "publishing/as_of.html", context, status=status)


@require_safe
@login_required
def response_as_of_pdf(request, slug):
    """The document as it stood at the end of a day, as PDF: rendered by the task worker
    (publishing/tasks.py), kept by response revision and day; meanwhile 202 and the page that asks
    again by itself."""
    response = get_object_or_404(ManagementResponse, slug=slug)
    permissions.require(permissions.can_view_history(request.user, response))
    form = AsOfForm(request.GET or None)
    if not form.is_valid() or not asof.existed(response, asof.end_of_day(form.cleaned_data["date"])):
        # No (valid) date, or the response did not exist yet: the page says why, next to the field.
        query = request.GET.urlencode()
        return redirect(reverse("publishing:as_of", kwargs={"slug": slug}) + (f"?{query}" if query else ""))
    day = form.cleaned_data["date"]
    etag = tasks.as_of_etag(response, day)
    return pdf.serve(
        request,
        etag=etag,
        enqueue=lambda: tasks.render_as_of_task.enqueue(response.pk, day.isoformat(), etag),
        filename=f"{response.slug}-stand-{day.isoformat()}.pdf",
        prepared={
            "response": response,
            "back_url": reverse("publishing:as_of", kwargs={"slug": slug}) + f"?date={day.isoformat()}",
            "back_label": _("Terug naar de stand op die datum"),
        },
    )
