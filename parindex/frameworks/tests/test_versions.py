"""A framework in use is frozen; editing makes a new version; copying into a new year."""

from __future__ import annotations

import pytest

from parindex.conftest import DEMO_FRAMEWORKS, Cast
from parindex.frameworks.models import Framework
from parindex.frameworks.services import (
    framework_copy_to_year,
    framework_freeze,
    framework_import,
    framework_new_version,
)
from parindex.frameworks.yamlio import tree_from_yaml, tree_to_yaml
from parindex.org.errors import Refused

DEPARTMENTS = DEMO_FRAMEWORKS / "so-nganh-2023.yaml"


def test_a_stored_framework_gives_back_the_same_tree(cast: Cast) -> None:
    tree = tree_from_yaml(DEPARTMENTS.read_bytes())
    framework = framework_import(tree=tree, by=cast.admin)
    assert framework.to_tree() == tree
    assert tree_to_yaml(framework.to_tree()) == tree_to_yaml(tree)


def test_importing_again_replaces_a_draft(cast: Cast) -> None:
    tree = tree_from_yaml(DEPARTMENTS.read_bytes())
    first = framework_import(tree=tree, by=cast.admin)
    tree.title = "Bộ tiêu chí đã sửa"
    second = framework_import(tree=tree, by=cast.admin)
    assert second.pk == first.pk and second.version == 1
    assert Framework.objects.get(pk=first.pk).title == "Bộ tiêu chí đã sửa"


def test_importing_over_a_frozen_framework_makes_a_new_version(cast: Cast) -> None:
    tree = tree_from_yaml(DEPARTMENTS.read_bytes())
    first = framework_freeze(framework=framework_import(tree=tree, by=cast.admin))
    count = first.criteria.count()
    second = framework_import(tree=tree, by=cast.admin)
    assert (second.version, second.based_on_id) == (2, first.pk)
    assert first.criteria.count() == count  # untouched


def test_editing_a_frozen_framework_means_a_new_draft_version(cast: Cast) -> None:
    tree = tree_from_yaml(DEPARTMENTS.read_bytes())
    frozen = framework_freeze(framework=framework_import(tree=tree, by=cast.admin))
    draft = framework_new_version(framework=frozen, by=cast.admin)
    assert (draft.version, draft.status, draft.year) == (2, "draft", 2023)
    assert draft.to_tree() == frozen.to_tree()
    with pytest.raises(Refused):
        framework_new_version(framework=frozen, by=cast.admin)  # v2 is already a draft
    with pytest.raises(Refused):
        framework_new_version(framework=draft, by=cast.admin)


def test_copying_last_years_framework_is_one_action(cast: Cast) -> None:
    tree = tree_from_yaml(DEPARTMENTS.read_bytes())
    framework = framework_freeze(framework=framework_import(tree=tree, by=cast.admin))
    copy = framework_copy_to_year(framework=framework, year=2024, by=cast.admin)
    assert (copy.year, copy.version, copy.status) == (2024, 1, "draft")
    assert "2024" in copy.title and "2023" not in copy.title
    assert copy.to_tree().nodes == framework.to_tree().nodes
    with pytest.raises(Refused):
        framework_copy_to_year(framework=framework, year=2024, by=cast.admin)


def test_an_unknown_group_is_refused(cast: Cast) -> None:
    tree = tree_from_yaml(DEPARTMENTS.read_bytes())
    tree.group = "xa"
    with pytest.raises(Refused):
        framework_import(tree=tree, by=cast.admin)
    assert not Framework.objects.exists()
