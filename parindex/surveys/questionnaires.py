"""Questionnaires as data: freezing one in use (import, export, copy and crosswalk come
with the questionnaire work of issue 11)."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from .models import Questionnaire


@transaction.atomic
def questionnaire_freeze(*, questionnaire: Questionnaire) -> Questionnaire:
    """A questionnaire in use never changes again: next year's is a copy."""
    if questionnaire.frozen_at is None:
        questionnaire.frozen_at = timezone.now()
        questionnaire.save(update_fields=["frozen_at"])
    return questionnaire
