"""The apps sit in layers, and each looks only down: in its imports, in its data and in its migrations.

    core                     mechanisms that know no app
    responses                the response, its people (memberships), its published versions
    recommendations          groups, themes, recommendations, agreement levels
    actions                  actions, their parts, status, progress; links to recommendations
    evidence                 evidence for actions (files, links) and the validation of claimed statuses
    document | interchange   the document (assembly, layouts, page, PDF) | files in and out
    publishing               publishing versions, comparisons, the response as of a date
    tracking | register      follow-up: the dashboard, the follow-up page, rounds, reminders, portfolio |
                             the public register of published versions, its feed and open data
    office | reading         office formats: the tracking table (XLSX, CSV), recommendations from Excel, Word |
                             a response read from its document (PDF, DOCX), reviewed, then created

An app may use the apps below it, never those above or beside it (README, "Layout"). Checked here
on the source, so that a string cannot do what an import may not: a foreign key to a model named
``"app.Model"``, ``apps.get_model("app", ...)``, and a migration's ``dependencies``.
"""

import ast
import shutil
from pathlib import Path

from django.apps import apps
from django.conf import settings

LAYERS = [
    ["core"],
    ["responses"],
    ["recommendations"],
    ["actions"],
    ["evidence"],
    ["document", "interchange"],
    ["publishing"],
    ["tracking", "register"],
    ["office", "reading"],
]
APPS = [app for layer in LAYERS for app in layer]
ALLOWED = {
    app: {below for layer in LAYERS[:depth] for below in layer} for depth, layer in enumerate(LAYERS) for app in layer
}
RELATIONS = {"ForeignKey", "OneToOneField", "ManyToManyField"}


def _app(name: str) -> str:
    return name.split(".")[0]


def _strings(node) -> list[str]:
    return [n.value for n in ast.walk(node) if isinstance(n, ast.Constant) and isinstance(n.value, str)]


def references(path: Path) -> list[tuple[str, str]]:
    """(kind, app) of every other app this file names: its imports, the string targets of its
    relations, the app labels it asks the registry for, and (in a migration) its dependencies."""
    tree = ast.parse(path.read_text(), filename=str(path))
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found += [("import", _app(alias.name)) for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            found.append(("import", _app(node.module)))
        elif isinstance(node, ast.Call):
            name = getattr(node.func, "attr", None) or getattr(node.func, "id", None)
            if name in RELATIONS:
                target = node.args[0] if node.args else next((k.value for k in node.keywords if k.arg == "to"), None)
                if isinstance(target, ast.Constant) and isinstance(target.value, str) and "." in target.value:
                    found.append(("foreign key", _app(target.value)))
            elif name == "get_model" and node.args:
                first = node.args[0]
                if isinstance(first, ast.Constant) and isinstance(first.value, str):
                    found.append(("get_model", _app(first.value)))
        elif (
            isinstance(node, ast.Assign)
            and "migrations" in path.parts
            and any(isinstance(t, ast.Name) and t.id == "dependencies" for t in node.targets)
        ):
            for element in getattr(node.value, "elts", []):
                if isinstance(element, ast.Tuple) and element.elts:
                    found += [("migration dependency", s) for s in _strings(element.elts[0])]
    return found


def offences(base: Path, allowed=ALLOWED) -> list[str]:
    result = []
    for app, may_use in allowed.items():
        for path in sorted((base / app).rglob("*.py")):
            for kind, other in references(path):
                if other in allowed and other != app and other not in may_use:
                    result.append(f"{path.relative_to(base)}: {kind} of {other}")
    return result


def test_apps_use_only_the_layers_below_them_in_imports_relations_registry_lookups_and_migrations():
    assert offences(Path(settings.BASE_DIR)) == []


def test_every_relation_of_a_model_points_down_or_into_its_own_app():
    """The same for the models as Django loaded them (a target given as a class, or inherited)."""
    wrong = []
    for model in apps.get_models():
        app = model._meta.app_label
        if app not in ALLOWED:
            continue
        for field in model._meta.get_fields():
            if field.is_relation and field.concrete and field.related_model is not None:
                target = field.related_model._meta.app_label
                if target in ALLOWED and target != app and target not in ALLOWED[app]:
                    wrong.append(f"{model._meta.label}.{field.name} -> {field.related_model._meta.label}")
    assert wrong == []


def test_every_app_is_in_a_layer():
    ours = {config.label for config in apps.get_app_configs() if Path(config.path).parent == Path(settings.BASE_DIR)}
    assert ours == set(APPS)


def test_the_check_finds_a_foreign_key_a_registry_lookup_and_a_migration_dependency_that_run_upwards(tmp_path):
    """On a deliberately broken copy of two layers, each kind of offence is found."""
    base = Path(settings.BASE_DIR)
    for app in ("core", "responses"):
        shutil.copytree(base / app, tmp_path / app, ignore=shutil.ignore_patterns("__pycache__"))
    allowed = {"core": set(), "responses": {"core"}}
    assert offences(tmp_path, allowed) == []

    (tmp_path / "core" / "models.py").write_text(
        (tmp_path / "core" / "models.py").read_text()
        + '\n\nclass Note(models.Model):\n    response = models.ForeignKey("responses.ManagementResponse", models.CASCADE)\n'
    )
    (tmp_path / "core" / "lookup.py").write_text(
        'from django.apps import apps\n\n\ndef response_model():\n    return apps.get_model("responses", "ManagementResponse")\n'
    )
    (tmp_path / "core" / "migrations").mkdir()
    (tmp_path / "core" / "migrations" / "0001_note.py").write_text(
        "from django.db import migrations\n\n\nclass Migration(migrations.Migration):\n"
        '    dependencies = [("responses", "0010_membership_tables")]\n    operations = []\n'
    )
    (tmp_path / "core" / "upwards.py").write_text("from responses.models import ManagementResponse\n")

    assert offences(tmp_path, allowed) == [
        "core/lookup.py: get_model of responses",
        "core/migrations/0001_note.py: migration dependency of responses",
        "core/models.py: foreign key of responses",
        "core/upwards.py: import of responses",
    ]


# Inside the interchange app, the format's modules look one way too: the importer uses the reader,
# the writer knows neither; what reader and writer must agree on is in spec.py (README, "Layout").
FORMAT_MODULES = {
    "spec": set(),
    "parse": {"spec"},
    "importer": {"parse"},
    "exporter": {"spec"},
}


def format_module_imports(path: Path) -> set[str]:
    """The modules of FORMAT_MODULES that ``path`` imports, relatively or by their full name."""
    found = set()
    for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
        if isinstance(node, ast.ImportFrom):
            if node.level == 1 and node.module:  # from .parse import ...
                found.add(node.module.split(".")[0])
            elif node.level == 1 or node.module == "interchange":  # from . import parse
                found.update(alias.name for alias in node.names)
            elif node.level == 0 and node.module and node.module.startswith("interchange."):
                found.add(node.module.split(".")[1])
        elif isinstance(node, ast.Import):
            found.update(a.name.split(".")[1] for a in node.names if a.name.startswith("interchange."))
    return found & set(FORMAT_MODULES)


def test_the_interchange_formats_modules_import_only_what_they_may():
    base = Path(settings.BASE_DIR) / "interchange"
    wrong = {name: format_module_imports(base / f"{name}.py") - may_use for name, may_use in FORMAT_MODULES.items()}
    assert {name: others for name, others in wrong.items() if others} == {}
    assert format_module_imports(base / "exporter.py") == {"spec"}  # the check sees an import when there is one


def test_no_benchmark_script_shadows_an_app():
    """A script run as ``python benchmarks/x.py`` has ``benchmarks/`` first on its path: a
    ``benchmarks/register.py`` made ``import register`` (the app) load the script instead, and
    ``django.setup()`` failed in every benchmark that sets Django up."""
    root = Path(settings.BASE_DIR)
    scripts = {path.stem for path in (root / "benchmarks").glob("*.py")}
    top_level = {config.name.split(".")[0] for config in apps.get_app_configs()}
    top_level |= {"config", "tests"}
    assert scripts.isdisjoint(top_level), sorted(scripts & top_level)
