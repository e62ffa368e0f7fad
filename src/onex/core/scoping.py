"""Fetch-and-authorize: objects outside the actor's jurisdiction are 404, never 403."""

from __future__ import annotations

from typing import Any, TypeVar

from django.core.exceptions import ObjectDoesNotExist
from django.db.models import Model, QuerySet
from django.utils.translation import gettext as _

from onex.core.errors import NotFound

M = TypeVar("M", bound=Model)


def fetch(queryset: QuerySet[M], **lookup: Any) -> M:
    """Get one object from an already scoped queryset or raise NotFound.

    Pass the selector's scoped queryset, never a model's default manager, so that an object in
    another jurisdiction is indistinguishable from one that does not exist.
    """
    try:
        return queryset.get(**lookup)
    except (ObjectDoesNotExist, ValueError, TypeError):
        raise NotFound(_("未找到该记录，或您无权查看。")) from None
