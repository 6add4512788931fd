"""Checks of a framework that other rooms add to its import.

The frameworks may not read the rooms that import them (architecture): a room with
something to say about a framework registers a check here when it starts (its
`AppConfig.ready()`), and `framework_import` runs every check before it writes. The
surveys, for instance, refuse a survey leaf that reads an indicator none of the year's
questionnaires has.
"""

from __future__ import annotations

from collections.abc import Callable

from parindex.scoring.rules import Issue
from parindex.scoring.tree import Tree

Check = Callable[[Tree], list[Issue]]

_checks: list[Check] = []


def register(check: Check) -> Check:
    """Add a check (once, however often its room starts); returns it, for use as a
    decorator."""
    if check not in _checks:
        _checks.append(check)
    return check


def run(tree: Tree) -> list[Issue]:
    """The problems every registered check finds in the tree, each naming its node."""
    issues: list[Issue] = []
    for check in _checks:
        issues.extend(check(tree))
    return issues
