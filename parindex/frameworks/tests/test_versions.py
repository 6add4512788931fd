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
from parindex.frameworks.years import carried_tree, carry_years, year_changes
from parindex.org.errors import Refused
from parindex.scoring.rules import LevelsRule, parse_rule

DEPARTMENTS = DEMO_FRAMEWORKS / "so-nganh-2023.yaml"
DISTRICTS = DEMO_FRAMEWORKS / "huyen-2023.yaml"


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
    assert copy.to_tree() == carried_tree(framework.to_tree(), 2024)
    with pytest.raises(Refused):
        framework_copy_to_year(framework=framework, year=2024, by=cast.admin)


def test_a_copy_into_a_new_year_reads_as_that_years(cast: Cast) -> None:
    tree = tree_from_yaml(DISTRICTS.read_bytes())
    framework = framework_freeze(framework=framework_import(tree=tree, by=cast.admin))
    copy = framework_copy_to_year(framework=framework, year=2024, by=cast.admin).to_tree()
    nodes = {node.code: node for node, _depth in copy.walk()}
    assert copy.title.endswith("thị xã, thành phố năm 2024")
    assert nodes["1.1.1"].evidence == "Kế hoạch CCHC năm 2024 của cơ quan, đơn vị"
    assert "Chỉ số CCHC năm 2023 − Chỉ số CCHC năm 2022" in nodes["8.3"].guidance
    assert "Giảm so với năm 2022: 0 điểm" in nodes["8.3"].guidance
    assert "năm 2022 và năm 2023" in nodes["8.3"].evidence
    assert nodes["4.3.3"].evidence.endswith("đến tháng 12/2024")
    assert "“Tìm hiểu pháp luật năm 2024”" in nodes["2.4.3"].title
    # Documents keep their numbers and dates; standards and laws their years.
    assert "Kế hoạch số 192/KH-UBND ngày 20/12/2022" in nodes["1.1.1"].guidance
    assert "TCVN ISO 9001:2015" in nodes["7.5.1"].title
    # Nothing else changes: the same criteria, points and rules but for their words.
    assert [(n.code, n.max_points) for n, _d in copy.walk()] == [
        (n.code, n.max_points) for n, _d in framework.to_tree().walk()
    ]
    texts = " ".join(" ".join((n.title, n.guidance, n.evidence)) for n, _d in copy.walk())
    assert "năm 2021" not in texts and "năm 2024" in texts


def test_the_rules_labels_are_carried_forward_too(cast: Cast) -> None:
    tree = tree_from_yaml(DISTRICTS.read_bytes())
    leaf = next(node for node in tree.leaves() if node.code == "1.1.2")
    leaf.rule = parse_rule(
        {
            "type": "levels",
            "levels": [
                {"label": "Hoàn thành Kế hoạch CCHC năm 2023", "points": 1.5},
                {"label": "Chưa hoàn thành", "points": 0},
            ],
        }
    )
    framework = framework_import(tree=tree, by=cast.admin)
    changes = year_changes(framework.to_tree(), 2024)
    assert ("1.1.2", "rule") in {(change.code, change.part) for change in changes}
    copy = framework_copy_to_year(framework=framework, year=2024, by=cast.admin)
    rule = copy.criteria.get(code="1.1.2").rule()
    assert isinstance(rule, LevelsRule)
    assert rule.levels[0].label == "Hoàn thành Kế hoạch CCHC năm 2024"


def test_the_copy_can_keep_the_texts_word_for_word(cast: Cast) -> None:
    tree = tree_from_yaml(DISTRICTS.read_bytes())
    framework = framework_freeze(framework=framework_import(tree=tree, by=cast.admin))
    copy = framework_copy_to_year(
        framework=framework, year=2024, by=cast.admin, carry_years=False
    ).to_tree()
    assert copy.title == framework.title and copy.nodes == framework.to_tree().nodes


def test_the_preview_lists_every_line_that_changes_and_only_those(cast: Cast) -> None:
    tree = tree_from_yaml(DISTRICTS.read_bytes())
    changes = year_changes(tree, 2024)
    carried = carried_tree(tree, 2024)
    before = {(n.code, n.guidance, n.evidence, n.title) for n, _d in tree.walk()}
    after = {(n.code, n.guidance, n.evidence, n.title) for n, _d in carried.walk()}
    changed_codes = {code for code, *_texts in before - after}
    assert changed_codes == {c.code for c in changes if c.code and c.part != "rule"}
    first = changes[0]
    assert (first.code, first.part) == ("", "title")
    assert ("2023", True) in first.before and ("2024", True) in first.after
    assert "".join(text for text, _moved in first.after) == carried.title
    assert year_changes(carried, 2024) == []  # nothing to carry into its own year


def test_only_periods_of_the_last_years_move() -> None:
    assert carry_years("Kế hoạch CCHC năm 2023", 2023, 2024) == "Kế hoạch CCHC năm 2024"
    assert (
        carry_years("Năm 2021 và 2022, quý IV/2023", 2023, 2025) == "Năm 2023 và 2024, quý IV/2025"
    )
    for kept in (
        "Kế hoạch số 192/KH-UBND ngày 20/12/2022",
        "Luật Phòng, chống tham nhũng năm 2018",
        "phấn đấu đến năm 2030",
        "Nghị định số 61/2018/NĐ-CP",
        "TCVN ISO 9001:2015",
        "giai đoạn 2021 - 2030",
    ):
        assert carry_years(kept, 2023, 2024) == kept


def test_an_unknown_group_is_refused(cast: Cast) -> None:
    tree = tree_from_yaml(DEPARTMENTS.read_bytes())
    tree.group = "xa"
    with pytest.raises(Refused):
        framework_import(tree=tree, by=cast.admin)
    assert not Framework.objects.exists()
