from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from .models import Criterion, Framework


class CriterionInline(admin.TabularInline):
    model = Criterion
    fk_name = "framework"
    fields = [
        "position",
        "code",
        "title",
        "max_points",
        "rule_type",
        "rule_params",
        "evidence_required",
        "allow_not_applicable",
    ]
    extra = 0
    show_change_link = True
    ordering = ["position"]

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return obj is None or not obj.is_frozen

    has_add_permission = has_change_permission
    has_delete_permission = has_change_permission


@admin.register(Framework)
class FrameworkAdmin(admin.ModelAdmin):
    list_display = ["title", "group", "year", "version", "status", "max_points"]
    list_filter = ["group", "year", "status"]
    list_select_related = ["group"]
    readonly_fields = ["status", "frozen_at", "created_at", "created_by", "based_on"]
    inlines = [CriterionInline]

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        # A frozen framework never changes; a new version is made from its page.
        if obj is not None and obj.is_frozen:
            return False
        return super().has_change_permission(request, obj)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        if obj is not None and obj.is_frozen:
            return False
        return super().has_delete_permission(request, obj)
