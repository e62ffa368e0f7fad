"""Status changes of issued certificates: suspend, reinstate, revoke (declared in
``certificates.workflows``).

Once a change commits, the credentials' status list is updated and re-signed, so a verifier
holding the credential sees the new status.
"""

from __future__ import annotations

from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _

from onex.certificates.models import IssuedCertificate
from onex.certificates.selectors.certificates import PUBLIC_CACHE_KIND
from onex.certificates.services.credentials import on_status_change
from onex.certificates.services.issue import CERTIFICATE_STATUS_CHANGED
from onex.certificates.services.tallies import tally_move
from onex.certificates.workflows import CERTIFICATE_STATUS
from onex.core import public_cache, registry
from onex.core.actors import Actor
from onex.core.errors import InvalidInput
from onex.core.workflows import perform

# Shown on the public verification page: kept shorter than the workflows' generic bound.
REASON_MAX = 500


def _check_reason(reason: str) -> None:
    if len(reason.strip()) > REASON_MAX:
        raise InvalidInput(_("原因不能超过 %(n)s 个字符。") % {"n": REASON_MAX}, field="reason")


def _after_status_change(certificate: IssuedCertificate) -> None:
    # First: the public verification must not answer the old status a moment longer.
    public_cache.forget(PUBLIC_CACHE_KIND, certificate.number)
    on_status_change(certificate)
    # Downstream apps (the credit bank suspends the outcome and its credits) react on commit.
    registry.emit(CERTIFICATE_STATUS_CHANGED, certificate)


def certificate_move(
    *, actor: Actor, certificate: IssuedCertificate, action: str, reason: str
) -> IssuedCertificate:
    """Take the status move ``action`` (suspend, reinstate, revoke) on ``certificate``."""
    _check_reason(reason)
    before: list[str] = []

    def changes(locked: IssuedCertificate) -> dict[str, Any]:
        before.append(locked.status)  # read under the row lock, before the move
        return {"status_reason": reason.strip(), "status_changed_at": timezone.now()}

    def recount(locked: IssuedCertificate) -> None:
        # The overview's counts move in the same transaction as the status.
        tally_move(locked, old=before[-1], new=locked.status)

    return perform(
        CERTIFICATE_STATUS,
        actor=actor,
        obj=certificate,
        action=action,
        reason=reason,
        changes=changes,
        related=recount,
        after_commit=_after_status_change,
    )


def certificate_suspend(
    *, actor: Actor, certificate: IssuedCertificate, reason: str
) -> IssuedCertificate:
    return certificate_move(actor=actor, certificate=certificate, action="suspend", reason=reason)


def certificate_revoke(
    *, actor: Actor, certificate: IssuedCertificate, reason: str
) -> IssuedCertificate:
    """Revocation is final: a revoked certificate is never reinstated."""
    return certificate_move(actor=actor, certificate=certificate, action="revoke", reason=reason)


def certificate_reinstate(
    *, actor: Actor, certificate: IssuedCertificate, reason: str
) -> IssuedCertificate:
    return certificate_move(actor=actor, certificate=certificate, action="reinstate", reason=reason)
