"""The criteria tree of a framework and its validator."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from decimal import Decimal

from .numbers import ZERO, places
from .rules import MAX_PLACES, Issue, Rule


@dataclass
class Node:
    """A field, criterion or sub-criterion. A leaf has a rule, an inner node children."""

    code: str
    title: str
    max_points: Decimal
    children: list[Node] = field(default_factory=list)
    rule: Rule | None = None
    guidance: str = ""
    evidence: str = ""
    evidence_required: bool = False
    allow_not_applicable: bool = False
    # Where the follow-up proposes the leaf's answer from (frameworks.prefill); the engine
    # never reads it.
    prefill: str = ""

    @property
    def is_leaf(self) -> bool:
        return not self.children

    def walk(self, depth: int = 0) -> Iterator[tuple[Node, int]]:
        yield self, depth
        for child in self.children:
            yield from child.walk(depth + 1)


@dataclass
class Tree:
    group: str
    year: int
    title: str
    max_points: Decimal
    nodes: list[Node] = field(default_factory=list)

    def walk(self) -> Iterator[tuple[Node, int]]:
        """Every node in document order with its depth (fields are at depth 0)."""
        for node in self.nodes:
            yield from node.walk()

    def leaves(self) -> list[Node]:
        return [node for node, _ in self.walk() if node.is_leaf]


def validate_tree(tree: Tree) -> list[Issue]:
    """Every problem of the tree, each naming its node; an empty list when it is sound."""
    issues: list[Issue] = []
    if not tree.nodes:
        issues.append(Issue("empty_framework"))
    seen: set[str] = set()
    for field_node in tree.nodes:
        issues += _validate_node(field_node, None, seen)
    total = sum((node.max_points for node in tree.nodes), ZERO)
    if tree.nodes and total != tree.max_points:
        issues.append(Issue("max_mismatch", {"stated": tree.max_points, "sum": total}))
    return issues


def _validate_node(node: Node, parent: Node | None, seen: set[str]) -> list[Issue]:
    issues: list[Issue] = []
    code = node.code
    if not code or any(not part.isdigit() for part in code.split(".")):
        issues.append(Issue("bad_code"))
    elif parent is not None and not (
        code.startswith(parent.code + ".") and "." not in code[len(parent.code) + 1 :]
    ):
        issues.append(Issue("code_not_under_parent", {"parent": parent.code}))
    elif parent is None and "." in code:
        issues.append(Issue("code_not_under_parent", {"parent": ""}))
    if code in seen:
        issues.append(Issue("duplicate_code"))
    seen.add(code)
    if not node.title.strip():
        issues.append(Issue("missing_title"))
    if node.max_points < ZERO:
        issues.append(Issue("negative_points", {"value": node.max_points}))
    if places(node.max_points) > MAX_PLACES:
        issues.append(Issue("too_many_places", {"value": node.max_points}))
    if node.children:
        if node.rule is not None:
            issues.append(Issue("rule_on_inner_node"))
        total = sum((child.max_points for child in node.children), ZERO)
        if total != node.max_points:
            issues.append(Issue("max_mismatch", {"stated": node.max_points, "sum": total}))
        if node.allow_not_applicable:
            issues.append(Issue("not_applicable_on_inner_node"))
    elif node.rule is None:
        issues.append(Issue("leaf_without_rule"))
    else:
        issues += node.rule.check(node.max_points)
        if node.allow_not_applicable and node.rule.adjusts:
            issues.append(Issue("not_applicable_on_adjustment"))
    issues = [issue.at(code) for issue in issues]
    for child in node.children:
        issues += _validate_node(child, node, seen)
    return issues


def without_rules(tree: Tree, rule_types: frozenset[str]) -> Tree:
    """The tree without the leaves of these rule types, maxima summed again; fields left
    empty disappear. Used to show what the unit itself claims, apart from the survey
    points and the points for earlier years that are known only later."""

    def keep(node: Node) -> Node | None:
        if not node.children:
            kind = node.rule.type if node.rule is not None else ""
            return None if kind in rule_types else node
        children = [kept for child in node.children if (kept := keep(child)) is not None]
        if not children:
            return None
        return replace(
            node, children=children, max_points=sum((c.max_points for c in children), ZERO)
        )

    nodes = [kept for node in tree.nodes if (kept := keep(node)) is not None]
    return Tree(tree.group, tree.year, tree.title, sum((n.max_points for n in nodes), ZERO), nodes)
