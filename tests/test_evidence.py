"""Evidence and validation: claims, decisions, the owner's e-mail, files checked by content and
served only to readers of their own response."""

import hashlib

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.urls import reverse

from actions.models import Action, ProgressUpdate
from core import audit
from evidence import services
from evidence.models import Evidence, ValidationDecision
from evidence.storage import evidence_storage
from tests import evidence_files as files
from tests.factories import ActionFactory, ManagementResponseFactory
from tests.fixtures import grant, make_user


@pytest.fixture
def world(db, django_user_model):
    response = ManagementResponseFactory(status="draft", slug="ours", validation_policy="closing")
    other = ManagementResponseFactory(status="draft", slug="other", validation_policy="closing")
    eva = make_user(django_user_model, "eva")
    piet = make_user(django_user_model, "piet", email="piet@example.org", first_name="Piet")
    grant(eva, response, "evaluation_staff")
    grant(piet, response, "project_team")
    action = ActionFactory(response=response, number="1", status="in_progress")
    action.owners.add(piet)
    other_action = ActionFactory(response=other, number="1", status="in_progress")
    return response, other, eva, piet, action, other_action


def set_status(client, action, status, note=""):
    action.refresh_from_db()
    return client.post(
        reverse("actions:status", args=[action.pk]), {"status": status, "note": note, "version": action.version}
    )


def add_file(client, action, name, data, title="Verslag"):
    return client.post(
        reverse("evidence:add", args=[action.pk]),
        {"title": title, "date": "2025-06-30", "file": files.upload(name, data)},
    )


def decide(client, action, decision, comment=""):
    action.refresh_from_db()
    return client.post(
        reverse("evidence:decide", args=[action.pk]),
        {"decision": decision, "comment": comment, "version": action.version},
    )


# --- Claims and decisions ---------------------------------------------------------------------------


def test_a_closing_status_awaits_validation_when_the_response_asks_for_it(client, world):
    _response, _other, _eva, piet, action, _ = world
    client.force_login(piet)
    assert set_status(client, action, "realised").status_code == 302
    action.refresh_from_db()
    assert (action.status, action.validation_state, action.status_before_claim) == (
        "realised",
        "awaiting",
        "in_progress",
    )
    page = client.get(action.get_absolute_url()).content.decode()
    assert "wacht op validatie" in page


def test_without_a_policy_a_status_counts_at_once(client, world):
    response, _other, _eva, piet, action, _ = world
    response.validation_policy = "none"
    response.save()
    client.force_login(piet)
    set_status(client, action, "realised")
    action.refresh_from_db()
    assert (action.status, action.validation_state) == ("realised", "")


def test_the_all_policy_asks_validation_for_every_status_and_closing_not_for_in_progress(world):
    response, *_rest, action, _ = world
    action.status = "to_start"
    action.save()
    action.refresh_from_db()
    assert action.validation_state == ""  # "closing": to_start needs none
    response.validation_policy = "all"
    response.save()
    action = Action.objects.get(pk=action.pk)
    action.status = "in_progress"
    action.save()
    assert action.validation_state == "awaiting"
    assert action.status_before_claim == "to_start"


def test_every_write_path_makes_a_claim_a_plain_save_too(world):
    *_rest, action, _ = world
    action = Action.objects.get(pk=action.pk)
    action.status = "not_applicable"
    action.save()
    action.refresh_from_db()
    assert action.validation_state == "awaiting"


def test_evaluation_staff_validate_a_claim(client, world):
    _response, _other, eva, piet, action, _ = world
    client.force_login(piet)
    set_status(client, action, "realised")
    client.force_login(eva)
    answer = decide(client, action, "validate")
    assert answer.status_code == 302
    action.refresh_from_db()
    assert (action.status, action.validation_state) == ("realised", "validated")
    assert ValidationDecision.objects.get(action=action).decision == "validated"
    assert mail.outbox == []
    assert "gevalideerd" in client.get(action.get_absolute_url()).content.decode()


def test_sending_back_puts_the_old_status_back_logs_it_and_mails_the_owner(
    client, world, django_capture_on_commit_callbacks
):
    _response, _other, eva, piet, action, _ = world
    client.force_login(piet)
    set_status(client, action, "realised")
    client.force_login(eva)
    with django_capture_on_commit_callbacks(execute=True):
        answer = decide(client, action, "send_back", "Het eindverslag ontbreekt.")
    assert answer.status_code == 302
    action.refresh_from_db()
    assert (action.status, action.validation_state) == ("in_progress", "")
    entry = ProgressUpdate.objects.filter(action=action).first()
    assert entry.status == "in_progress"
    assert "Het eindverslag ontbreekt." in entry.note
    assert [m.to for m in mail.outbox] == [["piet@example.org"]]
    message = mail.outbox[0]
    assert "Actie 1 teruggestuurd" in message.subject
    assert "Het eindverslag ontbreekt." in message.body
    assert action.get_absolute_url() in message.body


def test_sending_back_needs_a_comment(client, world):
    _response, _other, eva, piet, action, _ = world
    client.force_login(piet)
    set_status(client, action, "realised")
    client.force_login(eva)
    answer = decide(client, action, "send_back", "")
    assert answer.status_code == 422
    assert "Zeg bij het terugsturen wat er ontbreekt." in answer.content.decode()
    action.refresh_from_db()
    assert action.validation_state == "awaiting"


def test_a_second_decision_on_the_same_claim_is_refused(client, world):
    _response, _other, eva, piet, action, _ = world
    client.force_login(piet)
    set_status(client, action, "realised")
    client.force_login(eva)
    action.refresh_from_db()
    stale_version = action.version
    decide(client, action, "validate")
    answer = client.post(
        reverse("evidence:decide", args=[action.pk]),
        {"decision": "send_back", "comment": "x", "version": stale_version},
    )
    assert answer.status_code == 409
    action.refresh_from_db()
    assert action.validation_state == "validated"


def test_the_project_team_cannot_validate_its_own_claim(client, world):
    _response, _other, _eva, piet, action, _ = world
    client.force_login(piet)
    set_status(client, action, "realised")
    assert decide(client, action, "validate").status_code == 403
    action.refresh_from_db()
    assert action.validation_state == "awaiting"


def test_a_part_that_inherits_shows_its_parents_validation(world):
    *_rest, action, _ = world
    part = ActionFactory(response=action.response, parent=action, number="1.1", status="inherited")
    action = Action.objects.get(pk=action.pk)
    action.status = "realised"
    action.save()
    part = Action.objects.select_related("parent").get(pk=part.pk)
    assert part.awaits_validation
    assert part.get_effective_validation_state_display() == "wacht op validatie"


# --- Evidence ---------------------------------------------------------------------------------------


def test_the_project_team_adds_a_pdf_and_a_link(client, world):
    _response, _other, _eva, piet, action, _ = world
    client.force_login(piet)
    answer = add_file(client, action, "eindverslag.pdf", files.PDF, title="Eindverslag")
    assert answer.status_code == 302
    item = Evidence.objects.get(action=action)
    assert (item.evidence_kind, item.file_name, item.content_type, item.size) == (
        "file",
        "eindverslag.pdf",
        "application/pdf",
        len(files.PDF),
    )
    assert item.sha256 == hashlib.sha256(files.PDF).hexdigest()
    assert "eindverslag" not in item.storage_key  # stored under a random key, never the user's name
    with evidence_storage().open(item.storage_key) as stored:
        assert stored.read() == files.PDF
    answer = client.post(
        reverse("evidence:add", args=[action.pk]),
        {"title": "Persbericht", "date": "2025-07-01", "url": "https://example.org/persbericht"},
    )
    assert answer.status_code == 302
    page = client.get(action.get_absolute_url()).content.decode()
    assert "Eindverslag" in page
    assert "https://example.org/persbericht" in page


def test_a_docx_and_an_xlsx_are_kept(client, world):
    _response, _other, _eva, piet, action, _ = world
    client.force_login(piet)
    assert add_file(client, action, "nota.docx", files.office("docx")).status_code == 302
    assert add_file(client, action, "cijfers.xlsx", files.office("xlsx")).status_code == 302
    assert sorted(Evidence.objects.values_list("content_type", flat=True)) == [
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    ]


BAD_FILES = [
    ("renamed executable", "verslag.pdf", files.EXE, "Windows-programma"),
    ("html with script", "verslag.pdf", files.HTML, "webpagina (HTML)"),
    ("svg with script", "grafiek.png", files.SVG, "SVG-afbeelding"),
    ("office file with macros", "nota.docx", files.office(extra={"word/vbaProject.bin": b"x"}), "macro"),
    ("zip that is no office file", "nota.docx", files.office("zip"), "geen Word- of Excel"),
    ("name of 300 characters", "v" * 296 + ".pdf", files.PDF, "te lang"),
]


@pytest.mark.parametrize(
    ("name", "data", "message"), [case[1:] for case in BAD_FILES], ids=[case[0] for case in BAD_FILES]
)
def test_a_bad_file_is_refused_with_a_message_next_to_the_field(client, world, name, data, message):
    _response, _other, _eva, piet, action, _ = world
    client.force_login(piet)
    answer = add_file(client, action, name, data)
    assert answer.status_code == 422
    page = answer.content.decode()
    assert message in page.replace("&quot;", '"').replace("&#x27;", "'")
    assert 'id="bewijs_file_error"' in page or "bewijs_file" in page  # the error sits with the file field
    assert Evidence.objects.count() == 0
    assert evidence_storage().listdir("")[1] == []  # nothing stored


def test_a_zip_bomb_is_refused(client, world, settings):
    settings.EVIDENCE_MAX_UNPACKED_BYTES = 4 * 1024 * 1024
    _response, _other, _eva, piet, action, _ = world
    client.force_login(piet)
    bomb = files.zip_bomb(64 * 1024 * 1024)  # 64 MB of zeros in a zip of about 64 kB
    assert len(bomb) < 200_000
    answer = add_file(client, action, "nota.docx", bomb)
    assert answer.status_code == 422
    assert "zipbom" in answer.content.decode()
    assert Evidence.objects.count() == 0


def test_a_file_over_the_limit_is_refused(client, world, settings):
    settings.EVIDENCE_MAX_BYTES = 1024
    _response, _other, _eva, piet, action, _ = world
    client.force_login(piet)
    answer = add_file(client, action, "groot.pdf", files.PDF + b"0" * 2048)
    assert answer.status_code == 422
    assert "Het bestand is te groot" in answer.content.decode()
    assert Evidence.objects.count() == 0


@pytest.mark.parametrize("name", ["../../etc/verslag.pdf", "..\\..\\windows\\verslag.pdf"])
def test_a_path_in_the_name_is_stored_inert_under_the_plain_name(client, world, name):
    """Django's upload handling keeps only the last part of a name with "/" or "\\" (a browser's
    folder): the file is kept under a random key, and the message names what was stored."""
    _response, _other, _eva, piet, action, _ = world
    client.force_login(piet)
    answer = add_file(client, action, name, files.PDF)
    assert answer.status_code == 302
    item = Evidence.objects.get()
    assert item.file_name == "verslag.pdf"
    assert ".." not in item.storage_key
    assert "(verslag.pdf)" in client.get(answer["Location"]).content.decode()


def test_a_path_that_reaches_the_service_is_refused(world):
    """Not through a browser: a script or import that hands a name with a folder to the service."""
    *_rest, action, _ = world
    upload = files.upload("verslag.pdf", files.PDF)
    upload.name = "..\\..\\verslag.pdf"  # SimpleUploadedFile strips "/" only
    with pytest.raises(ValidationError, match="map"):
        services.add_file(action=action, user=None, title="x", date="2025-01-01", upload=upload)
    assert Evidence.objects.count() == 0


def test_removed_evidence_stays_on_the_audit_trail_and_in_storage(client, world):
    _response, _other, _eva, piet, action, _ = world
    client.force_login(piet)
    add_file(client, action, "verslag.pdf", files.PDF)
    item = Evidence.objects.get()
    answer = client.post(reverse("evidence:remove", args=[item.pk]), {"version": item.version})
    assert answer.status_code == 302
    item.refresh_from_db()
    assert item.is_removed
    assert item.removed_by == piet
    assert evidence_storage().exists(item.storage_key)
    assert Evidence.objects.current().count() == 0
    entries = audit.entries(audit.timeline(action))
    removed = [e for e in entries if e.kind == "bewijsstuk" and any(c.label == "verwijderd op" for c in e.changes)]
    assert removed, [(e.kind, e.subject, [c.label for c in e.changes]) for e in entries]


def test_a_stale_remove_is_refused(client, world):
    _response, _other, _eva, piet, action, _ = world
    client.force_login(piet)
    add_file(client, action, "verslag.pdf", files.PDF)
    item = Evidence.objects.get()
    answer = client.post(reverse("evidence:remove", args=[item.pk]), {"version": item.version + 5}, follow=True)
    assert "niet verwijderd" in answer.content.decode()
    item.refresh_from_db()
    assert not item.is_removed


# --- Serving files ----------------------------------------------------------------------------------


@pytest.fixture
def stored(client, world):
    _response, _other, _eva, piet, action, other_action = world
    client.force_login(piet)
    add_file(client, action, "verslag.pdf", files.PDF)
    client.logout()
    item = Evidence.objects.get()
    other_item = services.add_file(
        action=other_action, user=None, title="Ander", date="2025-01-01", upload=files.upload("ander.pdf", files.PDF)
    )
    return item, other_item


def test_a_file_is_served_as_an_inert_attachment(client, world, stored):
    response, _other, eva, *_ = world
    item, _other_item = stored
    client.force_login(eva)
    answer = client.get(reverse("evidence:file", args=[response.slug, item.pk]))
    assert answer.status_code == 200
    assert b"".join(answer.streaming_content) == files.PDF
    assert answer["Content-Disposition"].startswith("attachment;")
    assert 'filename="verslag.pdf"' in answer["Content-Disposition"]
    assert answer["Content-Type"] == "application/pdf"
    assert answer["X-Content-Type-Options"] == "nosniff"
    csp = answer["Content-Security-Policy"]
    assert "sandbox" in csp
    assert "default-src 'none'" in csp


def test_a_draft_s_file_is_not_found_for_those_who_may_not_read_it(client, world, stored, django_user_model):
    response, other, *_ = world
    item, _ = stored
    url = reverse("evidence:file", args=[response.slug, item.pk])
    assert client.get(url).status_code == 404  # anonymous
    outsider = make_user(django_user_model, "olaf")
    client.force_login(outsider)
    assert client.get(url).status_code == 404
    elsewhere = make_user(django_user_model, "other-team")
    grant(elsewhere, other, "project_team")
    client.force_login(elsewhere)
    assert client.get(url).status_code == 404


def test_a_readers_role_on_a_draft_may_download(client, world, stored, django_user_model):
    response, *_ = world
    item, _ = stored
    lea = make_user(django_user_model, "lea")
    grant(lea, response, "reader")
    client.force_login(lea)
    assert client.get(reverse("evidence:file", args=[response.slug, item.pk])).status_code == 200


def test_a_published_response_s_files_are_public_but_removed_ones_only_for_members(client, world, stored):
    response, *_ = world
    item, _ = stored
    response.status = "published"
    response.save()
    url = reverse("evidence:file", args=[response.slug, item.pk])
    assert client.get(url).status_code == 200
    item.removed_at = item.added_at
    item.save()
    assert client.get(url).status_code == 403  # the visitor sees the response but is no member


def test_another_response_s_file_cannot_be_reached_through_this_response_s_address(client, world, stored):
    response, other, eva, *_ = world
    _item, other_item = stored
    client.force_login(eva)  # may read "ours", not "other"
    assert client.get(reverse("evidence:file", args=[response.slug, other_item.pk])).status_code == 404
    assert client.get(reverse("evidence:file", args=[other.slug, other_item.pk])).status_code == 404
    other.status = "published"
    other.save()
    # Even readable, it is served only under its own response's address.
    assert client.get(reverse("evidence:file", args=[response.slug, other_item.pk])).status_code == 404
    assert client.get(reverse("evidence:file", args=[other.slug, other_item.pk])).status_code == 200


def test_only_the_project_team_adds_evidence(client, world, django_user_model):
    _response, _other, eva, _piet, action, _ = world
    client.force_login(eva)
    assert add_file(client, action, "verslag.pdf", files.PDF).status_code == 403
    assert Evidence.objects.count() == 0


def test_the_document_shows_the_claim_and_leads_evaluation_staff_to_the_decision(client, world):
    response, _other, eva, piet, action, _ = world
    client.force_login(piet)
    set_status(client, action, "realised")
    page = client.get(response.get_absolute_url()).content.decode()
    assert "badge--awaiting" in page
    assert "Bewijs bekijken en beslissen" not in page
    client.force_login(eva)
    page = client.get(response.get_absolute_url()).content.decode()
    assert f'href="{action.get_absolute_url()}#bewijs-{action.pk}"' in page


def test_evidence_can_belong_to_a_progress_entry_and_shows_in_the_activity_feed(client, world):
    response, _other, eva, piet, action, _ = world
    client.force_login(piet)
    set_status(client, action, "realised", note="Het contract is getekend.")
    entry = ProgressUpdate.objects.filter(action=action).first()
    answer = client.post(
        reverse("evidence:add", args=[action.pk]),
        {
            "title": "Contract",
            "date": "2025-06-30",
            "file": files.upload("contract.pdf", files.PDF),
            "progress_update": entry.pk,
        },
    )
    assert answer.status_code == 302
    assert Evidence.objects.get().progress_update == entry
    assert "bij de melding van" in client.get(action.get_absolute_url()).content.decode()
    client.force_login(eva)
    feed = client.get(reverse("responses:activity", args=[response.slug])).content.decode()
    assert "Contract (contract.pdf)" in feed


def test_a_progress_entry_of_another_action_is_refused(client, world):
    _response, _other, _eva, piet, action, other_action = world
    foreign = ProgressUpdate.objects.create(action=other_action, status="in_progress")
    client.force_login(piet)
    answer = client.post(
        reverse("evidence:add", args=[action.pk]),
        {"title": "Contract", "date": "2025-06-30", "url": "https://example.org/c", "progress_update": foreign.pk},
    )
    assert answer.status_code == 422
    assert Evidence.objects.count() == 0


def test_the_status_form_says_which_statuses_await_validation(client, world):
    response, _other, _eva, piet, action, _ = world
    client.force_login(piet)
    page = client.get(reverse("actions:status", args=[action.pk])).content.decode()
    assert "tellen pas na validatie door evaluatiemedewerkers" in page
    response.validation_policy = "none"
    response.save()
    page = client.get(reverse("actions:status", args=[action.pk])).content.decode()
    assert "na validatie" not in page
