"""The preliminary results sent to the units' heads when an appraisal round closes: they
say what is missing (survey results not in, criteria not appraised, how many), count the
survey points as pending rather than lost, rank only comparable units, and link to the
address the site is served on."""

from __future__ import annotations

import os
import random
import shutil
import subprocess
import sys
from decimal import Decimal
from pathlib import Path

import pytest

from parindex.assessments.models import Assessment, Cycle, Phase
from parindex.assessments.services import (
    SelfAnswer,
    assessment_transition,
    cycle_advance,
    field_accept_self,
    item_save_self,
)
from parindex.conftest import Cast
from parindex.frameworks.models import Criterion
from parindex.notify.models import Message
from parindex.org.services import assignment_create
from parindex.results.models import ResultRow
from parindex.results.tests.factories import sample_inputs
from parindex.surveys.models import UnitSurveyResult

pytestmark = pytest.mark.django_db
ROOT = Path(__file__).resolve().parents[3]
GROUP = "Sở, ban, ngành tỉnh"


@pytest.fixture
def contacts(cast: Cast) -> None:
    for number, unit in enumerate((cast.unit_a, cast.unit_b, cast.home_unit), start=1):
        unit.email = f"{unit.code}@demo.parindex.invalid"
        unit.mobile = f"091200000{number}"
        unit.save()


def answer_and_appraise(cast: Cast, cycle: Cycle) -> Assessment:
    """Sở Tư pháp answers every leaf it can and submits; the appraiser accepts every field."""
    a = Assessment.objects.get(cycle=cycle, unit=cast.unit_a)
    rng = random.Random(9)
    for item in a.items.select_related("criterion"):
        criterion = item.criterion
        inputs = sample_inputs(criterion.rule(), Decimal(criterion.max_points), rng)
        if inputs is not None:
            item_save_self(
                item=item,
                answer=SelfAnswer(inputs, "Báo cáo số 12/BC-STP", False, ""),
                version=item.version,
                by=cast.scorer_a,
            )
    assessment_transition(assessment=a, action="submit", by=cast.head_a)
    cycle_advance(cycle=cycle, to=Phase.APPRAISAL_1, by=cast.admin)
    fields = Criterion.objects.filter(framework__year=2024, depth=0).values_list("code", flat=True)
    for code in fields:
        if code != "1":  # the cast's appraiser already has field 1
            assignment_create(appraiser=cast.appraiser, group=cast.departments, field_code=code)
        field_accept_self(assessment=a, field_code=code, by=cast.appraiser)
    return a


def close_round(cast: Cast, cycle: Cycle) -> None:
    cycle_advance(cycle=cycle, to=Phase.REVISION, by=cast.admin)


def email(unit_code: str) -> str:
    return Message.objects.get(channel="email", recipient=f"{unit_code}@demo.parindex.invalid").body


def sms(number: int) -> str:
    return Message.objects.get(channel="sms", recipient=f"091200000{number}").body


def not_appraisable() -> int:
    """Leaves a unit that answered nothing leaves unappraised: all but those it does not
    score itself (surveys, earlier years) and the bonus and penalty it did not claim."""
    return (
        Criterion.objects.filter(framework__year=2024)
        .exclude(rule_type="")
        .exclude(rule_type__in=["survey", "history", "bonus", "penalty"])
        .count()
    )


def test_a_unit_that_answered_nothing_is_told_it_is_not_ranked_and_why(
    cast: Cast, cycle: Cycle, contacts: None
) -> None:
    answer_and_appraise(cast, cycle)
    close_round(cast, cycle)
    count = not_appraisable()
    body = email("so-y-te")
    # 2 points of 92: the improvement over two years, full for a unit without that history.
    assert (
        "Chỉ số tạm tính: 2,17% (chưa gồm điểm khảo sát SIPAS và khảo sát CBCCVC: "
        f"35,00 điểm đang chờ; {count} tiêu chí chưa thẩm định)." in body
    )
    assert f"Chưa xếp hạng trong nhóm “{GROUP}”: còn {count} tiêu chí chưa thẩm định." in body
    assert "Xếp hạng" not in body
    short = sms(2)
    assert "chưa xếp hạng" in short and "xếp hạng 2" not in short
    assert f"35,00 điểm khảo sát đang chờ; {count} tiêu chí chưa thẩm định" in short
    row = ResultRow.objects.get(unit=cast.unit_b)
    assert (row.rank, row.rank_of, row.unappraised) == (None, None, count)


def test_survey_points_not_in_are_pending_not_lost(
    cast: Cast, cycle: Cycle, contacts: None
) -> None:
    answer_and_appraise(cast, cycle)
    close_round(cast, cycle)
    body = email("so-tu-phap")
    assert "Điểm khảo sát đang chờ theo lĩnh vực (chưa có kết quả, không phải điểm bị trừ):" in body
    lost = body.split("Điểm bị trừ theo lĩnh vực:")[1].split("Điểm khảo sát đang chờ")[0]
    assert "  8:" not in lost  # 35 survey points pending, 2 for history obtained
    assert "\n  8: 35,00\n" in body.split("Điểm khảo sát đang chờ theo lĩnh vực")[1]
    row = ResultRow.objects.get(unit=cast.unit_a)
    assert row.provisional and row.unappraised == 0
    assert row.missing_surveys == ["sipas", "staff"] and row.pending == 35
    pending, unappraised = row.fields["8"][3:]  # in field 8: pending, not appraised
    assert (Decimal(pending), unappraised) == (35, 0)


def test_the_rank_is_among_the_units_made_of_the_same_parts(
    cast: Cast, cycle: Cycle, contacts: None
) -> None:
    answer_and_appraise(cast, cycle)
    close_round(cast, cycle)
    body = email("so-tu-phap")
    assert (
        f"Xếp hạng 1/1 trong nhóm “{GROUP}”, trong số 1 đơn vị của nhóm đã thẩm định đủ và "
        "cùng chưa có kết quả khảo sát SIPAS và khảo sát CBCCVC." in body
    )
    assert "xếp hạng 1/1 trong số đơn vị cùng chưa có kết quả khảo sát." in sms(1)
    ranks = dict(ResultRow.objects.values_list("unit__code", "rank"))
    assert ranks == {"so-tu-phap": 1, "so-y-te": None, "so-noi-vu": None}


def test_with_its_survey_results_in_a_unit_is_complete(
    cast: Cast, cycle: Cycle, contacts: None
) -> None:
    for source, percent in (("sipas", "90"), ("staff", "80")):
        UnitSurveyResult.objects.create(
            year=2024, unit=cast.unit_a, source=source, percent=Decimal(percent), respondents=40
        )
    answer_and_appraise(cast, cycle)
    close_round(cast, cycle)
    body = email("so-tu-phap")
    assert "đang chờ" not in body and "tạm tính: " in body.lower()
    assert (
        f"Xếp hạng 1/1 trong nhóm “{GROUP}”, trong số 1 đơn vị của nhóm đã có đủ kết quả." in body
    )
    row = ResultRow.objects.get(unit=cast.unit_a)
    assert not row.provisional and row.pending == 0 and row.missing_surveys == []
    assert row.survey_sipas == Decimal("13.5") and row.survey_staff == 16  # 15 × 90 %, 20 × 80 %


def test_links_use_the_address_the_site_is_served_on(
    cast: Cast, cycle: Cycle, contacts: None, settings: object
) -> None:
    settings.SITE_URL = "http://127.0.0.1:8123"  # type: ignore[attr-defined]
    answer_and_appraise(cast, cycle)
    close_round(cast, cycle)
    assert "http://127.0.0.1:8123/assessments/2024/so-tu-phap/" in sms(1)
    assert "http://127.0.0.1:8123/assessments/2024/so-tu-phap/" in email("so-tu-phap")


def site_url(**env: str) -> str:
    environment = {k: v for k, v in os.environ.items() if k not in ("SITE_URL", "PORT")}
    code = (
        "import django; django.setup(); from django.conf import settings; print(settings.SITE_URL)"
    )
    return subprocess.run(  # noqa: S603 - this interpreter, a fixed program
        [sys.executable, "-c", code],
        env={**environment, "DJANGO_SETTINGS_MODULE": "parindex.settings", **env},
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()


def test_the_default_address_follows_the_port_and_the_demo_passes_it() -> None:
    assert site_url() == "http://127.0.0.1:8000"
    assert site_url(PORT="8123") == "http://127.0.0.1:8123"
    assert site_url(PORT="8123", SITE_URL="https://cchc.soctrang.gov.vn") == (
        "https://cchc.soctrang.gov.vn"
    )
    make = shutil.which("make")
    assert make is not None
    dry_run = subprocess.run(  # noqa: S603 - make, printing the demo's commands only (-n)
        [make, "-n", "demo", "PORT=8123"], cwd=ROOT, capture_output=True, text=True, check=True
    ).stdout
    served = [line for line in dry_run.splitlines() if "runserver" in line or "load_demo" in line]
    assert len(served) == 2 and all("SITE_URL=http://127.0.0.1:8123 " in line for line in served)
