"""Automated accessibility checks (axe-core, WCAG 2.1 A/AA rules) of the pages readers use."""

import pytest

from actions.models import Action
from recommendations.models import Recommendation
from tests.browser.axe import violations_by_url

pytestmark = pytest.mark.django_db(transaction=True)


def test_the_reader_pages_have_no_wcag_violations(live_server, page, seed_response):
    urls = [
        "/",
        seed_response.get_absolute_url(),
        Recommendation.objects.get(agreement="partially_agree").get_absolute_url(),
        Action.objects.get(number="3").get_absolute_url(),
        "/accounts/login/",
    ]
    assert violations_by_url(page, live_server, urls) == {}
