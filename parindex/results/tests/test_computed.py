"""Results computed by parindex: a draft only the administrator and the chair read, a
publication everyone reads, a correction that leaves the published revision as it was."""

from __future__ import annotations

import datetime
import json
from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse

from parindex.assessments.models import AssessmentItem, Cycle
from parindex.conftest import Cast
from parindex.org.models import SecurityEvent
from parindex.results.compute import load_and_compute
from parindex.results.models import ResultRow
from parindex.results.selectors import year_results
from parindex.results.services import results_compute, results_publish
from parindex.scoring.engine import field_figures

DECISION = "Quyết định số 25/QĐ-UBND"
DATE = datetime.date(2025, 1, 8)
READERS_OF_DRAFTS = ["admin", "chair"]
OTHERS = ["scorer_a", "head_b", "appraiser", "viewer", None]


def vi(value: Decimal) -> str:
    """A published figure as the Vietnamese pages print it: 83.84 -> 83,84."""
    return f"{value:.2f}".replace(".", ",")


def main(html: str) -> str:
    return html[html.index("<main") :]


def publish(cycle: Cycle, cast: Cast) -> None:
    snapshot = results_compute(cycle=cycle, by=cast.admin)
    results_publish(snapshot=snapshot, decision=DECISION, decision_date=DATE, by=cast.admin)


def get(cast: Cast, who: str | None, url: str) -> tuple[int, str]:
    response = cast.client(getattr(cast, who) if who else None).get(url)
    html = response.status_code == 200 and response["Content-Type"].startswith("text/html")
    return response.status_code, response.content.decode() if html else ""


@pytest.mark.parametrize("who", READERS_OF_DRAFTS + OTHERS)
def test_a_draft_is_read_only_by_the_administrator_and_the_chair(
    cast: Cast, cycle_2024: Cycle, who: str | None
) -> None:
    results_compute(cycle=cycle_2024, by=cast.admin)
    status, text = get(cast, who, reverse("results:year", args=[2024]))
    if who in READERS_OF_DRAFTS:
        assert status == 200 and "Dự thảo — chưa công bố." in text
        assert text.count("tạm tính") == 0  # every leaf appraised in this cycle
    else:
        assert status == 404
    # Asking for the draft by its revision number is refused and logged.
    status, _text = get(cast, who, reverse("results:year", args=[2024]) + "?revision=1")
    assert status == (200 if who in READERS_OF_DRAFTS else 404)
    for url in (
        reverse("results:year_xlsx", args=[2024]),
        reverse("results:fields", args=[2024]),
        reverse("results:unit", args=[2024, "ubnd-huyen-my-xuyen"]),
    ):
        assert get(cast, who, url)[0] == (200 if who in READERS_OF_DRAFTS else 404), url
    if who not in READERS_OF_DRAFTS:
        refused = SecurityEvent.objects.filter(kind=SecurityEvent.Kind.REFUSED)
        assert refused.filter(path__endswith="?revision=1").count() == 1


def test_published_figures_are_the_engines(cast: Cast, cycle_2024: Cycle) -> None:
    publish(cycle_2024, cast)
    computed = load_and_compute(cycle_2024)
    status, text = get(cast, None, reverse("results:year", args=[2024]))
    assert status == 200 and "Công bố theo Quyết định số 25/QĐ-UBND ngày 08/01/2025." in text
    (summary,) = computed.by_group.values()
    assert f"Trung bình {vi(summary.groups[next(iter(summary.groups))].average_pct)}%" in text
    for ranked in summary.units:
        assert f"<strong>{vi(ranked.result.index_pct)}%</strong>" in text
    # Ranks stored at publication are the ranks the engine gives the stored rows.
    results = year_results(2024)
    assert results is not None
    stored = dict(ResultRow.objects.values_list("unit__code", "rank"))
    assert {r.result.unit: r.rank for r in results.cycle.units} == stored


def test_fields_in_points_and_percent_against_the_group(cast: Cast, cycle_2024: Cycle) -> None:
    publish(cycle_2024, cast)
    results = year_results(2024)
    assert results is not None
    summary = results.cycle.groups["huyen"]
    status, text = get(cast, None, reverse("results:fields", args=[2024]))
    assert status == 200
    for pct in summary.field_averages.values():
        assert f"{vi(pct)}%" in text
    ranked = results.ranked("ubnd-huyen-my-xuyen")
    assert ranked is not None
    status, page = get(cast, "viewer", reverse("results:unit", args=[2024, "ubnd-huyen-my-xuyen"]))
    for figure in field_figures(ranked.result, summary):
        assert figure.pct is not None and f"<strong>{vi(figure.pct)}%</strong>" in page
    assert page.count('class="bar unit"') == len(summary.field_averages)


def test_a_unit_across_the_years(cast: Cast, cycle_2024: Cycle) -> None:
    publish(cycle_2024, cast)
    results = year_results(2024)
    assert results is not None
    now = results.ranked("ubnd-huyen-my-xuyen")
    assert now is not None
    status, text = get(cast, None, reverse("results:unit", args=[2024, "ubnd-huyen-my-xuyen"]))
    assert status == 200 and "83,84%" in text  # 2023, as imported
    moved = now.result.index_pct - Decimal("83.84")
    sign = "+" if moved > 0 else "−" if moved < 0 else ""
    assert f"{sign}{vi(abs(moved))} điểm % so với năm trước" in text
    assert "<polyline" in text  # the line of its years
    assert f'href="{reverse("results:unit", args=[2023, "ubnd-huyen-my-xuyen"])}"' in text


def test_a_correction_is_a_new_revision_and_the_published_one_stays(
    cast: Cast, cycle_2024: Cycle
) -> None:
    publish(cycle_2024, cast)
    published_text = main(get(cast, None, reverse("results:year", args=[2024]))[1])
    AssessmentItem.objects.filter(assessment__unit__code="ubnd-huyen-my-xuyen").update(
        appraised_inputs=None
    )
    results_compute(cycle=cycle_2024, by=cast.admin, reason="Sửa điểm thẩm định nhập nhầm")
    # The public still reads revision 1, unchanged.
    assert main(get(cast, None, reverse("results:year", args=[2024]))[1]) == published_text
    assert get(cast, None, reverse("results:year", args=[2024]) + "?revision=2")[0] == 404
    status, draft = get(cast, "admin", reverse("results:year", args=[2024]) + "?revision=2")
    assert status == 200 and "Dự thảo — chưa công bố." in draft and "tạm tính" in draft
    status, default = get(cast, "admin", reverse("results:year", args=[2024]))
    assert "Công bố theo Quyết định số 25/QĐ-UBND" in default and "?revision=2" in default
    revision_2 = results_compute(cycle=cycle_2024, by=cast.admin, reason="Sửa điểm")
    results_publish(
        snapshot=revision_2,
        decision="Quyết định số 40/QĐ-UBND",
        decision_date=datetime.date(2025, 2, 1),
        by=cast.admin,
        allow_provisional=True,
    )
    status, corrected = get(cast, None, reverse("results:year", args=[2024]))
    assert "Quyết định số 40/QĐ-UBND" in corrected and "Điều chỉnh (lần tính 2)" in corrected
    status, earlier = get(cast, None, reverse("results:year", args=[2024]) + "?revision=1")
    assert status == 200 and "Quyết định số 25/QĐ-UBND ngày 08/01/2025" in earlier


def test_export_results_gives_the_published_revision_with_its_fields(
    cast: Cast, cycle_2024: Cycle
) -> None:
    results_compute(cycle=cycle_2024, by=cast.admin)
    with pytest.raises(CommandError, match="2024"):
        call_command("export_results", year=2024, stdout=StringIO())  # a draft is not exported
    publish(cycle_2024, cast)
    out = StringIO()
    call_command("export_results", year=2024, stdout=out)
    document = json.loads(out.getvalue())
    results = year_results(2024)
    assert results is not None
    first = document["units"][0]
    ranked = results.cycle.units[0]
    assert first["unit"] == results.units[ranked.result.unit].name and first["rank"] == 1
    assert first["index_pct"] == float(ranked.result.index_pct)
    assert set(first["fields"]) == {str(n) for n in range(1, 9)}
    field = first["fields"]["1"]
    node = ranked.result.nodes["1"]
    assert field["max"] == float(round(node.max_points, 2))
    assert field["pct"] == float(ranked.result.field_pct("1").quantize(Decimal("0.01")))
    assert document["groups"][0]["group"] == "UBND cấp huyện"


def test_the_year_table_shows_each_units_change_on_the_year_before(
    cast: Cast, cycle_2024: Cycle
) -> None:
    publish(cycle_2024, cast)
    results, earlier = year_results(2024), year_results(2023)
    assert results is not None and earlier is not None
    status, text = get(cast, None, reverse("results:year", args=[2024]))
    assert status == 200
    body = text[text.index("<tbody>") :]
    for ranked in results.cycle.units:
        before = earlier.ranked(ranked.result.unit)
        assert before is not None
        moved = ranked.result.index_pct - before.result.index_pct
        sign = "+" if moved > 0 else "−" if moved < 0 else ""
        assert f"{sign}{vi(abs(moved))}" in body
        if ranked.rank != before.rank:
            arrow = "▲" if ranked.rank < before.rank else "▼"
            assert f"{arrow}{abs(before.rank - ranked.rank)}" in body


def test_bonus_and_penalty_points_stay_visible_after_publication(
    cast: Cast, cycle_2024: Cycle
) -> None:
    publish(cycle_2024, cast)
    computed = {r.unit: r for r in load_and_compute(cycle_2024).results}
    results = year_results(2024)
    assert results is not None
    codes = {str(u.pk): u.code for u in results.units.values()}
    adjusted = 0
    for pk, engine_result in computed.items():
        ranked = results.ranked(codes[pk])
        assert ranked is not None
        assert ranked.result.adjustment == engine_result.adjustment
        fields = sum(ranked.result.field_points(c) or 0 for c in ranked.result.fields)
        assert fields + ranked.result.adjustment == ranked.result.total  # nothing clamped here
        adjusted += engine_result.adjustment != 0
    assert adjusted  # the drawn answers give some units bonus or penalty points
    status, text = get(cast, None, reverse("results:fields", args=[2024]))
    assert status == 200 and "Điểm thưởng/trừ" in text
