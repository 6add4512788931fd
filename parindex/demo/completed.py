"""The demo's 2024 cycle carried to publication, for the documents' benchmark: every unit
answers every leaf (generated answers, marked as such), the appraisers keep most answers,
lower some with a comment, and the results are computed and published.

Never part of `load_demo` (the demo's 2024 stays open for self-assessment, to be tried):
the benchmark builds it inside a transaction it rolls back.
"""

from __future__ import annotations

import datetime
import random
from decimal import Decimal

from parindex.assessments.models import AssessmentItem, Cycle, Phase, inputs_to_json
from parindex.results.models import ResultSnapshot
from parindex.results.services import results_compute, results_publish

from .samples import sample_inputs

GENERATED = "(dữ liệu tạo tự động cho bản trình diễn)"
COMMENTS = (
    "Tài liệu kiểm chứng chưa đầy đủ theo hướng dẫn chấm điểm",
    "Thực hiện chậm so với thời gian quy định",
    "Chưa đạt tỷ lệ theo quy định",
    "Không có văn bản chứng minh kết quả thực hiện",
)


def complete_cycle(cycle: Cycle, *, seed: int = 2024) -> ResultSnapshot:
    """Answer, appraise, compute and publish the cycle."""
    rng = random.Random(seed)
    items = list(AssessmentItem.objects.filter(assessment__cycle=cycle).select_related("criterion"))
    rules = {}
    for item in items:
        criterion = item.criterion
        if criterion.pk not in rules:
            rules[criterion.pk] = criterion.rule()
        rule = rules[criterion.pk]
        own = sample_inputs(rule, Decimal(criterion.max_points), rng)
        if own is None:
            continue
        if item.self_inputs is None:
            item.self_inputs = inputs_to_json(own)
        appraised = item.self_inputs
        if rng.random() < 0.15:  # the appraiser lowers it, and says why
            lower = sample_inputs(rule, Decimal(criterion.max_points), rng)
            assert lower is not None
            appraised = inputs_to_json(lower)
            item.appraisal_note = f"{rng.choice(COMMENTS)} {GENERATED}"
        item.appraised_inputs = appraised
        item.not_applicable_accepted = True if item.not_applicable_claimed else None
    AssessmentItem.objects.bulk_update(
        items,
        ["self_inputs", "appraised_inputs", "appraisal_note", "not_applicable_accepted"],
        batch_size=2000,
    )
    # Published as a cycle run without the workflow (its phases are tested elsewhere).
    Cycle.objects.filter(pk=cycle.pk).update(phase=Phase.SETUP)
    cycle.refresh_from_db()
    snapshot = results_compute(cycle=cycle, by=None)
    return results_publish(
        snapshot=snapshot,
        decision=f"Quyết định công bố Chỉ số CCHC năm {cycle.year} {GENERATED}",
        decision_date=datetime.date(cycle.year + 1, 1, 8),
        by=None,
        allow_provisional=True,
    )
