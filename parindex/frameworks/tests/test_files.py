"""Framework files: YAML and Excel round-trips are lossless; bad files name the node."""

from __future__ import annotations

from decimal import Decimal
from io import BytesIO
from pathlib import Path

import pytest
from openpyxl import load_workbook

from parindex.conftest import DEMO_FRAMEWORKS
from parindex.frameworks.excelio import FIRST_NODE_ROW, SHEET, tree_from_xlsx, tree_to_xlsx
from parindex.frameworks.messages import describe
from parindex.frameworks.spec import SpecError, tree_to_data
from parindex.frameworks.yamlio import check_file, tree_from_yaml, tree_to_yaml
from parindex.scoring.rules import RULE_TYPES

DEMO_FILES = sorted(DEMO_FRAMEWORKS.glob("*.yaml"))
# Field maxima of the 2023 frameworks (shared/docs/domain.md).
FIELD_MAXIMA = {
    "so-nganh": {"1": 11, "2": 5, "3": 6, "4": 6, "5": 4, "6": "5.5", "7": "17.5", "8": 37},
    "huyen": {"1": 14, "2": 5, "3": 7, "4": "7.5", "5": 7, "6": 4, "7": 16, "8": "36.5"},
    "dvsn": {"1": 16, "4": "11.5", "5": 8, "6": 8, "7": 10, "8": "40.5"},
    "trung-uong": {"1": 29, "3": 9, "7": 5, "8": 57},
}


def test_there_are_four_demo_frameworks() -> None:
    assert [path.name for path in DEMO_FILES] == [
        "dvsn-2023.yaml",
        "huyen-2023.yaml",
        "so-nganh-2023.yaml",
        "trung-uong-2023.yaml",
    ]


@pytest.mark.parametrize("path", DEMO_FILES, ids=lambda p: p.stem)
def test_demo_frameworks_match_the_published_field_maxima(path: Path) -> None:
    tree = tree_from_yaml(path.read_bytes())
    expected = {code: Decimal(str(points)) for code, points in FIELD_MAXIMA[tree.group].items()}
    assert {node.code: node.max_points for node in tree.nodes} == expected
    assert tree.max_points == sum(expected.values())
    if tree.group in ("so-nganh", "huyen"):
        assert len(tree.leaves()) >= 40
        assert {leaf.rule.type for leaf in tree.leaves() if leaf.rule} == set(RULE_TYPES)


@pytest.mark.parametrize("path", DEMO_FILES, ids=lambda p: p.stem)
def test_yaml_round_trip_is_lossless(path: Path) -> None:
    tree = tree_from_yaml(path.read_bytes())
    text = tree_to_yaml(tree)
    again = tree_from_yaml(text)
    assert again == tree
    assert tree_to_yaml(again) == text


@pytest.mark.parametrize("path", DEMO_FILES, ids=lambda p: p.stem)
def test_yaml_excel_yaml_gives_the_same_tree(path: Path) -> None:
    tree = tree_from_yaml(path.read_bytes())
    from_excel = tree_from_xlsx(tree_to_xlsx(tree))
    assert from_excel == tree
    assert tree_to_yaml(from_excel) == tree_to_yaml(tree)


def test_the_excel_template_reads_as_officials_see_it() -> None:
    tree = tree_from_yaml(DEMO_FILES[2].read_bytes())  # so-nganh
    book = load_workbook(BytesIO(tree_to_xlsx(tree)))
    sheet = book[SHEET]
    assert sheet["B1"].value == "so-nganh" and sheet["B2"].value == 2023
    first = [cell.value for cell in sheet[FIRST_NODE_ROW]][:3]
    assert first[0] == "1" and first[1].startswith("Công tác chỉ đạo")
    assert "Hướng dẫn" in book.sheetnames


def test_an_official_edits_the_excel_and_a_wrong_total_is_named() -> None:
    tree = tree_from_yaml(DEMO_FILES[2].read_bytes())
    book = load_workbook(BytesIO(tree_to_xlsx(tree)))
    sheet = book[SHEET]
    row = next(r for r in sheet.iter_rows(min_row=FIRST_NODE_ROW) if r[0].value == "1.1.1")
    row[2].value = 0.75  # the parent 1.1 still says its old total
    buffer = BytesIO()
    book.save(buffer)
    with pytest.raises(SpecError) as error:
        tree_from_xlsx(buffer.getvalue())
    assert {(i.node, i.code) for i in error.value.issues} >= {("1.1", "max_mismatch")}


def test_a_file_that_is_not_excel_is_refused() -> None:
    with pytest.raises(SpecError) as error:
        tree_from_xlsx(b"PK\x03\x04 not really a workbook")
    assert error.value.issues[0].code == "excel_layout"


def _tiny(rule: str, max_points: str = "1") -> str:
    return f"""
group: so-nganh
year: 2024
title: Thử
max_points: {max_points}
nodes:
  - code: "1"
    title: Lĩnh vực
    max_points: {max_points}
    children:
      - code: "1.1"
        title: Tiêu chí
        max_points: {max_points}
        rule: {rule}
"""


@pytest.mark.parametrize(
    ("rule", "code"),
    [
        ("{type: yes_no, extra: 1}", "unknown_parameter"),
        ("{type: guess}", "unknown_rule_type"),
        (
            "{type: ratio_tiers, numerator: a, denominator: b, tiers: "
            "[{from: 0, to: 50, points: 0}, {from: 40, to: 100, to_inclusive: true, points: 1}]}",
            "tier_overlap",
        ),
        (
            "{type: levels, levels: [{label: a, points: 0.5}, {label: b, points: 0}]}",
            "best_not_max",
        ),
        ("{type: deduction}", "missing_parameter"),
    ],
)
def test_bad_rules_are_named_by_criterion(rule: str, code: str, db: None) -> None:
    with pytest.raises(SpecError) as error:
        tree_from_yaml(_tiny(rule))
    issue = next(i for i in error.value.issues if i.code == code)
    assert issue.node == "1.1"
    assert describe(issue).startswith("Tiêu chí 1.1: ")


def test_yaml_syntax_errors_give_the_line(db: None) -> None:
    with pytest.raises(SpecError) as error:
        tree_from_yaml("group: [unclosed\nyear: 2024\n")
    assert error.value.issues[0].code == "yaml_syntax"
    assert "dòng" in describe(error.value.issues[0])


def test_check_file_reports_sentences(tmp_path: Path, db: None) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text(
        _tiny("{type: yes_no}", max_points="1.5").replace(
            "max_points: 1.5\nnodes", "max_points: 2\nnodes"
        ),
        encoding="utf-8",
    )
    problems = check_file(bad)
    assert problems and all(isinstance(p, str) for p in problems)
    assert check_file(DEMO_FILES[0]) == []


def test_plain_data_has_no_defaults_written() -> None:
    data = tree_to_data(tree_from_yaml(_tiny("{type: yes_no}")))
    leaf = data["nodes"][0]["children"][0]
    assert leaf == {
        "code": "1.1",
        "title": "Tiêu chí",
        "max_points": Decimal(1),
        "rule": {"type": "yes_no"},
    }
