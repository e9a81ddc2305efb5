"""Imports run one way: core <- recommendations, actions <- responses (STYLE.md, "Layout")."""

import ast
from pathlib import Path

from django.conf import settings

APPS = ["core", "recommendations", "actions", "responses", "tracking"]
# What each app may import from the others. recommendations and actions are siblings:
# actions (links answer recommendations) may import recommendations, never the reverse.
ALLOWED = {
    "core": set(),
    "recommendations": {"core"},
    "actions": {"core", "recommendations"},
    "responses": {"core", "recommendations", "actions"},
    # Follow-up over the years (review rounds, reminders, the dashboard): above everything.
    "tracking": {"core", "recommendations", "actions", "responses"},
}


def imported_apps(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(), filename=str(path))
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names = [node.module]
        else:
            continue
        found.update(name.split(".")[0] for name in names if name.split(".")[0] in APPS)
    return found


def test_apps_import_only_the_layers_below_them():
    base = Path(settings.BASE_DIR)
    offences = []
    for app in APPS:
        for path in sorted((base / app).rglob("*.py")):
            if "migrations" in path.parts:
                continue
            for other in imported_apps(path) - ALLOWED[app] - {app}:
                offences.append(f"{path.relative_to(base)} imports {other}")
    assert offences == []
