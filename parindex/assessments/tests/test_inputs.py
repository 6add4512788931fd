"""What a unit enters is stored as JSON and read back exactly; every input a rule reads has
its field in the forms."""

from __future__ import annotations

from decimal import Decimal

from parindex.assessments.forms import AppraisalForm, SelfAnswerForm
from parindex.assessments.models import inputs_from_json, inputs_to_json
from parindex.frameworks.rules import INPUT_FIELDS
from parindex.scoring.rules import Inputs


def test_inputs_survive_storage_exactly() -> None:
    for inputs in (
        Inputs(score=Decimal("0.75")),
        Inputs(yes=False),
        Inputs(level="Từ 1 đến 3 quý"),
        Inputs(numerator=Decimal(595634), denominator=Decimal(596864)),
        Inputs(occurrences=3),
        Inputs(items=(Decimal("0.5"), Decimal("0.25"))),
    ):
        stored = inputs_to_json(inputs)
        assert all(not isinstance(value, float) for value in stored.values())
        assert inputs_from_json(stored) == inputs
    assert inputs_from_json(None) is None


def test_the_forms_have_a_field_for_every_input_a_rule_reads() -> None:
    for form in (SelfAnswerForm, AppraisalForm):
        assert set(INPUT_FIELDS) <= set(form.base_fields)
