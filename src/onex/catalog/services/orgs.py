"""Orgs and their agreements (R18, R22): registration, signing, and the check every org
activity runs first."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils.translation import gettext as _

from onex.catalog.models import Org, OrgAgreement, OrgStatus, OrgType
from onex.catalog.selectors.orgs import org_can_act
from onex.catalog.services.access import require_ministry
from onex.core import public_cache
from onex.core.accounts import unit_create
from onex.core.actors import Actor
from onex.core.audit import audit_record
from onex.core.errors import InvalidInput, RuleViolation
from onex.core.models import UnitKind
from onex.core.personal import validate_credit_code


def org_create(
    *,
    actor: Actor,
    name: str,
    credit_code: str,
    org_type: str,
    address: str = "",
    contact_name: str = "",
    contact_phone: str = "",
) -> Org:
    require_ministry(actor)
    if org_type not in OrgType.values:
        raise InvalidInput(_("未知的组织类型。"), field="org_type")
    code = validate_credit_code(credit_code)
    if Org.objects.filter(credit_code=code).exists():
        raise InvalidInput(_("该统一社会信用代码已登记。"), field="credit_code")
    if Org.objects.filter(name=name).exists():
        raise InvalidInput(_("该组织名称已登记。"), field="name")
    with transaction.atomic():
        unit = unit_create(actor=actor, kind=UnitKind.ORG, name=name)
        org = Org.objects.create(
            unit=unit,
            name=name,
            credit_code=code,
            org_type=org_type,
            address=address,
            contact_name=contact_name,
            contact_phone=contact_phone,
        )
        audit_record(
            actor=actor,
            action="catalog.org.create",
            target=org,
            new={"name": name, "credit_code": code, "org_type": org_type},
        )
    return org


def agreement_sign(
    *,
    actor: Actor,
    org: Org,
    signed_on: dt.date,
    counterparty: str = "",
    public_welfare: bool = True,
    advancement: bool = True,
    compliance: bool = True,
    exit: bool = True,
    liability: bool = True,
) -> OrgAgreement:
    """Record the agreement signed with the Ministry's commissioned body (R18).

    An agreement missing a clause is recorded as signed but does not let the org act.
    """
    require_ministry(actor)
    clauses = {
        "clause_public_welfare": public_welfare,
        "clause_advancement": advancement,
        "clause_compliance": compliance,
        "clause_exit": exit,
        "clause_liability": liability,
    }
    with transaction.atomic():
        agreement = OrgAgreement.objects.create(
            org=org, signed_on=signed_on, counterparty=counterparty, **clauses
        )
        audit_record(
            actor=actor,
            action="catalog.agreement.sign",
            target=agreement,
            new={"org": org.pk, "signed_on": signed_on, "counterparty": counterparty, **clauses},
        )
    return agreement


def require_org_agreement(org: Org) -> None:
    """Refuse any org activity (filing, exams, certificates) without a complete agreement (R18)."""
    if org.status != OrgStatus.ACTIVE:
        raise RuleViolation(
            "R22",
            _("培训评价组织“%(org)s”当前状态为%(status)s，不能开展试点活动。")
            % {"org": org.name, "status": org.get_status_display()},
        )
    if not org_can_act(org):
        raise RuleViolation(
            "R18",
            _(
                "培训评价组织“%(org)s”尚未与教育部委托机构签署包含公益性、先进性、合规性、"
                "退出机制和违约责任条款的协议，不能开展试点活动。"
            )
            % {"org": org.name},
        )


def require_org_active(org: Org) -> None:
    """R22: a suspended or exited org's exam plans are frozen and it runs no pilot activity."""
    if org.status != OrgStatus.ACTIVE:
        raise RuleViolation(
            "R22",
            _("培训评价组织“%(org)s”已于 %(date)s 变更为%(status)s，相关考核计划已冻结。")
            % {
                "org": org.name,
                "date": org.status_changed_on or "—",
                "status": org.get_status_display(),
            },
        )


def org_set_status(*, actor: Actor, org: Org, status: str, on: dt.date, reason: str) -> Org:
    """The Ministry changes an org's pilot status (R22: exit, or reinstatement), audited."""
    require_ministry(actor)
    if status not in OrgStatus.values:
        raise InvalidInput(_("未知的组织状态。"), field="status")
    with transaction.atomic():
        locked = Org.objects.select_for_update().get(pk=org.pk)
        old = {"status": locked.status, "status_changed_on": locked.status_changed_on}
        locked.status = status
        locked.status_changed_on = on
        locked.save(update_fields=["status", "status_changed_on"])
        audit_record(
            actor=actor,
            action="catalog.org.status",
            target=locked,
            old=old,
            new={"status": status, "status_changed_on": on, "reason": reason},
        )
        # R22: the public verification of every certificate the org issued shows its status.
        public_cache.forget_all()
    org.status, org.status_changed_on = locked.status, locked.status_changed_on
    return locked
