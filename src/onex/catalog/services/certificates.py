"""Certificates, their levels with cost ceilings (R13, R24) and their standards."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import ValidationError
from django.core.files import File
from django.db import transaction
from django.utils.translation import gettext as _

from onex.catalog.models import (
    Batch,
    Certificate,
    CertificateLevel,
    Level,
    Org,
    Standard,
    validate_standard_content,
)
from onex.catalog.services.access import require_ministry, require_org_member
from onex.catalog.services.uploads import sniff_upload
from onex.core import public_cache
from onex.core.actors import Actor
from onex.core.audit import audit_record
from onex.core.errors import InvalidInput, RuleViolation
from onex.core.models import UnitKind


def _clean_specialties(specialties: Iterable[str] | str) -> str:
    if isinstance(specialties, str):
        specialties = specialties.splitlines()
    seen: list[str] = []
    for raw in specialties:
        name = str(raw).strip()
        if name and name not in seen:
            seen.append(name)
    return "\n".join(seen)


def certificate_create(
    *,
    actor: Actor,
    code: str,
    name: str,
    org: Org,
    batch: Batch,
    position: int | None = None,
    field: str = "",
    description: str = "",
    specialties: Iterable[str] | str = (),
) -> Certificate:
    require_ministry(actor)
    code = code.strip()
    if not code or not name.strip():
        raise InvalidInput(_("证书代码和名称不能为空。"), field="code")
    with transaction.atomic():
        # R24: a code names one certificate in the whole catalogue, across batches.
        if Certificate.objects.filter(code=code).exists():
            raise RuleViolation(
                "R24", _("证书代码 %(code)s 已存在于证书目录中。") % {"code": code}, field="code"
            )
        certificate = Certificate.objects.create(
            code=code,
            name=name.strip(),
            org=org,
            batch=batch,
            position=position,
            field=field,
            description=description,
            specialties=_clean_specialties(specialties),
        )
        audit_record(
            actor=actor,
            action="catalog.certificate.create",
            target=certificate,
            new={"code": code, "name": name, "org": org.pk, "batch": batch.number},
        )
    return certificate


_CERTIFICATE_FIELDS = frozenset(
    {
        "name",
        "position",
        "field",
        "description",
        "specialties",
        "textbook_updated_on",
        "case_library_updated_on",
        "question_bank_updated_on",
    }
)
# The org keeps its learning resources current (R08, R22); only these dates are its to set.
_ORG_CERTIFICATE_FIELDS = frozenset(
    {"textbook_updated_on", "case_library_updated_on", "question_bank_updated_on"}
)


def certificate_update(
    *, actor: Actor, certificate: Certificate, changes: Mapping[str, Any]
) -> Certificate:
    unknown = set(changes) - _CERTIFICATE_FIELDS
    if unknown:
        raise InvalidInput(_("不能修改这些字段：%(f)s") % {"f": ", ".join(sorted(unknown))})
    if actor.kind == UnitKind.ORG and set(changes) <= _ORG_CERTIFICATE_FIELDS:
        require_org_member(actor, certificate.org)
    else:
        require_ministry(actor)
    with transaction.atomic():
        locked = Certificate.objects.select_for_update().get(pk=certificate.pk)
        old: dict[str, Any] = {}
        new: dict[str, Any] = {}
        for name, value in changes.items():
            if name == "specialties":
                value = _clean_specialties(value)
            if name == "name" and not str(value).strip():
                raise InvalidInput(_("证书名称不能为空。"), field="name")
            old[name] = getattr(locked, name)
            new[name] = value
            setattr(locked, name, value)
        locked.save(update_fields=list(changes) or None)
        audit_record(
            actor=actor, action="catalog.certificate.update", target=locked, old=old, new=new
        )
        if "name" in changes:
            # The name shows on every public verification of this certificate's holders.
            public_cache.forget_all()
    return locked


def _as_money(value: Decimal | int | str | None) -> Decimal | None:
    if value is None or value == "":
        return None
    try:
        amount = Decimal(str(value))
    except (InvalidOperation, ValueError):
        raise InvalidInput(_("金额格式无效。"), field="cost_ceiling") from None
    if not amount.is_finite():
        raise InvalidInput(_("金额格式无效。"), field="cost_ceiling")
    if amount != amount.quantize(Decimal("0.01")):
        raise InvalidInput(_("金额最多保留两位小数（元）。"), field="cost_ceiling")
    if amount < 0:
        raise RuleViolation("R13", _("成本上限不能为负数。"), field="cost_ceiling")
    if amount >= Decimal("1e8"):
        raise InvalidInput(_("金额超出范围。"), field="cost_ceiling")
    return amount.quantize(Decimal("0.01"))


def certificate_level_set(
    *,
    actor: Actor,
    certificate: Certificate,
    level: str,
    cost_ceiling: Decimal | int | str | None = None,
    description: str | None = None,
) -> CertificateLevel:
    """Create or update one level of a certificate with its cost ceiling (R13 data)."""
    require_ministry(actor)
    if level not in Level.values:
        raise InvalidInput(_("未知的等级。"), field="level")
    amount = _as_money(cost_ceiling)
    with transaction.atomic():
        row = (
            CertificateLevel.objects.select_for_update()
            .filter(certificate=certificate, level=level)
            .first()
        )
        old = {"cost_ceiling": row.cost_ceiling, "description": row.description} if row else None
        if row is None:
            row = CertificateLevel(certificate=certificate, level=level)
        row.cost_ceiling = amount
        if description is not None:
            row.description = description
        row.save()
        audit_record(
            actor=actor,
            action="catalog.level.set",
            target=row,
            old=old,
            new={
                "certificate": certificate.code,
                "level": level,
                "cost_ceiling": amount,
                "description": row.description,
            },
        )
    return row


def standard_publish(
    *,
    actor: Actor,
    certificate: Certificate,
    version: str,
    published_on: dt.date,
    content: Mapping[str, Any],
    pdf: File[Any] | None = None,
) -> Standard:
    """Publish a version of the certificate's standard (the Ministry or the owning org)."""
    if actor.kind == UnitKind.ORG:
        require_org_member(actor, certificate.org)
    else:
        require_ministry(actor)
    try:
        validate_standard_content(dict(content))
    except ValidationError as exc:
        raise InvalidInput(" ".join(exc.messages), field="content") from None
    if pdf is not None:
        kind = sniff_upload(pdf, allowed=("pdf",), field_name="pdf")
        assert kind == "pdf"
    with transaction.atomic():
        if Standard.objects.filter(certificate=certificate, version=version).exists():
            raise InvalidInput(_("该版本已发布。"), field="version")
        standard = Standard(
            certificate=certificate, version=version, published_on=published_on, content=content
        )
        if pdf is not None:
            standard.pdf.save(pdf.name or "standard.pdf", pdf, save=False)
        standard.save()
        audit_record(
            actor=actor,
            action="catalog.standard.publish",
            target=standard,
            new={"certificate": certificate.code, "version": version, "published_on": published_on},
        )
    return standard
