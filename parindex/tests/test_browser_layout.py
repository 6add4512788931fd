"""What a phone, a wide table and a printer make of the pages, in headless Chromium on
the demo province: a compact header with the whole menu reachable, a shadow on the side
of a table that has more, field names in full, and a print layout for a unit's
assessment and results."""

from __future__ import annotations

import struct
import zlib
from typing import Any

import pytest
from django.core.management import call_command

from parindex.demo.province import DEMO_PASSWORD
from parindex.frameworks.models import Criterion
from parindex.tests.browser import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
PHONE = {"width": 390, "height": 844}


@pytest.fixture
def demo() -> None:
    call_command("load_demo", verbosity=0)


def pixels(png: bytes) -> tuple[int, int, list[bytes]]:
    """(width, height, rows of RGB(A) bytes) of a non-interlaced 8-bit PNG, as Chromium
    writes its screenshots."""
    assert png[:8] == b"\x89PNG\r\n\x1a\n"
    at, data, header = 8, b"", b""
    while at < len(png):
        (length,) = struct.unpack(">I", png[at : at + 4])
        kind, body = png[at + 4 : at + 8], png[at + 8 : at + 8 + length]
        header = body if kind == b"IHDR" else header
        data += body if kind == b"IDAT" else b""
        at += 12 + length
    width, height, depth, color = struct.unpack(">IIBB", header[:10])
    assert depth == 8 and color in (2, 6)
    step = 4 if color == 6 else 3
    raw, stride, rows = zlib.decompress(data), width * step, []
    previous = bytes(stride)
    for y in range(height):
        kind, line = (
            raw[y * (stride + 1)],
            bytearray(raw[y * (stride + 1) + 1 : (y + 1) * (stride + 1)]),
        )
        for x in range(stride):
            left = line[x - step] if x >= step else 0
            up, corner = previous[x], previous[x - step] if x >= step else 0
            if kind == 1:
                line[x] = (line[x] + left) & 255
            elif kind == 2:
                line[x] = (line[x] + up) & 255
            elif kind == 3:
                line[x] = (line[x] + (left + up) // 2) & 255
            elif kind == 4:
                guess = left + up - corner
                near = min((abs(guess - left), 0), (abs(guess - up), 1), (abs(guess - corner), 2))
                line[x] = (line[x] + (left, up, corner)[near[1]]) & 255
        rows.append(bytes(line))
        previous = bytes(line)
    return width, height, rows


def brightness(png: bytes, x: int) -> float:
    """The mean brightness of column x of the picture (0 black, 255 white)."""
    width, height, rows = pixels(png)
    step = len(rows[0]) // width
    return sum(sum(row[x * step : x * step + 3]) / 3 for row in rows) / height


def test_the_phone_header_is_compact_and_every_menu_item_reachable(
    browser: Any, live_server: Any, demo: None
) -> None:
    context = browser.new_context(viewport=PHONE)
    page = context.new_page()
    log_in(page, live_server.url, "admin", DEMO_PASSWORD)
    assert page.locator(".topbar").bounding_box()["height"] <= 100
    links = page.locator(".mainnav a")
    names = links.all_inner_texts()
    assert names == [
        "Trang chủ",
        "Đơn vị",
        "Chấm điểm",
        "Bộ tiêu chí",
        "Khảo sát",
        "Kết quả",
        "Khắc phục",
        "Quản trị",
    ]
    links.last.scroll_into_view_if_needed()
    box = links.last.bounding_box()
    assert box is not None and box["x"] + box["width"] <= PHONE["width"]
    links.last.click()
    assert page.locator("h1").inner_text() == "Quản trị"
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    assert page.get_by_role("button", name="Đăng xuất").is_visible()
    context.close()


def test_a_table_wider_than_the_phone_shows_a_shadow_on_the_side_that_has_more(
    browser: Any, live_server: Any, demo: None
) -> None:
    context = browser.new_context(viewport=PHONE)
    page = context.new_page()
    page.goto(f"{live_server.url}/results/2023/fields/")
    wrap = page.locator(".table-wrap").first
    assert wrap.evaluate("e => e.scrollWidth - e.clientWidth") > 100  # it does scroll
    box = wrap.bounding_box()
    assert box is not None
    clip = {"x": box["x"], "y": box["y"] + 120, "width": box["width"], "height": 120}
    at_start = page.screenshot(clip=clip)
    last = int(box["width"]) - 3
    assert brightness(at_start, last) < brightness(at_start, int(box["width"]) // 2) - 8
    assert brightness(at_start, 2) > brightness(at_start, last) + 8  # nothing more on the left
    wrap.evaluate("e => { e.scrollLeft = e.scrollWidth; }")
    at_end = page.screenshot(clip=clip)
    assert brightness(at_end, 2) < brightness(at_end, last) - 8
    # A table that fits has no shadow.
    page.goto(f"{live_server.url}/results/")
    fits = page.locator(".table-wrap").first
    assert fits.evaluate("e => e.scrollWidth - e.clientWidth") == 0
    fits_box = fits.bounding_box()
    assert fits_box is not None
    shot = page.screenshot(
        clip={"x": fits_box["x"], "y": fits_box["y"] + 45, "width": fits_box["width"], "height": 30}
    )
    assert abs(brightness(shot, int(fits_box["width"]) - 3) - brightness(shot, 3)) < 4
    context.close()


def test_field_names_are_shown_in_full(browser: Any, live_server: Any, demo: None) -> None:
    context = browser.new_context(viewport=PHONE)
    page = context.new_page()
    page.goto(f"{live_server.url}/results/2023/fields/")
    titles = page.locator("table.fields .field-title").all_inner_texts()
    fields = dict(
        Criterion.objects.filter(
            framework__group__code="huyen", framework__year=2023, depth=0
        ).values_list("code", "title")
    )
    assert sorted(titles) == sorted(fields.values())
    log_in(page, live_server.url, "so-tu-phap.scorer", DEMO_PASSWORD)
    page.goto(f"{live_server.url}/assessments/2024/so-tu-phap/")
    tabs = page.locator(".field-nav-title")
    assert "…" not in "".join(tabs.all_inner_texts())
    clipped = tabs.evaluate_all("all => all.filter(e => e.scrollWidth > e.clientWidth + 1).length")
    assert clipped == 0
    context.close()


def test_a_units_assessment_and_results_print_black_on_white_without_the_chrome(
    browser: Any, live_server: Any, demo: None
) -> None:
    context = browser.new_context(viewport={"width": 794, "height": 1123})
    page = context.new_page()
    log_in(page, live_server.url, "so-tu-phap.scorer", DEMO_PASSWORD)
    page.emulate_media(media="print")
    page.goto(f"{live_server.url}/assessments/2024/so-tu-phap/?field=all")
    hidden = ".topbar, .footer, .field-nav, .save-row, .evidence form"
    assert page.locator(hidden).evaluate_all("all => all.every(e => !e.offsetParent)")
    assert page.locator("main button:visible").count() == 0
    style = page.evaluate(
        "[getComputedStyle(document.body).backgroundColor, getComputedStyle(document.body).color]"
    )
    assert style == ["rgb(255, 255, 255)", "rgb(0, 0, 0)"]
    # The answers are all there: explanations in full, levels not cut.
    notes = page.locator("textarea[name=note]")
    assert (
        notes.evaluate_all("all => all.filter(e => e.scrollHeight > e.clientHeight + 2).length")
        == 0
    )
    assert "Văn bản số" in notes.first.input_value()
    cut = page.locator("select").evaluate_all(
        "all => all.filter(e => e.offsetParent && e.scrollWidth > e.clientWidth + 1).length"
    )
    assert cut == 0
    assert page.pdf(format="A4")[:4] == b"%PDF"
    page.goto(f"{live_server.url}/results/2023/ubnd-huyen-my-xuyen/")
    wraps = page.locator(".table-wrap")
    assert wraps.evaluate_all("all => all.every(e => getComputedStyle(e).overflowX === 'visible')")
    assert page.locator(".topbar").evaluate("e => getComputedStyle(e).display") == "none"
    context.close()
