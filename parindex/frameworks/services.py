"""Actions on frameworks: import, freeze, new version, copy into a new cycle."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from parindex.org.errors import Refused
from parindex.org.models import UnitGroup, User
from parindex.scoring.tree import Node, Tree

from . import checks
from .models import Criterion, Framework
from .spec import SpecError, json_params
from .years import carried_tree


def _criteria_rows(framework: Framework, tree: Tree) -> list[list[tuple[Criterion, str]]]:
    """Unsaved criteria by depth, each with its parent's code."""
    levels: list[list[tuple[Criterion, str]]] = []
    position = 0

    def visit(node: Node, depth: int, parent_code: str) -> None:
        nonlocal position
        position += 1
        while len(levels) <= depth:
            levels.append([])
        levels[depth].append(
            (
                Criterion(
                    framework=framework,
                    position=position,
                    depth=depth,
                    code=node.code,
                    title=node.title,
                    max_points=node.max_points,
                    guidance=node.guidance,
                    evidence=node.evidence,
                    evidence_required=node.evidence_required,
                    allow_not_applicable=node.allow_not_applicable,
                    prefill=node.prefill,
                    rule_type=node.rule.type if node.rule is not None else "",
                    rule_params=json_params(node.rule.params()) if node.rule is not None else {},
                ),
                parent_code,
            )
        )
        for child in node.children:
            visit(child, depth + 1, node.code)

    for field_node in tree.nodes:
        visit(field_node, 0, "")
    return levels


def _save_tree(framework: Framework, tree: Tree) -> None:
    """Write the tree's criteria: one INSERT per depth, parents first."""
    saved: dict[str, int] = {}
    for level in _criteria_rows(framework, tree):
        for criterion, parent_code in level:
            criterion.parent_id = saved[parent_code] if parent_code else None
        created = Criterion.objects.bulk_create([criterion for criterion, _p in level])
        saved.update({criterion.code: criterion.pk for criterion in created})


@transaction.atomic
def framework_import(*, tree: Tree, by: User | None) -> Framework:
    """Store a validated tree for its group and year.

    The newest draft of that group and year is replaced; when the newest version is
    frozen (in use), the tree becomes a new version based on it. The checks other rooms
    registered (`checks`) run first: a problem they find refuses the tree.
    """
    issues = checks.run(tree)
    if issues:
        raise SpecError(issues)
    group = UnitGroup.objects.filter(code=tree.group).first()
    if group is None:
        raise Refused(_("There is no unit group with the code “%(code)s”.") % {"code": tree.group})
    latest = (
        Framework.objects.select_for_update()
        .filter(group=group, year=tree.year)
        .order_by("-version")
        .first()
    )
    if latest is not None and not latest.is_frozen:
        latest.criteria.all().delete()
        latest.title = tree.title
        latest.max_points = tree.max_points
        latest.save(update_fields=["title", "max_points"])
        framework = latest
    else:
        framework = Framework.objects.create(
            group=group,
            year=tree.year,
            version=latest.version + 1 if latest is not None else 1,
            title=tree.title,
            max_points=tree.max_points,
            based_on=latest,
            created_by=by,
        )
    _save_tree(framework, tree)
    return framework


@transaction.atomic
def framework_freeze(*, framework: Framework) -> Framework:
    """Mark a framework as in use by its cycle: from now on it never changes."""
    if not framework.is_frozen:
        framework.status = Framework.Status.FROZEN
        framework.frozen_at = timezone.now()
        framework.save(update_fields=["status", "frozen_at"])
    return framework


@transaction.atomic
def framework_new_version(*, framework: Framework, by: User | None) -> Framework:
    """A draft copy of a frozen framework, to edit, as the next version of its year."""
    if not framework.is_frozen:
        raise Refused(_("This framework is a draft: edit it directly."))
    latest = (
        Framework.objects.filter(group=framework.group, year=framework.year)
        .order_by("-version")
        .first()
    )
    assert latest is not None
    if not latest.is_frozen:
        raise Refused(
            _("Version %(version)s of this framework is already a draft: edit that one.")
            % {"version": latest.version}
        )
    return _copy(framework, year=framework.year, version=latest.version + 1, by=by)


def framework_copy_refusal(*, framework: Framework, year: int) -> str | None:
    """Why the framework cannot be copied into `year`, or None when it can."""
    if Framework.objects.filter(group=framework.group, year=year).exists():
        return _("%(group)s already has a framework for %(year)s.") % {
            "group": framework.group.name,
            "year": year,
        }
    return None


@transaction.atomic
def framework_copy_to_year(
    *, framework: Framework, year: int, by: User | None, carry_years: bool = True
) -> Framework:
    """Start a new cycle's framework as a draft copy of this one. With `carry_years`, its
    texts name the new year where they named the old one (`years.year_changes` lists
    what changes); without, they are copied word for word."""
    refusal = framework_copy_refusal(framework=framework, year=year)
    if refusal is not None:
        raise Refused(refusal)
    tree = framework.to_tree()
    if carry_years:
        tree = carried_tree(tree, year)
    return _copy(framework, year=year, version=1, by=by, tree=tree)


def _copy(
    framework: Framework, *, year: int, version: int, by: User | None, tree: Tree | None = None
) -> Framework:
    tree = tree if tree is not None else framework.to_tree()
    copy = Framework.objects.create(
        group=framework.group,
        year=year,
        version=version,
        title=tree.title,
        max_points=framework.max_points,
        based_on=framework,
        created_by=by,
    )
    _save_tree(copy, tree)
    return copy
