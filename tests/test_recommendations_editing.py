"""The recommendations structure editor: evaluation staff add, edit, move and delete groups,
themes and recommendations (recommendations:manage), with and without htmx."""

import re

import pytest
from django.urls import reverse

from recommendations.models import Recommendation, RecommendationGroup, Theme
from tests.factories import (
    ActionFactory,
    ActionLinkFactory,
    ManagementResponseFactory,
    RecommendationFactory,
    RecommendationGroupFactory,
    ThemeFactory,
)

HTMX = {"HX-Request": "true"}


def url(name, *args):
    return reverse(f"recommendations:{name}", args=args)


@pytest.fixture
def response(db):
    """Two groups of two themes of three recommendations, ordered 0, 1, 2... as an import leaves them."""
    response = ManagementResponseFactory()
    for g in range(2):
        group = RecommendationGroupFactory(response=response, order=g, title=f"Groep {g}")
        for t in range(2):
            theme = ThemeFactory(group=group, order=t, section=f"8.{g}.{t}", heading=f"THEMA {g}{t}")
            for r in range(3):
                RecommendationFactory(
                    theme=theme, order=r, location=f"p. {g}{t}{r}", text=f"Aanbeveling {g}{t}{r} over **samenwerking**."
                )
    return response


@pytest.fixture
def staff(client, evaluation_staff):
    client.force_login(evaluation_staff)
    return client


def first_group(response):
    return response.recommendation_groups.order_by("order").first()


def first_theme(response):
    return Theme.objects.filter(group=first_group(response)).order_by("order").first()


def recs_of(theme):
    return list(Recommendation.objects.filter(theme=theme).order_by("order"))


def tag(html, attribute):
    """The opening tag that carries ``attribute`` (say 'id="omhoog-thema-3"')."""
    match = re.search(rf"<[^<>]*{re.escape(attribute)}[^<>]*>", html)
    assert match, attribute
    return " ".join(match.group(0).split())


def snapshot():
    """Everything the editor can change."""
    return (
        list(RecommendationGroup.objects.order_by("pk").values_list("pk", "order", "title", "version")),
        list(Theme.objects.order_by("pk").values_list("pk", "order", "section", "heading", "version")),
        list(Recommendation.objects.order_by("pk").values_list("pk", "order", "location", "text", "version")),
    )


# The page


def test_evaluation_staff_see_the_whole_structure_on_the_manage_page(staff, response):
    page = staff.get(url("manage", response.slug))
    assert page.status_code == 200
    html = page.content.decode()
    assert "<title>Aanbevelingen bewerken" in html
    assert "Groep 0" in html
    assert "Groep 1" in html
    assert '<span class="theme-section">8.1.0</span> THEMA 10' in html
    # Each recommendation: its location and a plain-text excerpt (no Markdown, no HTML).
    assert html.count('class="rec-item rec-item--recommendation"') == 12
    assert "p. 012" in html
    assert "Aanbeveling 012 over samenwerking." in html
    assert "**samenwerking**" not in html
    assert "<strong>samenwerking" not in html
    # Back to the document, and an add control at every level.
    assert f'href="{response.get_absolute_url()}#aanbevelingen"' in html
    assert html.count(">Groep toevoegen<") == 1
    assert html.count(">Thema toevoegen<") == 2
    assert html.count(">Aanbeveling toevoegen<") == 4 + 1  # one per theme, one without a group


def test_every_control_says_which_item_it_acts_on(staff, response):
    theme = first_theme(response)
    html = staff.get(url("manage", response.slug)).content.decode()
    # The interface's word, then the document's own words, quoted in the document's language.
    hidden = '<span class="visually-hidden"> thema <q lang="nl">8.0.0 THEMA 00</q></span>'
    for control in ("Bewerken", "Omhoog", "Omlaag", "Verwijderen"):
        assert f"{control}{hidden}" in html
    assert f'id="omhoog-thema-{theme.pk}"' in html
    assert 'Aanbeveling toevoegen<span class="visually-hidden"> aan thema “8.0.0 THEMA 00”</span>' in html
    assert (
        'Bewerken<span class="visually-hidden"> aanbeveling p. 000 <q lang="nl">Aanbeveling 000 over samenwerking.</q>'
        in html
    )


def test_move_buttons_are_disabled_at_the_ends(staff, response):
    first, middle, last = recs_of(first_theme(response))
    html = staff.get(url("manage", response.slug)).content.decode()
    assert "disabled" in tag(html, f'id="omhoog-aanbeveling-{first.pk}"')
    assert "disabled" not in tag(html, f'id="omlaag-aanbeveling-{first.pk}"')
    assert "disabled" not in tag(html, f'id="omhoog-aanbeveling-{middle.pk}"')
    assert "disabled" not in tag(html, f'id="omlaag-aanbeveling-{middle.pk}"')
    assert "disabled" in tag(html, f'id="omlaag-aanbeveling-{last.pk}"')


def test_the_manage_page_has_the_name_the_document_toolbar_links_to(response):
    assert url("manage", response.slug) == f"/recommendations/response/{response.slug}/"


def test_with_htmx_the_manage_url_gives_the_structure_list_alone(staff, response):
    http = staff.get(url("manage", response.slug), headers=HTMX)
    html = http.content.decode()
    assert http.status_code == 200
    assert html.lstrip().startswith('<div class="rec-structure" id="structure">')
    assert "<html" not in html
    assert "HX-Request" in http["Vary"]


# Permissions


def operations(response):
    """(method, url, data) for every operation of the editor."""
    group = first_group(response)
    theme = first_theme(response)
    rec = recs_of(theme)[0]
    return [
        ("get", url("manage", response.slug), {}),
        ("get", url("group_add", response.slug), {}),
        ("post", url("group_add", response.slug), {"title": "Nieuw"}),
        ("get", url("group_edit", group.pk), {}),
        ("post", url("group_edit", group.pk), {"version": 1, "title": "Nieuw"}),
        ("post", url("group_move", group.pk), {"direction": "down"}),
        ("get", url("group_delete", group.pk), {}),
        ("post", url("group_delete", group.pk), {"version": 1}),
        ("get", url("theme_add", group.pk), {}),
        ("post", url("theme_add", group.pk), {"heading": "NIEUW"}),
        ("get", url("theme_edit", theme.pk), {}),
        ("post", url("theme_edit", theme.pk), {"version": 1, "heading": "NIEUW"}),
        ("post", url("theme_move", theme.pk), {"direction": "down"}),
        ("get", url("theme_delete", theme.pk), {}),
        ("post", url("theme_delete", theme.pk), {"version": 1}),
        ("get", url("recommendation_add", theme.pk), {}),
        ("post", url("recommendation_add", theme.pk), {"text": "Nieuw"}),
        ("get", url("recommendation_edit", rec.pk), {}),
        ("post", url("recommendation_edit", rec.pk), {"version": 1, "text": "Nieuw"}),
        ("post", url("recommendation_move", rec.pk), {"direction": "down"}),
        ("get", url("recommendation_delete", rec.pk), {}),
        ("post", url("recommendation_delete", rec.pk), {"version": 1}),
    ]


@pytest.mark.parametrize("user", ["project_member", "reader", "outsider"])
def test_only_evaluation_staff_may_edit_the_structure(client, request, response, user):
    client.force_login(request.getfixturevalue(user))
    before = snapshot()
    for method, target, data in operations(response):
        for headers in ({}, HTMX):
            http = getattr(client, method)(target, data, headers=headers)
            assert http.status_code == 403, (method, target, headers)
    assert snapshot() == before


def test_anonymous_visitors_are_sent_to_the_login_page(client, response):
    before = snapshot()
    for method, target, data in operations(response):
        http = getattr(client, method)(target, data)
        if http.status_code == 200:  # a form's input, kept through the login page itself
            assert 'action="/accounts/login/"' in http.content.decode(), (method, target)
            continue
        assert http.status_code == 302, (method, target)
        assert http["Location"].startswith("/accounts/login/?next=")
    assert snapshot() == before


def test_htmx_requests_of_anonymous_visitors_load_the_login_page_as_a_whole(client, response):
    manage = url("manage", response.slug)
    for method, target, data in operations(response):
        http = getattr(client, method)(target, data, headers={**HTMX, "HX-Current-URL": f"http://testserver{manage}"})
        # A redirect, or (a form's input, kept through the login) the login page as the whole page.
        login = http.get("HX-Redirect") or http["HX-Push-Url"]
        assert login.startswith("/accounts/login/?next="), (method, target)
        back = login.replace("%2F", "/")
        # Back where the user was; a form's input (add, edit) is kept for its own page instead.
        assert manage in back or back.startswith(f"/accounts/login/?next={target}%3Frestore%3D"), (method, target)


def test_moving_is_a_post(staff, response):
    assert staff.get(url("theme_move", first_theme(response).pk)).status_code == 405


def test_an_unknown_direction_is_refused(staff, response):
    before = snapshot()
    assert staff.post(url("theme_move", first_theme(response).pk), {"direction": "sideways"}).status_code == 400
    assert snapshot() == before


def test_a_missing_item_is_not_found(staff, response):
    assert staff.get(url("theme_edit", 999_999)).status_code == 404
    assert staff.post(url("recommendation_add", 999_999), {"text": "x"}).status_code == 404


def test_the_url_decides_where_a_new_item_goes_not_the_form(staff, response):
    other_theme = ThemeFactory(group=RecommendationGroupFactory(response=ManagementResponseFactory()))
    theme = first_theme(response)
    staff.post(url("recommendation_add", theme.pk), {"text": "Hier", "theme": other_theme.pk})
    assert Recommendation.objects.get(text="Hier").theme == theme
    rec = recs_of(theme)[0]
    staff.post(url("recommendation_edit", rec.pk), {"version": 1, "text": "Blijft", "theme": other_theme.pk})
    rec.refresh_from_db()
    assert (rec.text, rec.theme) == ("Blijft", theme)
    assert not other_theme.recommendations.exists()


# Adding


def test_evaluation_staff_can_open_the_add_form_as_a_page_or_in_place(staff, response):
    group = first_group(response)
    page = staff.get(url("theme_add", group.pk))
    assert page.status_code == 200
    html = page.content.decode()
    assert "<h1>Thema toevoegen</h1>" in html
    # The page's form stays a plain POST (no hx-post; htmx only previews a recommendation's text).
    form = tag(html, 'class="form form--compact rec-form"')
    assert 'method="post"' in form
    assert "hx-post" not in form
    fragment = staff.get(url("theme_add", group.pk), headers=HTMX).content.decode()
    assert "<html" not in fragment
    assert f'id="thema-toevoegen-{group.pk}"' in fragment
    assert "autofocus" in tag(fragment, 'name="section"')
    assert "Annuleren" in fragment


def test_evaluation_staff_can_add_a_group(staff, response):
    http = staff.post(url("group_add", response.slug), {"title": "Aanbevelingen voor de administratie"}, follow=True)
    group = RecommendationGroup.objects.get(title="Aanbevelingen voor de administratie")
    assert http.redirect_chain == [(f"{url('manage', response.slug)}#groep-{group.pk}", 302)]
    assert "Groep “Aanbevelingen voor de administratie” toegevoegd." in http.content.decode()
    assert group.response == response
    assert group.order == 2  # last


def test_evaluation_staff_can_add_a_theme(staff, response, evaluation_staff):
    group = first_group(response)
    http = staff.post(url("theme_add", group.pk), {"section": "8.3", "heading": "NIEUW THEMA"})
    theme = Theme.objects.get(heading="NIEUW THEMA")
    assert http.status_code == 302
    assert http["Location"] == f"{url('manage', response.slug)}#thema-{theme.pk}"
    assert (theme.group, theme.section, theme.order, theme.updated_by) == (group, "8.3", 2, evaluation_staff)


def test_evaluation_staff_can_add_a_recommendation_which_starts_undecided(staff, response):
    theme = first_theme(response)
    http = staff.post(url("recommendation_add", theme.pk), {"location": "p. 7", "text": "Doe *dit*."})
    rec = Recommendation.objects.get(text="Doe *dit*.")
    assert http.status_code == 302
    assert (rec.theme, rec.location, rec.order, rec.agreement) == (theme, "p. 7", 3, "")
    assert recs_of(theme)[-1] == rec


def test_with_htmx_an_added_item_shows_in_the_list_with_the_keyboard_on_it(staff, response):
    theme = first_theme(response)
    http = staff.post(url("recommendation_add", theme.pk), {"location": "p. 7", "text": "Doe *dit*."}, headers=HTMX)
    rec = Recommendation.objects.get(text="Doe *dit*.")
    html = http.content.decode()
    assert http.status_code == 200
    # The form targeted its own slot; the answer is the whole list.
    assert http["HX-Retarget"] == "#structure"
    assert http["HX-Reswap"] == "outerHTML"
    assert 'id="structure"' in html
    assert html.count("autofocus") == 1
    assert "autofocus" in tag(html, f'id="bewerk-aanbeveling-{rec.pk}"')
    assert 'hx-swap-oob="innerHTML:#live-status"' in html
    assert "Aanbeveling p. 7 (“Doe dit.”) toegevoegd." in html


def test_with_htmx_a_theme_and_a_group_can_be_added_too(staff, response):
    group = first_group(response)
    assert staff.post(url("theme_add", group.pk), {"heading": "EXTRA"}, headers=HTMX).status_code == 200
    assert staff.post(url("group_add", response.slug), {"title": "Extra groep"}, headers=HTMX).status_code == 200
    assert Theme.objects.get(heading="EXTRA").group == group
    assert RecommendationGroup.objects.get(title="Extra groep").order == 2


@pytest.mark.parametrize("headers", [{}, HTMX], ids=["plain", "htmx"])
def test_an_invalid_new_item_is_refused_with_the_error_next_to_the_field(staff, response, headers):
    theme = first_theme(response)
    before = snapshot()
    http = staff.post(url("recommendation_add", theme.pk), {"location": "p" * 101, "text": ""}, headers=headers)
    assert http.status_code == 422
    html = http.content.decode()
    assert "Niet opgeslagen: verbeter de gemarkeerde velden." in html
    assert "niet meer dan 100 tekens" in html
    assert "Dit veld is verplicht." in html
    assert 'aria-invalid="true"' in html
    assert snapshot() == before
    if headers:
        assert f'id="aanbeveling-toevoegen-{theme.pk}"' in html
        assert "<html" not in html


# Editing


def test_evaluation_staff_can_open_the_edit_form_as_a_page_or_in_place(staff, response):
    rec = recs_of(first_theme(response))[0]
    page = staff.get(url("recommendation_edit", rec.pk)).content.decode()
    assert "<h1>Aanbeveling bewerken</h1>" in page
    assert "Groep 0 › 8.0.0 THEMA 00" in page
    fragment = staff.get(url("recommendation_edit", rec.pk), headers=HTMX).content.decode()
    assert fragment.lstrip().startswith(
        f'<li class="rec-item rec-item--recommendation is-editing" id="aanbeveling-{rec.pk}">'
    )
    assert "autofocus" in tag(fragment, 'name="number"')
    # Markdown with a live preview, and a preview button for browsers without JavaScript.
    assert f'hx-post="/responses/{rec.theme.group.response.slug}/preview/?field=text"' in fragment
    assert 'name="_preview" value="1">Voorbeeld</button>' in fragment
    assert "<strong>samenwerking</strong>" in fragment


def test_evaluation_staff_can_edit_a_group(staff, response, evaluation_staff):
    group = first_group(response)
    http = staff.post(url("group_edit", group.pk), {"version": 1, "title": "Aanbevelingen voor partners"}, follow=True)
    assert http.redirect_chain[-1][0] == f"{url('manage', response.slug)}#groep-{group.pk}"
    assert "Groep “Aanbevelingen voor partners” opgeslagen." in http.content.decode()
    group.refresh_from_db()
    assert (group.title, group.version, group.updated_by) == ("Aanbevelingen voor partners", 2, evaluation_staff)


def test_evaluation_staff_can_edit_a_theme(staff, response):
    theme = first_theme(response)
    http = staff.post(url("theme_edit", theme.pk), {"version": 1, "section": "9.1", "heading": "LOOPTIJD"})
    assert http.status_code == 302
    theme.refresh_from_db()
    assert (theme.section, theme.heading, theme.version) == ("9.1", "LOOPTIJD", 2)


def test_evaluation_staff_can_edit_a_recommendation(staff, response):
    rec = recs_of(first_theme(response))[1]
    http = staff.post(
        url("recommendation_edit", rec.pk), {"version": 1, "location": "p. 191-192", "text": "Nieuwe tekst."}
    )
    assert http.status_code == 302
    rec.refresh_from_db()
    assert (rec.location, rec.text, rec.version) == ("p. 191-192", "Nieuwe tekst.", 2)


@pytest.mark.parametrize(
    ("name", "data", "shown"),
    [
        ("group_edit", {"title": "Nieuwe titel"}, "Nieuwe titel"),
        ("theme_edit", {"section": "9.9", "heading": "NIEUWE KOP"}, "NIEUWE KOP"),
        ("recommendation_edit", {"location": "p. 5", "text": "Nieuwe *tekst*."}, "Nieuwe tekst."),
    ],
)
def test_with_htmx_a_saved_item_comes_back_with_the_keyboard_on_its_edit_control(staff, response, name, data, shown):
    theme = first_theme(response)
    item = {"group_edit": theme.group, "theme_edit": theme, "recommendation_edit": recs_of(theme)[0]}[name]
    prefix = {"group_edit": "groep", "theme_edit": "thema", "recommendation_edit": "aanbeveling"}[name]
    http = staff.post(url(name, item.pk), {"version": 1, **data}, headers=HTMX)
    html = http.content.decode()
    assert http.status_code == 200
    assert f'id="{prefix}-{item.pk}"' in html
    assert 'id="structure"' not in html  # just the item
    assert shown in html
    assert "<form" in html
    assert "rec-form" not in html
    assert html.count("autofocus") == 1
    assert "autofocus" in tag(html, f'id="bewerk-{prefix}-{item.pk}"')
    assert "opgeslagen." in html
    assert 'hx-swap-oob="innerHTML:#live-status"' in html
    item.refresh_from_db()
    assert item.version == 2


def test_the_preview_button_shows_the_markdown_and_saves_nothing(staff, response):
    rec = recs_of(first_theme(response))[0]
    before = snapshot()
    http = staff.post(url("recommendation_edit", rec.pk), {"version": 1, "text": "Een *nieuwe* tekst", "_preview": "1"})
    assert http.status_code == 200
    assert "<em>nieuwe</em>" in http.content.decode()
    assert snapshot() == before


@pytest.mark.parametrize("headers", [{}, HTMX], ids=["plain", "htmx"])
def test_a_stale_edit_is_refused_and_the_first_save_kept(staff, response, headers):
    theme = first_theme(response)
    first = staff.post(url("theme_edit", theme.pk), {"version": 1, "section": "1", "heading": "EERSTE"})
    assert first.status_code == 302
    second = staff.post(
        url("theme_edit", theme.pk), {"version": 1, "section": "2", "heading": "TWEEDE"}, headers=headers
    )
    assert second.status_code == 409
    html = second.content.decode()
    assert "eva heeft dit intussen gewijzigd" in html
    assert "De huidige versie:" in html
    assert "EERSTE" in html
    assert 'value="TWEEDE"' in html  # the user's own input, kept
    assert 'name="version" value="2"' in html  # saving again is a deliberate overwrite
    theme.refresh_from_db()
    assert (theme.heading, theme.version) == ("EERSTE", 2)


@pytest.mark.parametrize(
    ("data", "error"),
    [
        ({"location": "p" * 101, "text": "Kort."}, "niet meer dan 100 tekens"),
        ({"location": "p. 1", "text": "x" * 20_001}, "niet meer dan 20000 tekens"),
        ({"location": "p. 1", "text": "   "}, "Dit veld is verplicht."),
    ],
    ids=["location-too-long", "text-too-long", "text-empty"],
)
@pytest.mark.parametrize("headers", [{}, HTMX], ids=["plain", "htmx"])
def test_bad_input_is_refused_with_the_error_in_the_form(staff, response, data, error, headers):
    rec = recs_of(first_theme(response))[0]
    before = snapshot()
    http = staff.post(url("recommendation_edit", rec.pk), {"version": 1, **data}, headers=headers)
    assert http.status_code == 422
    html = http.content.decode()
    assert error in html
    assert 'aria-invalid="true"' in html
    assert snapshot() == before


def test_an_empty_theme_heading_is_refused(staff, response):
    theme = first_theme(response)
    http = staff.post(url("theme_edit", theme.pk), {"version": 1, "section": "1", "heading": ""}, headers=HTMX)
    assert http.status_code == 422
    field = tag(http.content.decode(), 'name="heading"')
    assert "aria-invalid" in field
    assert "autofocus" in field


# Moving


@pytest.mark.parametrize("headers", [{}, HTMX], ids=["plain", "htmx"])
def test_evaluation_staff_can_move_a_recommendation_down(staff, response, headers):
    theme = first_theme(response)
    a, b, c = recs_of(theme)
    http = staff.post(url("recommendation_move", a.pk), {"direction": "down"}, headers=headers)
    assert recs_of(theme) == [b, a, c]
    assert [r.order for r in recs_of(theme)] == [0, 1, 2]
    if headers:
        html = http.content.decode()
        assert http.status_code == 200
        assert 'id="structure"' in html
        assert html.index(f'id="aanbeveling-{b.pk}"') < html.index(f'id="aanbeveling-{a.pk}"')
        assert "autofocus" in tag(html, f'id="omlaag-aanbeveling-{a.pk}"')  # the same button keeps focus
        assert "een plaats naar beneden verplaatst." in html
    else:
        assert http.status_code == 302
        assert http["Location"] == f"{url('manage', response.slug)}#aanbeveling-{a.pk}"


def test_moving_renumbers_the_siblings(staff, response):
    theme = first_theme(response)
    a, b, c = recs_of(theme)
    # Gaps, as deletes and imports leave them.
    for rec, order in ((a, 5), (b, 10), (c, 20)):
        Recommendation.objects.filter(pk=rec.pk).update(order=order)
    staff.post(url("recommendation_move", c.pk), {"direction": "up"})
    assert [(r.pk, r.order) for r in recs_of(theme)] == [(a.pk, 0), (c.pk, 1), (b.pk, 2)]


def test_evaluation_staff_can_move_themes_and_groups(staff, response):
    group = first_group(response)
    first, second = Theme.objects.filter(group=group).order_by("order")
    staff.post(url("theme_move", second.pk), {"direction": "up"})
    assert list(Theme.objects.filter(group=group).order_by("order")) == [second, first]
    other = response.recommendation_groups.get(order=1)
    staff.post(url("group_move", group.pk), {"direction": "down"}, headers=HTMX)
    assert list(response.recommendation_groups.order_by("order")) == [other, group]


def test_moving_past_the_ends_changes_nothing(staff, response):
    theme = first_theme(response)
    a, _b, c = recs_of(theme)
    before = snapshot()
    up = staff.post(url("recommendation_move", a.pk), {"direction": "up"}, follow=True)
    assert "staat al bovenaan." in up.content.decode()
    down = staff.post(url("recommendation_move", c.pk), {"direction": "down"}, headers=HTMX)
    assert down.status_code == 200
    assert "staat al onderaan." in down.content.decode()
    assert snapshot() == before


def test_a_move_to_the_top_hands_focus_to_the_other_move_button(staff, response):
    _a, b, _c = recs_of(first_theme(response))
    html = staff.post(url("recommendation_move", b.pk), {"direction": "up"}, headers=HTMX).content.decode()
    # Omhoog is now disabled and cannot keep focus: Omlaag of the same item takes it.
    assert "disabled" in tag(html, f'id="omhoog-aanbeveling-{b.pk}"')
    assert "autofocus" in tag(html, f'id="omlaag-aanbeveling-{b.pk}"')
    assert html.count("autofocus") == 1


# Deleting


def test_the_confirmation_page_says_what_goes_with_a_group(staff, response):
    group = first_group(response)
    rec = Recommendation.objects.filter(theme__group=group).first()
    ActionLinkFactory(recommendation=rec, action=ActionFactory(response=response))
    html = staff.get(url("group_delete", group.pk)).content.decode()
    assert "<h1>Groep verwijderen</h1>" in html
    assert "Groep “Groep 0” verwijderen?" in html
    assert "Dit verwijdert ook 2 thema&#x27;s, 6 aanbevelingen en 1 koppeling met een actie." in html
    assert 'name="version" value="1"' in html
    assert RecommendationGroup.objects.filter(pk=group.pk).exists()  # asking deletes nothing


def test_the_delete_control_asks_with_hx_confirm(staff, response):
    theme = first_theme(response)
    html = staff.get(url("manage", response.slug)).content.decode()
    assert 'hx-confirm="Thema “8.0.0 THEMA 00” verwijderen? Dit verwijdert ook 3 aanbevelingen."' in html
    assert f'href="{url("theme_delete", theme.pk)}"' in html  # without JavaScript: the confirmation page


def test_evaluation_staff_can_delete_a_group_with_what_is_in_it(staff, response):
    group = first_group(response)
    http = staff.post(url("group_delete", group.pk), {"version": 1, "themes": 2, "recommendations": 6}, follow=True)
    assert http.redirect_chain == [(url("manage", response.slug), 302)]
    assert "Groep “Groep 0” verwijderd. Ook verwijderd: 2 thema&#x27;s en 6 aanbevelingen." in http.content.decode()
    assert not RecommendationGroup.objects.filter(pk=group.pk).exists()
    assert Theme.objects.count() == 2
    assert Recommendation.objects.count() == 6


def test_evaluation_staff_can_delete_a_theme(staff, response):
    theme = first_theme(response)
    http = staff.post(url("theme_delete", theme.pk), {"version": 1})
    assert http["Location"] == f"{url('manage', response.slug)}#groep-{theme.group_id}"
    assert not Theme.objects.filter(pk=theme.pk).exists()
    assert Recommendation.objects.count() == 9


def test_with_htmx_a_deleted_recommendation_leaves_the_list_and_focus_goes_to_the_next(staff, response):
    theme = first_theme(response)
    a, b, c = recs_of(theme)
    http = staff.post(url("recommendation_delete", a.pk), {"version": 1}, headers=HTMX)
    html = http.content.decode()
    assert http.status_code == 200
    assert 'id="structure"' in html
    assert f'id="aanbeveling-{a.pk}"' not in html
    assert html.count("autofocus") == 1
    assert "autofocus" in tag(html, f'id="bewerk-aanbeveling-{b.pk}"')
    assert "Aanbeveling p. 000 (“Aanbeveling 000 over samenwerking.”) verwijderd." in html
    assert recs_of(theme) == [b, c]


def test_deleting_the_last_recommendation_of_a_theme_focuses_its_add_control(staff, response):
    theme = ThemeFactory(group=first_group(response), order=5)
    rec = RecommendationFactory(theme=theme, order=0)
    html = staff.post(url("recommendation_delete", rec.pk), {"version": 1}, headers=HTMX).content.decode()
    assert "Nog geen aanbevelingen in dit thema." in html
    assert html.count("autofocus") == 1
    assert "autofocus" in tag(html, f'href="{url("recommendation_add", theme.pk)}"')


@pytest.mark.parametrize("headers", [{}, HTMX], ids=["plain", "htmx"])
def test_a_stale_delete_is_refused_and_nothing_deleted(staff, response, headers):
    theme = first_theme(response)
    staff.post(url("theme_edit", theme.pk), {"version": 1, "section": "1", "heading": "GEWIJZIGD"})
    before = snapshot()
    http = staff.post(url("theme_delete", theme.pk), {"version": 1, "recommendations": 3}, headers=headers)
    assert http.status_code == 409
    html = http.content.decode()
    assert "Niet verwijderd: eva heeft dit intussen gewijzigd" in html
    assert "GEWIJZIGD" in html  # the current version
    assert snapshot() == before
    if headers:
        assert 'id="structure"' in html
        assert 'role="alert"' in html
    else:
        assert 'name="version" value="2"' in html  # confirming again deletes the current version


def test_a_delete_is_refused_when_something_was_added_since_the_confirmation(staff, response):
    theme = first_theme(response)
    RecommendationFactory(theme=theme, order=9)
    before = snapshot()
    http = staff.post(url("theme_delete", theme.pk), {"version": 1, "recommendations": 3})
    assert http.status_code == 409
    assert "de inhoud is intussen gewijzigd. Dit verwijdert ook 4 aanbevelingen." in http.content.decode()
    assert snapshot() == before


def test_a_delete_without_its_version_is_refused(staff, response):
    theme = first_theme(response)
    before = snapshot()
    assert staff.post(url("theme_delete", theme.pk), {}, headers=HTMX).status_code == 422
    assert snapshot() == before


# Query budget


def response_with(n_recommendations):
    """One group, a theme per five recommendations, each recommendation linked to an action."""
    response = ManagementResponseFactory()
    actions = [ActionFactory(response=response) for _ in range(3)]
    group = RecommendationGroupFactory(response=response)
    themes = [ThemeFactory(group=group) for _ in range(max(1, n_recommendations // 5))]
    for i in range(n_recommendations):
        rec = RecommendationFactory(theme=themes[i % len(themes)])
        ActionLinkFactory(recommendation=rec, action=actions[i % 3])
    return response


@pytest.mark.parametrize("size", [10, 200])
def test_manage_page_query_count_does_not_grow_with_the_response(
    client, evaluation_staff, django_assert_max_num_queries, size
):
    response = response_with(size)
    client.force_login(evaluation_staff)
    # 1 session, 1 user, 2 permissions (the user's, the groups'), 1 response by slug,
    # 1 recommendations without a group, 1 groups, 1 themes, 1 recommendations with their link counts
    with django_assert_max_num_queries(9):
        page = client.get(url("manage", response.slug))
    assert page.content.decode().count('class="rec-item rec-item--recommendation"') == size
