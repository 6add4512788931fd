from django.contrib import admin

from .models import Initiative


@admin.register(Initiative)
class InitiativeAdmin(admin.ModelAdmin):
    """The register until its own pages (submission, the council's decisions, whether each
    was maintained in later years) are built."""

    list_display = ["year", "title", "unit", "status", "decision"]
    list_filter = ["year", "status", "unit__group"]
    list_select_related = ["unit"]
    search_fields = ["title", "unit__name"]
    autocomplete_fields = ["unit"]
