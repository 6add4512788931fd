"""The surveys' pages: questionnaires (filled in by the survey work of issue 11)."""

from __future__ import annotations

from django.urls import URLPattern

urlpatterns: list[URLPattern] = []
