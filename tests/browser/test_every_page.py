"""Every page of the site, as every role, in both layouts, at a phone's width and a desktop's.

The pages come from ``tests/pages.py`` (one table of URL name -> object), checked against the URL
resolver: a URL pattern without a case there fails ``test_every_url_pattern_has_a_page_case``.
Each page must be no wider than its viewport and the console must log no error while it loads and
runs its htmx requests (a CSP refusal of an inline style is an error). An error page (403, 404) is
a page too: it must fit; Chromium's own line about the document's status ("Failed to load
resource: ... 403") is the only console error allowed there.

What it covers, in both layouts (table and matrix), every page of both responses (Dutch, English):
- at 390 px (a phone, with its viewport meta tag honoured), as every role: where pages break;
- at 1280 px, as the administrator (who sees every page with all its controls: the other members'
  pages show subsets of them) and as the anonymous visitor (the public pages, the login page and
  the error pages the others get). The console's errors do not depend on the width: the same
  scripts run at both, and every role's pages run them at 390 px.
One browser context per role and width, reused for all its pages.
"""

import re

import pytest
from django.test import Client

from tests.pages import LAYOUTS, PAGES, ROLES, build_site, missing_pages, stale_pages, url

PHONE, DESKTOP = 390, 1280
# (role, width) of each pass over the pages: see the module's docstring.
PASSES = [(role, PHONE) for role in ROLES] + [("administrator", DESKTOP), ("anonymous", DESKTOP)]

# The elements wider than the viewport, to say which one overflows.
OVERFLOW = """(width) => {
  const wide = [];
  for (const el of document.querySelectorAll('body *')) {
    const box = el.getBoundingClientRect();
    if (box.right > width + 1 && box.width > 0) {
      let scroller = el.parentElement, clipped = false;
      while (scroller && scroller !== document.body) {
        const style = getComputedStyle(scroller);
        if (['auto', 'scroll', 'hidden', 'clip'].includes(style.overflowX)) { clipped = true; break; }
        scroller = scroller.parentElement;
      }
      if (!clipped) wide.push(el.tagName.toLowerCase() + (el.id ? '#' + el.id : '') +
        (el.className && typeof el.className === 'string' ? '.' + el.className.trim().split(/\\s+/).join('.') : '') +
        ' ' + Math.round(box.right) + 'px');
    }
  }
  return wide.slice(0, 5);
}"""

CSP_LISTENER = """
window.__csp = [];
document.addEventListener("securitypolicyviolation", (e) => window.__csp.push(e.violatedDirective + " " + e.blockedURI));
"""


def test_every_url_pattern_has_a_page_case():
    missing = missing_pages()
    assert missing == [], (
        f"URL patterns without a case in tests/pages.py: {missing}. Add each to PAGES (a page: which object "
        "to show) or to NOT_PAGES (a file, a POST-only endpoint: why it is not a page)."
    )
    assert stale_pages() == []


def session_cookie(live_server, user):
    client = Client()
    client.force_login(user)
    return {"name": "sessionid", "value": client.cookies["sessionid"].value, "url": live_server.url}


def urls(site):
    """Every page, once for each response (Dutch and English) when it belongs to one."""
    seen = []
    for side in (site.nl, site.en):
        for name in PAGES:
            address = url(name, side)
            if address not in seen:
                seen.append(address)
    return seen


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("layout", LAYOUTS)
def test_every_page_fits_a_phone_and_a_desktop_without_console_errors(
    live_server, browser, django_user_model, layout, settings
):
    settings.DEBUG = False
    site = build_site(django_user_model, layout)
    addresses = urls(site)
    failures = []
    visits = 0
    for role, width in PASSES:
        # A phone lays a page out at the width its viewport meta tag asks for (980 px without one).
        context = browser.new_context(
            locale="nl-BE", viewport={"width": width, "height": 900}, is_mobile=width < 800, has_touch=width < 800
        )
        if site.users[role] is not None:
            context.add_cookies([session_cookie(live_server, site.users[role])])
        page = context.new_page()
        errors = []
        page.on("console", lambda msg, errors=errors: errors.append(msg.text) if msg.type == "error" else None)
        page.add_init_script(CSP_LISTENER)
        for address in addresses:
            errors.clear()
            answer = page.goto(live_server.url + address)
            if page.locator("[hx-trigger*=load], [hx-trigger*=revealed]").count():
                page.wait_for_load_state("networkidle")
            visits += 1
            status = answer.status
            where = f"{role} {address} ({status}, {width} px)"
            if status >= 500:
                failures.append(f"{where}: server error")
            scroll_width = page.evaluate("document.documentElement.scrollWidth")
            if scroll_width > width:
                failures.append(f"{where} at {width} px is {scroll_width} px wide: {page.evaluate(OVERFLOW, width)}")
            own_status = re.compile(rf"Failed to load resource: .* status of {status}\b")
            logged = [e for e in errors if not (status >= 400 and own_status.search(e))]
            logged += page.evaluate("window.__csp")
            if logged:
                failures.append(f"{where}: console {logged}")
        context.close()
    assert visits >= len(PAGES) * len(PASSES)
    assert failures == [], "\n".join(failures)
