"""Browser tests: pytest-playwright driving Debian's Chromium.

Every test under tests/browser is marked ``browser`` automatically (select with
``-m browser``, skip with ``-m "not browser"``). ``SKIP_BROWSER_TESTS=1`` skips them with
a reason: scripts/test sets it for its SQLite run, so that they run once, on PostgreSQL. Tests that use ``live_server``
need ``@pytest.mark.django_db(transaction=True)``.

Never run ``playwright install``: it downloads a browser from a blocked host.
The system Chromium (``apt-get install chromium``) is used instead;
``--browser-channel`` does not find it, hence ``executable_path``.
"""

import os
from pathlib import Path

import pytest

# Playwright's sync API runs an event loop in the test thread; Django refuses
# ORM calls from there unless this is set (live_server + page fixtures).
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]

_HERE = Path(__file__).parent


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    args = [*browser_type_launch_args.get("args", []), *CHROMIUM_ARGS]
    return {**browser_type_launch_args, "executable_path": CHROMIUM, "args": args}


def pytest_collection_modifyitems(config, items):
    # scripts/test runs the browser tests once, in its PostgreSQL run (the production database):
    # they test what the browser does, which does not depend on the database underneath.
    once = os.environ.get("SKIP_BROWSER_TESTS") == "1"
    for item in items:
        if _HERE in Path(item.path).parents:
            item.add_marker(pytest.mark.browser)
            if once:
                item.add_marker(pytest.mark.skip(reason="browser tests run once, in the PostgreSQL run"))


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args):
    # Our users' browsers ask for Dutch (Accept-Language: nl-BE); Chromium's default is en-US,
    # which LocaleMiddleware would honour.
    return {**browser_context_args, "locale": "nl-BE"}


@pytest.fixture
def console_errors(page):
    """The browser console's errors during the test (CSP refusals, failed scripts, HTTP errors)."""
    errors = []
    page.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
    return errors
