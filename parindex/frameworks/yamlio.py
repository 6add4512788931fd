"""Frameworks to and from YAML. Numbers are read as Decimal, written without floats."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path
from typing import Any

import yaml

from parindex.scoring.rules import Issue
from parindex.scoring.tree import Tree

from .spec import SpecError, tree_from_data, tree_to_data


# libyaml's C parser when the machine has it: several times faster on large frameworks.
class _Loader(getattr(yaml, "CSafeLoader", yaml.SafeLoader)):  # type: ignore[misc]
    pass


def _decimal(loader: yaml.SafeLoader, node: yaml.Node) -> Decimal:
    assert isinstance(node, yaml.ScalarNode)
    return Decimal(loader.construct_scalar(node).replace("_", ""))


_Loader.add_constructor("tag:yaml.org,2002:float", _decimal)


class _Dumper(getattr(yaml, "CSafeDumper", yaml.SafeDumper)):  # type: ignore[misc]
    pass


def _represent_decimal(dumper: yaml.SafeDumper, value: Decimal) -> yaml.Node:
    text = format(value.normalize(), "f")
    if "." not in text:
        return dumper.represent_scalar("tag:yaml.org,2002:int", text)
    return dumper.represent_scalar("tag:yaml.org,2002:float", text)


def _represent_str(dumper: yaml.SafeDumper, value: str) -> yaml.Node:
    style = "|" if "\n" in value else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)


_Dumper.add_representer(Decimal, _represent_decimal)
_Dumper.add_representer(str, _represent_str)


def load_data(text: str | bytes) -> Any:
    try:
        return yaml.load(text, Loader=_Loader)  # noqa: S506 - a SafeLoader subclass
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        line = mark.line + 1 if mark is not None else 0
        raise SpecError([Issue("yaml_syntax", {"line": line})]) from None


def tree_from_yaml(text: str | bytes) -> Tree:
    return tree_from_data(load_data(text))


def tree_to_yaml(tree: Tree) -> str:
    return yaml.dump(
        tree_to_data(tree), Dumper=_Dumper, allow_unicode=True, sort_keys=False, width=100
    )


def check_file(path: str | Path) -> list[str]:
    """Problems of a framework file as sentences; empty when it is valid.

    Usable outside the web application (scripts, checks): sets Django up if needed.
    """
    import os

    import django
    from django.conf import settings

    if not settings.configured:
        os.environ.setdefault("DJANGO_SETTINGS_MODULE", "parindex.settings")
        django.setup()
    from .messages import describe

    try:
        tree_from_yaml(Path(path).read_bytes())
    except SpecError as error:
        return [describe(issue) for issue in error.issues]
    return []
