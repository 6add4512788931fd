"""Frameworks as plain data (what YAML and Excel hold) to and from the engine's tree."""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from parindex.scoring.numbers import to_decimal
from parindex.scoring.rules import Issue, RuleParseError, parse_rule
from parindex.scoring.tree import Node, Tree, validate_tree

from .prefill import source_issue

TREE_KEYS = {"group", "year", "title", "max_points", "nodes"}
NODE_KEYS = {
    "code",
    "title",
    "max_points",
    "children",
    "rule",
    "guidance",
    "evidence",
    "evidence_required",
    "allow_not_applicable",
    "prefill",
}


# What the frameworks' tables hold (frameworks.models): points of 7 digits, 2 of them
# decimals; codes of 30 characters; titles of 300. A tree nests fields, criteria and
# sub-criteria a few levels deep; MAX_DEPTH levels leave room and keep recursion shallow.
MAX_POINTS = Decimal("99999.99")
MAX_CODE = 30
MAX_TITLE = 300
MAX_DEPTH = 10


class SpecError(Exception):
    """The data does not describe a valid framework; `issues` says where and why."""

    def __init__(self, issues: list[Issue]) -> None:
        super().__init__("; ".join(f"{i.node}:{i.code}" for i in issues))
        self.issues = issues


def tree_from_data(data: object) -> Tree:
    """Parse and validate; raises SpecError listing every problem found."""
    issues: list[Issue] = []
    if not isinstance(data, Mapping):
        raise SpecError([Issue("not_a_framework")])
    for key in data:
        if key not in TREE_KEYS:
            issues.append(Issue("unknown_key", {"name": str(key)}))
    for key in ("group", "year", "title", "max_points", "nodes"):
        if key not in data:
            issues.append(Issue("missing_key", {"name": key}))
    if issues:
        raise SpecError(issues)
    year = data["year"]
    if isinstance(year, bool) or not isinstance(year, int) or not 2000 <= year <= 2100:
        issues.append(Issue("bad_value", {"name": "year"}))
        year = 0
    max_points = _points(data["max_points"], "", issues)
    raw_nodes = data["nodes"]
    nodes: list[Node] = []
    if not isinstance(raw_nodes, list):
        issues.append(Issue("bad_value", {"name": "nodes"}))
    else:
        for raw in raw_nodes:
            nodes.append(_node_from_data(raw, issues, 0))
    tree = Tree(
        group=str(data["group"]).strip(),
        year=year,
        title=str(data["title"] or "").strip(),
        max_points=max_points,
        nodes=nodes,
    )
    if not tree.title:
        issues.append(Issue("missing_key", {"name": "title"}))
    elif len(tree.title) > MAX_TITLE:
        issues.append(Issue("too_long", {"name": "title", "most": MAX_TITLE}))
    if not issues:
        issues = validate_tree(tree)
    if issues:
        raise SpecError(issues)
    return tree


def _points(raw: object, code: str, issues: list[Issue]) -> Decimal:
    try:
        value = to_decimal(raw)
    except ValueError:
        issues.append(Issue("bad_value", {"name": "max_points"}, code))
        return Decimal(0)
    if abs(value) > MAX_POINTS:
        issues.append(Issue("points_too_large", {"value": value, "most": MAX_POINTS}, code))
        return Decimal(0)
    return value


def _node_from_data(raw: object, issues: list[Issue], depth: int) -> Node:
    if not isinstance(raw, Mapping):
        issues.append(Issue("bad_node"))
        return Node(code="?", title="?", max_points=Decimal(0))
    code = str(raw.get("code", "")).strip()
    if len(code) > MAX_CODE:
        issues.append(Issue("too_long", {"name": "code", "most": MAX_CODE}, code))
    for key in raw:
        if key not in NODE_KEYS:
            issues.append(Issue("unknown_key", {"name": str(key)}, code))
    max_points = _points(raw.get("max_points"), code, issues)
    node = Node(
        code=code,
        title=str(raw.get("title") or "").strip(),
        max_points=max_points,
        guidance=_text(raw.get("guidance")),
        evidence=_text(raw.get("evidence")),
        evidence_required=_flag(raw, "evidence_required", code, issues),
        allow_not_applicable=_flag(raw, "allow_not_applicable", code, issues),
    )
    if "rule" in raw:
        try:
            node.rule = parse_rule(raw["rule"])
        except RuleParseError as error:
            issues.extend(issue.at(code) for issue in error.issues)
    children = raw.get("children")
    if children is not None:
        if not isinstance(children, list):
            issues.append(Issue("bad_value", {"name": "children"}, code))
        elif depth + 1 >= MAX_DEPTH:
            issues.append(Issue("too_deep", {"most": MAX_DEPTH}, code))
        else:
            node.children = [_node_from_data(child, issues, depth + 1) for child in children]
    if "rule" in raw and node.rule is None:
        # A leaf whose rule could not be read: keep it a leaf for the other checks.
        node.children = []
    prefill = raw.get("prefill")
    if not isinstance(prefill, str | None) or len(prefill or "") > MAX_CODE:
        issues.append(Issue("bad_value", {"name": "prefill"}, code))
    elif prefill and prefill.strip():
        node.prefill = prefill.strip()
        refused = source_issue(node.prefill, node.rule.type if node.rule is not None else None)
        if refused is not None and not ("rule" in raw and node.rule is None):
            issues.append(Issue(refused[0], refused[1], code))
    return node


def _text(value: object) -> str:
    return "" if value is None else str(value).strip()


def _flag(raw: Mapping[str, Any], key: str, code: str, issues: list[Issue]) -> bool:
    value = raw.get(key, False)
    if not isinstance(value, bool):
        issues.append(Issue("bad_value", {"name": key}, code))
        return False
    return value


def tree_to_data(tree: Tree) -> dict[str, Any]:
    """The tree as plain data, keys in reading order, defaults left out."""
    return {
        "group": tree.group,
        "year": tree.year,
        "title": tree.title,
        "max_points": tree.max_points,
        "nodes": [_node_to_data(node) for node in tree.nodes],
    }


def _node_to_data(node: Node) -> dict[str, Any]:
    data: dict[str, Any] = {"code": node.code, "title": node.title, "max_points": node.max_points}
    if node.guidance:
        data["guidance"] = node.guidance
    if node.evidence:
        data["evidence"] = node.evidence
    if node.evidence_required:
        data["evidence_required"] = True
    if node.allow_not_applicable:
        data["allow_not_applicable"] = True
    if node.rule is not None:
        data["rule"] = node.rule.params()
    if node.prefill:
        data["prefill"] = node.prefill
    if node.children:
        data["children"] = [_node_to_data(child) for child in node.children]
    return data


def json_params(params: Mapping[str, Any]) -> dict[str, Any]:
    """Rule parameters for a JSON column: Decimals become strings, `type` is dropped."""

    def convert(value: Any) -> Any:
        if isinstance(value, Decimal):
            return str(value)
        if isinstance(value, Mapping):
            return {key: convert(item) for key, item in value.items()}
        if isinstance(value, list | tuple):
            return [convert(item) for item in value]
        return value

    return {key: convert(value) for key, value in params.items() if key != "type"}
