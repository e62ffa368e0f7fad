"""The declared status moves of an issued certificate.

A certificate is issued valid; the issuing org or the Ministry suspends it, reinstates a
suspended one, or revokes it (final: a revoked certificate is never reinstated).
``onex.core.workflows.perform`` runs every move; ``certificates.services.status`` adds the
values each move writes and re-signs the credentials' status list on commit.
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _

from onex.certificates.models import CertificateStatus, IssuedCertificate, StatusChange
from onex.certificates.selectors.certificates import certificate_scope
from onex.core.actors import Actor
from onex.core.models import UnitKind
from onex.core.workflows import Move, Workflow, register

S = CertificateStatus


def can_change_status(actor: Actor, certificate: IssuedCertificate) -> bool:
    """The issuing org or the Ministry (admins and staff; viewers are refused by ``perform``)."""
    if actor.is_system or actor.kind == UnitKind.MINISTRY:
        return True
    return actor.kind == UnitKind.ORG and certificate.org.unit_id == actor.unit_id


def _scope(actor: Actor) -> Any:
    return certificate_scope(actor=actor)


_DENIED = _("只有颁发该证书的培训评价组织或教育部可以变更证书状态。")


def _move(
    sources: tuple[str, ...], action: str, target: str, label: Any
) -> Move[IssuedCertificate]:
    return Move(
        sources=sources,
        action=action,
        target=target,
        who=can_change_status,
        label=label,
        reason_required=True,
        denied=_DENIED,
    )


def _audit_view(certificate: IssuedCertificate) -> dict[str, Any]:
    # The status and the reason are what the audit keeps of a status change.
    return {}


CERTIFICATE_STATUS: Workflow[IssuedCertificate] = register(
    Workflow(
        name="certificates",
        model=IssuedCertificate,
        moves=(
            _move((S.VALID,), "suspend", S.SUSPENDED, _("暂停")),
            _move((S.SUSPENDED,), "reinstate", S.VALID, _("恢复有效")),
            _move((S.VALID, S.SUSPENDED), "revoke", S.REVOKED, _("撤销（不可恢复）")),
        ),
        scope=_scope,
        event_model=StatusChange,
        event_fk="certificate",
        related=("org", "certificate"),
        audit_view=_audit_view,
    )
)
