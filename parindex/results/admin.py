from django.contrib import admin

from .models import ImportedResult


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
    ]
    list_filter = ["year", "group"]
    list_select_related = ["group"]
    search_fields = ["published_unit_name", "unit__name"]
