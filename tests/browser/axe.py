"""axe-core checks (WCAG 2.1 A/AA rules), shared by the accessibility tests."""

from axe_playwright_python.sync_playwright import Axe

WCAG = {"runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]}}
SERIOUS = {"serious", "critical"}


def violations(page, impacts=None):
    """The violations on the page as it stands, one line each; only ``impacts`` if given."""
    results = Axe().run(page, options=WCAG)
    return [
        f"{v['id']} ({v['impact']}): {v['help']} ({len(v['nodes'])}x, e.g. {v['nodes'][0]['target']})"
        for v in results.response["violations"]
        if impacts is None or v["impact"] in impacts
    ]


def violations_by_url(page, live_server, urls, impacts=None):
    """Open each URL (it must answer 200) and collect its violations: {url: [...]}, empty if none."""
    found = {}
    for url in urls:
        answer = page.goto(live_server.url + url)
        assert answer.status == 200, url
        if problems := violations(page, impacts):
            found[url] = problems
    return found
