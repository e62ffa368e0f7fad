"""The R19 list of unauthorized endorsements, edited by Ministry admins."""

from __future__ import annotations

from django.db import transaction
from django.utils.translation import gettext as _

from onex.catalog.models import DEFAULT_UNAUTHORIZED_PHRASES, UnauthorizedPhrase
from onex.catalog.services.access import require_ministry
from onex.core.actors import Actor
from onex.core.audit import audit_record
from onex.core.errors import InvalidInput
from onex.core.models import UnitKind


def can_edit_phrases(actor: Actor) -> bool:
    """Ministry admins edit the R19 list."""
    return actor.is_system or (actor.is_admin and actor.is_kind(UnitKind.MINISTRY))


def phrase_add(*, actor: Actor, phrase: str) -> UnauthorizedPhrase:
    require_ministry(actor)
    actor.require(can_edit_phrases(actor))
    phrase = phrase.strip()
    if not phrase:
        raise InvalidInput(_("表述不能为空。"), field="phrase")
    with transaction.atomic():
        # Seed the defaults first: the first admin edit must not silently drop them.
        _seed_phrases()
        row, _created = UnauthorizedPhrase.objects.update_or_create(
            phrase=phrase, defaults={"is_active": True}
        )
        audit_record(actor=actor, action="catalog.phrase.add", target=row, new={"phrase": phrase})
    return row


def phrase_set_active(
    *, actor: Actor, phrase: UnauthorizedPhrase, is_active: bool
) -> UnauthorizedPhrase:
    require_ministry(actor)
    actor.require(can_edit_phrases(actor))
    with transaction.atomic():
        row = UnauthorizedPhrase.objects.select_for_update().get(pk=phrase.pk)
        old = row.is_active
        row.is_active = is_active
        row.save(update_fields=["is_active"])
        audit_record(
            actor=actor,
            action="catalog.phrase.set_active",
            target=row,
            old={"is_active": old},
            new={"is_active": is_active},
        )
    return row


def _seed_phrases() -> int:
    created = 0
    for phrase in DEFAULT_UNAUTHORIZED_PHRASES:
        _row, was_created = UnauthorizedPhrase.objects.get_or_create(phrase=phrase)
        created += int(was_created)
    return created


def seed_catalog_defaults(*, actor: Actor) -> int:
    """Create the default R19 phrases that are missing; idempotent. Returns how many."""
    actor.require(actor.is_system or actor.is_kind(UnitKind.MINISTRY))
    with transaction.atomic():
        created = _seed_phrases()
        if created:
            audit_record(
                actor=actor,
                action="catalog.phrase.seed",
                target_type="catalog.unauthorizedphrase",
                new={"created": created},
            )
    return created
