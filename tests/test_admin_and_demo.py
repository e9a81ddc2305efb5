"""The admin is usable for every model; the demo loader and roles."""

from html.parser import HTMLParser

import pytest
from django.contrib.auth.models import Group
from django.core.management import call_command
from django.urls import reverse

from actions.models import Action, ActionLink
from recommendations.models import Recommendation, RecommendationGroup, Theme
from responses.models import ManagementResponse, Membership
from responses.roles import EVALUATION_STAFF

MODELS = [ManagementResponse, RecommendationGroup, Theme, Recommendation, Action, ActionLink]


@pytest.mark.parametrize("model", MODELS, ids=lambda m: m.__name__)
def test_admin_lists_searches_and_edits_every_model(admin_client, seed_response, model):
    opts = model._meta
    changelist = reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist")
    assert admin_client.get(changelist).status_code == 200
    assert admin_client.get(changelist, {"q": "Actie"}).status_code == 200
    obj = model.objects.first()
    change = reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[obj.pk])
    assert admin_client.get(change).status_code == 200


def test_admin_recommendation_page_edits_its_links_inline(admin_client, seed_response):
    rec = Recommendation.objects.get(theme__heading="BRUGFIGUREN")
    page = admin_client.get(reverse("admin:recommendations_recommendation_change", args=[rec.pk]))
    assert "kennisdeling 4" in page.content.decode()


def test_load_demo_creates_the_seed_and_one_user_per_role(db, settings, capsys):
    settings.DEBUG = True
    call_command("load_demo")
    out = capsys.readouterr().out
    assert ManagementResponse.objects.get().slug == "leerecosystemen"
    for username in ["evaluatie", "project", "lezer", "admin"]:
        assert f"{username:<10} / demo-{username}" in out
    assert Group.objects.get(name=EVALUATION_STAFF).user_set.get().username == "evaluatie"  # may start responses
    roles = dict(Membership.objects.filter(response__slug="leerecosystemen").values_list("user__username", "role"))
    assert roles == {"evaluatie": "evaluation_staff", "project": "project_team", "lezer": "reader"}
    call_command("load_demo")  # runs again without complaint
    assert ManagementResponse.objects.count() == 1


def test_load_demo_keeps_local_edits_unless_reset(db, settings):
    settings.DEBUG = True
    call_command("load_demo")
    Recommendation.objects.update(agreement="disagree")
    call_command("load_demo")
    assert Recommendation.objects.filter(agreement="disagree").count() == 19
    call_command("load_demo", "--reset")
    assert Recommendation.objects.filter(agreement="agree").count() == 17


def test_load_demo_refuses_to_run_in_production(db, settings):
    settings.DEBUG = False
    with pytest.raises(SystemExit):
        call_command("load_demo")
    assert not ManagementResponse.objects.exists()


def test_demo_users_can_log_in(client, db, settings):
    settings.DEBUG = True
    call_command("load_demo")
    # Through the login page: django-axes wants the request that a real login carries.
    answer = client.post(reverse("login"), {"username": "evaluatie", "password": "demo-evaluatie"})
    assert answer.status_code == 302
    assert client.get(reverse("tracking:home")).context["user"].username == "evaluatie"


def test_roles_carry_the_rights_of_their_work(seed_response, evaluation_staff, project_member, reader):
    from responses import permissions

    assert permissions.can_change_agreement(evaluation_staff, seed_response)
    assert not permissions.can_change_status(evaluation_staff, seed_response)
    assert permissions.can_change_status(project_member, seed_response)
    assert not permissions.can_change_agreement(project_member, seed_response)
    assert permissions.can_view(reader, seed_response)
    assert not permissions.can_change_agreement(reader, seed_response)
    assert not permissions.can_change_status(reader, seed_response)


class _FormFields(HTMLParser):
    """The values a browser would submit from the admin's change form, as it stands."""

    def __init__(self):
        super().__init__()
        self.data, self._select, self._textarea = {}, None, None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        name = attrs.get("name")
        if tag == "input" and name and attrs.get("type") not in {"submit", "button", "file"}:
            checkable = attrs.get("type") in {"checkbox", "radio"}
            if checkable and "checked" not in attrs:
                return
            self.data[name] = attrs.get("value") or ("on" if checkable else "")
        elif tag == "select" and name:
            self._select = name
            self.data.setdefault(name, "")
        elif tag == "option" and self._select and "selected" in attrs:
            self.data[self._select] = attrs.get("value", "")
        elif tag == "textarea" and name:
            self._textarea = name
            self.data[name] = ""

    def handle_endtag(self, tag):
        if tag == "select":
            self._select = None
        elif tag == "textarea":
            self._textarea = None

    def handle_data(self, data):
        if self._textarea:
            self.data[self._textarea] += data.removeprefix("\n") if not self.data[self._textarea] else data


def admin_form(admin_client, url):
    parser = _FormFields()
    parser.feed(admin_client.get(url).content.decode())
    return parser.data


def test_admin_saves_move_the_version_on_for_recommendations_themes_and_actions(
    admin_client, admin_user, seed_response
):
    rec = Recommendation.objects.get(theme__heading="BRUGFIGUREN")
    url = reverse("admin:recommendations_recommendation_change", args=[rec.pk])
    data = admin_form(admin_client, url)
    data["justification"] = "Aangepast via de beheerpagina."
    assert admin_client.post(url, data).status_code == 302
    rec.refresh_from_db()
    assert (rec.justification, rec.version, rec.updated_by) == ("Aangepast via de beheerpagina.", 2, admin_user)

    theme = rec.theme
    url = reverse("admin:recommendations_recommendationgroup_change", args=[theme.group_id])
    data = admin_form(admin_client, url)
    prefix = next(k.removesuffix("-id") for k, v in data.items() if k.endswith("-id") and v == str(theme.pk))
    data[f"{prefix}-heading"] = "BRUGFIGUREN EN COACHES"
    assert admin_client.post(url, data).status_code == 302
    theme.refresh_from_db()
    assert (theme.heading, theme.version) == ("BRUGFIGUREN EN COACHES", 2)
    untouched = theme.group.themes.exclude(pk=theme.pk)
    assert set(untouched.values_list("version", flat=True)) == {1}

    action = Action.objects.get(number="4", parent=None)
    url = reverse("admin:actions_action_change", args=[action.pk])
    data = admin_form(admin_client, url)
    data["status"] = "realised"
    assert admin_client.post(url, data).status_code == 302
    action.refresh_from_db()
    assert (action.status, action.version) == ("realised", 2)
