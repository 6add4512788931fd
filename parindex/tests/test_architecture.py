"""The rooms of shared/docs/architecture.md: every import follows its "may import" column.

Each .py file under parindex/ (migrations aside) is parsed, and every import in it, at
the top or inside a function, absolute or relative, is checked against the table below.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest
from django.conf import settings

PACKAGE = Path(__file__).resolve().parents[1]
ROOT = PACKAGE.parent

# The table's "may import" column. Apps not written yet are here too, so that their
# arrows are checked the day they land.
MAY_IMPORT: dict[str, frozenset[str]] = {
    "scoring": frozenset(),
    "org": frozenset({"scoring"}),
    "notify": frozenset(),
    "jobs": frozenset(),
    "frameworks": frozenset({"org", "scoring"}),
    "assessments": frozenset({"org", "frameworks", "scoring", "notify", "jobs"}),
    "surveys": frozenset({"org", "frameworks", "scoring", "notify", "jobs"}),
    "results": frozenset(
        {"org", "frameworks", "assessments", "surveys", "scoring", "notify", "jobs"}
    ),
    "followup": frozenset({"org", "frameworks", "assessments", "results", "notify", "jobs"}),
    "documents": frozenset(
        {"org", "frameworks", "assessments", "surveys", "results", "followup", "scoring", "jobs"}
    ),
}
MAY_IMPORT["api"] = frozenset(MAY_IMPORT)  # all the apps above: all but demo
MAY_IMPORT["demo"] = frozenset(MAY_IMPORT)  # all, api included
# Above the apps: settings, URLs, the home page, WSGI, formats, the tests' shared cast
# and the project's own tests. They may import every app; only the demo app itself and
# the project's tests (parindex/tests/) import the demo.
PROJECT = frozenset(
    {"__init__", "settings", "urls", "views", "wsgi", "formats", "conftest", "tests"}
)
PROJECT_TESTS = "tests"
# An app's tests follow its arrows and may also use the shared cast, except where the
# app is free of Django (the cast is made of Django models).
SHARED_CAST = "parindex.conftest"
DJANGO_FREE = frozenset({"scoring"})
DJANGO_PACKAGES = frozenset({"django", "axes", "dj_database_url", "pytest_django", "storages"})


def package_of(path: str) -> tuple[str, ...]:
    """The dotted parts of the package that the relative imports of the module at `path`
    (relative to the repository) start from."""
    parts = Path(path).with_suffix("").parts
    return parts[:-1]


def imports_of(path: str, source: str) -> list[tuple[int, str]]:
    """(line, absolute module) of every import in the source, wherever it stands."""
    package = package_of(path)
    found: list[tuple[int, str]] = []
    for node in ast.walk(ast.parse(source, filename=path)):
        if isinstance(node, ast.Import):
            found += [(node.lineno, alias.name) for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base: tuple[str, ...] = ()
            if node.level:
                base = package[: len(package) - node.level + 1]
            target = ".".join(base + tuple(node.module.split(".") if node.module else ()))
            if target == "parindex":  # `from parindex import org`: the names are modules
                found += [(node.lineno, f"parindex.{alias.name}") for alias in node.names]
            else:
                found.append((node.lineno, target))
    return found


def room_of(path: str) -> tuple[str, bool]:
    """The app (or "project") a file belongs to, and whether it is one of its tests."""
    parts = Path(path).parts[1:]  # below parindex/
    top = Path(parts[0]).stem
    if top in MAY_IMPORT:
        return top, len(parts) > 2 and parts[1] == "tests"
    if top in PROJECT:
        return "project", top == PROJECT_TESTS
    return top, False


def arrow_refused(room: str, is_test: bool, target: str) -> str | None:
    """Why `room` may not import `target`, or None if the table allows it."""
    parts = target.split(".")
    if parts[0] != "parindex":
        if room in DJANGO_FREE and parts[0] in DJANGO_PACKAGES:
            return f"{room} imports nothing of Django"
        return None
    if len(parts) == 1:
        return None  # the package itself, empty
    target_room = parts[1] if parts[1] in MAY_IMPORT else "project"
    if room == "project":
        if target_room == "demo" and not is_test:
            return "only the demo app and the project's tests import demo"
        return None
    if not is_test and len(parts) > 2 and parts[2] == "tests":
        return "only tests import tests"
    if target_room == "project":
        if is_test and target == SHARED_CAST:
            return f"{room} imports nothing of Django" if room in DJANGO_FREE else None
        return "an app imports no project-level module"
    if room == target_room or target_room in MAY_IMPORT[room]:
        return None
    return f"{room} may not import {target_room}"


def violations(path: str, source: str) -> list[str]:
    """One line per forbidden import: the file, the line, the arrow and why not."""
    room, is_test = room_of(path)
    if room not in MAY_IMPORT and room != "project":
        return [f"{path}: {room} is not a room of the architecture's table"]
    found = []
    for line, target in imports_of(path, source):
        reason = arrow_refused(room, is_test, target)
        if reason:
            found.append(f"{path}:{line}: {room} → {target}: {reason}")
    return found


def project_files() -> list[Path]:
    return sorted(p for p in PACKAGE.rglob("*.py") if "migrations" not in p.parts)


def test_every_import_follows_the_table() -> None:
    files = project_files()
    assert len(files) > 100  # the walk found the project
    found = [
        problem
        for file in files
        for problem in violations(
            file.relative_to(ROOT).as_posix(), file.read_text(encoding="utf-8")
        )
    ]
    assert not found, "imports the architecture does not allow:\n" + "\n".join(found)


def test_the_table_knows_every_installed_app() -> None:
    ours = {app.split(".")[1] for app in settings.INSTALLED_APPS if app.startswith("parindex.")}
    assert ours <= set(MAY_IMPORT)


@pytest.mark.parametrize(
    ("path", "source", "expected"),
    [
        (  # the arrow this check was written after
            "parindex/assessments/management/commands/bench_assessments.py",
            "import datetime\n\nfrom parindex.results.bench import make_cycle\n",
            "parindex/assessments/management/commands/bench_assessments.py:3: "
            "assessments → parindex.results.bench: assessments may not import results",
        ),
        (
            "parindex/org/views.py",
            "def view():\n    from ..results.models import ResultRow\n",
            "parindex/org/views.py:2: org → parindex.results.models: org may not import results",
        ),
        (
            "parindex/frameworks/tests/test_x.py",
            "from parindex import assessments\n",
            "parindex/frameworks/tests/test_x.py:1: frameworks → parindex.assessments: "
            "frameworks may not import assessments",
        ),
        (
            "parindex/scoring/engine.py",
            "from django.db import models\n",
            "parindex/scoring/engine.py:1: scoring → django.db: scoring imports nothing of Django",
        ),
        (
            "parindex/scoring/tests/test_x.py",
            "from parindex.conftest import Cast\n",
            "parindex/scoring/tests/test_x.py:1: scoring → parindex.conftest: "
            "scoring imports nothing of Django",
        ),
        (
            "parindex/results/views.py",
            "from parindex.conftest import Cast\n",
            "parindex/results/views.py:1: results → parindex.conftest: "
            "an app imports no project-level module",
        ),
        (
            "parindex/results/tests/test_x.py",
            "from parindex.demo.bench import make_cycle\n",
            "parindex/results/tests/test_x.py:1: results → parindex.demo.bench: "
            "results may not import demo",
        ),
        (
            "parindex/api/views.py",
            "import parindex.demo.province\n",
            "parindex/api/views.py:1: api → parindex.demo.province: api may not import demo",
        ),
        (
            "parindex/urls.py",
            "from parindex.demo import province\n",
            "parindex/urls.py:1: project → parindex.demo: "
            "only the demo app and the project's tests import demo",
        ),
        (
            "parindex/conftest.py",
            "from parindex.demo.samples import sample_inputs\n",
            "parindex/conftest.py:1: project → parindex.demo.samples: "
            "only the demo app and the project's tests import demo",
        ),
        (
            "parindex/results/services.py",
            "from parindex.results.tests.factories import cycle_for_units\n",
            "parindex/results/services.py:1: results → parindex.results.tests.factories: "
            "only tests import tests",
        ),
        (
            "parindex/reports/models.py",
            "from parindex.org.models import Unit\n",
            "parindex/reports/models.py: reports is not a room of the architecture's table",
        ),
    ],
)
def test_a_forbidden_arrow_is_reported(path: str, source: str, expected: str) -> None:
    assert violations(path, source) == [expected]


@pytest.mark.parametrize(
    ("path", "source"),
    [
        ("parindex/results/services.py", "from parindex.assessments.models import Cycle\n"),
        ("parindex/results/views.py", "from . import selectors\nfrom .models import ResultRow\n"),
        ("parindex/results/__init__.py", "from .apps import ResultsConfig\n"),
        ("parindex/urls.py", "from . import views\n"),
        ("parindex/org/templatetags/parindex.py", "from ...scoring.numbers import publish\n"),
        ("parindex/scoring/engine.py", "import itertools\nfrom .numbers import publish\n"),
        ("parindex/assessments/tests/test_x.py", "from parindex.conftest import Cast\n"),
        ("parindex/results/tests/test_x.py", "from parindex.results.tests.factories import x\n"),
        ("parindex/demo/province.py", "from parindex.results.services import results_import\n"),
        ("parindex/demo/tests/test_demo.py", "from parindex.conftest import Cast\n"),
        ("parindex/tests/test_x.py", "from parindex.demo.province import DEMO_PASSWORD\n"),
        ("parindex/urls.py", "from parindex.results import views\n"),
        ("parindex/api/views.py", "from parindex.documents import selectors\n"),
    ],
)
def test_an_allowed_arrow_passes(path: str, source: str) -> None:
    assert violations(path, source) == []
