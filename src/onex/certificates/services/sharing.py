"""Who gets a certificate's verifiable credential: its holder, and whom the holder shares it with.

The credential carries an identity claim about the holder's ID number, so it is never served
on a public path keyed by the (public) certificate number (docs/adr/0003-credential-privacy.md).
It goes to:

- the logged-in holder (a learner account owning the certificate): download, identity check
  code, share links;
- anyone holding a share link the holder created: an unguessable token (256 bits) of which only
  the SHA-256 is stored, valid for a chosen number of days (at most ``SHARE_MAX_DAYS``) and
  revocable at any time. Unknown, expired and revoked tokens all get the same "not found".

Creating, revoking and every use of a link, and every holder download, are audited.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from onex.certificates.models import CredentialShareLink, IssuedCertificate
from onex.certificates.selectors.sharing import require_holder, share_url, shared_credential_url
from onex.certificates.services import credentials
from onex.core.actors import Actor
from onex.core.audit import audit_record
from onex.core.errors import Conflict, InvalidInput, NotFound

SHARE_DEFAULT_DAYS = 30
SHARE_MAX_DAYS = 90
# Enough for every employer and school a holder applies to at once; bounds a runaway script.
SHARE_MAX_ACTIVE = 20
LABEL_MAX = 64


def credential_download(*, actor: Actor, certificate: IssuedCertificate) -> dict[str, Any]:
    """The signed credential for its holder (audited)."""
    require_holder(actor, certificate)
    document = credentials.credential_for(certificate)
    audit_record(actor=actor, action="certificates.credential_download", target=certificate)
    return document


def holder_identity_code(*, actor: Actor, certificate: IssuedCertificate) -> str:
    """The secret salt of the identity hash, which the holder gives to a verifier in person."""
    require_holder(actor, certificate)
    return credentials.identity_salt(credentials.holder_record(certificate))


# --- share links -------------------------------------------------------------------------------


def _token_hash(token: str) -> str:
    # A digest, not a keyed hash: a 256-bit token cannot be guessed, so the key would add
    # nothing but a rotation problem.
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class NewShareLink:
    link: CredentialShareLink
    # Shown once: only its hash is stored.
    token: str

    @property
    def url(self) -> str:
        return share_url(self.token)

    @property
    def credential_url(self) -> str:
        return shared_credential_url(self.token)


def share_link_create(
    *,
    actor: Actor,
    certificate: IssuedCertificate,
    days: int = SHARE_DEFAULT_DAYS,
    label: str = "",
) -> NewShareLink:
    require_holder(actor, certificate)
    actor.require_write()
    if not 1 <= days <= SHARE_MAX_DAYS:
        raise InvalidInput(
            _("有效期应为 1 至 %(max)s 天。") % {"max": SHARE_MAX_DAYS}, field="days"
        )
    label = (label or "").strip()
    if len(label) > LABEL_MAX:
        raise InvalidInput(_("备注最多 %(max)s 个字。") % {"max": LABEL_MAX}, field="label")
    now = timezone.now()
    token = secrets.token_urlsafe(32)
    with transaction.atomic():
        # Serializes the count check with concurrent creations for the same certificate.
        IssuedCertificate.objects.select_for_update().filter(pk=certificate.pk).first()
        active = CredentialShareLink.objects.filter(
            certificate=certificate, revoked_at__isnull=True, expires_at__gt=now
        ).count()
        if active >= SHARE_MAX_ACTIVE:
            raise Conflict(
                _("有效的分享链接已达 %(max)s 个，请先撤销不再需要的链接。")
                % {"max": SHARE_MAX_ACTIVE}
            )
        link = CredentialShareLink.objects.create(
            certificate=certificate,
            token_hash=_token_hash(token),
            label=label,
            created_by=actor.user,
            expires_at=now + dt.timedelta(days=days),
        )
        audit_record(
            actor=actor,
            action="certificates.credential_share_create",
            target=link,
            new={
                "certificate": certificate.number,
                "expires_at": link.expires_at,
                "label": label,
            },
        )
    return NewShareLink(link=link, token=token)


def share_link_revoke(*, actor: Actor, link: CredentialShareLink) -> CredentialShareLink:
    """Revoke at once (idempotent: revoking a revoked link changes nothing)."""
    require_holder(actor, link.certificate)
    actor.require_write()
    with transaction.atomic():
        locked = CredentialShareLink.objects.select_for_update().get(pk=link.pk)
        if locked.revoked_at is not None:
            return locked
        locked.revoked_at = timezone.now()
        locked.save(update_fields=["revoked_at"])
        audit_record(
            actor=actor,
            action="certificates.credential_share_revoke",
            target=locked,
            old={"revoked_at": None},
            new={"revoked_at": locked.revoked_at},
        )
    return locked


def _link_not_found() -> NotFound:
    # Unknown, expired and revoked links answer alike: a stale link tells nothing.
    return NotFound(_("分享链接无效、已过期或已被持证人撤销。"), code="not_found")


def shared_credential(*, token: str, ip: str | None) -> tuple[IssuedCertificate, dict[str, Any]]:
    """The certificate and its credential behind a live share link; each use is audited."""
    if not token or len(token) > 128:
        raise _link_not_found()
    now = timezone.now()
    link = (
        CredentialShareLink.objects.select_related("certificate__certificate", "certificate__org")
        .filter(token_hash=_token_hash(token), revoked_at__isnull=True, expires_at__gt=now)
        .first()
    )
    if link is None:
        raise _link_not_found()
    certificate = link.certificate
    document = credentials.credential_for(certificate)
    with transaction.atomic():
        CredentialShareLink.objects.filter(pk=link.pk).update(
            views=F("views") + 1, last_viewed_at=now
        )
        audit_record(
            actor=Actor.anonymous(ip=ip),
            action="certificates.credential_share_view",
            target=link,
            new={"certificate": certificate.number},
        )
    return certificate, document
