"""Frameworks to and from the Excel template officials fill in.

Sheet “Bộ tiêu chí”: four header rows (group code, year, title, total), then one row per
node in document order. The tree is rebuilt from the codes (1 → 1.2 → 1.2.3); a rule's
parameters are written in YAML's one-line form, e.g. `{step: 0.25}`. Sheet “Hướng dẫn”
explains each rule, in the words of the rule registry (`frameworks.rules`). The sheet's words
are the officials' Vietnamese, not translated.
"""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal
from io import BytesIO
from typing import Any
from zipfile import BadZipFile, ZipFile

import yaml
from openpyxl import Workbook, load_workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils.exceptions import InvalidFileException
from openpyxl.worksheet.datavalidation import DataValidation

from parindex.org.spreadsheets import neutralise
from parindex.scoring.rules import Issue
from parindex.scoring.tree import Tree

from .prefill import SOURCES, source_from_excel
from .rules import RULE_KINDS, rule_kind
from .spec import SpecError, tree_from_data, tree_to_data
from .yamlio import _Dumper, load_data

SHEET = "Bộ tiêu chí"
GUIDE_SHEET = "Hướng dẫn"
HEADER_LABELS = ("Nhóm đơn vị (mã)", "Năm", "Tên bộ tiêu chí", "Tổng điểm tối đa")
COLUMNS = (
    "Mã",
    "Tên lĩnh vực, tiêu chí, tiêu chí thành phần",
    "Điểm tối đa",
    "Cách chấm điểm",
    "Tham số",
    "Hướng dẫn chấm điểm",
    "Tài liệu kiểm chứng",
    "Bắt buộc kiểm chứng",
    "Cho phép hạ chuẩn",
    "Đề xuất từ theo dõi khắc phục",
)
FIRST_NODE_ROW = len(HEADER_LABELS) + 3
# An .xlsx is a zip: a 2 MB upload can unpack into gigabytes of XML. The template of the
# demo's largest framework unpacks into 0.3 MB.
MAX_UNPACKED_BYTES = 32 * 1024 * 1024
_TRUE = {"x", "có", "co", "true", "1", "yes", "đúng"}


def tree_to_xlsx(tree: Tree) -> bytes:
    """The Excel template filled with the tree."""
    data = tree_to_data(tree)
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = SHEET
    bold = Font(bold=True)
    for row, (label, value) in enumerate(
        zip(
            HEADER_LABELS,
            (data["group"], data["year"], data["title"], data["max_points"]),
            strict=True,
        ),
        start=1,
    ):
        sheet.cell(row=row, column=1, value=label).font = bold
        neutralise(sheet.cell(row=row, column=2, value=value))
    header_row = FIRST_NODE_ROW - 1
    fill = PatternFill("solid", fgColor="DDEBF7")
    for column, label in enumerate(COLUMNS, start=1):
        cell = sheet.cell(row=header_row, column=column, value=label)
        cell.font = bold
        cell.fill = fill
        cell.alignment = Alignment(wrap_text=True, vertical="top")
    rows = [(node, depth) for node, depth in tree.walk()]
    wrap = Alignment(wrap_text=True, vertical="top")
    for offset, (node, depth) in enumerate(rows):
        row = FIRST_NODE_ROW + offset
        values: list[Any] = [
            node.code,
            node.title,
            node.max_points,
            rule_kind(node.rule.type).excel_label if node.rule is not None else None,
            _flow(node.rule.params()) if node.rule is not None else None,
            node.guidance or None,
            node.evidence or None,
            "x" if node.evidence_required else None,
            "x" if node.allow_not_applicable else None,
            SOURCES[node.prefill].excel_label if node.prefill in SOURCES else node.prefill or None,
        ]
        for column, value in enumerate(values, start=1):
            cell = neutralise(sheet.cell(row=row, column=column, value=value))
            cell.alignment = wrap
            if column == 1:
                cell.number_format = "@"  # codes are text: 1.10 is not 1.1
            elif column == 3:
                cell.number_format = "0.00"
        sheet.cell(row=row, column=2).alignment = Alignment(
            wrap_text=True, vertical="top", indent=depth * 2
        )
        if depth == 0:
            for column in range(1, len(COLUMNS) + 1):
                sheet.cell(row=row, column=column).font = bold
    for letter, width in zip("ABCDEFGHIJ", (9, 60, 11, 20, 50, 50, 35, 11, 11, 24), strict=True):
        sheet.column_dimensions[letter].width = width
    sheet.freeze_panes = sheet.cell(row=FIRST_NODE_ROW, column=3)
    validation = DataValidation(
        type="list",
        formula1='"' + ",".join(kind.excel_label for kind in RULE_KINDS.values()) + '"',
        allow_blank=True,
    )
    sheet.add_data_validation(validation)
    last_row = FIRST_NODE_ROW + max(len(rows), 1) + 500
    validation.add(f"D{FIRST_NODE_ROW}:D{last_row}")
    sources = DataValidation(
        type="list",
        formula1='"' + ",".join(source.excel_label for source in SOURCES.values()) + '"',
        allow_blank=True,
    )
    sheet.add_data_validation(sources)
    sources.add(f"J{FIRST_NODE_ROW}:J{last_row}")
    _write_guide(book)
    buffer = BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _flow(params: dict[str, Any]) -> str | None:
    rest = {key: value for key, value in params.items() if key != "type"}
    if not rest:
        return None
    text = yaml.dump(
        rest,
        Dumper=_Dumper,
        allow_unicode=True,
        default_flow_style=True,
        sort_keys=False,
        width=10_000,
    )
    return text.strip()


def _write_guide(book: Workbook) -> None:
    guide = book.create_sheet(GUIDE_SHEET)
    guide.append(["Cách chấm điểm", "Ý nghĩa", "Tham số (ví dụ)"])
    for cell in guide[1]:
        cell.font = Font(bold=True)
    for kind in RULE_KINDS.values():
        guide.append([kind.excel_label, kind.excel_meaning, kind.excel_example])
    guide.append([])
    guide.append(
        [
            "Ghi chú",
            "Mã cha đứng trước mã con (1 → 1.2 → 1.2.3). Dòng có tiêu chí "
            "con không ghi cách chấm điểm. Điểm tối đa của dòng cha bằng tổng các dòng "
            "con. Đánh dấu “x” ở hai cột “Bắt buộc kiểm chứng” và “Cho phép hạ chuẩn” "
            "khi áp dụng.",
        ]
    )
    guide.append(
        [
            "Đề xuất từ theo dõi khắc phục",
            "Tiêu chí được đề xuất sẵn câu trả lời từ dữ liệu theo dõi trong năm; đơn vị "
            "và Hội đồng thẩm định vẫn quyết định. Chọn một trong: "
            + "; ".join(source.excel_label for source in SOURCES.values())
            + ".",
        ]
    )
    for column, width in zip("ABC", (24, 70, 90), strict=True):
        guide.column_dimensions[column].width = width
    for row in guide.iter_rows():
        for cell in row:
            cell.alignment = Alignment(wrap_text=True, vertical="top")


def tree_from_xlsx(content: bytes) -> Tree:
    """Read the template back; raises SpecError naming rows and criteria."""
    if not xlsx_within(content, MAX_UNPACKED_BYTES):
        raise SpecError([Issue("excel_too_large")])
    try:
        book = load_workbook(BytesIO(content), read_only=True, data_only=True)
    except (InvalidFileException, BadZipFile, KeyError, OSError, ValueError, TypeError):
        raise SpecError([Issue("excel_layout", {"detail": "xlsx"})]) from None
    if SHEET not in book.sheetnames:
        raise SpecError([Issue("excel_layout", {"detail": SHEET})])
    rows = list(book[SHEET].iter_rows(values_only=True))
    book.close()
    if len(rows) < FIRST_NODE_ROW - 1:
        raise SpecError([Issue("excel_layout", {"detail": "rows"})])
    header = {str(row[0]).strip(): row[1] for row in rows[: len(HEADER_LABELS)] if row}
    missing = [label for label in HEADER_LABELS if label not in header]
    if missing:
        raise SpecError([Issue("excel_layout", {"detail": missing[0]})])
    issues: list[Issue] = []
    nodes = _nodes_from_rows(rows[FIRST_NODE_ROW - 1 :], issues)
    if issues:
        raise SpecError(issues)
    year = header["Năm"]
    if isinstance(year, float) and year.is_integer() and abs(year) < 10_000:
        year = int(year)
    data = {
        "group": _cell_text(header["Nhóm đơn vị (mã)"]),
        "year": year,
        "title": _cell_text(header["Tên bộ tiêu chí"]),
        "max_points": _cell_number(header["Tổng điểm tối đa"]),
        "nodes": nodes,
    }
    return tree_from_data(data)


def xlsx_within(content: bytes, limit: int) -> bool:
    """Whether the workbook's parts unpack into at most `limit` bytes, read from the zip's
    directory before anything is unpacked (Python's zip reader stops at the declared size).
    A file that is not a zip is left to the workbook reader to refuse."""
    try:
        with ZipFile(BytesIO(content)) as archive:
            return sum(info.file_size for info in archive.infolist()) <= limit
    except (BadZipFile, OSError, ValueError):
        return True


def _nodes_from_rows(rows: Iterable[tuple[Any, ...]], issues: list[Issue]) -> list[dict[str, Any]]:
    labels_to_types = {kind.excel_label.casefold(): kind.type for kind in RULE_KINDS.values()}
    by_code: dict[str, dict[str, Any]] = {}
    roots: list[dict[str, Any]] = []
    for number, row in enumerate(rows, start=FIRST_NODE_ROW):
        cells = list(row) + [None] * (len(COLUMNS) - len(row))
        if all(value is None or str(value).strip() == "" for value in cells[: len(COLUMNS)]):
            continue
        code = _cell_text(cells[0])
        node: dict[str, Any] = {
            "code": code,
            "title": _cell_text(cells[1]),
            "max_points": _cell_number(cells[2]),
        }
        if cells[5] is not None:
            node["guidance"] = _cell_text(cells[5])
        if cells[6] is not None:
            node["evidence"] = _cell_text(cells[6])
        if _cell_flag(cells[7]):
            node["evidence_required"] = True
        if _cell_flag(cells[8]):
            node["allow_not_applicable"] = True
        if _cell_text(cells[9]):
            node["prefill"] = source_from_excel(_cell_text(cells[9]))
        rule_label = _cell_text(cells[3])
        if rule_label:
            rule_type = labels_to_types.get(rule_label.casefold(), rule_label)
            params: Any = {}
            if cells[4] is not None and _cell_text(cells[4]):
                try:
                    params = load_data(_cell_text(cells[4]))
                except SpecError:
                    issues.append(Issue("excel_row", {"row": number, "detail": COLUMNS[4]}, code))
                    continue
                if not isinstance(params, dict):
                    issues.append(Issue("excel_row", {"row": number, "detail": COLUMNS[4]}, code))
                    continue
            node["rule"] = {"type": rule_type, **params}
        parent_code = code.rpartition(".")[0]
        if parent_code:
            parent = by_code.get(parent_code)
            if parent is None:
                issues.append(Issue("code_not_under_parent", {"parent": parent_code}, code))
                continue
            parent.setdefault("children", []).append(node)
        else:
            roots.append(node)
        by_code[code] = node
    return roots


def _cell_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def _cell_number(value: Any) -> Any:
    if isinstance(value, float):
        return Decimal(repr(value))
    return value


def _cell_flag(value: Any) -> bool:
    if isinstance(value, bool):
        return value
    return value is not None and str(value).strip().casefold() in _TRUE
