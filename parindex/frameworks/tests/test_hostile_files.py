"""Framework files made to crash or stall the server, uploaded by an administrator: each is
refused at once with a sentence saying why, and the page of problems stays short.

100 KB of nested “[” once overflowed libyaml's C stack and killed the process; aliases
repeated through `children` took 32 s and returned a 15.6 MB page from 652 bytes; a
5,000-digit year gave a 500."""

from __future__ import annotations

import re
import subprocess
import sys
import time
import zipfile
from io import BytesIO
from pathlib import Path

import pytest
import yaml
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import load_workbook

from parindex.conftest import DEMO_FRAMEWORKS, Cast
from parindex.frameworks.excelio import SHEET, tree_to_xlsx
from parindex.frameworks.models import Framework
from parindex.frameworks.yamlio import tree_from_yaml

ROOT = Path(__file__).resolve().parents[3]
DEPARTMENTS = DEMO_FRAMEWORKS / "so-nganh-2023.yaml"
HEAD = "group: so-nganh\nyear: 2024\ntitle: Bộ tiêu chí thử\n"


def upload(cast: Cast, name: str, content: bytes) -> tuple[int, str, float]:
    started = time.monotonic()
    response = cast.client(cast.admin).post(
        reverse("frameworks:import"), {"file": SimpleUploadedFile(name, content)}
    )
    return response.status_code, response.content.decode(), time.monotonic() - started


def problems(page: str) -> list[str]:
    return re.findall(r"<li>(.*?)</li>", page.split('role="alert"', 1)[-1].split("</ul>")[0])


def test_nested_brackets_are_refused_without_killing_the_process() -> None:
    # In a process of its own: before the bound, this one died of a segmentation fault.
    script = (
        "from parindex.frameworks.spec import SpecError\n"
        "from parindex.frameworks.yamlio import load_data\n"
        "try:\n"
        "    load_data(b'[' * 100_000)\n"
        "except SpecError as error:\n"
        "    print(error.issues[0].code, error.issues[0].params['line'])\n"
    )
    done = subprocess.run(  # noqa: S603 - this interpreter, a fixed script
        [sys.executable, "-c", script], cwd=ROOT, capture_output=True, text=True, timeout=60
    )
    assert (done.returncode, done.stdout.strip()) == (0, "yaml_too_deep 1")


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"[" * 100_000, "Dòng 1: các mục lồng nhau quá 40 cấp"),
        (b"{a: " * 50_000, "Dòng 1: các mục lồng nhau quá 40 cấp"),
        (
            ("".join(" " * n + f"k{n}:\n" for n in range(200))).encode(),
            "Dòng 41: các mục lồng nhau quá 40 cấp",
        ),
        (HEAD.encode() + b"year: " + b"9" * 5000 + b"\n", "Dòng 4: số quá lớn hoặc quá dài"),
        (HEAD.encode() + b"max_points: 1.0e+9999999\nnodes: []\n", "Dòng 4: số quá lớn"),
        (HEAD.encode() + b"max_points: .inf\nnodes: []\n", "Dòng 4: giá trị không phải là số."),
        (HEAD.encode() + b"max_points: 0x" + b"f" * 100 + b"\n", "Dòng 4: số quá lớn"),
    ],
)
def test_what_no_framework_holds_is_refused_naming_the_line(
    cast: Cast, content: bytes, message: str
) -> None:
    status, page, seconds = upload(cast, "hostile.yaml", content)
    assert status == 400 and seconds < 5
    assert message in page
    assert not Framework.objects.exists()


def alias_bomb(levels: int = 6, width: int = 10) -> bytes:
    """About 650 bytes that expand into 10^6 criteria through aliases."""
    lines = [HEAD + "max_points: 1\nnodes:"]
    lines.append('- &n0 {code: "1", title: t, max_points: 1, rule: {type: yes_no}}')
    for level in range(1, levels + 1):
        refs = ", ".join([f"*n{level - 1}"] * width)
        lines.append(f'- &n{level} {{code: "1", title: t, max_points: 1, children: [{refs}]}}')
    return "\n".join(lines).encode()


def test_aliases_are_refused_before_they_expand(cast: Cast) -> None:
    content = alias_bomb()
    assert len(content) < 1000
    status, page, seconds = upload(cast, "bomb.yaml", content)
    assert status == 400 and seconds < 5 and len(page) < 20_000
    assert problems(page) == [
        "Dòng 7: “*n0” lặp lại một phần khác của tệp. Không chấp nhận kiểu tham chiếu này: "
        "hãy viết đầy đủ phần đó."
    ]


def test_the_page_of_problems_lists_fifty_and_cuts_long_names(cast: Cast) -> None:
    # 300 fields, each with a key of 1,000 characters.
    nodes = [{"code": str(n), "title": "t", "max_points": 1, "x" * 1000: 1} for n in range(1, 301)]
    data = {"group": "so-nganh", "year": 2024, "title": "t", "max_points": 300, "nodes": nodes}
    status, page, _seconds = upload(cast, "many.yaml", yaml.safe_dump(data).encode())
    listed = problems(page)
    assert status == 400 and len(page) < 40_000
    assert len(listed) == 51 and max(len(text) for text in listed) < 200
    assert listed[-1].startswith("… và ") and "lỗi khác" in listed[-1]
    total = int(re.search(r"có (\d+) lỗi", page).group(1))  # type: ignore[union-attr]
    assert total == 50 + int(re.search(r"và (\d+) lỗi khác", listed[-1]).group(1))  # type: ignore[union-attr]


def test_points_beyond_what_the_tables_hold_are_refused(cast: Cast) -> None:
    text = (
        HEAD + "max_points: 123456\nnodes:\n"
        '- {code: "1", title: t, max_points: 123456, rule: {type: yes_no}}\n'
    )
    status, page, _seconds = upload(cast, "big.yaml", text.encode())
    assert status == 400
    assert "Tiêu chí 1: 123456 điểm vượt mức một bộ tiêu chí có thể ghi (tối đa 99999,99)" in page
    assert not Framework.objects.exists()


def template() -> bytes:
    return tree_to_xlsx(tree_from_yaml(DEPARTMENTS.read_bytes()))


def test_an_excel_file_that_unpacks_into_gigabytes_is_not_read(cast: Cast) -> None:
    buffer = BytesIO(template())
    with zipfile.ZipFile(buffer, "a", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/media/padding.bin", b"\0" * (40 * 1024 * 1024))
    content = buffer.getvalue()
    assert len(content) < 1024 * 1024
    status, page, _seconds = upload(cast, "bomb.xlsx", content)
    assert status == 400
    assert "Tệp Excel khi giải nén lớn hơn hẳn một mẫu bộ tiêu chí" in page


def test_criteria_nested_a_thousand_deep_in_excel_are_refused(cast: Cast) -> None:
    book = load_workbook(BytesIO(template()))
    sheet = book[SHEET]
    code = "9"
    for _level in range(1000):
        sheet.append([code, "t", 1])
        code += ".1"
    buffer = BytesIO()
    book.save(buffer)
    status, page, _seconds = upload(cast, "deep.xlsx", buffer.getvalue())
    assert status == 400
    assert "các tiêu chí lồng nhau quá 10 cấp" in page
