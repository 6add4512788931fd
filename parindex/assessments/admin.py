from django.contrib import admin
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from .models import Cycle, CycleGroup, EvidenceFile


class CycleGroupInline(admin.TabularInline):
    model = CycleGroup
    extra = 0
    fields = ["group", "framework", "bands"]


@admin.register(Cycle)
class CycleAdmin(admin.ModelAdmin):
    list_display = ["year", "title", "phase", "self_assessment_until", "revision_until"]
    inlines = [CycleGroupInline]
    readonly_fields = ["phase"]  # phases move on the cycle's page, with their effects


@admin.register(EvidenceFile)
class EvidenceFileAdmin(admin.ModelAdmin):
    list_display = ["name", "unit", "kind", "size", "uploaded_at"]
    list_filter = ["kind"]
    search_fields = ["name", "sha256", "unit__name"]
    list_select_related = ["unit"]
    # The file through the view that checks who asks, never the storage's own address
    # (a bucket's signed URL would skip the view's headers).
    exclude = ["file"]
    readonly_fields = ["download"]

    @admin.display(description=_("file"))
    def download(self, obj: EvidenceFile) -> str:
        return format_html(
            '<a href="{}">{}</a>', reverse("assessments:evidence", args=[obj.pk]), obj.name
        )

    def has_change_permission(self, request: object, obj: object = None) -> bool:
        return False
