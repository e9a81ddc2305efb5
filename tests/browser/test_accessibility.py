"""Automated accessibility checks (axe-core, WCAG 2.1 A/AA rules) of the pages readers use."""

import pytest
from axe_playwright_python.sync_playwright import Axe

from actions.models import Action
from recommendations.models import Recommendation

pytestmark = pytest.mark.django_db(transaction=True)

WCAG = {"runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]}}


def violations(page):
    results = Axe().run(page, options=WCAG)
    return [
        f"{v['id']}: {v['help']} ({len(v['nodes'])}x, e.g. {v['nodes'][0]['target']})"
        for v in results.response["violations"]
    ]


def test_the_reader_pages_have_no_wcag_violations(live_server, page, seed_response):
    urls = [
        "/",
        seed_response.get_absolute_url(),
        Recommendation.objects.get(agreement="partially_agree").get_absolute_url(),
        Action.objects.get(number="3").get_absolute_url(),
        "/accounts/login/",
    ]
    found = {}
    for url in urls:
        page.goto(live_server.url + url)
        if problems := violations(page):
            found[url] = problems
    assert found == {}
