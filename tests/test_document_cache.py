"""The cached document part, its fragments and the PDF follow every write path at once.

The document page keeps its document part in the "document_parts" cache, keyed by the
response's revision (core/revision.py), and the part's fragments, keyed by the rows they
show (document/fragments.py); the PDF is in the "pdf" cache, keyed by the revision too.
Each test below primes the caches (for the editor and for an anonymous reader), edits
through one write path, and checks that both pages and the PDF (after the real background
render) show the edit.
"""

import re

import pytest
from django.core.management import call_command
from django.db.models import F
from django.urls import reverse

from actions.models import Action, ActionLink
from document import pdf
from interchange.exporter import export_response
from responses.models import ManagementResponse
from tests.factories import (
    ActionFactory,
    ActionLinkFactory,
    ManagementResponseFactory,
    RecommendationFactory,
    introduction_of,
)
from tests.test_admin_and_demo import admin_form
from tests.test_responses_pdf import get_ready_pdf, pdf_text, words

HTMX = {"HX-Request": "true"}

# The task worker runs in this process and closes its database connection after each task,
# which PostgreSQL cannot do inside a test's transaction: these tests commit for real.
pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def doc(db):
    response = ManagementResponseFactory(status=ManagementResponse.Status.PUBLISHED, introduction="Oude inleiding.")
    rec = RecommendationFactory(theme__group__response=response, text="Oude aanbeveling.")
    first = ActionFactory(response=response, number="1", title="Eerste actie", narrative="Oude toelichting.", order=0)
    second = ActionFactory(response=response, number="2", title="Tweede actie", order=1)
    link = ActionLinkFactory(recommendation=rec, action=first)
    response.refresh_from_db()
    return {"response": response, "rec": rec, "first": first, "second": second, "link": link}


def page(client, response):
    return client.get(response.get_absolute_url()).content.decode()


def reader_page(response):
    """The page as an anonymous reader sees it (their document part is cached apart from the editor's)."""
    from django.test import Client

    return page(Client(), response)


def prime(client, response):
    """The page's part and fragments (the client's and an anonymous reader's) and the PDF in their caches."""
    for _ in range(2):  # the second from the cache
        page(client, response)
        reader_page(response)
    assert get_ready_pdf(client, response).status_code == 200


def pdf_words(client, response, tmp_path):
    http = get_ready_pdf(client, response)
    assert http.status_code == 200
    return " ".join(words(pdf_text(http.content, tmp_path)))


def shows(client, response, tmp_path, *, on_page, in_pdf, gone=None):
    response = ManagementResponse.objects.get(slug=response.slug)
    html = page(client, response)
    assert on_page in html
    reader = reader_page(response)
    assert on_page in reader
    text = pdf_words(client, response, tmp_path)
    assert " ".join(words(in_pdf)) in text
    if gone:
        assert gone not in html.split('<article class="document"')[1]
        assert gone not in reader.split('<article class="document"')[1]
        assert " ".join(words(gone)) not in text


def test_each_request_gets_its_own_nonce_and_csrf_token_around_the_same_document(client, doc):
    response = doc["response"]
    first = page(client, response)
    second = page(client, response)
    # The CSP nonce and the (masked) CSRF token change with every request; nothing else does.
    per_request = re.compile(r'nonce="[^"]+"|"X-CSRFToken": "[^"]+"|name="csrfmiddlewaretoken" value="[^"]+"')
    assert per_request.findall(second) != per_request.findall(first)
    assert per_request.sub("", second) == per_request.sub("", first)


def test_the_cached_part_differs_per_interface_language_and_per_editing_rights(client, admin_client, doc):
    response = doc["response"]
    anonymous = page(client, response)
    assert "Wijzig status" not in anonymous
    assert "Wijzig status" in page(admin_client, response)  # not the anonymous visitor's copy
    client.post(reverse("set_language"), {"language": "en"})
    english = page(client, response)
    assert english != anonymous
    assert "Exporteer als PDF" not in english


@pytest.mark.parametrize("layout", ["table", "matrix"])
def test_the_status_links_return_to_the_document_page_not_to_the_first_visitors_url(admin_client, doc, layout):
    response = doc["response"]
    ManagementResponse.objects.filter(pk=response.pk).update(layout=layout)
    response.refresh_from_db()
    # The first visitor came from a newsletter; the fragments they caused serve everyone.
    for url in [response.get_absolute_url() + "?ref=nieuwsbrief", response.get_absolute_url()]:
        html = admin_client.get(url).content.decode()
        assert f"?next={response.get_absolute_url()}" in html.replace("%2F", "/")
        assert "nieuwsbrief" not in html.split('id="hoofdstuk-')[1]


# --- every write path ----------------------------------------------------------------------


@pytest.mark.pdf
def test_the_response_form(admin_client, doc, tmp_path):
    response = doc["response"]
    prime(admin_client, response)
    from tests.test_responses_editing import form_data

    answer = admin_client.post(
        reverse("responses:edit", args=[response.slug]), form_data(response, title="Nieuwe titel")
    )
    assert answer.status_code == 302
    shows(admin_client, response, tmp_path, on_page="Nieuwe titel", in_pdf="Nieuwe titel", gone=response.title)


@pytest.mark.pdf
def test_the_chapter_form(admin_client, doc, tmp_path):
    response = doc["response"]
    prime(admin_client, response)
    intro = introduction_of(response)
    data = {"placement": "before", "heading": intro.heading, "body": "Nieuwe inleiding.", "version": intro.version}
    answer = admin_client.post(reverse("responses:chapter", args=[response.slug, intro.pk]), data)
    assert answer.status_code == 302
    shows(
        admin_client, response, tmp_path, on_page="Nieuwe inleiding.", in_pdf="Nieuwe inleiding.", gone="Oude inleiding"
    )


@pytest.mark.pdf
def test_the_agreement_form_with_htmx(admin_client, doc, tmp_path):
    response, rec = doc["response"], doc["rec"]
    prime(admin_client, response)
    answer = admin_client.post(
        reverse("recommendations:agreement", args=[rec.pk]),
        {"agreement": "disagree", "justification": "Te duur.", "version": rec.version},
        headers=HTMX,
    )
    assert answer.status_code == 200
    shows(admin_client, response, tmp_path, on_page="Te duur.", in_pdf="Te duur.")
    assert "Niet akkoord" in page(admin_client, response)


@pytest.mark.pdf
def test_the_recommendation_form(admin_client, doc, tmp_path):
    response, rec = doc["response"], doc["rec"]
    prime(admin_client, response)
    answer = admin_client.post(
        reverse("recommendations:recommendation_edit", args=[rec.pk]),
        {"location": "p. 7", "text": "Herschreven aanbeveling.", "version": rec.version},
    )
    assert answer.status_code == 302
    shows(admin_client, response, tmp_path, on_page="Herschreven aanbeveling.", in_pdf="Herschreven aanbeveling.")


@pytest.mark.pdf
def test_the_action_form(admin_client, doc, tmp_path):
    response, action = doc["response"], doc["first"]
    prime(admin_client, response)
    data = {
        "number": "1",
        "label": "",
        "title": "Hernoemde actie",
        "narrative": "Nieuwe toelichting.",
        "responsible_unit": "",
        "due_date": "",
        "version": action.version,
    }
    assert admin_client.post(reverse("actions:edit", args=[action.pk]), data).status_code == 302
    shows(admin_client, response, tmp_path, on_page="Nieuwe toelichting.", in_pdf="1. Hernoemde actie")


@pytest.mark.pdf
def test_the_status_form(admin_client, doc, tmp_path):
    response, action = doc["response"], doc["first"]
    prime(admin_client, response)
    data = {"status": "realised", "status_note": "in maart", "note": "", "version": action.version}
    assert admin_client.post(reverse("actions:status", args=[action.pk]), data, headers=HTMX).status_code == 200
    shows(admin_client, response, tmp_path, on_page="gerealiseerd in maart", in_pdf="Status: gerealiseerd in maart")


@pytest.mark.pdf
def test_adding_a_link(admin_client, doc, tmp_path):
    response, rec, second = doc["response"], doc["rec"], doc["second"]
    prime(admin_client, response)
    answer = admin_client.post(
        reverse("actions:link_add", args=[second.pk]), {"recommendation": rec.pk, "qualifier": "kennisdeling 4"}
    )
    assert answer.status_code == 302
    shows(admin_client, response, tmp_path, on_page="Actie 2 – kennisdeling 4", in_pdf="Actie 2 – kennisdeling 4")


@pytest.mark.pdf
def test_moving_an_action(admin_client, doc, tmp_path):
    response, second = doc["response"], doc["second"]
    prime(admin_client, response)
    assert admin_client.post(reverse("actions:move", args=[second.pk]), {"direction": "up"}).status_code == 302
    html = page(admin_client, ManagementResponse.objects.get(pk=response.pk))
    assert html.index("Tweede actie") < html.index("Eerste actie")
    text = pdf_words(admin_client, response, tmp_path)
    assert text.index("tweede actie") < text.index("eerste actie")


@pytest.mark.pdf
def test_deleting_a_recommendation(admin_client, doc, tmp_path):
    response, rec = doc["response"], doc["rec"]
    prime(admin_client, response)
    answer = admin_client.post(reverse("recommendations:recommendation_delete", args=[rec.pk]), {"version": 1})
    assert answer.status_code == 302
    shows(admin_client, response, tmp_path, on_page="Eerste actie", in_pdf="Eerste actie", gone="Oude aanbeveling")


@pytest.mark.pdf
def test_the_admin(admin_client, doc, tmp_path):
    response, rec = doc["response"], doc["rec"]
    prime(admin_client, response)
    url = reverse("admin:recommendations_recommendation_change", args=[rec.pk])
    data = admin_form(admin_client, url)
    data["justification"] = "Aangepast via de beheerpagina."
    assert admin_client.post(url, data).status_code == 302
    shows(
        admin_client,
        response,
        tmp_path,
        on_page="Aangepast via de beheerpagina.",
        in_pdf="Aangepast via de beheerpagina.",
    )


@pytest.mark.pdf
def test_an_import_by_the_management_command(client, doc, tmp_path):
    response = doc["response"]
    prime(client, response)
    source = tmp_path / "response.yaml"
    source.write_text(export_response(response).replace("Oude aanbeveling.", "Geïmporteerde aanbeveling."))
    call_command("import_response", str(source), "--replace", verbosity=0)
    shows(client, response, tmp_path, on_page="Geïmporteerde aanbeveling.", in_pdf="Geïmporteerde aanbeveling.")


@pytest.mark.pdf
def test_a_plain_save(client, doc, tmp_path):
    response, rec = doc["response"], doc["rec"]
    prime(client, response)
    rec.text = "Opgeslagen met **save**."
    rec.save()
    shows(client, response, tmp_path, on_page="Opgeslagen met <strong>save</strong>.", in_pdf="Opgeslagen met save.")


@pytest.mark.pdf
def test_a_plain_delete(client, doc, tmp_path):
    response, link = doc["response"], doc["link"]
    prime(client, response)
    link.delete()
    assert not ActionLink.objects.exists()
    html = page(client, ManagementResponse.objects.get(pk=response.pk))
    assert "Actie 1</a>" not in html
    assert "actie 1" not in pdf_words(client, response, tmp_path).split("actienummer s")[-1]


@pytest.mark.pdf
def test_a_queryset_update_with_an_explicit_touch(client, doc, tmp_path):
    """Bulk writes send no signals and leave ``version`` alone: code that makes them moves the
    version on and calls core.revision.touch (documented in document/fragments.py, core/revision.py)."""
    from core import revision

    response = doc["response"]
    prime(client, response)
    # The version names the row's content for the page's fragments, the revision the PDF's.
    Action.objects.filter(response=response, number="2").update(title="Bijgewerkt in bulk", version=F("version") + 1)
    revision.touch(response.pk)
    shows(client, response, tmp_path, on_page="Bijgewerkt in bulk", in_pdf="2. Bijgewerkt in bulk")


# --- the background render -----------------------------------------------------------------


@pytest.mark.pdf
@pytest.mark.django_db(transaction=True)
def test_a_save_renders_the_pdf_in_the_background_through_the_task_backend(client, tmp_path, monkeypatch, settings):
    from django_tasks_db.models import DBTaskResult

    from tests.test_responses_pdf import get_pdf, run_worker

    settings.PDF_DEBOUNCE_SECONDS = 0
    response = ManagementResponseFactory(status=ManagementResponse.Status.PUBLISHED)
    rec = RecommendationFactory(theme__group__response=response, text="Eerste versie.")
    run_worker()
    DBTaskResult.objects.all().delete()
    rec.text = "Tweede versie."
    rec.save()  # commits: the after-commit hook enqueues one render, once the edits settle
    response.refresh_from_db()
    etag = pdf.pdf_etag(response)
    assert pdf.cached_pdf_or_none(etag) is None
    after_edits = DBTaskResult.objects.filter(task_path="document.tasks.render_after_edits_task", status="READY")
    assert [task.args_kwargs["args"] for task in after_edits] == [[response.pk, None]]

    # A request before the worker ran: a render of this revision is queued at once, and the visitor
    # is told to wait; a second request queues no second render.
    assert get_pdf(client, response).status_code == 202
    assert get_pdf(client, response).status_code == 202
    asked = DBTaskResult.objects.filter(task_path="document.tasks.render_pdf_task", status="READY")
    assert [task.args_kwargs["args"] for task in asked] == [[response.pk, etag]]

    renders = []
    real = pdf.render_pdf
    monkeypatch.setattr(pdf, "render_pdf", lambda r, **kw: renders.append(r.pk) or real(r, **kw))
    run_worker()
    assert renders == [response.pk]  # the asked-for render and the one after the edits: one render
    assert DBTaskResult.objects.filter(status="SUCCESSFUL", args_kwargs__args=[response.pk, etag]).exists()
    assert pdf.cached_pdf_or_none(etag) is not None

    # The next export is a cache hit: served at once, nothing rendered in the request.
    http = get_pdf(client, response)
    assert http.status_code == 200
    assert http["ETag"] == etag
    assert "Tweede versie." in pdf_text(http.content, tmp_path)
    assert renders == [response.pk]


@pytest.mark.pdf
def test_export_pdf_stays_synchronous(seed_response, tmp_path):
    target = tmp_path / "seed.pdf"
    call_command("export_pdf", seed_response.slug, "-o", str(target))
    assert target.read_bytes().startswith(b"%PDF-")


def test_the_pending_page_keeps_the_site_content_security_policy(client, doc):
    http = client.get(reverse("document:pdf", args=[doc["response"].slug]))
    assert http.status_code == 202
    assert "script-src" in http["Content-Security-Policy"]
    assert "De PDF wordt voorbereid" in http.content.decode()


# --- the page: this request's token and nonce, this visitor's name ---------------------------


def test_a_second_page_view_carries_this_requests_nonce_and_a_working_csrf_token(doc):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    response = doc["response"]
    page(client, response)
    http = client.get(response.get_absolute_url())  # the fragments from the cache
    html = http.content.decode()
    nonces = set(re.findall(r'nonce="([^"]+)"', html))
    assert len(nonces) == 1
    assert f"'nonce-{nonces.pop()}'" in http["Content-Security-Policy"]
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html).group(1)
    switched = client.post(reverse("set_language"), {"language": "en", "csrfmiddlewaretoken": token})
    assert switched.status_code == 302  # not 403: the token is this visitor's


def test_two_visitors_each_get_their_own_csrf_token(doc):
    from django.test import Client

    response = doc["response"]
    visitors = [Client(enforce_csrf_checks=True) for _ in range(2)]
    tokens = []
    for visitor in visitors:
        html = page(visitor, response)
        tokens.append(re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html).group(1))
    secrets = {visitor.cookies["csrftoken"].value for visitor in visitors}
    assert len(secrets) == 2
    for visitor, token in zip(visitors, tokens, strict=True):
        assert (
            visitor.post(reverse("set_language"), {"language": "en", "csrfmiddlewaretoken": token}).status_code == 302
        )
    # Neither page carries the other visitor's token.
    assert visitors[1].post(reverse("set_language"), {"csrfmiddlewaretoken": tokens[0]}).status_code == 403


@pytest.mark.parametrize("who", ["reader", "editor"])
def test_the_cached_document_part_holds_no_csrf_token_and_no_nonce(doc, monkeypatch, who, django_user_model):
    """The part is rendered without the request: nothing of the visitor who caused it is in it."""
    from django.test import Client

    from document import fragments

    kept = {}
    real_keep = fragments.keep_part
    monkeypatch.setattr(fragments, "keep_part", lambda key, part: kept.update({key: part}) or real_keep(key, part))
    read = []
    real_cached = fragments.cached_part
    monkeypatch.setattr(fragments, "cached_part", lambda key: read.append(real := real_cached(key)) or real)

    client = Client(enforce_csrf_checks=True)
    if who == "editor":
        client.force_login(django_user_model.objects.create_superuser(username="beheer", password="pw"))
    response = doc["response"]
    first = page(client, response)
    second = page(client, response)
    assert len(kept) == 1  # rendered once, then served from the cache
    assert read[0] is None
    assert read[1] is not None
    (part,) = kept.values()
    html = str(part["html"])
    assert html in first
    assert html in second
    if who == "editor":
        assert "Wijzig status" in html
    assert "csrfmiddlewaretoken" not in html
    assert "csrf" not in html.lower()
    assert "nonce" not in html
    for visit in (first, second):
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', visit).group(1)
        nonce = re.search(r'nonce="([^"]+)"', visit).group(1)
        assert token not in html
        assert nonce not in html
    # The visitor's own values are around the part, in the page.
    assert client.cookies["csrftoken"].value


def test_each_visitor_sees_their_own_name_on_a_cached_page(client, doc, django_user_model):
    response = doc["response"]
    for name in ["anna", "bert"]:
        client.force_login(django_user_model.objects.create_user(username=name, password="pw"))
        page(client, response)
        assert f'<span class="user-name">{name}</span>' in page(client, response)


# --- fragments: after an edit, only what shows it is rendered again ---------------------------


@pytest.fixture
def rendered_templates():
    """The names of the templates rendered while the test runs (Django's test instrumentation)."""
    from django.test.signals import template_rendered

    names = []

    def record(sender, template, context, **kwargs):
        names.append(template.name)

    template_rendered.connect(record)
    yield names
    template_rendered.disconnect(record)


def test_after_an_edit_only_the_fragments_that_show_it_are_rendered_again(client, doc, rendered_templates):
    response = doc["response"]
    others = [RecommendationFactory(theme=doc["rec"].theme, text=f"Aanbeveling {n}.") for n in range(5)]
    ActionLinkFactory(recommendation=others[0], action=doc["second"])
    page(client, response)
    assert rendered_templates.count("document/_recommendation_row.html") == 6
    assert rendered_templates.count("document/_action_section.html") == 2
    rendered_templates.clear()

    # Nothing changed: every fragment comes from the cache, the page around them is rendered.
    page(client, response)
    assert "document/_recommendation_row.html" not in rendered_templates
    assert "document/_action_section.html" not in rendered_templates
    assert "document/detail.html" in rendered_templates
    rendered_templates.clear()

    others[3].text = "Een nieuwe zin."
    others[3].save()
    assert "Een nieuwe zin." in page(client, response)
    assert rendered_templates.count("document/_recommendation_row.html") == 1
    assert rendered_templates.count("document/_action_section.html") == 0
    rendered_templates.clear()

    # An action's number shows in the rows that cite it, and in its own section.
    doc["second"].number = "7"
    doc["second"].save()
    html = page(client, response)
    assert "Actie 7" in html
    assert rendered_templates.count("document/_recommendation_row.html") == 1
    assert rendered_templates.count("document/_action_section.html") == 1
