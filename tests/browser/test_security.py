"""Security in a real browser: hostile text stays text, every page keeps the CSP, an expired
session keeps what the user typed."""

import subprocess
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from actions.models import Action, ActionLink, ProgressUpdate
from recommendations.models import Recommendation, RecommendationGroup, RecommendationPart, Theme
from responses.models import Chapter, Membership
from tests.fixtures import grant, make_user

pytestmark = pytest.mark.django_db(transaction=True)

CSP_LISTENER = """
window.__csp = [];
document.addEventListener("securitypolicyviolation", (e) => window.__csp.push(e.violatedDirective + " " + e.blockedURI));
"""


@pytest.fixture
def recording_server():
    """An HTTP server on 127.0.0.1 that notes every request it gets: a payload's URLs point here."""
    received = []

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self):
            received.append(self.path)
            self.send_response(200)
            self.send_header("Content-Type", "text/plain")
            self.end_headers()
            self.wfile.write(b"window.__xss = 'remote';")

        do_POST = do_GET

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    server.received = received
    server.url = f"http://127.0.0.1:{server.server_address[1]}"
    yield server
    server.shutdown()
    server.server_close()


def payload(server, n):
    """One hostile text, numbered so that a request reveals which field let it through."""
    url = f"{server.url}/p{n}"
    return (
        f'XSS{n} <script>window.__xss={n};fetch("{url}/script")</script>'
        f'<img src="{url}/img" onerror="window.__xss={n}">'
        f'"><svg onload="window.__xss={n}"></svg>'
        f"<iframe src=\"{url}/frame\"></iframe><style>@import '{url}/css';</style>"
        f' [klik](javascript:window.__xss={n}) ![beeld]({url}/md.png) <a href="javascript:window.__xss={n}">a</a>'
        f'</textarea></title><script src="{url}/src.js"></script> einde{n}'
    )


# Every text a user can edit, by model.
FIELDS = {
    "response": ["title", "organisation", "responsible_team", "evaluation_title", "evaluators"],
    "group": ["title"],
    "theme": ["section", "heading"],
    "recommendation": ["number", "location", "text", "response_text", "justification"],
    "action": ["number", "label", "title", "narrative", "status_note", "time_frame", "supporting_documents"],
    "link": ["qualifier"],
    "progress": ["note", "status_note", "author_name"],
    "user": ["first_name", "last_name"],
    # Written by poison() below, after the rows above (the guard test checks the lists).
    "chapter": ["heading", "body"],
    "part": ["label", "text"],
}


def poison(seed_response, server, admin):
    """Put a payload into every user-editable text of the seed response (model field limits respected)."""
    rec = Recommendation.objects.filter(theme__group__response=seed_response).order_by("pk").first()
    action = Action.objects.get(response=seed_response, number="4", parent=None)
    objects = {
        "response": seed_response,
        "group": rec.theme.group,
        "theme": rec.theme,
        "recommendation": rec,
        "action": action,
        "link": ActionLink.objects.filter(action=action).first()
        or ActionLink.objects.create(action=action, recommendation=rec),
        "progress": ProgressUpdate.objects.create(action=action, status=action.status, author=admin),
        "user": admin,
    }
    written = []
    n = 0
    for key, names in FIELDS.items():
        if key not in objects:  # chapters and sub-recommendations: written below
            continue
        obj = objects[key]
        for name in names:
            n += 1
            text = payload(server, n)
            limit = obj._meta.get_field(name).max_length
            if limit and len(text) > limit:
                text = f'XSS{n}<img src="{server.url}/p{n}/img" onerror="window.__xss={n}">'[:limit]
            setattr(obj, name, text)
            written.append((key, name, n))
        if key == "action":  # a list of names, each printed as text
            n += 1
            obj.responsible_units = [payload(server, n)[:200]]
            written.append((key, "responsible_units", n))
        if key == "response":  # the cover block, the document's words, the matrix's column headers
            n += 1
            obj.cover = [{"label": payload(server, n)[:300], "value": payload(server, n + 1)[:300]}]
            obj.vocabulary_words = {"agree": payload(server, n + 2)[:100], "cancelled": payload(server, n + 2)[:100]}
            obj.columns = [
                {"key": "action", "header": payload(server, n + 3)[:100]},
                {"key": "documents", "header": ""},
            ]
            written += [
                (key, "cover", n),
                (key, "cover", n + 1),
                (key, "vocabulary_words", n + 2),
                (key, "columns", n + 3),
            ]
            n += 3
        obj.save()
    # Chapters and sub-recommendations: their texts too.
    n += 1
    Chapter.objects.create(response=seed_response, heading=payload(server, n)[:300], body=payload(server, n + 1))
    RecommendationPart.objects.create(
        recommendation=rec, label=payload(server, n + 2)[:20], text=payload(server, n + 3)
    )
    written += [
        ("chapter", "heading", n),
        ("chapter", "body", n + 1),
        ("part", "label", n + 2),
        ("part", "text", n + 3),
    ]
    return rec, action, written


def pages(response, rec, action):
    link = ActionLink.objects.filter(action=action).first()
    theme, group = rec.theme, rec.theme.group
    return [
        reverse("tracking:home"),
        response.get_absolute_url(),
        reverse("responses:edit", args=[response.slug]),
        reverse("responses:chapters", args=[response.slug]),
        reverse("responses:activity", args=[response.slug]),
        reverse("responses:people", args=[response.slug]),
        rec.get_absolute_url(),
        reverse("recommendations:agreement", args=[rec.pk]),
        reverse("recommendations:manage", args=[response.slug]),
        reverse("recommendations:group_add", args=[response.slug]),
        reverse("recommendations:group_edit", args=[group.pk]),
        reverse("recommendations:group_delete", args=[group.pk]),
        reverse("recommendations:theme_add", args=[group.pk]),
        reverse("recommendations:theme_edit", args=[theme.pk]),
        reverse("recommendations:theme_delete", args=[theme.pk]),
        reverse("recommendations:recommendation_add", args=[theme.pk]),
        reverse("recommendations:recommendation_edit", args=[rec.pk]),
        reverse("recommendations:recommendation_delete", args=[rec.pk]),
        action.get_absolute_url(),
        reverse("actions:status", args=[action.pk]),
        reverse("actions:manage", args=[response.slug]),
        reverse("actions:add", args=[response.slug]),
        reverse("actions:add_part", args=[action.pk]),
        reverse("actions:edit", args=[action.pk]),
        reverse("actions:delete", args=[action.pk]),
        reverse("actions:link_add", args=[action.pk]),
        reverse("actions:recommendation_link_add", args=[rec.pk]),
        reverse("actions:link_edit", args=[link.pk]),
        reverse("evidence:add", args=[action.pk]),
        reverse("evidence:decide", args=[action.pk]),
        reverse("password_change"),
    ]


def log_in(page, live_server, username, password):
    page.goto(live_server.url + "/accounts/login/")
    page.get_by_label("Gebruikersnaam").fill(username)
    page.get_by_label("Wachtwoord").fill(password)
    page.get_by_role("button", name="Aanmelden").click()
    expect(page.get_by_role("button", name="Afmelden")).to_be_visible()


@pytest.fixture
def administrator(django_user_model):
    return make_user(django_user_model, "ada", is_superuser=True, is_staff=True)


def test_no_payload_in_any_text_runs_or_calls_out_in_the_browser(
    live_server, page, seed_response, recording_server, administrator
):
    rec, action, _written = poison(seed_response, recording_server, administrator)
    page.add_init_script(CSP_LISTENER)
    log_in(page, live_server, "ada", "pw-ada")
    for path in pages(seed_response, rec, action):
        answer = page.goto(live_server.url + path)
        assert answer.status == 200, path
        page.wait_for_load_state("networkidle")
        assert page.evaluate("window.__xss") is None, path
    # Open the in-place editors too (htmx swaps the forms into the page).
    page.goto(live_server.url + seed_response.get_absolute_url())
    page.locator(f"#aanbeveling-{rec.pk}").get_by_role("link", name="Wijzig").click()
    expect(page.locator(f"#aanbeveling-{rec.pk} textarea[name=justification]")).to_be_visible()
    page.wait_for_load_state("networkidle")
    assert page.evaluate("window.__xss") is None
    # The payloads are shown as text, where the page shows that field.
    page.goto(live_server.url + rec.get_absolute_url())
    expect(page.locator("h1")).to_contain_text("XSS")
    assert recording_server.received == []


def test_the_pdf_shows_the_payloads_as_text_and_fetches_nothing(seed_response, recording_server, administrator):
    from document import pdf

    _rec, _action, written = poison(seed_response, recording_server, administrator)
    body = next(n for key, name, n in written if (key, name) == ("chapter", "body"))
    fetcher = pdf.StaticFilesFetcher()
    data = pdf.render_pdf(seed_response, fetcher=fetcher)
    text = subprocess.run(["pdftotext", "-enc", "UTF-8", "-", "-"], input=data, capture_output=True, check=True)
    text = " ".join(text.stdout.decode().split())
    # Plain-text fields print the payload literally; Markdown fields print their text without the markup.
    assert 'XSS1<img src="http://' in text
    assert 'onerror="window.__xss=1">' in text
    assert f"einde{body}" in text  # a chapter's text, after its stripped markup
    printed_body = text.split(f"einde{body}")[0].rsplit(f"XSS{body}", 1)[-1]  # after its heading (plain text)
    assert "<script" not in printed_body  # ... whose tags were removed, not printed
    # Nothing was fetched from the payloads' server; only its URLs were refused, without a request.
    assert recording_server.received == []
    assert all(url.startswith(recording_server.url) for url in fetcher.refused)


def test_every_page_keeps_the_content_security_policy(
    live_server, page, seed_response, administrator, django_user_model
):
    """Each page type, as a user who sees its controls, records no CSP violation and no console error."""
    rec = Recommendation.objects.filter(theme__group__response=seed_response).order_by("pk").first()
    action = Action.objects.get(response=seed_response, number="4", parent=None)
    grant(make_user(django_user_model, "lea"), seed_response, "reader")
    errors = []
    page.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
    page.add_init_script(CSP_LISTENER)
    for path in [
        "/accounts/login/",
        "/accounts/password_reset/",
        "/accounts/password_reset/done/",
        "/accounts/reset/MQ/set-password/",
        "/accounts/reset/done/",
    ]:
        page.goto(live_server.url + path)
        assert page.evaluate("window.__csp") == [], path
    log_in(page, live_server, "ada", "pw-ada")
    for path in [*pages(seed_response, rec, action), "/accounts/password_change/done/"]:
        page.goto(live_server.url + path)
        page.wait_for_load_state("networkidle")
        assert page.evaluate("window.__csp") == [], path
    # The in-place editors (htmx) and the live preview.
    page.goto(live_server.url + seed_response.get_absolute_url())
    page.locator(f"#aanbeveling-{rec.pk}").get_by_role("link", name="Wijzig").click()
    page.locator(f"#aanbeveling-{rec.pk} textarea[name=justification]").fill("*Voorbeeld*")
    page.wait_for_load_state("networkidle")
    assert page.evaluate("window.__csp") == []
    assert errors == []


def test_an_expired_session_keeps_the_input_through_the_login(live_server, browser, seed_response, evaluation_staff):
    rec = Recommendation.objects.filter(theme__group__response=seed_response).order_by("pk").first()
    context = browser.new_context(locale="nl-BE")
    page = context.new_page()
    log_in(page, live_server, "eva", "pw-eva")
    page.goto(live_server.url + seed_response.get_absolute_url())
    row = page.locator(f"#aanbeveling-{rec.pk}")
    row.get_by_role("link", name="Wijzig").click()
    row.get_by_label("Mate van akkoord").select_option("partially_agree")
    row.locator("textarea[name=justification]").fill("Een lange uitleg die ik niet opnieuw wil typen.")
    context.clear_cookies(name="sessionid")  # the session expires while the user types (the CSRF cookie stays)
    row.get_by_role("button", name="Opslaan").click()
    # htmx sends the whole page to the login; after it, the form is back with the input, unsaved.
    expect(page.get_by_role("heading", name="Aanmelden")).to_be_visible()
    page.get_by_label("Gebruikersnaam").fill("eva")
    page.get_by_label("Wachtwoord").fill("pw-eva")
    page.get_by_role("button", name="Aanmelden").click()
    expect(page.get_by_text("Uw sessie was verlopen")).to_be_visible()
    expect(page.locator("textarea[name=justification]")).to_have_value(
        "Een lange uitleg die ik niet opnieuw wil typen."
    )
    expect(page.get_by_label("Mate van akkoord")).to_have_value("partially_agree")
    rec.refresh_from_db()
    assert rec.justification == ""
    page.screenshot(path="/work/notes/shots-12/restored-after-login.png", full_page=True)
    page.get_by_role("button", name="Opslaan").click()
    expect(page.get_by_text("Mate van akkoord opgeslagen")).to_be_visible()
    rec.refresh_from_db()
    assert (rec.agreement, rec.justification) == ("partially_agree", "Een lange uitleg die ik niet opnieuw wil typen.")
    context.close()


def test_membership_and_history_models_are_as_the_tests_expect():
    # Guard for the field list above: a new text field on these models should get a payload too.
    texts = {
        "response": seed_fields("responses.ManagementResponse"),
        "chapter": seed_fields(Chapter),
        "part": seed_fields(RecommendationPart),
        "group": seed_fields(RecommendationGroup),
        "theme": seed_fields(Theme),
        "recommendation": seed_fields(Recommendation),
        "action": seed_fields(Action),
        "link": seed_fields(ActionLink),
        "progress": seed_fields(ProgressUpdate),
    }
    for key, names in texts.items():
        assert set(names) <= set(FIELDS[key]), (key, set(names) - set(FIELDS[key]))
    assert seed_fields(Membership) == []


def seed_fields(model):
    from django.apps import apps
    from django.db import models

    if isinstance(model, str):
        model = apps.get_model(model)
    skip = {"slug", "language", "status", "agreement"}
    return [
        f.name
        for f in model._meta.concrete_fields
        if isinstance(f, models.CharField | models.TextField) and not f.choices and f.name not in skip
    ]
