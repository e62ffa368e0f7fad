from __future__ import annotations

from django.contrib import admin
from django.http import HttpRequest

from onex.pilots.models import School


@admin.register(School)
class SchoolAdmin(admin.ModelAdmin):
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
