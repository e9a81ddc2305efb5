"""The project team edits actions: status and progress in place, the action itself, and the list of actions."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from actions.models import Action, ActionLink, ProgressUpdate
from tests.factories import ActionFactory, ActionLinkFactory, ManagementResponseFactory, ProgressUpdateFactory
from tests.fixtures import grant

HTMX = {"HX-Request": "true"}
# Not counted in a save's budget: how many of these a request sends depends on the database and on
# whether the test runs inside a transaction (a request's BEGIN is a SAVEPOINT here).
TRANSACTION_CONTROL = ("BEGIN", "COMMIT", "SAVEPOINT", "RELEASE SAVEPOINT", "ROLLBACK")


def snapshot():
    return list(
        Action.objects.order_by("pk").values_list(
            "pk", "number", "title", "status", "status_note", "order", "parent_id", "version"
        )
    )


@pytest.fixture
def action(seed_response):
    return Action.objects.get(response=seed_response, number="4")  # "op te starten in 2025", no parts


@pytest.fixture
def parent(seed_response):
    return Action.objects.get(response=seed_response, number="1")  # realised; five parts that inherit it


@pytest.fixture
def part(parent):
    return parent.parts.get(number="1.2")


# --- Status ------------------------------------------------------------------------------------


def post_status(client, action, *, version=None, headers=None, **data):
    data.setdefault("status_note", "")
    data.setdefault("note", "")
    data["version"] = action.version if version is None else version
    return client.post(reverse("actions:status", args=[action.pk]), data, headers=headers or {})


def test_project_team_change_a_status_in_place(client, project_member, action):
    client.force_login(project_member)

    answer = post_status(
        client, action, status="in_progress", status_note="sinds maart", note="Eerste oproep gelanceerd.", headers=HTMX
    )

    assert answer.status_code == 200
    html = answer.content.decode()
    # The status block comes back as the document shows it, with its control focused again ...
    assert html.lstrip().startswith(f'<div class="status-block" id="status-{action.pk}">')
    assert "Status: in uitvoering sinds maart" in html
    assert re.search(rf'id="wijzig-status-{action.pk}"[^>]*autofocus', html, re.S)
    # ... the live region hears it, and the action page hears that its log has a new entry.
    assert 'hx-swap-oob="innerHTML:#live-status"' in html
    assert "Status van actie 4 opgeslagen: in uitvoering sinds maart." in html
    assert answer["HX-Trigger"] == f'{{"progress-logged-{action.pk}": {{}}}}'
    action.refresh_from_db()
    assert (action.status, action.status_note, action.version, action.updated_by) == (
        "in_progress",
        "sinds maart",
        2,
        project_member,
    )
    update = ProgressUpdate.objects.get(action=action)
    assert (update.status, update.status_note, update.note, update.author) == (
        "in_progress",
        "sinds maart",
        "Eerste oproep gelanceerd.",
        project_member,
    )


def test_a_status_change_shows_on_the_document_and_in_the_progress_log(client, project_member, action):
    client.force_login(project_member)
    post_status(client, action, status="realised", status_note="in 2026", note="Alles afgerond.", headers=HTMX)

    document = client.get(action.response.get_absolute_url()).content.decode()
    section = document[document.index(f'id="actie-{action.pk}"') :]
    assert "Status: gerealiseerd in 2026" in section[: section.index("</section>")]

    page = client.get(action.get_absolute_url()).content.decode()
    log = page[page.index(f'id="voortgang-{action.pk}"') :]
    assert "gerealiseerd in 2026" in log
    assert "Alles afgerond." in log
    assert "piet" in log  # the author


def test_the_progress_log_shows_the_newest_entry_first(client, action):
    ProgressUpdateFactory(action=action, status="to_start", note="Eerst gepland.")
    ProgressUpdateFactory(action=action, status="in_progress", note="Daarna gestart.")

    page = client.get(action.get_absolute_url()).content.decode()

    assert page.index("Daarna gestart.") < page.index("Eerst gepland.")
    assert "op te starten" in page
    assert "in uitvoering" in page


def test_an_action_without_progress_says_so(client, action):
    assert "Nog geen voortgang gemeld." in client.get(action.get_absolute_url()).content.decode()


def test_the_progress_log_reloads_itself_after_a_status_save(client, project_member, action):
    ProgressUpdateFactory(action=action, note="Een melding.")
    page = client.get(action.get_absolute_url()).content.decode()
    assert f'hx-trigger="progress-logged-{action.pk} from:body"' in page

    fragment = client.get(reverse("actions:progress", args=[action.pk]), headers=HTMX)
    assert fragment.status_code == 200
    assert fragment.content.decode().lstrip().startswith('<section class="progress-log"')
    assert "Een melding." in fragment.content.decode()
    # Without JavaScript there is nothing to reload: the address leads to the action page.
    assert client.get(reverse("actions:progress", args=[action.pk]))["Location"].endswith(f"#voortgang-{action.pk}")


def test_without_javascript_the_status_form_is_a_page_and_saving_redirects_back(client, project_member, action):
    client.force_login(project_member)

    page = client.get(reverse("actions:status", args=[action.pk]) + f"?next={action.get_absolute_url()}")
    assert page.status_code == 200
    html = page.content.decode()
    assert "<h1>Status van actie 4 wijzigen</h1>" in html
    assert "hx-disable" in html
    assert f'name="next" value="{action.get_absolute_url()}"' in html

    answer = post_status(client, action, status="in_progress", next=action.get_absolute_url())
    assert answer.status_code == 302
    assert answer["Location"] == f"{action.get_absolute_url()}#status-{action.pk}"
    followed = client.get(answer["Location"]).content.decode()
    assert "Status van actie 4 opgeslagen: in uitvoering in 2025." not in followed  # the note was cleared
    assert "Status van actie 4 opgeslagen: in uitvoering." in followed
    assert ProgressUpdate.objects.filter(action=action).count() == 1


def test_without_next_the_status_page_returns_to_the_document(client, project_member, action):
    client.force_login(project_member)
    answer = post_status(client, action, status="in_progress")
    assert answer["Location"] == f"{action.response.get_absolute_url()}#actie-{action.pk}"


def test_htmx_get_opens_the_status_form_in_its_block(client, project_member, action):
    client.force_login(project_member)

    html = client.get(reverse("actions:status", args=[action.pk]), headers=HTMX).content.decode()

    assert f'<div class="status-block is-editing" id="status-{action.pk}">' in html
    assert '<select name="status" autofocus' in html
    assert '<option value="inherited">' not in html  # a top-level action cannot inherit
    assert f'name="version" value="{action.version}"' in html
    # Cancel: a link back, or (htmx) the block fetched from the action's own URL.
    assert f'hx-get="{action.get_absolute_url()}"' in html


def test_the_action_url_answers_htmx_with_its_status_block(client, action):
    html = client.get(action.get_absolute_url(), headers=HTMX).content.decode()
    assert html.lstrip().startswith(f'<div class="status-block" id="status-{action.pk}">')
    assert "Status: op te starten in 2025" in html
    assert "wijzig-status" not in html  # no rights, no control


def test_a_part_can_inherit_its_status(client, project_member, part):
    part.status = "in_progress"
    part.save()
    client.force_login(project_member)

    form = client.get(reverse("actions:status", args=[part.pk]), headers=HTMX).content.decode()
    assert '<option value="inherited">zoals de hoofdactie (gerealiseerd)</option>' in form

    answer = post_status(client, part, status="inherited", headers=HTMX)

    assert answer.status_code == 200
    assert "Status: gerealiseerd" in answer.content.decode()
    assert "(zoals de hoofdactie)" in answer.content.decode()
    part.refresh_from_db()
    assert part.is_inherited
    assert ProgressUpdate.objects.get(action=part).get_status_display() == "zoals de hoofdactie"


def test_a_top_level_action_cannot_inherit_a_status(client, project_member, action):
    client.force_login(project_member)
    before = snapshot()

    answer = post_status(client, action, status="inherited", headers=HTMX)

    assert answer.status_code == 422
    assert "inherited" not in answer.content.decode().split('name="status"')[1].split("</select>")[0]
    assert snapshot() == before
    assert not ProgressUpdate.objects.exists()


@pytest.mark.parametrize("value", ["done", "REALISED", "gerealiseerd", "x" * 300])
def test_an_unknown_status_is_refused(client, project_member, action, value):
    client.force_login(project_member)
    before = snapshot()

    answer = post_status(client, action, status=value, headers=HTMX)

    assert answer.status_code == 422
    assert "Selecteer een geldige keuze" in answer.content.decode()
    assert snapshot() == before
    assert not ProgressUpdate.objects.exists()


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("status_note", "x" * 101, "niet meer dan 100 tekens"),
        ("note", "x" * 5_001, "niet meer dan 5000 tekens"),
    ],
)
def test_over_long_status_input_is_refused(client, project_member, action, field, value, message):
    client.force_login(project_member)
    before = snapshot()

    answer = post_status(client, action, status="realised", headers=HTMX, **{field: value})

    assert answer.status_code == 422
    assert message in answer.content.decode()
    assert snapshot() == before
    assert not ProgressUpdate.objects.exists()


def test_a_stale_status_save_is_refused(client, django_user_model, project_member, action):
    colleague = django_user_model.objects.create_user("jan", first_name="Jan", last_name="Claes")
    grant(colleague, action.response, "project_team")
    loaded = action.version
    client.force_login(colleague)
    assert post_status(client, action, version=loaded, status="realised").status_code == 302

    client.force_login(project_member)
    answer = post_status(client, action, version=loaded, status="in_progress", note="Mijn melding.", headers=HTMX)

    assert answer.status_code == 409
    html = answer.content.decode()
    assert "Jan Claes heeft dit intussen gewijzigd" in html
    assert '<option value="in_progress" selected>' in html  # the user's choice is still there
    assert f'name="version" value="{loaded + 1}"' in html
    action.refresh_from_db()
    assert (action.status, action.updated_by) == ("realised", colleague)
    assert list(ProgressUpdate.objects.values_list("author__username", flat=True)) == ["jan"]


def test_changing_a_parents_status_updates_the_parts_that_inherit_it(client, project_member, parent):
    own = parent.parts.get(number="1.5")
    own.status = "to_start"
    own.save()
    inheriting = list(parent.parts.filter(status="inherited").order_by("order"))
    client.force_login(project_member)

    html = post_status(client, parent, status="in_progress", headers=HTMX).content.decode()

    # The parts that inherit come along out of band, with the new status ...
    for child in inheriting:
        block = html[html.index(f'id="status-{child.pk}" hx-swap-oob="true"') :]
        block = block[: block.index("</div>")]
        assert "Status: in uitvoering" in block
        assert "(zoals de hoofdactie)" in block
        assert "autofocus" not in block  # only the control that opened the form gets focus
    # ... a part with a status of its own does not.
    assert f'id="status-{own.pk}"' not in html
    assert len(inheriting) == 4


def test_the_document_shows_status_controls_only_to_the_project_team(
    client, seed_response, project_member, evaluation_staff, reader
):
    url = seed_response.get_absolute_url()
    anonymous = client.get(url).content.decode()
    assert "wijzig-status-" not in anonymous
    assert "(zoals de hoofdactie)" not in anonymous  # readers see the document as it was written
    for user in (reader, evaluation_staff):
        client.force_login(user)
        assert "wijzig-status-" not in client.get(url).content.decode()
    client.force_login(project_member)
    page = client.get(url).content.decode()
    # Every action and every part: 5 actions, 10 parts.
    assert page.count('id="wijzig-status-') == Action.objects.filter(response=seed_response).count() == 15
    assert page.count('class="status-line__inherited"') == 10


def test_status_controls_follow_the_interface_language_and_the_status_line_the_documents(
    client, project_member, action
):
    client.force_login(project_member)
    client.post(reverse("set_language"), {"language": "en"})

    page = client.get(action.response.get_absolute_url()).content.decode()
    assert "Status: op te starten in 2025" in page  # the document stays Dutch

    form = client.get(reverse("actions:status", args=[action.pk]), headers=HTMX).content.decode()
    assert ">Save<" in form
    saved = post_status(client, action, status="realised", headers=HTMX).content.decode()
    assert "Status: gerealiseerd" in saved


@pytest.mark.parametrize("user", ["evaluation_staff", "reader", "outsider"])
def test_only_the_project_team_may_change_a_status(client, request, action, user):
    client.force_login(request.getfixturevalue(user))
    before = snapshot()
    assert client.get(reverse("actions:status", args=[action.pk])).status_code == 403
    assert client.get(reverse("actions:status", args=[action.pk]), headers=HTMX).status_code == 403
    assert post_status(client, action, status="realised").status_code == 403
    assert post_status(client, action, status="realised", headers=HTMX).status_code == 403
    assert snapshot() == before
    assert not ProgressUpdate.objects.exists()


def test_anonymous_visitors_are_sent_to_the_login_page(client, action):
    answer = post_status(client, action, status="realised")
    assert answer.status_code == 200  # the login page, carrying the input (tests/test_accounts.py)
    assert 'action="/accounts/login/"' in answer.content.decode()
    document = action.response.get_absolute_url()
    htmx = post_status(
        client, action, status="realised", headers={**HTMX, "HX-Current-URL": "http://testserver" + document}
    )
    # The status form's input is kept: after logging in, the status page shows it again (unsaved).
    assert htmx["HX-Push-Url"].startswith(reverse("login") + "?next=" + action_url_status(action) + "%3Frestore%3D")
    opening = client.get(
        reverse("actions:status", args=[action.pk]), headers={**HTMX, "HX-Current-URL": "http://testserver" + document}
    )
    assert opening["HX-Redirect"] == reverse("login") + "?next=" + document


def action_url_status(action):
    return reverse("actions:status", args=[action.pk])


# --- Editing an action -------------------------------------------------------------------------


def edit_data(action, **changes):
    data = {
        "number": action.number,
        "label": action.label,
        "title": action.title,
        "narrative": action.narrative,
        "time_frame": action.time_frame,
        "responsible_units": "\n".join(action.responsible_units),
        "starts_on": action.starts_on.isoformat() if action.starts_on else "",
        "due_date": action.due_date.isoformat() if action.due_date else "",
        "version": action.version,
    }
    data.update(changes)
    return data


def test_the_action_forms_hints_speak_of_the_responses_layout(client, project_member, action):
    """The table's hints ("as cited in the table", "Spoor 2:") are not shown in the matrix (issue 22)."""
    client.force_login(project_member)
    url = reverse("actions:edit", args=[action.pk])
    assert "Zoals in de tabel geciteerd" in client.get(url).content.decode()
    action.response.layout = "matrix"
    action.response.save()
    html = client.get(url).content.decode()
    assert "Zoals in de tabel geciteerd" not in html
    assert "Zoals de tabel met kernacties het drukt: 1.1, 2.3." in html
    assert "De matrix drukt het nummer." in html


def test_project_team_edit_an_action_on_its_page(client, project_member, action):
    client.force_login(project_member)

    page = client.get(reverse("actions:edit", args=[action.pk]))
    assert page.status_code == 200
    html = page.content.decode()
    assert "<h1>Actie 4 bewerken</h1>" in html
    assert 'type="date"' in html
    assert '<input type="text" name="number" value="4"' in html
    assert "autofocus" in html
    assert 'name="_preview"' in html  # the preview without JavaScript
    assert f'hx-post="/responses/{action.response.slug}/preview/?field=narrative"' in html  # and the live one

    answer = client.post(
        reverse("actions:edit", args=[action.pk]),
        edit_data(
            action, title="Een nieuwe titel", responsible_units="Team Leren\nTeam Oproepen", due_date="2026-06-30"
        ),
    )

    assert answer.status_code == 302
    assert answer["Location"] == reverse("actions:manage", args=[action.response.slug]) + f"#beheer-actie-{action.pk}"
    assert "Actie 4 opgeslagen." in client.get(answer["Location"]).content.decode()
    action.refresh_from_db()
    assert (action.title, action.responsible_units, str(action.due_date), action.version, action.updated_by) == (
        "Een nieuwe titel",
        ["Team Leren", "Team Oproepen"],
        "2026-06-30",
        2,
        project_member,
    )


def test_the_edit_page_goes_back_where_it_came_from(client, project_member, action):
    client.force_login(project_member)
    page = client.get(reverse("actions:edit", args=[action.pk]) + f"?next={action.get_absolute_url()}")
    assert f'name="next" value="{action.get_absolute_url()}"' in page.content.decode()
    answer = client.post(reverse("actions:edit", args=[action.pk]), edit_data(action, next=action.get_absolute_url()))
    assert answer["Location"] == action.get_absolute_url()


def test_htmx_edit_opens_the_form_in_the_list_and_saving_returns_the_list(client, project_member, action):
    client.force_login(project_member)

    opened = client.get(reverse("actions:edit", args=[action.pk]), headers=HTMX).content.decode()
    assert opened.lstrip().startswith('<div class="manage-list" id="acties-beheer">')
    assert f'hx-post="{reverse("actions:edit", args=[action.pk])}"' in opened
    assert f"?focus=bewerk-actie-{action.pk}" in opened  # Cancel puts focus back on Bewerken

    answer = client.post(
        reverse("actions:edit", args=[action.pk]), edit_data(action, title="Nieuwe titel"), headers=HTMX
    )

    assert answer.status_code == 200
    html = answer.content.decode()
    assert "Nieuwe titel" in html
    assert re.search(rf'id="bewerk-actie-{action.pk}"[^>]*autofocus', html, re.S)
    assert "Actie 4 opgeslagen." in html
    assert 'hx-swap-oob="innerHTML:#live-status"' in html
    assert html.count("autofocus") == 1


def test_the_preview_button_shows_the_markdown_and_saves_nothing(client, project_member, action):
    client.force_login(project_member)
    before = snapshot()

    answer = client.post(
        reverse("actions:edit", args=[action.pk]),
        edit_data(action, narrative="Eerst **dit**.\n\n- een\n- twee", _preview="1"),
    )

    assert answer.status_code == 200
    html = answer.content.decode()
    assert "<strong>dit</strong>" in html
    assert "<li>een</li>" in html
    assert snapshot() == before


def test_a_number_must_stay_unique_within_the_response(client, project_member, action):
    client.force_login(project_member)
    before = snapshot()

    answer = client.post(reverse("actions:edit", args=[action.pk]), edit_data(action, number="3"), headers=HTMX)

    assert answer.status_code == 422
    assert "Nummer 3 is al in gebruik in deze managementresponse." in answer.content.decode()
    assert snapshot() == before
    # The same number in another response is no problem.
    ActionFactory(number="77")
    answer = client.post(reverse("actions:edit", args=[action.pk]), edit_data(action, number="77"), headers=HTMX)
    assert answer.status_code == 200


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("title", "x" * 301),
        ("number", "x" * 41),
        ("narrative", "x" * 100_001),
        ("title", ""),
        ("due_date", "31/02/2026"),
        ("version", ""),
    ],
)
def test_bad_action_input_is_refused(client, project_member, action, field, value):
    client.force_login(project_member)
    before = snapshot()
    answer = client.post(reverse("actions:edit", args=[action.pk]), edit_data(action, **{field: value}), headers=HTMX)
    assert answer.status_code == 422
    assert snapshot() == before


def test_a_stale_edit_is_refused_and_the_first_save_stays(client, django_user_model, project_member, action):
    colleague = django_user_model.objects.create_user("jan", first_name="Jan", last_name="Claes")
    grant(colleague, action.response, "project_team")
    first = edit_data(action, title="Titel van Jan")
    second = edit_data(action, title="Titel van Piet")  # loaded at the same version
    client.force_login(colleague)
    assert client.post(reverse("actions:edit", args=[action.pk]), first).status_code == 302

    client.force_login(project_member)
    answer = client.post(reverse("actions:edit", args=[action.pk]), second, headers=HTMX)

    assert answer.status_code == 409
    html = answer.content.decode()
    assert "Jan Claes heeft dit intussen gewijzigd" in html
    assert "<dd>Titel van Jan</dd>" in html  # the current version ...
    assert 'value="Titel van Piet"' in html  # ... and the user's own input
    action.refresh_from_db()
    assert (action.title, action.updated_by) == ("Titel van Jan", colleague)


# --- Adding, moving, deleting ------------------------------------------------------------------


def test_the_manage_page_lists_actions_and_parts_with_their_controls(client, project_member, seed_response, parent):
    client.force_login(project_member)

    page = client.get(reverse("actions:manage", args=[seed_response.slug]))

    assert page.status_code == 200
    html = page.content.decode()
    assert "<h1>Acties bewerken</h1>" in html
    for item in Action.objects.filter(response=seed_response):
        for control in ("bewerk-actie", "omhoog-actie", "omlaag-actie", "verwijder-actie"):
            assert f'id="{control}-{item.pk}"' in html
    assert html.count('id="onderdeel-toevoegen-') == 5
    assert 'id="actie-toevoegen"' in html
    # Controls name the item they act on; the first can't go up, the last can't go down.
    assert '>Bewerken<span class="visually-hidden"> actie 1.1</span>' in html
    assert re.search(rf'id="omhoog-actie-{parent.pk}"\s+disabled', html)
    assert "Actie 1 verwijderen? Ook de onderdelen (5) en alle koppelingen met aanbevelingen" in html
    assert "autofocus" not in html


def test_the_manage_page_answers_htmx_with_its_list_and_focuses_the_control_asked_for(
    client, project_member, seed_response, action
):
    client.force_login(project_member)
    url = reverse("actions:manage", args=[seed_response.slug])
    html = client.get(f"{url}?focus=bewerk-actie-{action.pk}", headers=HTMX).content.decode()
    assert html.lstrip().startswith('<div class="manage-list" id="acties-beheer">')
    assert re.search(rf'id="bewerk-actie-{action.pk}"[^>]*autofocus', html, re.S)


def test_project_team_add_an_action_and_it_goes_last(client, project_member, seed_response):
    client.force_login(project_member)
    url = reverse("actions:add", args=[seed_response.slug])

    opened = client.get(url, headers=HTMX).content.decode()
    assert 'name="number" value="6"' in opened  # the next free number is suggested
    assert 'name="version"' not in opened

    answer = client.post(url, {"number": "6", "title": "Een nieuwe actie", "narrative": "Tekst."}, headers=HTMX)

    assert answer.status_code == 200
    html = answer.content.decode()
    assert "Een nieuwe actie" in html
    assert re.search(r'id="actie-toevoegen"[^>]*autofocus', html, re.S)
    assert "Actie 6 toegevoegd." in html
    new = Action.objects.get(response=seed_response, number="6")
    assert (new.parent, new.status, new.updated_by) == (None, "to_start", project_member)
    last = Action.objects.filter(response=seed_response, parent=None).order_by("order", "pk").last()
    assert last == new
    # The document shows it at the end of section II.
    document = client.get(seed_response.get_absolute_url()).content.decode()
    assert document.index("5. ") < document.index("6. Een nieuwe actie") < document.index("III. Aanbevelingen")


def test_without_javascript_adding_is_a_page_and_redirects_to_the_list(client, project_member, seed_response):
    client.force_login(project_member)
    url = reverse("actions:add", args=[seed_response.slug])
    page = client.get(url).content.decode()
    assert "<h1>Actie toevoegen</h1>" in page

    answer = client.post(url, {"number": "6", "title": "Zonder JavaScript"})

    new = Action.objects.get(response=seed_response, number="6")
    assert answer["Location"] == reverse("actions:manage", args=[seed_response.slug]) + f"#beheer-actie-{new.pk}"
    assert "Actie 6 toegevoegd." in client.get(answer["Location"]).content.decode()


def test_project_team_add_a_part_that_inherits_and_goes_last(client, project_member, parent):
    client.force_login(project_member)
    url = reverse("actions:add_part", args=[parent.pk])

    opened = client.get(url, headers=HTMX).content.decode()
    assert 'name="number" value="1.6"' in opened
    assert "Onderdeel toevoegen aan actie 1" in opened

    answer = client.post(url, {"number": "1.6", "title": "Nog een onderdeel"}, headers=HTMX)

    assert answer.status_code == 200
    assert re.search(rf'id="onderdeel-toevoegen-{parent.pk}"[^>]*autofocus', answer.content.decode(), re.S)
    new = Action.objects.get(number="1.6")
    assert (new.parent, new.status, new.response_id) == (parent, "inherited", parent.response_id)
    assert list(parent.parts.order_by("order", "pk"))[-1] == new
    assert new.status_line == "gerealiseerd"


def test_an_added_action_needs_a_free_number(client, project_member, seed_response):
    client.force_login(project_member)
    before = snapshot()
    answer = client.post(
        reverse("actions:add", args=[seed_response.slug]), {"number": "2", "title": "Dubbel"}, headers=HTMX
    )
    assert answer.status_code == 422
    assert "Nummer 2 is al in gebruik" in answer.content.decode()
    assert snapshot() == before


def test_parts_have_no_parts(client, project_member, part):
    client.force_login(project_member)
    assert client.get(reverse("actions:add_part", args=[part.pk])).status_code == 404


def move(client, item, direction, headers=None):
    return client.post(reverse("actions:move", args=[item.pk]), {"direction": direction}, headers=headers or {})


def order_of(queryset):
    return list(queryset.order_by("order", "pk").values_list("number", flat=True))


def test_moving_an_action_swaps_it_with_its_neighbour(client, project_member, seed_response):
    client.force_login(project_member)
    top = Action.objects.filter(response=seed_response, parent=None)
    third = top.get(number="3")

    answer = move(client, third, "up", headers=HTMX)

    assert answer.status_code == 200
    html = answer.content.decode()
    assert re.search(rf'id="omhoog-actie-{third.pk}"[^>]*autofocus', html, re.S)  # focus stays on the button
    assert "Actie 3 één plaats omhoog gezet." in html
    assert order_of(top) == ["1", "3", "2", "4", "5"]
    assert html.index(f'id="beheer-actie-{third.pk}"') < html.index('id="beheer-actie-%d"' % top.get(number="2").pk)

    plain = move(client, third, "down")
    assert plain["Location"].endswith(f"#beheer-actie-{third.pk}")
    assert order_of(top) == ["1", "2", "3", "4", "5"]


def test_a_part_moves_among_its_siblings_only(client, project_member, parent, part):
    client.force_login(project_member)
    move(client, part, "up", headers=HTMX)
    assert order_of(parent.parts.all()) == ["1.2", "1.1", "1.3", "1.4", "1.5"]
    assert order_of(Action.objects.filter(response=parent.response, parent=None)) == ["1", "2", "3", "4", "5"]


def test_the_first_action_stays_first_and_focus_goes_to_the_button_that_works(client, project_member, parent):
    client.force_login(project_member)
    answer = move(client, parent, "up", headers=HTMX)
    html = answer.content.decode()
    assert "Actie 1 staat al bovenaan." in html
    assert re.search(rf'id="omlaag-actie-{parent.pk}"[^>]*autofocus', html, re.S)


def test_an_unknown_direction_moves_nothing(client, project_member, action):
    client.force_login(project_member)
    before = snapshot()
    assert move(client, action, "sideways", headers=HTMX).status_code == 422
    assert snapshot() == before


def test_deleting_without_javascript_asks_for_confirmation_first(client, project_member, parent):
    client.force_login(project_member)
    parts = list(parent.parts.values_list("pk", flat=True))
    links = ActionLink.objects.filter(action__in=[parent.pk, *parts]).count()
    assert links > 0

    page = client.get(reverse("actions:delete", args=[parent.pk]))
    assert page.status_code == 200
    html = page.content.decode()
    assert "<h1>Actie 1 verwijderen?</h1>" in html
    assert "5 onderdelen van deze actie" in html
    assert f"{links} koppelingen met aanbevelingen" in html
    assert Action.objects.filter(pk=parent.pk).exists()  # asking deletes nothing

    answer = client.post(reverse("actions:delete", args=[parent.pk]), {"version": parent.version})

    assert answer["Location"] == reverse("actions:manage", args=[parent.response.slug])
    assert "Actie 1 verwijderd." in client.get(answer["Location"]).content.decode()
    assert not Action.objects.filter(pk__in=[parent.pk, *parts]).exists()
    assert not ActionLink.objects.filter(action__in=[parent.pk, *parts]).exists()


def test_deleting_with_htmx_returns_the_list(client, project_member, action):
    client.force_login(project_member)
    manage = client.get(reverse("actions:manage", args=[action.response.slug])).content.decode()
    assert f'hx-post="{reverse("actions:delete", args=[action.pk])}"' in manage
    assert 'hx-confirm="Actie 4 verwijderen? Ook de koppelingen met aanbevelingen' in manage

    answer = client.post(reverse("actions:delete", args=[action.pk]), {"version": action.version}, headers=HTMX)

    assert answer.status_code == 200
    html = answer.content.decode()
    assert f'id="beheer-actie-{action.pk}"' not in html
    assert "Actie 4 verwijderd." in html
    assert not Action.objects.filter(pk=action.pk).exists()


@pytest.mark.parametrize("headers", [{}, HTMX])
def test_a_stale_delete_is_refused(client, project_member, action, headers):
    client.force_login(project_member)
    decided_on = action.version
    client.post(reverse("actions:edit", args=[action.pk]), edit_data(action, title="Intussen gewijzigd"))

    answer = client.post(reverse("actions:delete", args=[action.pk]), {"version": decided_on}, headers=headers)

    assert answer.status_code == 409
    html = answer.content.decode()
    assert "heeft deze actie intussen gewijzigd" in html
    assert "Intussen gewijzigd" in html  # what it is now
    assert Action.objects.filter(pk=action.pk).exists()
    if not headers:
        assert f'name="version" value="{decided_on + 1}"' in html  # deciding again is deliberate


def test_a_delete_without_a_version_is_refused(client, project_member, action):
    client.force_login(project_member)
    assert client.post(reverse("actions:delete", args=[action.pk]), {}).status_code == 422
    assert Action.objects.filter(pk=action.pk).exists()


@pytest.mark.parametrize("user", ["evaluation_staff", "reader", "outsider"])
def test_only_the_project_team_may_edit_actions(client, request, action, user):
    client.force_login(request.getfixturevalue(user))
    before = snapshot()
    slug = action.response.slug
    for url in (
        reverse("actions:manage", args=[slug]),
        reverse("actions:add", args=[slug]),
        reverse("actions:add_part", args=[action.pk]),
        reverse("actions:edit", args=[action.pk]),
        reverse("actions:delete", args=[action.pk]),
    ):
        assert client.get(url).status_code == 403, url
        assert client.get(url, headers=HTMX).status_code == 403, url
    assert client.post(reverse("actions:edit", args=[action.pk]), edit_data(action, title="Nee")).status_code == 403
    assert client.post(reverse("actions:add", args=[slug]), {"number": "9", "title": "Nee"}).status_code == 403
    assert move(client, action, "up", headers=HTMX).status_code == 403
    assert client.post(reverse("actions:delete", args=[action.pk]), {"version": 1}, headers=HTMX).status_code == 403
    assert snapshot() == before


def test_anonymous_visitors_must_log_in_to_edit_actions(client, action):
    url = reverse("actions:manage", args=[action.response.slug])
    answer = client.get(url)
    assert answer["Location"] == reverse("login") + "?next=" + url
    assert client.get(url, headers=HTMX)["HX-Redirect"].startswith(reverse("login"))
    assert client.post(reverse("actions:delete", args=[action.pk]), {"version": 1}).status_code == 302
    assert Action.objects.filter(pk=action.pk).exists()


def test_the_action_page_shows_edit_controls_only_to_those_who_may(client, action, project_member, reader):
    client.force_login(reader)
    page = client.get(action.get_absolute_url()).content.decode()
    assert "wijzig-status-" not in page
    assert reverse("actions:edit", args=[action.pk]) not in page
    client.force_login(project_member)
    page = client.get(action.get_absolute_url()).content.decode()
    assert f'id="wijzig-status-{action.pk}"' in page
    assert reverse("actions:edit", args=[action.pk]) in page


# --- Query budgets -------------------------------------------------------------------------------


def response_with(size):
    response = ManagementResponseFactory()
    actions = [ActionFactory(response=response) for _ in range(size)]
    for index in range(size):
        ActionFactory(
            response=response,
            parent=actions[index % 3],
            number=f"{actions[index % 3].number}.{index}",
            status="inherited",
        )
        ActionLinkFactory(action=actions[0], recommendation__theme__group__response=response)
        ProgressUpdateFactory(action=actions[0])
    return response, actions[0]


@pytest.mark.parametrize("size", [10, 200])
def test_the_action_page_costs_the_same_whatever_the_size(client, django_assert_max_num_queries, project_member, size):
    _response, action = response_with(size)
    client.force_login(project_member)
    # session, user, the action with its response and parent, the user's memberships, the
    # parts, the progress log with its authors, the links with their recommendations, themes
    # and groups: 7; the timeline (its newest 100 rows, the action's and the links' records
    # with their users, the links' action numbers and report locations): 5; the owners: 1; the evidence
    # panel (evidence/views.py): the evidence, the validation decisions, the progress entries to
    # attach evidence to: 3 -> 16.
    with django_assert_max_num_queries(16):
        page = client.get(action.get_absolute_url())
    assert page.content.decode().count('class="progress-log__entry"') == size


@pytest.mark.parametrize("size", [10, 200])
def test_the_manage_page_costs_the_same_whatever_the_size(client, django_assert_max_num_queries, project_member, size):
    response, _action = response_with(size)
    client.force_login(project_member)
    # session, user, the response, the user's memberships, the actions and parts with their
    # link counts: 5 (6 allowed).
    with django_assert_max_num_queries(6):
        page = client.get(reverse("actions:manage", args=[response.slug]))
    assert page.content.decode().count('id="bewerk-actie-') == 2 * size


@pytest.mark.parametrize("size", [10, 200])
def test_saving_a_status_costs_the_same_whatever_the_size(
    client, django_capture_on_commit_callbacks, project_member, size
):
    _response, action = response_with(size)
    client.force_login(project_member)
    # Statements, with the after-commit hook (the background render's task) and without the
    # transaction's own (TRANSACTION_CONTROL): session, user, the action with its response and
    # parent, the user's memberships, the status choice's constraint check, the claim and the
    # save, the audit trail's record (written without reading the previous one, nor the owners:
    # core/audit.py, compared_with), simple-history's snapshot of the owners (it reads them for
    # every record of an action), the response's new revision (the key of the cached document
    # and PDF), the progress entry and its own record (progress notes are on the audit trail
    # too), the PDF task (one INSERT: no read, no cache), the parts that inherit the status. 14.
    # Before the audit trail it was 14 with BEGIN, COMMIT and a savepoint around the save
    # (benchmarks/README.md; 10 statements); SQLite counts 16 now (BEGIN and COMMIT; the save
    # no longer nests a savepoint: core/editing.py, save_if_unchanged). The 5 more are the two
    # records, the owners' snapshot, the revision and the task; one permission query went.
    with CaptureQueriesContext(connection) as captured, django_capture_on_commit_callbacks(execute=True):
        answer = post_status(client, action, status="realised", headers=HTMX)
    assert answer.status_code == 200
    sql = [q["sql"] for q in captured.captured_queries if not q["sql"].startswith(TRANSACTION_CONTROL)]
    assert len(sql) == 14, "\n".join(sql)
    assert not any("historicalaction" in q and q.startswith("SELECT") for q in sql)
    assert action.history.first().history_changes == {"status": [action.status, "realised"]}
    assert answer.content.decode().count('hx-swap-oob="true"') == len([i for i in range(size) if i % 3 == 0])


def test_the_admin_shows_the_progress_log_read_only(admin_client, action):
    ProgressUpdateFactory(action=action, note="Uit het logboek.")
    assert admin_client.get(reverse("admin:actions_progressupdate_changelist")).status_code == 200
    page = admin_client.get(reverse("admin:actions_action_change", args=[action.pk])).content.decode()
    assert "Uit het logboek." in page
