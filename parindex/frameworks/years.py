"""A framework's texts carried into another year: “Kế hoạch CCHC năm 2023” becomes “Kế
hoạch CCHC năm 2024”, “Chỉ số CCHC năm 2022 − năm 2021” becomes “năm 2023 − năm 2022”.

Only years named as periods move: after “năm”, in “tháng 12/2023” or “quý IV/2023”, and
only the framework's own year and the two before it (the years its criteria look back
on). A document's number and date (“số 192/KH-UBND ngày 20/12/2022”), a law's year
(“Luật … năm 2018”), a standard (“ISO 9001:2015”) and a target ahead (“đến năm 2030”) stay
as they are: next year's documents have numbers of their own.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, replace
from typing import Any

from parindex.scoring.rules import parse_rule
from parindex.scoring.tree import Node, Tree

LOOKBACK = 2  # years before the framework's own that its texts name as periods

_LEAD = r"(?:năm|tháng\s+\d{1,2}\s*/|quý\s+[IVX\d]{1,4}\s*/)\s*"
_PERIOD = re.compile(rf"(?<!\w)({_LEAD})(\d{{4}})(?!\d)", re.IGNORECASE)
# “năm 2021 và 2022”, “năm 2021, 2022”, “năm 2021 - 2022”: the years after the first.
_MORE = re.compile(r"(\s*(?:,|và|-|–|đến)\s*)(\d{4})(?!\d)", re.IGNORECASE)

Segment = tuple[str, bool]  # a piece of text, and whether it is a year that moved


def _pieces(text: str, from_year: int, to_year: int) -> Iterator[tuple[str, str]]:
    """The text in pieces, each as (before, after): equal but for the years that move."""
    shift = to_year - from_year
    position = 0

    def moved(year: str) -> tuple[str, str]:
        value = int(year)
        if shift and from_year - LOOKBACK <= value <= from_year:
            return year, str(value + shift)
        return year, year

    for match in _PERIOD.finditer(text):
        if match.start() < position:
            continue
        yield text[position : match.start(2)], text[position : match.start(2)]
        yield moved(match.group(2))
        position = match.end()
        while more := _MORE.match(text, position):
            yield more.group(1), more.group(1)
            yield moved(more.group(2))
            position = more.end()
    yield text[position:], text[position:]


def carry_years(text: str, from_year: int, to_year: int) -> str:
    """The text with its periods moved from `from_year` to `to_year`."""
    return "".join(after for _before, after in _pieces(text, from_year, to_year))


@dataclass(frozen=True)
class TextChange:
    """One line of a framework's texts that a copy into another year would change."""

    code: str  # the criterion's code; "" for the framework's title
    part: str  # "title", "guidance", "evidence" or "rule" (a label of its rule)
    before: tuple[Segment, ...]
    after: tuple[Segment, ...]


def _line_changes(
    code: str, part: str, text: str, from_year: int, to_year: int
) -> list[TextChange]:
    changes = []
    for line in text.splitlines():
        pieces = [(b, a) for b, a in _pieces(line, from_year, to_year) if b or a]
        if any(b != a for b, a in pieces):
            changes.append(
                TextChange(
                    code,
                    part,
                    tuple((b, b != a) for b, a in pieces),
                    tuple((a, b != a) for b, a in pieces),
                )
            )
    return changes


def _strings(value: Any) -> Iterator[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for item in value.values():
            yield from _strings(item)
    elif isinstance(value, list | tuple):
        for item in value:
            yield from _strings(item)


def _carried(value: Any, from_year: int, to_year: int) -> Any:
    if isinstance(value, str):
        return carry_years(value, from_year, to_year)
    if isinstance(value, dict):
        return {key: _carried(item, from_year, to_year) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [_carried(item, from_year, to_year) for item in value]
    return value


def year_changes(tree: Tree, to_year: int) -> list[TextChange]:
    """What carrying the tree's texts into `to_year` would change, line by line, in
    document order: the title, then each node's title, guidance, evidence and the labels
    of its rule (levels, the two numbers of a ratio, what a deduction counts)."""
    start = tree.year
    changes = _line_changes("", "title", tree.title, start, to_year)
    for node, _depth in tree.walk():
        changes += _line_changes(node.code, "title", node.title, start, to_year)
        changes += _line_changes(node.code, "guidance", node.guidance, start, to_year)
        changes += _line_changes(node.code, "evidence", node.evidence, start, to_year)
        if node.rule is not None:
            params = {k: v for k, v in node.rule.params().items() if k != "type"}
            for text in _strings(params):
                changes += _line_changes(node.code, "rule", text, start, to_year)
    return changes


def carried_tree(tree: Tree, to_year: int) -> Tree:
    """The tree for `to_year`, its texts carried forward (see `year_changes`)."""
    start = tree.year

    def carried_node(node: Node) -> Node:
        rule = node.rule
        if rule is not None:
            rule = parse_rule(_carried(rule.params(), start, to_year))
        return replace(
            node,
            title=carry_years(node.title, start, to_year),
            guidance=carry_years(node.guidance, start, to_year),
            evidence=carry_years(node.evidence, start, to_year),
            rule=rule,
            children=[carried_node(child) for child in node.children],
        )

    return replace(
        tree,
        year=to_year,
        title=carry_years(tree.title, start, to_year),
        nodes=[carried_node(node) for node in tree.nodes],
    )
