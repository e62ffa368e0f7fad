"""Back-office views of the catalogue. Read-only: writes go through the catalogue's services so
that they are rule-checked (R18, R19, R24) and audited."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.contrib import admin
from django.http import HttpRequest

from onex.catalog.models import Batch, Certificate, Org

# ModelAdmin is generic only in the stubs; subscripting it at runtime fails.
if TYPE_CHECKING:
    _ModelAdmin = admin.ModelAdmin[Any]
else:
    _ModelAdmin = admin.ModelAdmin


class ReadOnlyAdmin(_ModelAdmin):
    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False


@admin.register(Org)
class OrgAdmin(ReadOnlyAdmin):
    list_display = ("name", "credit_code", "org_type", "status")
    list_filter = ("org_type", "status")
    search_fields = ("name", "credit_code")


@admin.register(Batch)
class BatchAdmin(ReadOnlyAdmin):
    list_display = ("number", "published_on", "document")


@admin.register(Certificate)
class CertificateAdmin(ReadOnlyAdmin):
    list_display = ("code", "name", "org", "batch")
    list_filter = ("batch",)
    search_fields = ("code", "name", "org__name")
    list_select_related = ("org", "batch")
