"""Reads of a holder's certificates and share links (who may hand out a credential).

See ``certificates.services.sharing`` for the privacy rules of the credential.
"""

from __future__ import annotations

from django.conf import settings
from django.db.models import QuerySet
from django.urls import reverse
from django.utils.translation import gettext as _

from onex.certificates.models import CredentialShareLink, IssuedCertificate
from onex.certificates.selectors import certificates as selectors
from onex.core.actors import Actor
from onex.core.models import UnitKind
from onex.core.scoping import fetch


def is_holder(actor: Actor, certificate: IssuedCertificate) -> bool:
    return (
        actor.kind == UnitKind.LEARNER
        and certificate.holder_unit_id is not None
        and certificate.holder_unit_id == actor.unit_id
    )


def require_holder(actor: Actor, certificate: IssuedCertificate) -> None:
    # Officials and the issuing org see the certificate (so 403, not 404) but not the
    # credential: it is the holder's to hand out.
    actor.require(is_holder(actor, certificate), _("只有持证人本人可以获取和分享可验证凭证。"))


def holder_certificate_get(*, actor: Actor, pk: int | str) -> IssuedCertificate:
    """The actor's own certificate: NotFound outside its scope, Forbidden if not the holder."""
    certificate = selectors.certificate_get(actor=actor, pk=pk)
    require_holder(actor, certificate)
    return certificate


def holder_certificate_by_number(*, actor: Actor, number: str) -> IssuedCertificate:
    certificate = selectors.certificate_get_by_number(actor=actor, number=number)
    require_holder(actor, certificate)
    return certificate


def shared_credential_url(token: str) -> str:
    """The JSON-LD document behind a share link."""
    path = reverse("api:vc_shared_credential", kwargs={"token": token})
    return str(settings.ONEX_PUBLIC_URL).rstrip("/") + path


def share_url(token: str) -> str:
    """The page a share link opens: what the credential says, its status, a download."""
    path = reverse("verify:shared", kwargs={"token": token})
    return str(settings.ONEX_PUBLIC_URL).rstrip("/") + path


def share_links(*, actor: Actor, certificate: IssuedCertificate) -> QuerySet[CredentialShareLink]:
    require_holder(actor, certificate)
    return CredentialShareLink.objects.filter(certificate=certificate).order_by(
        "-created_at", "-pk"
    )


def share_link_get(
    *, actor: Actor, certificate: IssuedCertificate, pk: int | str
) -> CredentialShareLink:
    return fetch(share_links(actor=actor, certificate=certificate), pk=pk)
