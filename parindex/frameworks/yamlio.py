"""Frameworks to and from YAML. Numbers are read as Decimal, written without floats."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path
from typing import Any

import yaml

from parindex.scoring.numbers import MAX_TEXT, NumberOutOfBounds, to_decimal
from parindex.scoring.rules import Issue
from parindex.scoring.tree import Tree

from .spec import SpecError, tree_from_data, tree_to_data

# What a framework file may hold. The largest framework of the demo nests 10 deep and reads
# as 3,300 YAML events; these bounds are checked on the parser's events before anything is
# built, because libyaml's composer recurses in C (a file of nested “[” overflows its stack
# and kills the process) and aliases let a kilobyte expand into gigabytes.
MAX_BYTES = 4 * 1024 * 1024
MAX_DEPTH = 40
MAX_EVENTS = 100_000


class _Refused(yaml.YAMLError):
    """What the file holds is beyond the bounds above: `issue` says what, and where."""

    def __init__(self, issue: Issue) -> None:
        super().__init__(issue.code)
        self.issue = issue


def _line(mark: Any) -> int:
    return mark.line + 1 if mark is not None else 0


# libyaml's C parser when the machine has it: several times faster on large frameworks.
class _Loader(getattr(yaml, "CSafeLoader", yaml.SafeLoader)):  # type: ignore[misc]
    pass


def _number_text(node: yaml.Node) -> str:
    assert isinstance(node, yaml.ScalarNode)
    text = str(node.value).replace("_", "")
    if len(text) > MAX_TEXT:  # before int() or Decimal() reads it
        raise _Refused(Issue("number_too_large", {"line": _line(node.start_mark)}))
    return text


def _decimal(loader: yaml.SafeLoader, node: yaml.Node) -> Decimal:
    text = _number_text(node)
    line = _line(node.start_mark)
    if ":" in text:  # YAML 1.1's sexagesimal 1:30.5, which no framework means
        raise _Refused(Issue("not_a_number", {"line": line}))
    try:
        return to_decimal(text)  # .inf and .nan are refused too
    except NumberOutOfBounds:
        raise _Refused(Issue("number_too_large", {"line": line})) from None
    except ValueError:
        raise _Refused(Issue("not_a_number", {"line": line})) from None


def _int(loader: yaml.SafeLoader, node: yaml.Node) -> int:
    _number_text(node)
    assert isinstance(node, yaml.ScalarNode)
    value: int = loader.construct_yaml_int(node)
    return value


_Loader.add_constructor("tag:yaml.org,2002:float", _decimal)
_Loader.add_constructor("tag:yaml.org,2002:int", _int)


def _check_events(text: str | bytes) -> None:
    """Refuse deep nesting, aliases and too many nodes, reading the parser's events only
    (libyaml's parser keeps its own stack: it does not recurse)."""
    depth = 0
    for count, event in enumerate(yaml.parse(text, Loader=_Loader), start=1):
        if count > MAX_EVENTS:
            raise _Refused(Issue("yaml_too_large", {"line": _line(event.start_mark)}))
        if isinstance(event, yaml.AliasEvent):
            raise _Refused(
                Issue("yaml_alias", {"line": _line(event.start_mark), "name": event.anchor})
            )
        if isinstance(event, yaml.CollectionStartEvent):
            depth += 1
            if depth > MAX_DEPTH:
                raise _Refused(
                    Issue("yaml_too_deep", {"line": _line(event.start_mark), "depth": MAX_DEPTH})
                )
        elif isinstance(event, yaml.CollectionEndEvent):
            depth -= 1


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
    """The data of a YAML text, within the bounds above; raises SpecError otherwise."""
    if len(text) > MAX_BYTES:
        raise SpecError([Issue("yaml_too_large", {"line": 0})])
    try:
        _check_events(text)
        return yaml.load(text, Loader=_Loader)  # noqa: S506 - a SafeLoader subclass
    except _Refused as refused:
        raise SpecError([refused.issue]) from None
    except yaml.YAMLError as error:
        line = _line(getattr(error, "problem_mark", None))
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
