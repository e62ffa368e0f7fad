"""R20: about ten confirmed pilot schools per certificate are monitoring points."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from django.urls import reverse

from onex.core.actors import Actor
from onex.core.errors import Conflict, Forbidden, RuleViolation
from onex.core.models import PolicyScope
from onex.core.policy import policy_value_set
from onex.pilots.models import Specialty
from onex.supervision.selectors.lists import coverage
from onex.supervision.services.monitoring import point_designate, point_withdraw
from onex.supervision.workflows import POINT
from tests.factories_supervision import World
from tests.personas import Persona
from tests.workflow_support import assert_same_moves


def _client(persona: Persona) -> Client:
    client = Client()
    client.force_login(persona.user)
    return client


def test_r20_only_a_confirmed_pilot_school_becomes_a_monitoring_point(world: World) -> None:
    p = world.p
    Specialty.objects.create(school=p.sz_school_obj, code="530802", name="物流管理")
    with pytest.raises(RuleViolation) as info:
        point_designate(
            actor=p.ministry.actor, certificate=world.ex.certificate, school=p.sz_school_obj
        )
    assert info.value.rule == "R20"
    point = point_designate(
        actor=p.ministry.actor, certificate=world.ex.certificate, school=p.gd_school_obj
    )
    assert point.province.code == "440000"
    with pytest.raises(Conflict):
        point_designate(
            actor=p.ministry.actor, certificate=world.ex.certificate, school=p.gd_school_obj
        )


def test_r20_only_the_ministry_designates(world: World) -> None:
    with pytest.raises(Forbidden):
        point_designate(
            actor=world.p.gd.actor, certificate=world.ex.certificate, school=world.p.gd_school_obj
        )


def test_r20_coverage_shows_certificates_with_too_few_points(world: World) -> None:
    p = world.p
    rows = {r.certificate.code: r for r in coverage(actor=p.ministry.actor)}
    row = rows[world.ex.certificate.code]
    assert (row.points, row.target, row.pilot_schools, row.is_short) == (0, 10, 2, True)
    for school in (p.gd_school_obj, p.hb_school_obj):
        point_designate(actor=p.ministry.actor, certificate=world.ex.certificate, school=school)
    row = {r.certificate.code: r for r in coverage(actor=p.ministry.actor)}[
        world.ex.certificate.code
    ]
    assert (row.points, row.is_short) == (2, False)  # every confirmed school is a point
    # Still below the target: listed as too few, for want of confirmed schools, never "covered".
    assert (row.lacks_schools, row.status) == (True, "lacks_schools")
    assert world.ex.certificate.code in {
        r.certificate.code for r in coverage(actor=p.ministry.actor, only_short=True)
    }
    page = _client(p.ministry).get(reverse("supervision:coverage"))
    assert page.status_code == 200 and world.ex.certificate.name in page.content.decode()
    assert "已无可确定的试点院校" in page.content.decode()
    api = _client(p.ministry).get("/api/v1/supervision/monitoring-coverage")
    assert api.json()[0]["points"] == 2
    assert api.json()[0]["status"] == "lacks_schools"
    assert _client(p.gd).get("/api/v1/supervision/monitoring-coverage").status_code == 403


def test_r20_a_certificate_at_its_target_is_covered(world: World) -> None:
    p = world.p
    policy_value_set(
        actor=Actor.system(),
        key="r20.monitoring_points_per_certificate",
        value=1,
        scope=PolicyScope.NATIONAL,
        effective_from=dt.date(2020, 1, 1),
    )
    point_designate(
        actor=p.ministry.actor, certificate=world.ex.certificate, school=p.gd_school_obj
    )
    row = {r.certificate.code: r for r in coverage(actor=p.ministry.actor)}[
        world.ex.certificate.code
    ]
    assert (row.points, row.target, row.status) == (1, 1, "covered")


def test_r20_a_disqualified_schools_point_no_longer_counts(world: World) -> None:
    p = world.p
    point_designate(
        actor=p.ministry.actor, certificate=world.ex.certificate, school=p.hb_school_obj
    )
    world.disqualified_school(p.hb_school_obj)
    row = {r.certificate.code: r for r in coverage(actor=p.ministry.actor)}[
        world.ex.certificate.code
    ]
    assert (row.points, row.pilot_schools) == (0, 1)


def test_monitoring_point_table_api_and_page_agree(world: World) -> None:
    p = world.p
    point = point_designate(
        actor=p.ministry.actor, certificate=world.ex.certificate, school=p.gd_school_obj
    )
    seen = assert_same_moves(
        workflow=POINT,
        obj=point,
        personas=p,
        api_url=f"/api/v1/supervision/monitoring-points/{point.pk}",
        page_url=reverse("supervision:point_detail", args=[point.pk]),
    )
    assert seen["ministry"] == {"withdraw"}
    assert all(not moves for name, moves in seen.items() if name != "ministry")
    point_withdraw(actor=p.ministry.actor, point=point, reason="调整")
    assert all(
        not m
        for m in assert_same_moves(
            workflow=POINT,
            obj=point,
            personas=p,
            api_url=f"/api/v1/supervision/monitoring-points/{point.pk}",
            page_url=reverse("supervision:point_detail", args=[point.pk]),
        ).values()
    )


def test_monitoring_points_are_scoped_and_exported(world: World) -> None:
    p = world.p
    point = point_designate(
        actor=p.ministry.actor, certificate=world.ex.certificate, school=p.gd_school_obj
    )
    assert (
        _client(p.hb).get(reverse("supervision:point_detail", args=[point.pk])).status_code == 404
    )
    assert (
        _client(p.hb_school).get(f"/api/v1/supervision/monitoring-points/{point.pk}").status_code
        == 404
    )
    assert _client(p.gd).get(f"/api/v1/supervision/monitoring-points/{point.pk}").status_code == 200
    export = _client(p.ministry).get(reverse("supervision:point_list"), {"format": "xlsx"})
    assert export.status_code == 200
    created = _client(p.ministry).post(
        "/api/v1/supervision/monitoring-points",
        {"certificate": world.ex.certificate.code, "school_id": p.hb_school_obj.pk},
        content_type="application/json",
    )
    assert created.status_code == 201, created.content
    listed = _client(p.ministry).get("/api/v1/supervision/monitoring-points")
    assert listed.json()["count"] == 2
