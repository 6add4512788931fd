from django.contrib import admin
from django.http import HttpRequest

from .models import ImportedResult, NationalResult, ResultSnapshot, Target


@admin.register(ImportedResult)
class ImportedResultAdmin(admin.ModelAdmin):
    list_display = [
        "year",
        "published_unit_name",
        "group",
        "max_points",
        "self_assessed",
        "survey_staff",
        "survey_sipas",
        "total",
        "index_pct",
    ]
    list_filter = ["year", "group"]
    list_select_related = ["group"]
    search_fields = ["published_unit_name", "unit__name"]


@admin.register(ResultSnapshot)
class ResultSnapshotAdmin(admin.ModelAdmin):
    """Read-only: snapshots change only through computing and publishing."""

    list_display = ["cycle", "revision", "status", "computed_at", "computed_by", "decision"]
    list_filter = ["status", "cycle"]
    list_select_related = ["cycle", "computed_by"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False


@admin.register(NationalResult)
class NationalResultAdmin(admin.ModelAdmin):
    list_display = ["year", "index_pct", "rank", "rank_of", "sipas_pct", "source"]


@admin.register(Target)
class TargetAdmin(admin.ModelAdmin):
    list_display = ["title", "kind", "value", "first_year", "last_year", "group", "unit"]
    list_select_related = ["group", "unit"]
