"""Every page of the site, with real objects: the table the all-pages tests walk.

``PAGES`` maps each URL name to the URL kwargs of a real object in the world ``build_site`` makes
(and, optionally, a query string). ``NOT_PAGES`` lists the URL names that are not pages (files,
POST-only endpoints, redirects), each with the reason. ``missing_pages()`` walks the URL resolver:
a URL pattern in neither table is reported, so a new URL fails the tests until it has a case here.

Adding a page: one line in ``PAGES``, ``"app:name": page(lambda s: {"pk": s.thing.pk})``, with the
object made in ``build_site`` if it is new.
"""

from dataclasses import dataclass
from datetime import date
from pathlib import Path
from types import SimpleNamespace

from django.conf import settings
from django.urls import URLPattern, URLResolver, get_resolver, reverse

ROLES = ["anonymous", "reader", "project_team", "evaluation_staff", "administrator"]
LAYOUTS = ["table", "matrix"]
DATA = Path(__file__).parent / "data"


@dataclass(frozen=True)
class Page:
    kwargs: object  # side -> URL kwargs
    query: str = ""


def page(kwargs=lambda s: {}, query=""):
    return Page(kwargs, query)


def slug(s):
    return {"slug": s.response.slug}


PAGES = {
    "tracking:home": page(),
    "tracking:portfolio": page(),
    "document:detail": page(slug),
    "interchange:new": page(),
    "interchange:upload_progress": page(lambda s: {"pk": s.pending_import.pk}),
    "reading:progress": page(lambda s: {"pk": s.waiting_reading.pk}),
    "reading:review": page(lambda s: {"pk": s.read_reading.pk}),
    "responses:edit": page(slug),
    "responses:delete": page(slug),
    "responses:withdraw": page(slug),
    "responses:verify": page(),
    "responses:activity": page(slug),
    "responses:people": page(slug),
    "publishing:publish": page(slug),
    "publishing:compare": page(slug),
    "publishing:as_of": page(slug, "?date=2025-06-30"),
    "publishing:publication": page(lambda s: {"slug": s.response.slug, "pk": s.publication.pk}),
    "tracking:followup": page(slug),
    "tracking:rounds": page(slug),
    "tracking:round": page(lambda s: {"pk": s.review_round.pk}),
    "recommendations:detail": page(lambda s: {"pk": s.rec.pk}),
    "recommendations:agreement": page(lambda s: {"pk": s.rec.pk}),
    "recommendations:manage": page(slug),
    "recommendations:loose_add": page(slug),
    "recommendations:group_add": page(slug),
    "recommendations:group_edit": page(lambda s: {"pk": s.group.pk}),
    "recommendations:group_delete": page(lambda s: {"pk": s.group.pk}),
    "recommendations:theme_add": page(lambda s: {"pk": s.group.pk}),
    "recommendations:theme_edit": page(lambda s: {"pk": s.theme.pk}),
    "recommendations:theme_delete": page(lambda s: {"pk": s.theme.pk}),
    "recommendations:recommendation_add": page(lambda s: {"pk": s.theme.pk}),
    "recommendations:recommendation_edit": page(lambda s: {"pk": s.rec.pk}),
    "recommendations:recommendation_delete": page(lambda s: {"pk": s.rec.pk}),
    "actions:detail": page(lambda s: {"pk": s.action.pk}),
    "actions:status": page(lambda s: {"pk": s.action.pk}),
    "actions:manage": page(slug),
    "actions:add": page(slug),
    "actions:add_part": page(lambda s: {"pk": s.action.pk}),
    "actions:edit": page(lambda s: {"pk": s.action.pk}),
    "actions:delete": page(lambda s: {"pk": s.action.pk}),
    "actions:link_add": page(lambda s: {"pk": s.action.pk}),
    "actions:recommendation_link_add": page(lambda s: {"rec_pk": s.rec.pk}),
    "actions:link_edit": page(lambda s: {"pk": s.link.pk}),
    "evidence:add": page(lambda s: {"pk": s.action.pk}),
    "evidence:decide": page(lambda s: {"pk": s.claimed.pk}),
    "responses:chapters": page(slug),
    "responses:chapter": page(lambda s: {"slug": s.response.slug, "pk": s.chapter.pk}),
    "office:recommendations_import": page(slug),
    "register:index": page(),
    "login": page(),
    "password_change": page(),
    "password_change_done": page(),
    "password_reset": page(),
    "password_reset_done": page(),
    "password_reset_confirm": page(lambda s: {"uidb64": "MQ", "token": "set-password"}),
    "password_reset_complete": page(),
}

NOT_PAGES = {
    "document:pdf": "a PDF",
    "responses:version_pdf": "a PDF",
    "publishing:compare_pdf": "a PDF",
    "publishing:as_of_pdf": "a PDF",
    "tracking:round_report": "a PDF",
    "tracking:portfolio_pdf": "a PDF",
    "interchange:export": "a YAML download",
    "evidence:file": "a download (an evidence file, as an attachment)",
    "office:table_xlsx": "an XLSX download",
    "office:table_csv": "a CSV download",
    "office:docx": "a Word download",
    "office:recommendations_xlsx": "an XLSX download",
    "office:template": "an XLSX download",
    "office:dashboard_xlsx": "an XLSX download",
    "office:dashboard_csv": "a CSV download",
    "register:feed": "an Atom feed",
    "register:data": "an open-data download (JSON, CSV, zip)",
    "register:response_data": "an open-data download (JSON, CSV, zip)",
    "responses:version_export": "a YAML download",
    "responses:favicon": "a redirect to a static file",
    "responses:preview": "POST only (the live preview's fragment)",
    "interchange:upload": "POST only (the upload form is on interchange:new)",
    "interchange:upload_confirm": "POST only",
    "interchange:copy": "POST only (the copy form is on interchange:new)",
    "reading:upload": "POST only (the document form is on interchange:new)",
    "reading:original": "a download (the document a response was read from, as an attachment)",
    "responses:member": "POST only (the people page's row forms)",
    "tracking:round_close": "POST only",
    "recommendations:group_move": "POST only",
    "recommendations:theme_move": "POST only",
    "recommendations:recommendation_move": "POST only",
    "actions:move": "POST only",
    "actions:link_delete": "POST only",
    "evidence:remove": "POST only (the panel's remove buttons)",
    "office:recommendations_import_confirm": "POST only (the preview's confirm button)",
    "responses:chapter_delete": "POST only (the chapter page's delete button)",
    "responses:chapter_move": "POST only (the chapters page's move buttons)",
    "actions:progress": "an htmx panel; a plain GET redirects to the action's page",
    "actions:links": "an htmx panel; a plain GET redirects to the action's page",
    "actions:recommendation_links": "an htmx panel; a plain GET redirects to the recommendation's page",
    "logout": "POST only",
    "set_language": "POST only",
}


def url_names(patterns=None, namespace=""):
    """Every named URL pattern of the project, as "namespace:name"."""
    patterns = get_resolver().url_patterns if patterns is None else patterns
    names = []
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            inner = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
            names += url_names(pattern.url_patterns, inner)
        elif isinstance(pattern, URLPattern):
            names.append(f"{namespace}{pattern.name}" if pattern.name else f"{namespace}<unnamed {pattern.pattern}>")
    return names


def missing_pages():
    """URL names (outside Django's admin) that are neither in PAGES nor in NOT_PAGES."""
    ours = {name for name in url_names() if not name.startswith("admin:")}
    return sorted(ours - set(PAGES) - set(NOT_PAGES))


def stale_pages():
    ours = set(url_names())
    return sorted((set(PAGES) | set(NOT_PAGES)) - ours)


def url(name, side):
    case = PAGES[name]
    return reverse(name, kwargs=case.kwargs(side)) + case.query


# --- The world -------------------------------------------------------------------------------------


def build_site(django_user_model, layout):
    """Two published responses with everything a page can show, both in ``layout``:
    the seed (Dutch) and a UNEG-style response (English); one user per role, a member of both.
    Each has a chapter, evidence (a file and a link) on an action, a status awaiting validation and
    a published version (so the register lists it)."""
    from actions.models import Action, ActionLink, ProgressUpdate
    from evidence import services as evidence
    from interchange.exporter import export_response
    from interchange.importer import import_file
    from interchange.models import PendingImport
    from publishing.models import Publication
    from recommendations.models import Recommendation
    from responses.models import Chapter, ManagementResponse, Membership, ResponseVersion
    from tests.evidence_files import PDF, upload
    from tests.fixtures import grant, make_user
    from tracking.models import ReviewRound

    users = {"anonymous": None}
    users["administrator"] = make_user(django_user_model, "ada", is_superuser=True, is_staff=True)
    # Names that are no word of either language (the language test reads them on every page).
    for role, name in zip(ROLES[1:-1], ["lea", "pjotr", "evi"], strict=True):
        users[role] = make_user(django_user_model, name)
    sides = {}
    for path in [Path(settings.BASE_DIR) / "responses" / "seed" / "leerecosystemen.yaml", DATA / "uneg-matrix.yaml"]:
        response = import_file(path)
        ManagementResponse.objects.filter(pk=response.pk).update(
            layout=layout, status="published", validation_policy="closing"
        )
        response.refresh_from_db()
        for role in ROLES[1:-1]:
            grant(users[role], response, role)
        rec = Recommendation.objects.for_response(response).order_by("pk").first()
        theme = rec.theme
        if theme is None:  # a matrix of recommendations without groups: a group and a theme to edit
            from tests.factories import ThemeFactory

            theme = ThemeFactory(group__response=response, group__title="Programme", heading="RESULTS")
        action = Action.objects.filter(response=response, parent=None, links__isnull=False).order_by("order").first()
        words = {
            "nl": {"progress": "Voortgang.", "report": "Verslag", "site": "Website", "chapter": "Inleiding"},
            "en": {"progress": "Progress.", "report": "Report", "site": "Website", "chapter": "Introduction"},
        }[response.language]
        update = ProgressUpdate.objects.create(
            action=action, status=action.status, note=words["progress"], date=date(2025, 5, 1)
        )
        team = users["project_team"]
        evidence.add_file(
            action=action,
            user=team,
            title=words["report"],
            date=date(2025, 5, 1),
            upload=upload("verslag.pdf", PDF),
            progress_update=update,
        )
        evidence.add_link(
            action=action, user=team, title=words["site"], date=date(2025, 5, 2), url="https://example.org/report"
        )
        # A claim awaiting validation (the response asks for it on closing statuses): another action.
        others = Action.objects.filter(response=response, parent=None).exclude(pk=action.pk)
        claimed = others.exclude(status="realised").order_by("order").first()
        claimed.status = "realised"
        claimed.save()
        chapter = Chapter.objects.create(
            response=response, heading=words["chapter"], body=words["progress"], placement="before"
        )
        review_round = ReviewRound.objects.create(response=response, name="2025 H2", date="2025-12-15")
        ResponseVersion.objects.create(
            response=response, number=1, note="1", snapshot=export_response(response), pdf=b"%PDF-1.7", sha256="0" * 64
        )
        sides[response.language] = SimpleNamespace(
            response=response,
            rec=rec,
            theme=theme,
            group=theme.group,
            action=action,
            claimed=claimed,
            chapter=chapter,
            link=ActionLink.objects.filter(action=action).first(),
            membership=Membership.objects.filter(response=response).first(),
            review_round=review_round,
            pending_import=None,
            publication=Publication.objects.create(response=response, note="2", requested_by=users["administrator"]),
        )
    pending = PendingImport.objects.create(
        file_name="groot.yaml", text="x", sha256="0" * 64, size=1, created_by=users["administrator"]
    )
    waiting_reading, read_reading = reading_pages(users["administrator"], sides["nl"].response)
    for side in sides.values():
        side.pending_import = pending
        side.waiting_reading, side.read_reading = waiting_reading, read_reading
    return SimpleNamespace(users=users, nl=sides["nl"], en=sides["en"])


def reading_pages(user, response):
    """The reading app's pages: a document of the administrator's waiting to be read, and one read
    (what a reader finds in the seed; tests/reading_found.py), whose original hangs on ``response``
    (its document page then shows the original's panel)."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    from evidence import filetypes
    from reading import services
    from reading.models import Original, Reading
    from tests.fixtures import SEED
    from tests.reading_found import found_from_interchange

    def start(name):
        upload = SimpleUploadedFile(name, b"%PDF-1.7\n%%EOF\n")
        return services.start_reading(upload=upload, file_type=filetypes.PDF, layout="auto", user=user)

    waiting, read = start("mr-2024-07.pdf"), start("leerecosystemen.pdf")
    found = found_from_interchange(SEED, unread=[("recommendations[18]", "agreement")])
    Reading.objects.filter(pk=read.pk).update(state="read", found=services.found_as_json(found))
    Original.objects.filter(pk=read.original_id).update(response=response)
    return waiting, read
