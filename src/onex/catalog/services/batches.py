"""Certificate batches (R24): the Ministry publishes them in order."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils.translation import gettext as _

from onex.catalog.models import Batch
from onex.catalog.services.access import require_ministry
from onex.core.actors import Actor
from onex.core.audit import audit_record
from onex.core.errors import InvalidInput


def batch_create(*, actor: Actor, number: int, published_on: dt.date, document: str = "") -> Batch:
    require_ministry(actor)
    if number < 1:
        raise InvalidInput(_("批次号必须为正整数。"), field="number")
    with transaction.atomic():
        if Batch.objects.filter(number=number).exists():
            raise InvalidInput(_("该批次已存在。"), field="number")
        batch = Batch.objects.create(number=number, published_on=published_on, document=document)
        audit_record(
            actor=actor,
            action="catalog.batch.create",
            target=batch,
            new={"number": number, "published_on": published_on, "document": document},
        )
    return batch


def batch_update(
    *, actor: Actor, batch: Batch, published_on: dt.date, document: str | None = None
) -> bool:
    """Correct a batch's publication date (and document); True when something changed."""
    require_ministry(actor)
    with transaction.atomic():
        locked = Batch.objects.select_for_update().get(pk=batch.pk)
        old = {"published_on": locked.published_on, "document": locked.document}
        locked.published_on = published_on
        if document is not None:
            locked.document = document
        new = {"published_on": locked.published_on, "document": locked.document}
        if new == old:
            return False
        locked.save(update_fields=["published_on", "document"])
        audit_record(
            actor=actor,
            action="catalog.batch.update",
            target=locked,
            old=old,
            new={"number": locked.number, **new},
        )
    batch.published_on, batch.document = locked.published_on, locked.document
    return True
