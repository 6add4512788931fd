"""The results pages' text reads as written: no stray separator, no cut field name."""

from __future__ import annotations

import re

from django.urls import reverse

from parindex.conftest import DEMO_FRAMEWORKS, Cast
from parindex.frameworks.services import framework_freeze, framework_import
from parindex.frameworks.yamlio import tree_from_yaml


def test_the_years_list_the_bands_without_a_trailing_dot(cast: Cast, history: None) -> None:
    html = cast.client(None).get(reverse("results:index")).content.decode()
    cells = re.findall(r'<td class="hide-phone small">(.*?)</td>', html)
    bands = [re.sub(r"<[^>]+>", "|", cell) for cell in cells if "nhóm" in cell]
    assert bands, html
    for cell in bands:
        assert not cell.replace("|", "").strip().endswith("·"), cell
        assert [part for part in cell.split("|") if part.strip()] == re.findall(
            r"nhóm \d: \d+", cell
        )


def test_the_fields_table_names_each_field_in_full(cast: Cast, history: None) -> None:
    tree = tree_from_yaml((DEMO_FRAMEWORKS / "huyen-2023.yaml").read_bytes())
    framework_freeze(framework=framework_import(tree=tree, by=None))
    html = cast.client(None).get(reverse("results:fields", args=[2023])).content.decode()
    titles = re.findall(r'<span class="field-title">(.*?)</span>', html)
    assert titles and not any(title.endswith("…") for title in titles)
    assert "Xây dựng và phát triển Chính quyền điện tử, Chính quyền số" in titles
