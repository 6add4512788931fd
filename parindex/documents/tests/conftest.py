"""A published year with criterion-level results, for the documents' tests."""

from __future__ import annotations

import datetime
import re

import pytest
from docx import Document

from parindex.assessments.models import AssessmentItem, Cycle
from parindex.conftest import Cast
from parindex.results.services import results_compute, results_publish

DECISION = "Quyết định số 25/QĐ-UBND"
DATE = datetime.date(2025, 1, 8)
# A published figure as a document writes it: 83,84 (points, percentages, gaps).
FIGURE = re.compile(r"(?<![\d,.])\d{1,3}(?:\.\d{3})*,\d{2}(?![\d,])")


@pytest.fixture
def published_2024(cast: Cast, cycle_2024: Cycle) -> Cycle:
    """The 11 districts' 2024 results published, some appraisals commented."""
    for item in AssessmentItem.objects.filter(assessment__cycle=cycle_2024).order_by("pk")[::7]:
        item.appraisal_note = f"Nhận xét của Tổ thẩm định về tiêu chí {item.criterion_id}"
        item.save(update_fields=["appraisal_note"])
    snapshot = results_compute(cycle=cycle_2024, by=cast.admin)
    results_publish(snapshot=snapshot, decision=DECISION, decision_date=DATE, by=cast.admin)
    return cycle_2024


def document_text(content: bytes) -> str:
    """Every paragraph and every table cell of a Word document, as one text."""
    import io

    document = Document(io.BytesIO(content))
    parts = [paragraph.text for paragraph in document.paragraphs]
    for table in document.tables:
        for row in table.rows:
            parts.extend(cell.text for cell in row.cells)
    return "\n".join(parts)


def figures_in(text: str) -> set[str]:
    return set(FIGURE.findall(text))
