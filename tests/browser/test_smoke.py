"""Placeholder browser test: proves Chromium starts and renders a Django page."""

import pytest
from playwright.sync_api import expect


@pytest.mark.django_db(transaction=True)
def test_admin_login_form_renders(live_server, page):
    page.goto(live_server.url + "/admin/login/")
    expect(page.locator("#id_username")).to_be_visible()
