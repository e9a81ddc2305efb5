"""Evaluation staff set agreement levels: in the document table (htmx) or on a page (no JavaScript)."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from recommendations.models import Recommendation
from tests.factories import ManagementResponseFactory, RecommendationFactory
from tests.fixtures import grant

HTMX = {"HX-Request": "true"}
# Not counted in a save's budget: how many of these a request sends depends on the database and on
# whether the test runs inside a transaction (a request's BEGIN is a SAVEPOINT here).
TRANSACTION_CONTROL = ("BEGIN", "COMMIT", "SAVEPOINT", "RELEASE SAVEPOINT", "ROLLBACK")


@pytest.fixture
def rec(seed_response):
    return (
        Recommendation.objects.for_response(seed_response)
        .order_by("theme__group__order", "theme__order", "order")
        .first()
    )


def agreement_url(rec):
    return reverse("recommendations:agreement", args=[rec.pk])


def post(client, rec, *, version=None, headers=None, **data):
    data.setdefault("justification", "")
    data["version"] = rec.version if version is None else version
    return client.post(agreement_url(rec), data, headers=headers or {})


def snapshot():
    return list(Recommendation.objects.order_by("pk").values_list("pk", "agreement", "justification", "version"))


def test_evaluation_staff_change_an_agreement_level_in_place(client, evaluation_staff, rec):
    client.force_login(evaluation_staff)

    answer = post(client, rec, agreement="partially_agree", justification="Alleen op oproepniveau.", headers=HTMX)

    assert answer.status_code == 200
    html = answer.content.decode()
    # The row comes back as the table shows it, with the edit control focused again ...
    assert html.lstrip().startswith('<tr class="recommendation-row" id="aanbeveling-%d">' % rec.pk)
    assert "Gedeeltelijk akkoord" in html
    assert "<p>Alleen op oproepniveau.</p>" in html
    assert 'id="wijzig-akkoord-%d"' % rec.pk in html
    assert "autofocus" in html
    # ... and the live region hears what happened.
    assert 'hx-swap-oob="innerHTML:#live-status"' in html
    assert "Mate van akkoord opgeslagen: gedeeltelijk akkoord." in html
    rec.refresh_from_db()
    assert (rec.agreement, rec.justification, rec.version, rec.updated_by) == (
        "partially_agree",
        "Alleen op oproepniveau.",
        2,
        evaluation_staff,
    )


def test_the_saved_level_is_on_the_document_page_after_a_reload(client, evaluation_staff, rec):
    client.force_login(evaluation_staff)
    post(client, rec, agreement="disagree", justification="Past niet in het programma.", headers=HTMX)

    page = client.get(rec.theme.group.response.get_absolute_url()).content.decode()

    row = page[page.index(f'id="aanbeveling-{rec.pk}"') :]
    row = row[: row.index("</tr>")]
    assert "Niet akkoord" in row
    assert "Past niet in het programma." in row


def test_without_javascript_the_form_is_a_page_and_saving_redirects_to_the_row(client, evaluation_staff, rec):
    client.force_login(evaluation_staff)

    page = client.get(agreement_url(rec))
    assert page.status_code == 200
    assert "<h1>Mate van akkoord wijzigen</h1>" in page.content.decode()
    assert "hx-disable" in page.content.decode()  # the page's form is a plain POST

    answer = post(client, rec, agreement="agree", justification="")
    assert answer.status_code == 302
    assert answer["Location"] == f"{rec.theme.group.response.get_absolute_url()}#aanbeveling-{rec.pk}"
    followed = client.get(answer["Location"]).content.decode()
    assert "Mate van akkoord opgeslagen: akkoord." in followed


def test_htmx_get_opens_the_form_inside_the_row(client, evaluation_staff, rec):
    client.force_login(evaluation_staff)

    html = client.get(agreement_url(rec), headers=HTMX).content.decode()

    assert 'class="recommendation-row is-editing"' in html
    assert '<select name="agreement" autofocus' in html
    assert f'name="version" value="{rec.version}"' in html
    # Cancel works both ways: a link back to the row, or (htmx) the row fetched from its own URL.
    assert f'hx-get="{rec.get_absolute_url()}"' in html


def test_the_recommendation_url_answers_htmx_with_its_table_row(client, evaluation_staff, rec):
    client.force_login(evaluation_staff)
    html = client.get(rec.get_absolute_url(), headers=HTMX).content.decode()
    assert html.lstrip().startswith('<tr class="recommendation-row"')
    assert "Actie 1.1" in html


@pytest.mark.parametrize("level", ["partially_agree", "disagree"])
def test_a_justification_is_required_when_not_fully_agreeing(client, evaluation_staff, rec, level):
    client.force_login(evaluation_staff)
    before = snapshot()

    answer = post(client, rec, agreement=level, justification="   ", headers=HTMX)

    assert answer.status_code == 422
    html = answer.content.decode()
    # The error sits next to the justification field, which says it is invalid and gets the focus.
    assert 'id="id_rec%d_justification_error"' % rec.pk in html
    assert "Geef een motivering" in html
    assert 'autofocus aria-invalid="true"' in html
    assert snapshot() == before


def test_plain_form_errors_are_shown_on_the_page_with_422(client, evaluation_staff, rec):
    client.force_login(evaluation_staff)
    answer = post(client, rec, agreement="disagree", justification="")
    assert answer.status_code == 422
    assert "<h1>Mate van akkoord wijzigen</h1>" in answer.content.decode()
    assert "Geef een motivering" in answer.content.decode()


@pytest.mark.parametrize("value", ["mostly", "AGREE", "akkoord", "x" * 500])
def test_an_unknown_agreement_level_is_refused(client, evaluation_staff, rec, value):
    client.force_login(evaluation_staff)
    before = snapshot()

    answer = post(client, rec, agreement=value, headers=HTMX)

    assert answer.status_code == 422
    assert "Selecteer een geldige keuze" in answer.content.decode()
    assert snapshot() == before


def test_an_over_long_justification_is_refused(client, evaluation_staff, rec):
    client.force_login(evaluation_staff)
    before = snapshot()
    answer = post(client, rec, agreement="disagree", justification="x" * 10_001, headers=HTMX)
    assert answer.status_code == 422
    html = answer.content.decode()
    assert "Zorg dat deze waarde niet meer dan 10000 tekens bevat (het zijn er nu 10001)." in html
    assert "Geef een motivering" not in html  # one problem, one message
    assert snapshot() == before


@pytest.mark.parametrize("version", ["", "abc", "0", "-3"])
def test_a_missing_or_broken_version_is_a_form_error(client, evaluation_staff, rec, version):
    client.force_login(evaluation_staff)
    before = snapshot()
    answer = client.post(agreement_url(rec), {"agreement": "agree", "justification": "", "version": version})
    assert answer.status_code == 422
    assert snapshot() == before


def test_a_stale_save_is_refused_and_shows_the_current_value(client, django_user_model, evaluation_staff, rec):
    colleague = django_user_model.objects.create_user("els", first_name="Els", last_name="Peeters")
    grant(colleague, rec.theme.group.response, "evaluation_staff")
    loaded_version = rec.version
    # Els saves first, from a form loaded at the same version.
    client.force_login(colleague)
    assert (
        post(client, rec, version=loaded_version, agreement="disagree", justification="Els zegt nee.").status_code
        == 302
    )

    client.force_login(evaluation_staff)
    answer = post(client, rec, version=loaded_version, agreement="agree", justification="", headers=HTMX)

    assert answer.status_code == 409
    html = answer.content.decode()
    assert "Els Peeters heeft dit intussen gewijzigd" in html
    assert "Uw wijziging is niet opgeslagen." in html
    # The current version is shown ...
    assert "<dt>Mate van akkoord</dt><dd>niet akkoord</dd>" in html
    assert "<dd>Els zegt nee.</dd>" in html
    # ... the user's own choice is still in the form, now based on the current version.
    assert '<option value="agree" selected>' in html
    assert f'name="version" value="{loaded_version + 1}"' in html
    rec.refresh_from_db()
    assert (rec.agreement, rec.justification, rec.updated_by) == ("disagree", "Els zegt nee.", colleague)

    # Saving again from the refused form is a deliberate overwrite, and it is accepted.
    again = post(client, rec, version=loaded_version + 1, agreement="agree", justification="", headers=HTMX)
    assert again.status_code == 200
    rec.refresh_from_db()
    assert rec.agreement == "agree"


def test_a_save_for_a_deleted_recommendation_is_refused(client, evaluation_staff, rec):
    client.force_login(evaluation_staff)
    pk = rec.pk
    Recommendation.objects.filter(pk=pk).delete()
    answer = client.post(reverse("recommendations:agreement", args=[pk]), {"agreement": "agree", "version": 1})
    assert answer.status_code == 404


@pytest.mark.parametrize("user", ["project_member", "reader", "outsider"])
def test_only_evaluation_staff_may_change_agreement(client, request, rec, user):
    client.force_login(request.getfixturevalue(user))
    before = snapshot()
    assert client.get(agreement_url(rec)).status_code == 403
    assert post(client, rec, agreement="disagree", justification="Nee").status_code == 403
    assert post(client, rec, agreement="disagree", justification="Nee", headers=HTMX).status_code == 403
    assert snapshot() == before


def test_anonymous_visitors_are_sent_to_the_login_page(client, rec):
    answer = post(client, rec, agreement="agree")
    assert answer.status_code == 200  # the login page itself, carrying the input (tests/test_accounts.py)
    assert f'action="{reverse("login")}"' in answer.content.decode()
    assert client.get(agreement_url(rec))["Location"].startswith(reverse("login") + "?next=")


def test_an_expired_session_sends_htmx_to_the_login_page_instead_of_swapping_it_in(client, rec):
    document = rec.theme.group.response.get_absolute_url()
    # Opening the form (a GET): back to the page the user was on after logging in.
    answer = client.get(agreement_url(rec), headers={**HTMX, "HX-Current-URL": "http://testserver" + document})
    assert answer.status_code == 200
    assert answer["HX-Redirect"] == reverse("login") + "?next=" + document
    assert answer.content == b""
    # Saving it (a POST): the login page as the whole page, carrying the input, then back to the
    # edit page to show it (tests/test_accounts.py).
    answer = post(client, rec, agreement="agree", headers={**HTMX, "HX-Current-URL": "http://testserver" + document})
    assert answer.status_code == 200
    assert answer["HX-Retarget"] == "body"
    assert answer["HX-Push-Url"].startswith(reverse("login") + "?next=" + agreement_url(rec) + "%3Frestore%3D")
    assert 'name="kept_input"' in answer.content.decode()


def test_posts_without_a_csrf_token_are_refused(rec, evaluation_staff):
    from django.test import Client

    strict = Client(enforce_csrf_checks=True)
    strict.force_login(evaluation_staff)
    answer = strict.post(agreement_url(rec), {"agreement": "agree", "version": rec.version}, headers=HTMX)
    assert answer.status_code == 403
    rec.refresh_from_db()
    assert rec.version == 1


def test_the_document_shows_edit_controls_only_to_evaluation_staff(client, seed_response, evaluation_staff, reader):
    assert "wijzig-akkoord-" not in client.get(seed_response.get_absolute_url()).content.decode()
    client.force_login(reader)
    assert "wijzig-akkoord-" not in client.get(seed_response.get_absolute_url()).content.decode()
    client.force_login(evaluation_staff)
    assert client.get(seed_response.get_absolute_url()).content.decode().count('id="wijzig-akkoord-') == 19


def test_controls_follow_the_interface_language_and_the_table_the_documents(client, evaluation_staff, rec):
    client.force_login(evaluation_staff)
    client.post(reverse("set_language"), {"language": "en"})
    html = client.get(agreement_url(rec), headers=HTMX).content.decode()
    assert ">Save</button>" in html
    assert ">Agreement</label>" in html
    # The document's own words stay Dutch.
    assert "Op oproepniveau" in html
    saved = post(client, rec, agreement="agree", headers=HTMX).content.decode()
    assert "Akkoord" in saved
    assert "Agree\n" not in saved
    assert ">Edit<" in saved


@pytest.mark.parametrize("rows", [10, 200])
def test_saving_an_agreement_costs_the_same_whatever_the_size(
    client, django_capture_on_commit_callbacks, evaluation_staff, rows
):
    response = ManagementResponseFactory()
    recs = RecommendationFactory.create_batch(rows, theme__group__response=response)
    rec = recs[0]
    client.force_login(evaluation_staff)
    # Statements, with the after-commit hook (the background render's task) and without the
    # transaction's own (TRANSACTION_CONTROL): session, user, the recommendation with its theme,
    # group and response, the user's memberships, the check constraint's validation, the claim
    # (UPDATE ... WHERE version) and the save, the audit trail's record (written without reading
    # the previous one: core/audit.py, compared_with), the response's new revision (the key of
    # the cached document and PDF), the PDF task (one INSERT: no read, no cache), the row's links.
    # 11, as before the audit trail (benchmarks/README.md: 11 with BEGIN and COMMIT, which
    # SQLite counts: 13 now). The 2 more are the audit record and the revision; the task took the
    # place of the second permission query.
    with CaptureQueriesContext(connection) as captured, django_capture_on_commit_callbacks(execute=True):
        answer = post(client, rec, agreement="disagree", justification="Te duur.", headers=HTMX)
    assert answer.status_code == 200
    sql = [q["sql"] for q in captured.captured_queries if not q["sql"].startswith(TRANSACTION_CONTROL)]
    assert len(sql) == 11, "\n".join(sql)
    assert not any("historicalrecommendation" in q and q.startswith("SELECT") for q in sql)
    assert rec.history.first().history_changes == {
        "agreement": ["agree", "disagree"],
        "justification": ["", "Te duur."],
    }


def test_a_partial_agreement_may_stay_without_reasons_when_the_original_document_gives_none(
    client, evaluation_staff, rec
):
    client.force_login(evaluation_staff)
    refused = post(client, rec, agreement="disagree", justification="")
    assert refused.status_code == 422
    assert "Geef een motivering" in refused.content.decode()

    saved = post(client, rec, agreement="disagree", justification="", justification_not_in_source="on")
    assert saved.status_code == 302
    rec.refresh_from_db()
    assert (rec.agreement, rec.justification, rec.justification_not_in_source) == ("disagree", "", True)
    # The box is on the form, labelled, with its help text tied to it.
    page = client.get(agreement_url(rec)).content.decode()
    assert 'name="justification_not_in_source"' in page
    assert "geen motivering in het oorspronkelijke document" in page.lower()
