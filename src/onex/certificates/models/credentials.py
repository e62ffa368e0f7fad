"""Verifiable-credential state: bitstring status lists and each certificate's place in them.

- ``StatusList``: one W3C Bitstring Status List per purpose (revocation, suspension) and
  sequence number. Its bits are stored uncompressed (16 KiB); the signed status-list
  credential built from them is cached with the version it was signed at, so a status change
  re-signs once and every request in between is a plain read.
- ``CredentialRecord``: per certificate, the salt of the holder's ``identityHash``, the index
  the certificate holds in the lists of its sequence, and the signed credential as last served
  (so every request gets the same document). One index serves both purposes: both lists of a
  sequence are allocated in lockstep, which keeps allocation a single row lock.

Indexes are never reused: ``StatusList.allocated`` only grows, and a certificate keeps its index
even if it is deleted, so a freed bit can never make another holder's credential look revoked.
"""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

__all__ = ["CredentialRecord", "StatusList", "StatusPurpose"]

# The Bitstring Status List spec's minimum (16 KiB): smaller lists would let an observer
# correlate a holder with the few others sharing the list.
STATUS_LIST_BITS = 131_072


class StatusPurpose(models.TextChoices):
    REVOCATION = "revocation", _("撤销")
    SUSPENSION = "suspension", _("暂停")


def _empty_bits() -> bytes:
    return bytes(STATUS_LIST_BITS // 8)


class StatusList(models.Model):
    purpose = models.CharField(_("用途"), max_length=16, choices=StatusPurpose.choices)
    sequence = models.PositiveIntegerField(_("序号"))
    length = models.PositiveIntegerField(_("位数"), default=STATUS_LIST_BITS)
    # Next free index; only grows (no reuse).
    allocated = models.PositiveIntegerField(_("已分配"), default=0)
    bits = models.BinaryField(_("位串"), default=_empty_bits, editable=False)
    # Bumped on every bit change; the cached credential is current when versions match.
    version = models.PositiveIntegerField(_("版本"), default=0)
    signed_version = models.IntegerField(_("已签名版本"), default=-1)
    signed_credential = models.JSONField(_("已签名凭证"), null=True, blank=True, editable=False)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        verbose_name = _("凭证状态列表")
        verbose_name_plural = _("凭证状态列表")
        ordering = ["sequence", "purpose"]
        constraints = [
            models.UniqueConstraint(
                fields=["purpose", "sequence"], name="certificates_statuslist_once"
            ),
            models.CheckConstraint(
                name="certificates_statuslist_allocated_in_range",
                condition=Q(allocated__lte=models.F("length")),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.purpose}#{self.sequence}"


class CredentialRecord(models.Model):
    certificate = models.OneToOneField(
        "certificates.IssuedCertificate",
        verbose_name=_("证书"),
        # Keep the record (and so the index) if a certificate row is ever removed: an index
        # must not come back into circulation.
        on_delete=models.SET_NULL,
        null=True,
        related_name="credential_record",
    )
    sequence = models.PositiveIntegerField(_("状态列表序号"))
    status_index = models.PositiveIntegerField(_("状态列表位置"))
    # Published in the credential with the hash (Open Badges IdentityObject.salt).
    salt = models.CharField(_("盐值"), max_length=64, editable=False)
    identity_hash = models.CharField(_("身份摘要"), max_length=80, editable=False)
    # The signed credential as last served: requests get the same document (and the same
    # proof) until its content changes, instead of a fresh signature on every request.
    signed_credential = models.JSONField(_("已签名凭证"), null=True, blank=True, editable=False)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("可验证凭证记录")
        verbose_name_plural = _("可验证凭证记录")
        constraints = [
            models.UniqueConstraint(
                fields=["sequence", "status_index"], name="certificates_credential_index_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.certificate_id} @ {self.sequence}/{self.status_index}"
