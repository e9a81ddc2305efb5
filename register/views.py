"""The public register: published responses as their latest published versions froze them,
searchable and filterable, with an Atom feed and the open data. Open to anyone, logged in or not:
it shows only what is published (register/entries.py says which responses are in it)."""

from dataclasses import dataclass

from django.core.paginator import Paginator
from django.http import Http404, HttpResponse, StreamingHttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_safe
from django.views.decorators.vary import vary_on_headers

from recommendations.models import Implementation, Recommendation

from . import entries, opendata
from .columns import agreement_code, implementation_code

PER_PAGE = 20
MAX_QUERY = 200  # characters of a search; the rest is ignored
# What the list reads of an entry: not its search text and not its open-data rows.
LIST_FIELDS = ["pk", "slug", "number", "title", "organisation", "evaluation_title", "published_on", "summary"]


def agreement_choices():
    """Agreement levels, undecided last (as the dashboard counts them)."""
    choices = [(agreement_code(code), label) for code, label in Recommendation.Agreement.choices]
    return choices[1:] + choices[:1]


def implementation_choices():
    return [(implementation_code(code), label) for code, label in Implementation.choices]


@dataclass
class Filters:
    q: str = ""
    organisation: str = ""
    year: int | None = None
    agreement: str = ""
    implementation: str = ""

    @classmethod
    def from_query(cls, query):
        year = query.get("year", "")
        agreement = query.get("agreement", "")
        implementation = query.get("implementation", "")
        return cls(
            q=" ".join(query.get("q", "")[:MAX_QUERY].split()),
            organisation=query.get("organisation", "").strip(),
            year=int(year) if year.isdigit() and len(year) == 4 else None,
            agreement=agreement if agreement in dict(agreement_choices()) else "",
            implementation=implementation if implementation in dict(implementation_choices()) else "",
        )

    @property
    def active(self):
        return bool(self.q or self.organisation or self.year or self.agreement or self.implementation)

    def apply(self, queryset):
        for word in self.q.casefold().split():
            queryset = queryset.filter(search_text__contains=word)
        if self.organisation:
            queryset = queryset.filter(organisation=self.organisation)
        if self.year:
            queryset = queryset.filter(year=self.year)
        if self.agreement:
            queryset = queryset.filter(agreement_codes__contains=f" {self.agreement} ")
        if self.implementation:
            queryset = queryset.filter(implementation_codes__contains=f" {self.implementation} ")
        return queryset


def _counts(summary, key, choices):
    """[(code, label, n)] of a summary's counts, in the choices' order, without zeros."""
    counts = summary.get(key, {})
    return [(code, label, counts[code]) for code, label in choices if counts.get(code)]


@require_safe
@vary_on_headers("HX-Request")
def index(request):
    """The register page; htmx gets the results fragment (one URL for both).

    Queries (the same at any number of responses): the missing entries (1; a few more when new
    versions are built, at most ``entries.PER_REQUEST`` of them), the count and the page (2), the
    organisations and the years of the filters (2).
    """
    pending = entries.ensure_entries(entries.latest_published_versions())
    filters = Filters.from_query(request.GET)
    register = entries.current_entries()
    # The response's language (a join, no query of its own) marks the entry's words with ``lang``.
    matches = (
        filters.apply(register)
        .order_by("-published_at", "title", "pk")
        .select_related("response")
        .only(*LIST_FIELDS, "response__language")
    )
    page = Paginator(matches, PER_PAGE).get_page(request.GET.get("page"))
    agreements, implementations = agreement_choices(), implementation_choices()
    for entry in page.object_list:
        total = sum(entry.summary.get("agreement", {}).values())
        entry.recommendation_count = total
        entry.agreement_rows = _counts(entry.summary, "agreement", agreements)
        entry.implementation_rows = _counts(entry.summary, "implementation", implementations)
    context = {
        "page": page,
        "filters": filters,
        "pending": pending,
        "organisations": list(register.order_by("organisation").values_list("organisation", flat=True).distinct()),
        "years": list(register.order_by("-year").values_list("year", flat=True).distinct()),
        "agreement_choices": agreements,
        "implementation_choices": implementations,
        "files": opendata.FILES,
    }
    template = "register/index.html"
    if request.htmx and not request.htmx.history_restore_request:
        template += "#results"
    return render(request, template, context)


CONTENT_TYPES = {".json": "application/json", ".csv": "text/csv; charset=utf-8", ".zip": "application/zip"}
ZIP_NAME = "open-data.zip"


def _download(name, chunks, *, attachment):
    suffix = name[name.rfind(".") :]
    http = StreamingHttpResponse(chunks, content_type=CONTENT_TYPES[suffix])
    http["Content-Disposition"] = f'{"attachment" if attachment else "inline"}; filename="{name}"'
    http["Access-Control-Allow-Origin"] = "*"  # open data: other sites' scripts may read it
    return http


def _data(request, name, slug=None):
    if name not in (*opendata.FILES, ZIP_NAME):
        raise Http404
    pending = entries.ensure_entries(entries.latest_published_versions())
    if pending:
        # The package would lack responses: say so, and when to come back.
        http = HttpResponse(
            "Het register wordt bijgewerkt; probeer het over een minuut opnieuw.\n",
            status=503,
            content_type="text/plain; charset=utf-8",
        )
        http["Retry-After"] = "60"
        return http
    register = entries.current_entries()
    if slug is not None:
        register = register.filter(slug=slug)
        if not register.exists():
            raise Http404  # a draft, a withdrawn response, or one without a published version
    site = request.build_absolute_uri("/").rstrip("/")
    if name == ZIP_NAME:
        chunks = opendata.zip_chunks(register, site=site, slug=slug)
        return _download(f"{opendata.package_name(slug)}.zip", chunks, attachment=True)
    chunks = opendata.file_chunks(register, name, site=site, slug=slug)
    return _download(name, chunks, attachment=name.endswith(".csv"))


@require_safe
def data(request, name):
    """A file of the open-data package of the whole register (a stable URL), or all of it as a zip.

    Streamed (register/opendata.py). Queries: the missing entries (1), then one per file written
    (a few more on PostgreSQL for every ``opendata.CHUNK`` entries), at any number of responses.
    """
    return _data(request, name)


@require_safe
def response_data(request, slug, name):
    """The same for one response in the register (404 for any other: drafts, withdrawn, unknown)."""
    return _data(request, name, slug)
