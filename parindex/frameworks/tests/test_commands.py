"""framework_import and framework_export from the command line."""

from __future__ import annotations

from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from parindex.conftest import DEMO_FRAMEWORKS, Cast
from parindex.frameworks.excelio import tree_from_xlsx
from parindex.frameworks.models import Framework
from parindex.frameworks.yamlio import tree_from_yaml


def test_import_then_export_yaml_and_excel(cast: Cast, tmp_path: Path) -> None:
    source = DEMO_FRAMEWORKS / "huyen-2023.yaml"
    call_command("framework_import", str(source), "--freeze", stdout=StringIO())
    assert Framework.objects.get().is_frozen
    out = StringIO()
    call_command("framework_export", group="huyen", year=2023, stdout=out)
    assert tree_from_yaml(out.getvalue()) == tree_from_yaml(source.read_bytes())
    target = tmp_path / "huyen.xlsx"
    call_command("framework_export", group="huyen", year=2023, format="xlsx", out=str(target))
    assert tree_from_xlsx(target.read_bytes()) == tree_from_yaml(source.read_bytes())


def test_import_of_a_bad_file_names_the_problem(cast: Cast, tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text(
        (DEMO_FRAMEWORKS / "huyen-2023.yaml")
        .read_text(encoding="utf-8")
        .replace("max_points: 97", "max_points: 96", 1),
        encoding="utf-8",
    )
    with pytest.raises(CommandError, match="96"):
        call_command("framework_import", str(bad), stdout=StringIO())
    assert not Framework.objects.exists()
