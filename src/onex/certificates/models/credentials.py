"""Verifiable-credential state: bitstring status lists and each certificate's place in them.

- ``StatusList``: one W3C Bitstring Status List per purpose (revocation, suspension) and
  sequence number. Its bits are stored uncompressed (16 KiB); the signed status-list
  credential built from them is cached with the version it was signed at, so a status change
  re-signs once and every request in between is a plain read.
- ``CredentialRecord``: per certificate, the secret salt of the holder's ``identityHash``
  (encrypted: with it and the hash anyone could recover the ID number by trying candidates,
  see docs/adr/0003-credential-privacy.md), the index the certificate holds in the lists of its
  sequence, and the signed credential as last served (so every request gets the same
  document). One index serves both purposes: both lists of a sequence are allocated in
  lockstep, which keeps allocation a single row lock.
- ``CredentialShareLink``: a link the holder creates to hand the credential to someone else;
  only the SHA-256 of its token is stored, and it expires and can be revoked.

Indexes are never reused: ``StatusList.allocated`` only grows, and a certificate keeps its index
even if it is deleted, so a freed bit can never make another holder's credential look revoked.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

__all__ = ["CredentialRecord", "CredentialShareLink", "StatusList", "StatusPurpose"]

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
    # Never published: the holder hands it to a verifier with the ID card. Encrypted (core
    # crypto) so a copy of the database alone cannot test ID candidates against the hash.
    identity_salt_enc = models.BinaryField(_("身份核验码（密文）"), editable=False, default=b"")
    # Empty until the holder's credential is first built (records from before ADR 0003 were
    # reset: their hash was computed with a published salt).
    identity_hash = models.CharField(_("身份摘要"), max_length=80, editable=False, blank=True)
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


class CredentialShareLink(models.Model):
    """A revocable, expiring link through which the holder hands over the credential."""

    certificate = models.ForeignKey(
        "certificates.IssuedCertificate",
        verbose_name=_("证书"),
        on_delete=models.CASCADE,
        related_name="credential_share_links",
    )
    # SHA-256 of the token: a copy of the table does not open any link.
    token_hash = models.CharField(_("令牌摘要"), max_length=64, unique=True, editable=False)
    label = models.CharField(_("备注"), max_length=64, blank=True, default="")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("创建人"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    expires_at = models.DateTimeField(_("过期时间"))
    revoked_at = models.DateTimeField(_("撤销时间"), null=True, blank=True)
    views = models.PositiveIntegerField(_("访问次数"), default=0)
    last_viewed_at = models.DateTimeField(_("最近访问时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("凭证分享链接")
        verbose_name_plural = _("凭证分享链接")
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.certificate_id} share #{self.pk}"
