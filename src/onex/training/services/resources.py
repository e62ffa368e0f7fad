"""Learning resources of orgs (R08) and the licensed publishers the national admin keeps.

A textbook names a licensed publisher from the list and a valid ISBN (python-stdnum); a
resource is free or priced (Decimal, more than 0); its update date is recorded so that a
question bank not updated within the profile's months is flagged (see
``training.selectors.resources.stale_items``).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from stdnum import isbn as stdnum_isbn
from stdnum.exceptions import ValidationError as StdnumError

from onex.catalog.models import Certificate, Org
from onex.catalog.services.access import require_org_member
from onex.core.actors import Actor
from onex.core.audit import audit_record
from onex.core.errors import Conflict, InvalidInput, RuleViolation
from onex.core.models import UnitKind
from onex.core.workflows import perform
from onex.training.models import (
    LicensedPublisher,
    Resource,
    ResourceEvent,
    ResourceKind,
)
from onex.training.services.common import clean_decimal, clean_text
from onex.training.workflows import RESOURCE


def require_platform_admin(actor: Actor) -> None:
    actor.require(
        actor.is_system or (actor.kind == UnitKind.MINISTRY and actor.is_admin),
        _("只有国家级管理员可以维护出版单位名单。"),
    )


def publisher_create(*, actor: Actor, name: str, licence_number: str = "") -> LicensedPublisher:
    require_platform_admin(actor)
    name = clean_text(name, field="name", label=_("出版单位"), max_length=200)
    licence = clean_text(
        licence_number,
        field="licence_number",
        label=_("出版许可证号"),
        max_length=64,
        required=False,
    )
    with transaction.atomic():
        try:
            with transaction.atomic():
                publisher = LicensedPublisher.objects.create(name=name, licence_number=licence)
        except IntegrityError:
            raise Conflict(_("该出版单位已在名单中。"), field="name") from None
        audit_record(
            actor=actor,
            action="training.publisher.create",
            target=publisher,
            new={"name": name, "licence_number": licence},
        )
    return publisher


def publisher_set_active(
    *, actor: Actor, publisher: LicensedPublisher, active: bool
) -> LicensedPublisher:
    require_platform_admin(actor)
    with transaction.atomic():
        locked = LicensedPublisher.objects.select_for_update().get(pk=publisher.pk)
        old = locked.active
        locked.active = active
        locked.save(update_fields=["active"])
        audit_record(
            actor=actor,
            action="training.publisher.active",
            target=locked,
            old={"active": old},
            new={"active": active},
        )
    return locked


@dataclass(frozen=True)
class ResourceInput:
    certificate: Certificate
    kind: str
    title: str
    updated_on: dt.date
    free: bool = True
    price: Decimal | str = Decimal(0)
    publisher: LicensedPublisher | None = None
    isbn: str = ""
    url: str = ""
    unit_cost: Decimal | str | None = None
    cost_basis: str = ""


def clean_isbn(value: str) -> str:
    try:
        number = stdnum_isbn.validate(value)
    except StdnumError:
        raise RuleViolation("R08", _("ISBN 无效，请核对。"), field="isbn") from None
    return stdnum_isbn.to_isbn13(number)


def check_textbook(publisher: LicensedPublisher | None, isbn: str) -> str:
    """R08: a textbook comes from a licensed publisher on the list, with a valid ISBN."""
    licensed = (
        publisher is not None
        and LicensedPublisher.objects.filter(pk=publisher.pk, active=True).exists()
    )
    if not licensed:
        raise RuleViolation(
            "R08",
            _("教材须由具备资质的出版单位正式出版：请从出版单位名单中选择。"),
            field="publisher",
        )
    return clean_isbn(isbn)


def _price(free: bool, price: Decimal | str) -> Decimal:
    if free:
        return Decimal("0.00")
    value = clean_decimal(price, field="price", label=_("价格"), places=2, strictly_positive=True)
    return value


def check_at_cost(
    *, free: bool, price: Decimal, unit_cost: Decimal | str | None, cost_basis: str
) -> tuple[Decimal | None, str]:
    """R08: a resource is free, or provided at cost (按成本提供): a priced resource declares
    its unit cost and what the cost is made of, and its price may not exceed that cost.
    Returns the cleaned (unit_cost, cost_basis); a free resource keeps neither."""
    if free:
        return None, ""
    if unit_cost in (None, ""):
        raise RuleViolation("R08", _("收费资源须申报单位成本（按成本提供）。"), field="unit_cost")
    cost = clean_decimal(
        unit_cost, field="unit_cost", label=_("单位成本"), places=2, strictly_positive=True
    )
    basis = (cost_basis or "").strip()
    if len(basis) < 4:
        raise RuleViolation(
            "R08", _("请说明成本构成（如印制、平台运维、内容开发分摊）。"), field="cost_basis"
        )
    if len(basis) > 500:
        raise InvalidInput(_("不能超过 %(n)s 个字符。") % {"n": 500}, field="cost_basis")
    if price > cost:
        raise RuleViolation(
            "R08",
            _("价格 %(price)s 元高于申报的单位成本 %(cost)s 元：资源须免费共享或按成本提供。")
            % {"price": price, "cost": cost},
            field="price",
        )
    return cost, basis


def resource_create(*, actor: Actor, org: Org, data: ResourceInput) -> Resource:
    require_org_member(actor, org)
    if data.certificate.org_id != org.pk:
        raise InvalidInput(_("只能为本组织的证书登记资源。"), field="certificate")
    if data.kind not in ResourceKind.values:
        raise InvalidInput(_("请选择资源类型。"), field="kind")
    title = clean_text(data.title, field="title", label=_("名称"), max_length=200)
    if data.updated_on > timezone.localdate():
        raise InvalidInput(_("更新日期不能晚于今天。"), field="updated_on")
    isbn = ""
    publisher = None
    if data.kind == ResourceKind.TEXTBOOK:
        isbn = check_textbook(data.publisher, data.isbn)  # R08
        publisher = data.publisher
    url = clean_text(data.url, field="url", label=_("在线地址"), max_length=500, required=False)
    price = _price(data.free, data.price)
    unit_cost, cost_basis = check_at_cost(
        free=data.free, price=price, unit_cost=data.unit_cost, cost_basis=data.cost_basis
    )  # R08
    with transaction.atomic():
        resource = Resource.objects.create(
            org=org,
            certificate=data.certificate,
            kind=data.kind,
            title=title,
            publisher=publisher,
            isbn=isbn,
            url=url,
            updated_on=data.updated_on,
            free=data.free,
            price=price,
            unit_cost=unit_cost,
            cost_basis=cost_basis,
        )
        ResourceEvent.record(
            actor=actor, resource=resource, action="create", to_status=resource.status
        )
        audit_record(
            actor=actor,
            action="training.resource.create",
            target=resource,
            new={
                "org": org.pk,
                "certificate": data.certificate.pk,
                "kind": data.kind,
                "title": title,
                "isbn": isbn,
                "publisher": publisher.pk if publisher else None,
                "free": data.free,
                "price": price,
                "unit_cost": unit_cost,
                "cost_basis": cost_basis,
                "updated_on": data.updated_on,
            },
        )
    return resource


def resource_refresh(*, actor: Actor, resource: Resource, updated_on: dt.date) -> Resource:
    """Record that the resource was updated (clears the "not updated in time" flag)."""

    def changes(locked: Resource) -> dict[str, object]:
        if updated_on > timezone.localdate():
            raise InvalidInput(_("更新日期不能晚于今天。"), field="updated_on")
        if updated_on < locked.updated_on:
            raise InvalidInput(_("更新日期不能早于上次更新日期。"), field="updated_on")
        return {"updated_on": updated_on}

    return perform(RESOURCE, actor=actor, obj=resource, action="refresh", changes=changes)


def resource_set_price(
    *,
    actor: Actor,
    resource: Resource,
    free: bool,
    price: Decimal | str = Decimal(0),
    unit_cost: Decimal | str | None = None,
    cost_basis: str = "",
) -> Resource:
    """The org changes whether a resource is free, or its price and declared cost (R08)."""
    new_price = _price(free, price)
    cost, basis = check_at_cost(
        free=free, price=new_price, unit_cost=unit_cost, cost_basis=cost_basis
    )
    return perform(
        RESOURCE,
        actor=actor,
        obj=resource,
        action="price",
        reason=_("价格 %(price)s 元，单位成本 %(cost)s 元")
        % {"price": new_price, "cost": cost or 0},
        changes={"free": free, "price": new_price, "unit_cost": cost, "cost_basis": basis},
    )


def resource_withdraw(*, actor: Actor, resource: Resource) -> Resource:
    return perform(RESOURCE, actor=actor, obj=resource, action="withdraw")


def resource_relist(*, actor: Actor, resource: Resource) -> Resource:
    def check(locked: Resource) -> None:
        if locked.kind == ResourceKind.TEXTBOOK:
            check_textbook(locked.publisher, locked.isbn)  # R08
        # R08: a priced resource listed before costs were declared cannot come back without
        # one (price it anew with its cost).
        check_at_cost(
            free=locked.free,
            price=locked.price,
            unit_cost=locked.unit_cost,
            cost_basis=locked.cost_basis,
        )

    return perform(RESOURCE, actor=actor, obj=resource, action="relist", check=check)
