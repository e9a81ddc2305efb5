"""The permission matrix: every URL pattern x every role x GET and POST -> the expected status.

The test walks the URL resolver: a URL pattern without an entry in ``CASES`` fails
``test_every_url_pattern_has_an_expectation`` (add one when you add a URL). The admin is
sampled: its index and, for each of our models, the changelist, add, change and delete pages.

Roles: anonymous; reader, project team, evaluation staff of the response under test;
an administrator; and reader, project team, evaluation staff of ANOTHER response only
(administrators are administrators everywhere). Each runs against a draft and a published
response. A refused write (403/404, or a redirect to a login) must leave the database as it was.
"""

from dataclasses import dataclass, field
from types import SimpleNamespace

import pytest
from django.contrib.auth import get_user_model
from django.db import transaction
from django.urls import URLPattern, URLResolver, get_resolver, resolve, reverse

from actions.models import Action, ActionLink, ProgressUpdate
from evidence import services as evidence_services
from evidence.models import Evidence, ValidationDecision
from interchange.exporter import export_response
from interchange.models import PendingImport
from publishing.models import Publication
from reading.models import Original, Reading
from recommendations.models import Recommendation, RecommendationGroup, Theme
from responses.models import Chapter, ManagementResponse, Membership, ResponseVersion, Withdrawal
from tests.factories import (
    ActionFactory,
    ActionLinkFactory,
    ManagementResponseFactory,
    ProgressUpdateFactory,
    RecommendationFactory,
)
from tests.fixtures import grant, make_user
from tracking.models import ReviewRound

ANONYMOUS = "anonymous"
READER, PROJECT, EVALUATION, ADMIN = "reader", "project_team", "evaluation_staff", "administrator"
ELSEWHERE = "@other"
ROLES = [
    ANONYMOUS,
    READER,
    PROJECT,
    EVALUATION,
    ADMIN,
    READER + ELSEWHERE,
    PROJECT + ELSEWHERE,
    EVALUATION + ELSEWHERE,
]
MEMBERS = {READER, PROJECT, EVALUATION}
ANY_MEMBER = frozenset(MEMBERS | {ADMIN})
EVAL = frozenset({EVALUATION, ADMIN})
TEAM = frozenset({PROJECT, ADMIN})
LINKERS = frozenset({EVALUATION, PROJECT, ADMIN})
LOGGED_IN = frozenset(set(ROLES) - {ANONYMOUS})

# What a permitted POST may answer: saved (302, or 200 with the fragment), a form with errors (422),
# a stale version (409) or a bad request (400). Never 403/404/405/5xx.
WRITE_OK = {200, 302, 400, 409, 422}

MODELS = [
    ManagementResponse,
    RecommendationGroup,
    Theme,
    Recommendation,
    Action,
    ActionLink,
    ProgressUpdate,
    Membership,
    ReviewRound,
    ResponseVersion,
    Withdrawal,
    Chapter,
    Evidence,
    ValidationDecision,
    Original,
    Reading,
]


def sees(role, published):
    return published or role in ANY_MEMBER


def refused(role, published):
    """Logged in, not allowed: 404 when the response is a draft the user may not see, else 403."""
    return 403 if sees(role, published) else 404


# --- Rules: (role, published) -> expected GET and POST status ---------------------------------


def page(role, published):
    """A page anyone who sees the response may read; not for POST."""
    return (200 if sees(role, published) else 404), 405


def pdf_page(role, published):
    """The PDF: being prepared (202) until the background render is done; none runs in this test."""
    return (202 if sees(role, published) else 404), 405


def panel(role, published):
    """An htmx fragment; a plain GET is sent to the page it belongs to."""
    return (302 if sees(role, published) else 404), 405


def public(role, published):
    return 200, 405


def editor(allowed, *, get_ok=200):
    def rule(role, published):
        if role == ANONYMOUS:
            return 302, 302
        if role in allowed:
            return get_ok, WRITE_OK
        code = refused(role, published)
        return code, code

    return rule


def reader_login(allowed, *, get_ok=200):
    """A page behind a login, GET only (manage pages, activity)."""

    def rule(role, published):
        if role == ANONYMOUS:
            return 302, 405
        if role in allowed:
            return get_ok, 405
        return refused(role, published), 405

    return rule


def read_members_write(allowed):
    """A page every member reads (behind a login) with a form only ``allowed`` may POST."""

    def rule(role, published):
        if role == ANONYMOUS:
            return 302, 302
        get = 200 if role in ANY_MEMBER else refused(role, published)
        return get, (WRITE_OK if role in allowed else refused(role, published))

    return rule


def post_only(allowed):
    def rule(role, published):
        if role == ANONYMOUS:
            return 405, 302
        if role in allowed:
            return 405, WRITE_OK
        return 405, refused(role, published)

    return rule


def creator(*, get_ok=200):
    """Starting a response: administrators and the office's evaluation staff (the global group,
    which no one in this world has); a member's role on some response does not give it."""

    def rule(role, published):
        if role == ANONYMOUS:
            return (302 if get_ok != 405 else 405), 302
        if role == ADMIN:
            return get_ok, WRITE_OK
        return (403 if get_ok != 405 else 405), 403

    return rule


def uploader_only(role, published):
    """A background import's progress page: its uploader (here the administrator) and administrators
    see it (202 while it waits); to anyone else it does not exist (404, never 403). GET only."""
    if role == ANONYMOUS:
        return 302, 405
    return (202 if role == ADMIN else 404), 405


def reading_review(role, published):
    """A read document's review (the reading of ADA, the administrator): its uploader and administrators
    see it and accept it (an accept without the page's version is stale: 409); anyone else 404."""
    if role == ANONYMOUS:
        return 302, 302
    if role == ADMIN:
        return 200, WRITE_OK
    return 404, 404


def admin_only(role, published):
    if role == ANONYMOUS:
        return 302, 302
    if role == ADMIN:
        return 200, WRITE_OK
    code = refused(role, published)
    return code, code


def redirect_to_static(role, published):
    return 301, 405


def login_page(role, published):
    return 200, 200  # a wrong password: the form again


def logout(role, published):
    return 405, 302


def login_only(get_code=200, post_code=200):
    def rule(role, published):
        return (302, 302) if role == ANONYMOUS else (get_code, post_code)

    return rule


def set_language(role, published):
    return 302, 302


@dataclass
class Case:
    kwargs: object  # world -> URL kwargs
    rule: object
    data: object = field(default=lambda w: {})  # world -> POST data that would change something


def version(obj):
    obj.refresh_from_db()
    return obj.version


# URL patterns whose view renders a PDF within the request: none (every PDF is the task worker's).
RENDERS_A_PDF: set[str] = set()

CASES = {
    # responses
    "tracking:home": Case(lambda w: {}, public),
    "document:detail": Case(lambda w: {"slug": w.response.slug}, page),
    "interchange:export": Case(lambda w: {"slug": w.response.slug}, page),
    "document:pdf": Case(lambda w: {"slug": w.response.slug}, pdf_page),
    "responses:preview": Case(lambda w: {"slug": w.response.slug}, post_only(LINKERS), lambda w: {"text": "*x*"}),
    "responses:favicon": Case(lambda w: {}, redirect_to_static),
    "interchange:new": Case(
        lambda w: {}, creator(), lambda w: {"new-title": "Nieuw", "new-organisation": "X", "new-evaluation_title": "Y"}
    ),
    "interchange:upload": Case(lambda w: {}, creator(get_ok=405)),
    "interchange:upload_confirm": Case(lambda w: {}, creator(get_ok=405), lambda w: {"token": "x"}),
    # A background import of ADA's (the administrator): its uploader and administrators follow it; anyone else 404.
    "interchange:upload_progress": Case(lambda w: {"pk": w.pending_import.pk}, uploader_only),
    "interchange:copy": Case(
        lambda w: {}, creator(get_ok=405), lambda w: {"copy-source": w.response.pk, "copy-title": "Kopie"}
    ),
    # From a document (the reading app): the upload as the other ways; a reading is its uploader's
    # (here the administrator's) and the administrators'; the original as the response's pages.
    "reading:upload": Case(lambda w: {}, creator(get_ok=405)),
    "reading:progress": Case(lambda w: {"pk": w.waiting_reading.pk}, uploader_only),
    "reading:review": Case(lambda w: {"pk": w.read_reading.pk}, reading_review, lambda w: {"version": "0"}),
    "reading:original": Case(lambda w: {"slug": w.response.slug, "pk": w.original.pk}, page),
    "responses:delete": Case(
        lambda w: {"slug": w.response.slug}, admin_only, lambda w: {"recommendations": 0, "actions": 0}
    ),
    "responses:edit": Case(
        lambda w: {"slug": w.response.slug},
        editor(EVAL),
        lambda w: {
            "title": "Overgenomen",
            "organisation": "X",
            "evaluation_title": "Y",
            "language": "nl",
            "status": w.response.status,
            "version": version(w.response),
        },
    ),
    "responses:chapters": Case(
        lambda w: {"slug": w.response.slug},
        editor(EVAL),
        lambda w: {"placement": "after", "heading": "Draft decision", "body": "The Board takes note."},
    ),
    "responses:chapter": Case(
        lambda w: {"slug": w.response.slug, "pk": w.chapter.pk},
        editor(EVAL),
        lambda w: {"placement": "before", "heading": "Overview", "body": "1. One.", "version": version(w.chapter)},
    ),
    "responses:chapter_delete": Case(
        lambda w: {"slug": w.response.slug, "pk": w.chapter.pk},
        post_only(EVAL),
        lambda w: {"version": version(w.chapter)},
    ),
    "responses:chapter_move": Case(
        lambda w: {"slug": w.response.slug, "pk": w.chapter.pk}, post_only(EVAL), lambda w: {"direction": "down"}
    ),
    # Evaluation staff and administrators; a draft cannot be withdrawn (409).
    "responses:withdraw": Case(lambda w: {"slug": w.response.slug}, editor(EVAL), lambda w: {"reason": "Herroepen."}),
    "publishing:publish": Case(lambda w: {"slug": w.response.slug}, editor(EVAL), lambda w: {"note": "Versie"}),
    "responses:version_pdf": Case(lambda w: {"slug": w.response.slug, "number": w.version.number}, page),
    "responses:version_export": Case(lambda w: {"slug": w.response.slug, "number": w.version.number}, page),
    "publishing:compare": Case(lambda w: {"slug": w.response.slug}, page),
    "publishing:compare_pdf": Case(lambda w: {"slug": w.response.slug}, pdf_page),
    # A publication on its way (the task worker makes the version): those who may publish follow it.
    "publishing:publication": Case(
        lambda w: {"slug": w.response.slug, "pk": w.publication.pk}, reader_login(EVAL, get_ok=202)
    ),
    "publishing:as_of": Case(lambda w: {"slug": w.response.slug}, reader_login(ANY_MEMBER)),
    # Without a date the PDF sends members to the page, which asks for one.
    "publishing:as_of_pdf": Case(
        lambda w: {"slug": w.response.slug},
        lambda role, published: (302, 405) if role in ANY_MEMBER else reader_login(ANY_MEMBER)(role, published),
    ),
    "responses:verify": Case(lambda w: {}, lambda role, published: (200, 422)),
    # The public register: open to anyone, GET only; a response's own data only while it is published.
    "register:index": Case(lambda w: {}, public),
    "register:feed": Case(lambda w: {}, public),
    "register:data": Case(lambda w: {"name": "register.json"}, public),
    "register:response_data": Case(
        lambda w: {"slug": w.response.slug, "name": "register.json"},
        lambda role, published: (200 if published else 404, 405),
    ),
    "responses:activity": Case(lambda w: {"slug": w.response.slug}, reader_login(ANY_MEMBER)),
    "tracking:followup": Case(lambda w: {"slug": w.response.slug}, reader_login(ANY_MEMBER)),
    # tracking (review rounds)
    "tracking:rounds": Case(
        lambda w: {"slug": w.response.slug},
        read_members_write(EVAL),
        lambda w: {"name": "2026 H1", "date": "2026-06-30", "participants": "Jan"},
    ),
    "tracking:round": Case(
        lambda w: {"pk": w.review_round.pk},
        read_members_write(TEAM),
        lambda w: {
            f"status-{w.action.pk}": "realised",
            f"note-{w.action.pk}": "Klaar.",
            f"version-{w.action.pk}": version(w.action),
        },
    ),
    "tracking:round_close": Case(lambda w: {"pk": w.review_round.pk}, post_only(EVAL)),
    # Being prepared (202) until the task worker renders it; none runs in this test.
    "tracking:round_report": Case(lambda w: {"pk": w.review_round.pk}, reader_login(ANY_MEMBER, get_ok=202)),
    "tracking:portfolio": Case(lambda w: {}, reader_login(LOGGED_IN)),
    # Being prepared (202) until the task worker renders it; none runs in this test.
    "tracking:portfolio_pdf": Case(lambda w: {}, reader_login(LOGGED_IN, get_ok=202)),
    # office formats: downloads as the pages; the dashboard's table behind a login; the import for evaluation staff
    "office:table_xlsx": Case(lambda w: {"slug": w.response.slug}, page),
    "office:table_csv": Case(lambda w: {"slug": w.response.slug}, page),
    "office:docx": Case(lambda w: {"slug": w.response.slug}, page),
    "office:recommendations_xlsx": Case(lambda w: {"slug": w.response.slug}, page),
    "office:template": Case(lambda w: {}, public),
    "office:dashboard_xlsx": Case(lambda w: {}, reader_login(LOGGED_IN)),
    "office:dashboard_csv": Case(lambda w: {}, reader_login(LOGGED_IN)),
    "office:recommendations_import": Case(lambda w: {"slug": w.response.slug}, editor(EVAL)),
    "office:recommendations_import_confirm": Case(
        lambda w: {"slug": w.response.slug}, post_only(EVAL), lambda w: {"token": "x"}
    ),
    "responses:people": Case(
        lambda w: {"slug": w.response.slug}, editor(EVAL), lambda w: {"username": "mallory", "role": "evaluation_staff"}
    ),
    "responses:member": Case(
        lambda w: {"slug": w.response.slug, "pk": w.membership.pk},
        post_only(EVAL),
        lambda w: {"role": "evaluation_staff"},
    ),
    # recommendations
    "recommendations:detail": Case(lambda w: {"pk": w.rec.pk}, page),
    "recommendations:agreement": Case(
        lambda w: {"pk": w.rec.pk},
        editor(EVAL),
        lambda w: {"agreement": "disagree", "justification": "Nee.", "version": version(w.rec)},
    ),
    "recommendations:manage": Case(lambda w: {"slug": w.response.slug}, reader_login(EVAL)),
    "recommendations:loose_add": Case(
        lambda w: {"slug": w.response.slug}, editor(EVAL), lambda w: {"number": "9", "text": "Zonder groep"}
    ),
    "recommendations:group_add": Case(lambda w: {"slug": w.response.slug}, editor(EVAL), lambda w: {"title": "Nieuw"}),
    "recommendations:group_edit": Case(
        lambda w: {"pk": w.group.pk}, editor(EVAL), lambda w: {"title": "Anders", "version": version(w.group)}
    ),
    "recommendations:group_move": Case(lambda w: {"pk": w.group.pk}, post_only(EVAL), lambda w: {"direction": "down"}),
    "recommendations:group_delete": Case(
        lambda w: {"pk": w.group.pk}, editor(EVAL), lambda w: {"version": version(w.group)}
    ),
    "recommendations:theme_add": Case(
        lambda w: {"pk": w.group.pk}, editor(EVAL), lambda w: {"section": "9.9", "heading": "NIEUW"}
    ),
    "recommendations:theme_edit": Case(
        lambda w: {"pk": w.theme.pk},
        editor(EVAL),
        lambda w: {"section": "1", "heading": "ANDERS", "version": version(w.theme)},
    ),
    "recommendations:theme_move": Case(lambda w: {"pk": w.theme.pk}, post_only(EVAL), lambda w: {"direction": "down"}),
    "recommendations:theme_delete": Case(
        lambda w: {"pk": w.theme.pk}, editor(EVAL), lambda w: {"version": version(w.theme)}
    ),
    "recommendations:recommendation_add": Case(
        lambda w: {"pk": w.theme.pk},
        editor(EVAL),
        lambda w: {"location": "p. 1", "text": "Nieuw", "agreement": "agree"},
    ),
    "recommendations:recommendation_edit": Case(
        lambda w: {"pk": w.rec.pk},
        editor(EVAL),
        lambda w: {"location": "p. 2", "text": "Anders", "agreement": "agree", "version": version(w.rec)},
    ),
    "recommendations:recommendation_move": Case(
        lambda w: {"pk": w.rec.pk}, post_only(EVAL), lambda w: {"direction": "down"}
    ),
    "recommendations:recommendation_delete": Case(
        lambda w: {"pk": w.rec.pk}, editor(EVAL), lambda w: {"version": version(w.rec)}
    ),
    # actions
    "actions:detail": Case(lambda w: {"pk": w.action.pk}, page),
    "actions:progress": Case(lambda w: {"pk": w.action.pk}, panel),
    "actions:links": Case(lambda w: {"pk": w.action.pk}, panel),
    "actions:recommendation_links": Case(lambda w: {"rec_pk": w.rec.pk}, panel),
    "actions:status": Case(
        lambda w: {"pk": w.action.pk},
        editor(TEAM),
        lambda w: {"status": "realised", "note": "Klaar.", "version": version(w.action)},
    ),
    "actions:manage": Case(lambda w: {"slug": w.response.slug}, reader_login(TEAM)),
    "actions:add": Case(
        lambda w: {"slug": w.response.slug},
        editor(TEAM),
        lambda w: {"number": "9", "title": "Nieuw", "status": "to_start"},
    ),
    "actions:add_part": Case(
        lambda w: {"pk": w.action.pk}, editor(TEAM), lambda w: {"number": "1.9", "title": "Nieuw deel"}
    ),
    "actions:edit": Case(
        lambda w: {"pk": w.action.pk},
        editor(TEAM),
        lambda w: {"number": w.action.number, "title": "Anders", "status": "to_start", "version": version(w.action)},
    ),
    "actions:move": Case(lambda w: {"pk": w.action.pk}, post_only(TEAM), lambda w: {"direction": "down"}),
    "actions:delete": Case(lambda w: {"pk": w.action.pk}, editor(TEAM), lambda w: {"version": version(w.action)}),
    "actions:link_add": Case(lambda w: {"pk": w.action.pk}, editor(LINKERS), lambda w: {"recommendation": w.rec2.pk}),
    "actions:recommendation_link_add": Case(
        lambda w: {"rec_pk": w.rec2.pk}, editor(LINKERS), lambda w: {"action": w.action.pk}
    ),
    "actions:link_edit": Case(lambda w: {"pk": w.link.pk}, editor(LINKERS), lambda w: {"qualifier": "spoor 9"}),
    "actions:link_delete": Case(lambda w: {"pk": w.link.pk}, post_only(LINKERS)),
    # evidence and validation: the file under its response's address (the page rule: readers of the
    # response; 404 for a draft to the others), adding and removing (project team), deciding (staff:
    # the action awaits nothing here, so a permitted POST answers 409)
    "evidence:file": Case(lambda w: {"slug": w.response.slug, "pk": w.evidence.pk}, page),
    "evidence:add": Case(
        lambda w: {"pk": w.action.pk},
        editor(TEAM),
        lambda w: {"title": "Verslag", "date": "2025-06-30", "url": "https://example.org/verslag"},
    ),
    "evidence:remove": Case(
        lambda w: {"pk": w.evidence.pk}, post_only(TEAM), lambda w: {"version": version(w.evidence)}
    ),
    "evidence:decide": Case(
        lambda w: {"pk": w.action.pk},
        editor(EVAL),
        lambda w: {"decision": "validate", "comment": "", "version": version(w.action)},
    ),
    # accounts (django.contrib.auth.urls) and the language switch
    "login": Case(lambda w: {}, login_page, lambda w: {"username": "nobody", "password": "wrong"}),
    "logout": Case(lambda w: {}, logout),
    "password_change": Case(lambda w: {}, login_only(), lambda w: {"old_password": "wrong"}),
    "password_change_done": Case(lambda w: {}, login_only(200, 405)),
    "password_reset": Case(lambda w: {}, lambda role, published: (200, 302), lambda w: {"email": "nobody@example.org"}),
    "password_reset_done": Case(lambda w: {}, lambda role, published: (200, 405)),
    "password_reset_confirm": Case(
        lambda w: {"uidb64": "MQ", "token": "set-password"}, lambda role, published: (200, 200)
    ),
    "password_reset_complete": Case(lambda w: {}, lambda role, published: (200, 405)),
    "set_language": Case(lambda w: {}, set_language, lambda w: {"language": "en", "next": "/"}),
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


def test_every_url_pattern_has_an_expectation():
    ours = [name for name in url_names() if not name.startswith("admin:")]
    missing = sorted(set(ours) - set(CASES))
    assert missing == [], "add these URLs to CASES in tests/test_permission_matrix.py"
    assert sorted(set(CASES) - set(ours)) == []  # and nothing stale


# --- The world the URLs are filled with --------------------------------------------------------


@pytest.fixture(autouse=True)
def _no_lockout(settings):
    settings.AXES_FAILURE_LIMIT = 1000  # the login row posts a wrong password for every role (tests/test_accounts.py)


@pytest.fixture
def world(db, django_user_model):
    response = ManagementResponseFactory(slug="ours", status="draft")
    other = ManagementResponseFactory(slug="other", status="draft")
    rec = RecommendationFactory(theme__group__response=response, agreement="agree")
    rec2 = RecommendationFactory(theme=rec.theme)
    RecommendationFactory(theme__group=rec.theme.group)  # a second theme, so that moves move
    RecommendationFactory(theme__group__response=response)  # a second group
    action = ActionFactory(response=response, number="1", status="in_progress")
    ActionFactory(response=response, number="2")
    ActionFactory(response=response, parent=action, number="1.1", status="")
    link = ActionLinkFactory(action=action, recommendation=rec)
    ProgressUpdateFactory(action=action)
    chapter = Chapter.objects.create(response=response, heading="Overview", body="1. One.")
    Chapter.objects.create(response=response, heading="Annex", placement="after", order=1)  # so that moves move
    users = {ANONYMOUS: None, ADMIN: make_user(django_user_model, "ada", is_superuser=True, is_staff=True)}
    for role in MEMBERS:
        users[role] = make_user(django_user_model, role)
        grant(users[role], response, role)
        users[role + ELSEWHERE] = make_user(django_user_model, role + "-elders")
        grant(users[role + ELSEWHERE], other, role)
    make_user(django_user_model, "mallory")
    membership = Membership.objects.get(user=users[READER], response=response)
    review_round = ReviewRound.objects.create(response=response, name="2025 H2", date="2025-12-15")
    # A frozen version to download (not rendered: the matrix is about who may, not about the PDF).
    version = ResponseVersion.objects.create(
        response=response,
        number=1,
        note="Eerste versie",
        snapshot=export_response(response),
        pdf=b"%PDF-1.7 test",
        sha256="0" * 64,
    )
    pending_import = PendingImport.objects.create(
        file_name="groot.yaml", text="x", sha256="0" * 64, size=1, created_by=users[ADMIN]
    )
    from tests.evidence_files import PDF, upload

    evidence = evidence_services.add_file(
        action=action, user=None, title="Verslag", date="2025-06-30", upload=upload("verslag.pdf", PDF)
    )
    publication = Publication.objects.create(response=response, note="Versie", requested_by=users[ADMIN])
    waiting_reading, read_reading, original = reading_world(users[ADMIN], response)
    return SimpleNamespace(
        waiting_reading=waiting_reading,
        read_reading=read_reading,
        original=original,
        evidence=evidence,
        publication=publication,
        pending_import=pending_import,
        review_round=review_round,
        response=response,
        other=other,
        rec=rec,
        rec2=rec2,
        group=rec.theme.group,
        theme=rec.theme,
        action=action,
        link=link,
        chapter=chapter,
        membership=membership,
        version=version,
        users=users,
    )


def reading_world(user, response):
    """A document of the administrator's waiting to be read, one read (what a reader would find in the
    seed), and the original a response was read from."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    from evidence import filetypes
    from reading import services
    from tests.fixtures import SEED
    from tests.reading_found import found_from_interchange

    def start(name):
        upload = SimpleUploadedFile(name, b"%PDF-1.7\n%%EOF\n")
        return services.start_reading(upload=upload, file_type=filetypes.PDF, layout="auto", user=user)

    waiting = start("mr-2024-07.pdf")
    read = start("gelezen.pdf")
    Reading.objects.filter(pk=read.pk).update(state="read", found=services.found_as_json(found_from_interchange(SEED)))
    attached = start("origineel.pdf").original
    Original.objects.filter(pk=attached.pk).update(response=response)
    return waiting, read, attached


def database():
    """Everything a write could touch, as plain values."""
    state = {model.__name__: list(model.objects.order_by("pk").values_list()) for model in MODELS}
    state["users"] = list(get_user_model().objects.order_by("pk").values_list("pk", "password", "is_superuser"))
    return state


def request(client, method, url, data):
    """One request whose writes are rolled back afterwards, so that each role starts from the same world."""
    with transaction.atomic():
        answer = client.get(url) if method == "GET" else client.post(url, data)
        transaction.set_rollback(True)
    return answer


@pytest.mark.parametrize("published", [False, True], ids=["draft", "published"])
@pytest.mark.parametrize(
    "name",
    # The views that render a PDF in the request run with the PDF tests: once, on PostgreSQL.
    [pytest.param(name, marks=pytest.mark.pdf) if name in RENDERS_A_PDF else name for name in sorted(CASES)],
)
def test_permission_matrix(client, world, name, published):
    if published:
        world.response.status = "published"
        world.response.save()
    case = CASES[name]
    url = reverse(name, kwargs=case.kwargs(world))
    failures = []
    for role in ROLES:
        client.logout()
        if world.users[role] is not None:
            client.force_login(world.users[role])
        expected_get, expected_post = case.rule(role, published)
        if role == ANONYMOUS and expected_post == 302 and getattr(resolve(url).func, "keeps_input", False):
            expected_post = 200  # the login page itself, carrying the input (core/editing.py); nothing written
        got = request(client, "GET", url, {}).status_code
        if got != expected_get:
            failures.append(f"{role} GET {url}: {got}, expected {expected_get}")
        before = database()
        got = request(client, "POST", url, case.data(world)).status_code
        # request() rolled back; to check that a refused write wrote nothing, do it again and keep it.
        ok = got in expected_post if isinstance(expected_post, set) else got == expected_post
        if not ok:
            failures.append(f"{role} POST {url}: {got}, expected {expected_post}")
        if not isinstance(expected_post, set):
            client.post(url, case.data(world))
            if database() != before:
                failures.append(f"{role} POST {url}: refused ({got}) but the database changed")
    assert failures == []


# --- The admin, sampled --------------------------------------------------------------------------


def admin_urls(world):
    objects = {
        ManagementResponse: world.response,
        RecommendationGroup: world.group,
        Theme: world.theme,
        Recommendation: world.rec,
        Action: world.action,
        ActionLink: world.link,
        ProgressUpdate: ProgressUpdate.objects.first(),
        Membership: world.membership,
    }
    urls = [("index", reverse("admin:index"))]
    for model, obj in objects.items():
        opts = model._meta
        prefix = f"admin:{opts.app_label}_{opts.model_name}"
        urls += [
            (f"{opts.model_name} changelist", reverse(f"{prefix}_changelist")),
            (f"{opts.model_name} add", reverse(f"{prefix}_add")),
            (f"{opts.model_name} change", reverse(f"{prefix}_change", args=[obj.pk])),
            (f"{opts.model_name} delete", reverse(f"{prefix}_delete", args=[obj.pk])),
        ]
    return urls


# Pages even an administrator may not open: the response has a published version, which is kept
# for good (it is withdrawn instead, responses:withdraw).
ADMIN_FORBIDDEN = {"managementresponse delete"}


@pytest.mark.parametrize("published", [False, True], ids=["draft", "published"])
def test_admin_matrix(client, world, published):
    if published:
        world.response.status = "published"
        world.response.save()
    failures = []
    for role in ROLES:
        client.logout()
        if world.users[role] is not None:
            client.force_login(world.users[role])
        for label, url in admin_urls(world):
            got = request(client, "GET", url, {}).status_code
            expected = (403 if label in ADMIN_FORBIDDEN else 200) if role == ADMIN else 302
            if got != expected:
                failures.append(f"{role} GET {label}: {got}, expected {expected}")
            if role == ADMIN:
                continue  # the administrator may change everything there
            before = database()
            got = client.post(url, {"post": "yes", "title": "x"}).status_code
            if got != 302 or database() != before:
                failures.append(f"{role} POST {label}: {got}, database changed: {database() != before}")
    assert failures == []
