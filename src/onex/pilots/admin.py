from __future__ import annotations

from django.contrib import admin
from django.http import HttpRequest

from onex.pilots.models import ProvinceCoordination, School, SchoolReminder, SchoolWorkingBody


@admin.register(School)
class SchoolAdmin(admin.ModelAdmin):  # type: ignore[type-arg]  # not subscriptable at runtime
    """Read-only: registration goes through pilots.services (R25 check, unit, audit)."""

    list_display = ("name", "code", "school_type", "province", "city")
    list_filter = ("school_type", "province")
    search_fields = ("name", "code")
    list_select_related = ("province", "city")

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False


class _ReadOnlyAdmin(admin.ModelAdmin):  # type: ignore[type-arg]  # not subscriptable at runtime
    """Writes go through pilots.services (rule checks, history, audit)."""

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False


@admin.register(ProvinceCoordination)
class ProvinceCoordinationAdmin(_ReadOnlyAdmin):
    list_display = ("province", "body_name", "contact_name", "contact_phone", "updated_at")
    list_select_related = ("province",)


@admin.register(SchoolWorkingBody)
class SchoolWorkingBodyAdmin(_ReadOnlyAdmin):
    list_display = ("school", "body_name", "leader_name", "contact_name", "filed_at")
    search_fields = ("school__name", "school__code")
    list_select_related = ("school",)


@admin.register(SchoolReminder)
class SchoolReminderAdmin(_ReadOnlyAdmin):
    list_display = ("school", "kind", "deadline", "sent_at", "sent_by_unit")
    list_filter = ("kind",)
    list_select_related = ("school", "sent_by_unit")
