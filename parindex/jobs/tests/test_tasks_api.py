"""Code moves to Django 6's `django.tasks` by changing the imports of two files: the
jobs app's tasks module, and notify's (which may import nothing of ours)."""

from __future__ import annotations

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[2]
ALLOWED = {"jobs/tasks.py", "notify/tasks.py"}


def test_only_two_modules_import_the_tasks_backport() -> None:
    importers = set()
    for path in PACKAGE.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            names = []
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module:
                names = [node.module]
            if any(name == "django_tasks" or name.startswith("django_tasks.") for name in names):
                importers.add(str(path.relative_to(PACKAGE)))
    assert importers == ALLOWED
