from typing import Any

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .models import (
    CONTACT_FIELDS,
    AppraisalAssignment,
    EvaluatingBody,
    Partner,
    SecurityEvent,
    Unit,
    UnitContactChange,
    UnitGroup,
    UnitName,
    User,
)
from .services import unit_rename, unit_set_contacts


@admin.register(EvaluatingBody)
class EvaluatingBodyAdmin(admin.ModelAdmin):
    list_display = ["name", "short_name"]


@admin.register(Partner)
class PartnerAdmin(admin.ModelAdmin):
    list_display = ["name", "body"]


@admin.register(UnitGroup)
class UnitGroupAdmin(admin.ModelAdmin):
    list_display = ["name", "code", "body", "position"]
    list_editable = ["position"]
    prepopulated_fields = {"code": ["name"]}


class UnitNameInline(admin.TabularInline):
    model = UnitName
    extra = 0


class ContactChangeInline(admin.TabularInline):
    model = UnitContactChange
    extra = 0
    fields = ["at", "field", "before", "after", "by"]
    readonly_fields = ["at", "field", "before", "after", "by"]
    can_delete = False

    def has_add_permission(self, request: Any, obj: Any = None) -> bool:
        return False


@admin.register(Unit)
class UnitAdmin(admin.ModelAdmin):
    list_display = ["name", "code", "group", "parent", "head_name", "dissolved_on"]
    list_filter = ["group", ("dissolved_on", admin.EmptyFieldListFilter)]
    list_select_related = ["group", "parent"]
    search_fields = ["name", "short_name", "code"]
    filter_horizontal = ["successors"]
    autocomplete_fields = ["parent"]
    inlines = [UnitNameInline, ContactChangeInline]

    def save_model(self, request: Any, obj: Unit, form: Any, change: bool) -> None:
        # A renamed unit keeps its old name for the results published under it.
        if change and "name" in form.changed_data:
            old_name = Unit.objects.values_list("name", flat=True).get(pk=obj.pk)
            new_name = obj.name
            obj.name = old_name
            unit_rename(unit=obj, new_name=new_name, on=timezone.localdate())
        # Contact details changed here are recorded as on the app's own page.
        if change and set(form.changed_data) & set(CONTACT_FIELDS):
            unit_set_contacts(
                unit=obj,
                head_name=obj.head_name,
                email=obj.email,
                mobile=obj.mobile,
                by=request.user,
            )
        super().save_model(request, obj, form, change)


class AssignmentInline(admin.TabularInline):
    model = AppraisalAssignment
    fk_name = "appraiser"
    extra = 0
    autocomplete_fields = ["unit"]


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    list_display = ["username", "display_name", "role", "unit", "is_active", "last_login"]
    list_filter = ["role", "is_active", "unit__group"]
    list_select_related = ["unit"]
    search_fields = ["username", "display_name", "email", "unit__name"]
    autocomplete_fields = ["unit"]
    fieldsets = (
        (None, {"fields": ("username", "password")}),
        (
            _("Role"),
            {"fields": ("role", "unit", "partner", "display_name", "email", "mobile")},
        ),
        (_("Status"), {"fields": ("is_active", "last_login", "date_joined")}),
    )
    add_fieldsets = (
        (
            None,
            {
                "classes": ("wide",),
                "fields": (
                    "username",
                    "password1",
                    "password2",
                    "role",
                    "unit",
                    "partner",
                    "display_name",
                ),
            },
        ),
    )
    readonly_fields = ["last_login", "date_joined"]
    inlines = [AssignmentInline]


@admin.register(SecurityEvent)
class SecurityEventAdmin(admin.ModelAdmin):
    list_display = ["at", "kind", "username", "ip_address", "path", "detail"]
    list_filter = ["kind"]
    search_fields = ["username", "path", "detail"]
    date_hierarchy = "at"

    def has_add_permission(self, request: object) -> bool:
        return False

    def has_change_permission(self, request: object, obj: object = None) -> bool:
        return False

    def has_delete_permission(self, request: object, obj: object = None) -> bool:
        return False
