"""Learning resources (R08): licensed publishers, ISBN, free or priced, stale question banks;
the flag R22's "not updated in time" reads."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from onex.catalog.models import Standard
from onex.core.errors import Forbidden, RuleViolation
from onex.training.models import Resource, ResourceKind
from onex.training.selectors.resources import (
    is_stale,
    orgs_not_updated,
    resource_list,
    stale_items,
)
from onex.training.services import resources as services
from onex.training.services.resources import ResourceInput
from tests.factories_training import ISBN, World, world_fixture  # noqa: F401 (fixture)

pytestmark = pytest.mark.django_db


def _create(world: World, **overrides: Any) -> Resource:
    values: dict[str, Any] = {
        "certificate": world.certificate,
        "kind": ResourceKind.TEXTBOOK,
        "title": "物流管理教材",
        "updated_on": timezone.localdate(),
        "publisher": world.publisher,
        "isbn": ISBN,
    }
    values.update(overrides)
    return services.resource_create(
        actor=world.p.org.actor, org=world.p.org_obj, data=ResourceInput(**values)
    )


def test_r08_textbook_needs_a_licensed_publisher(world: World) -> None:
    with pytest.raises(RuleViolation) as refused:
        _create(world, publisher=None)
    assert refused.value.rule == "R08"

    services.publisher_set_active(
        actor=world.p.ministry.actor, publisher=world.publisher, active=False
    )
    with pytest.raises(RuleViolation):
        _create(world)


def test_r08_textbook_needs_a_valid_isbn(world: World) -> None:
    with pytest.raises(RuleViolation) as refused:
        _create(world, isbn="9787040500005")
    assert refused.value.rule == "R08"

    assert _create(world, isbn="978-7-04-050000-4").isbn == ISBN


def test_r08_free_or_priced_in_yuan(world: World) -> None:
    free = _create(world, kind=ResourceKind.CASE_LIBRARY, title="案例库", free=True, price="99")
    priced = _create(
        world,
        kind=ResourceKind.QUESTION_BANK,
        title="题库",
        free=False,
        price="30",
        unit_cost="30",
        cost_basis="平台运维分摊",
    )

    assert free.price == Decimal("0.00") and priced.price == Decimal("30.00")
    with pytest.raises(Exception, match="价格"):
        _create(world, kind=ResourceKind.QUESTION_BANK, title="题库2", free=False, price="0")


def test_r08_question_bank_not_updated_within_the_months_is_flagged(world: World) -> None:
    today = timezone.localdate()
    stale = _create(
        world,
        kind=ResourceKind.QUESTION_BANK,
        title="旧题库",
        updated_on=today - dt.timedelta(days=400),
    )
    fresh = _create(
        world,
        kind=ResourceKind.QUESTION_BANK,
        title="新题库",
        updated_on=today - dt.timedelta(days=30),
    )

    assert is_stale(stale) and not is_stale(fresh)
    assert list(resource_list(actor=world.p.gd.actor, stale=True)) == [stale]
    assert [i.title for i in stale_items(org=world.p.org_obj)] == ["旧题库"]
    assert orgs_not_updated() == [world.p.org_obj.pk]

    services.resource_refresh(actor=world.p.org.actor, resource=stale, updated_on=today)
    assert stale_items(org=world.p.org_obj) == [] and orgs_not_updated() == []


def test_r08_stale_standard_feeds_the_not_updated_flag(world: World) -> None:
    Standard.objects.create(
        certificate=world.certificate, version="1.0", published_on=dt.date(2019, 4, 1)
    )

    items = stale_items(org=world.p.org_obj)

    assert [(i.what, i.certificate_code) for i in items] == [("standard", "C2-01")]


def test_only_the_national_admin_keeps_the_publisher_list(world: World) -> None:
    for persona in (world.p.org, world.p.gd, world.p.aggregator):
        with pytest.raises(Forbidden):
            services.publisher_create(actor=persona.actor, name="某出版社")


def test_withdrawn_resources_are_seen_by_their_org_only(world: World) -> None:
    resource = _create(world)
    services.resource_withdraw(actor=world.p.org.actor, resource=resource)

    assert list(resource_list(actor=world.p.gd_school.actor)) == []
    assert list(resource_list(actor=world.p.org.actor)) == [resource]
    relisted = services.resource_relist(actor=world.p.org.actor, resource=resource)
    assert list(resource_list(actor=world.p.gd_school.actor)) == [relisted]


def test_resource_pages_and_api(world: World) -> None:
    _create(
        world,
        kind=ResourceKind.QUESTION_BANK,
        title="旧题库",
        publisher=None,
        isbn="",
        updated_on=timezone.localdate() - dt.timedelta(days=400),
    )
    client = Client()
    client.force_login(world.p.org.user)

    page = client.get(reverse("training:resource_list")).content.decode()
    stale = client.get("/api/v1/training/resources/stale").json()
    created = client.post(
        "/api/v1/training/resources",
        {
            "certificate": "C2-01",
            "kind": "textbook",
            "title": "教材",
            "updated_on": "2026-01-05",
            "free": False,
            "price": "45.00",
            "publisher": world.publisher.pk,
            "isbn": "9787040500005",
            "unit_cost": "45.00",
            "cost_basis": "印制成本",
        },
        content_type="application/json",
    )

    assert "未按期更新" in page
    assert stale[0]["title"] == "旧题库"
    assert created.status_code == 422 and created.json()["rule"] == "R08"


def test_separated_administrators_see_no_listed_learning_resource(world: World) -> None:
    resource = _create(world)
    assert resource_list(actor=world.p.gd_school.actor).filter(pk=resource.pk).exists()
    for persona in (world.p.sysadmin, world.p.secadmin, world.p.auditadmin):
        assert not resource_list(actor=persona.actor).exists()
        client = Client()
        client.force_login(persona.user)
        assert client.get(f"/api/v1/training/resources/{resource.pk}").status_code == 404
        assert resource.title not in client.get(reverse("training:resource_list")).content.decode()


def test_r08_a_priced_resource_is_provided_at_its_declared_cost(world: World) -> None:
    common: dict[str, Any] = {
        "kind": ResourceKind.QUESTION_BANK,
        "publisher": None,
        "isbn": "",
        "free": False,
        "price": "30",
    }
    with pytest.raises(RuleViolation) as no_cost:
        _create(world, title="题库1", **common)
    assert no_cost.value.rule == "R08" and no_cost.value.field == "unit_cost"
    with pytest.raises(RuleViolation) as no_basis:
        _create(world, title="题库1", unit_cost="30", **common)
    assert no_basis.value.field == "cost_basis"
    with pytest.raises(RuleViolation) as above:
        _create(world, title="题库1", unit_cost="25.50", cost_basis="平台运维分摊", **common)
    assert above.value.rule == "R08" and "高于" in above.value.message
    at_cost = _create(world, title="题库1", unit_cost="30", cost_basis="平台运维分摊", **common)
    assert at_cost.unit_cost == Decimal("30.00")
    free = _create(world, title="题库2", **{**common, "free": True, "price": "0"})
    assert free.unit_cost is None and free.cost_basis == ""
    # Changing the price keeps to the same rule; making it free clears the cost.
    with pytest.raises(RuleViolation):
        services.resource_set_price(
            actor=world.p.org.actor,
            resource=at_cost,
            free=False,
            price="40",
            unit_cost="30",
            cost_basis="平台运维分摊",
        )
    made_free = services.resource_set_price(actor=world.p.org.actor, resource=at_cost, free=True)
    assert (made_free.price, made_free.unit_cost) == (Decimal("0.00"), None)
    with pytest.raises(Forbidden):
        services.resource_set_price(actor=world.p.gd_school.actor, resource=at_cost, free=True)


def test_r08_priced_resources_without_a_declared_cost_are_listed_and_not_relisted(
    world: World,
) -> None:
    at_cost = _create(
        world,
        kind=ResourceKind.CASE_LIBRARY,
        title="案例库",
        publisher=None,
        isbn="",
        free=False,
        price="12",
        unit_cost="15",
        cost_basis="内容开发分摊",
    )
    # A row priced before costs were declared (the migration leaves its cost empty).
    Resource.objects.filter(pk=at_cost.pk).update(unit_cost=None, cost_basis="")
    services.resource_withdraw(actor=world.p.org.actor, resource=at_cost)
    with pytest.raises(RuleViolation) as refused:
        services.resource_relist(actor=world.p.org.actor, resource=at_cost)
    assert refused.value.rule == "R08"
    assert list(resource_list(actor=world.p.ministry.actor, priced=True)) == [at_cost]
    client = Client()
    client.force_login(world.p.org.user)
    page = client.get(reverse("training:resource_list"), {"priced": "1"}).content.decode()
    assert "未申报成本" in page
    api = client.post(
        f"/api/v1/training/resources/{at_cost.pk}/price",
        {"free": False, "price": "12", "unit_cost": "15", "cost_basis": "内容开发分摊"},
        content_type="application/json",
    )
    assert api.status_code == 200 and api.json()["unit_cost"] == "15.00"
    services.resource_relist(actor=world.p.org.actor, resource=at_cost)
