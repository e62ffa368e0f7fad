"""R11: every prefecture-level city with confirmed pilot schools has a site for the certificate."""

from __future__ import annotations

import pytest
from django.apps import apps

from onex.assessment.selectors import sites as site_selectors
from onex.assessment.services import sites as site_services
from onex.catalog.models import Level
from onex.core.errors import Forbidden, NotFound
from onex.pilots.models import School, Specialty
from tests.factories_assessment_sites import (
    World,
    world_fixture,  # noqa: F401 (fixture)
)
from tests.personas import division, make_school


def confirm_pilot(world: World, school: School, status: str = "confirmed") -> None:
    """A confirmed pilot application, written directly: the pilots app owns its workflow."""
    model = apps.get_model("pilots", "PilotApplication")
    specialty, _created = Specialty.objects.get_or_create(
        school=school, code="530802", defaults={"name": "物流管理"}
    )
    model.objects.create(
        school=school,
        province=school.province,
        city=school.city,
        certificate=world.certificate,
        specialty=specialty,
        levels=[Level.JUNIOR],
        status=status,
    )


def register_site(world: World, school: School) -> None:
    from tests.personas import make_user

    persona = make_user(f"site-{school.code}", school.unit)
    application = site_services.site_application_submit(
        actor=persona.actor,
        school=school,
        certificate=world.certificate,
        data=site_services.SiteInput(levels=[Level.JUNIOR], address="校内", seats=30, rooms=2),
    )
    site_services.site_application_org_approve(actor=world.p.org.actor, application=application)
    site_services.site_application_province_approve(actor=world.p.gd.actor, application=application)


def gap_cities(report: site_selectors.CoverageReport) -> list[str]:
    return [row.city.code for row in report.gaps]


def test_r11_city_with_pilots_but_no_site_is_a_gap(world: World) -> None:
    p = world.p
    confirm_pilot(world, p.gd_school_obj)  # Guangzhou
    confirm_pilot(world, p.sz_school_obj)  # Shenzhen
    report = site_selectors.coverage_report(actor=p.gd.actor)
    assert gap_cities(report) == ["440100", "440300"]
    register_site(world, p.gd_school_obj)
    report = site_selectors.coverage_report(actor=p.gd.actor)
    assert gap_cities(report) == ["440300"]
    covered = next(r for r in report.rows if r.city.code == "440100")
    assert covered.sites == 1 and covered.pilot_schools == 1


def test_r11_site_in_another_city_does_not_cover(world: World) -> None:
    p = world.p
    foshan = make_school("佛山职业技术学院", "4144060001", "440000", "440600")
    confirm_pilot(world, p.sz_school_obj)
    register_site(world, foshan)  # a site, but in Foshan, where no pilot school is
    assert gap_cities(site_selectors.coverage_report(actor=p.gd.actor)) == ["440300"]


def test_r11_unconfirmed_pilots_do_not_count(world: World) -> None:
    confirm_pilot(world, world.p.gd_school_obj, status="submitted")
    assert site_selectors.coverage_report(actor=world.p.gd.actor).rows == []


def test_r11_site_for_another_certificate_does_not_cover(world: World) -> None:
    from onex.catalog.services.certificates import certificate_create

    p = world.p
    other = certificate_create(
        actor=p.ministry.actor,
        code="C2-02",
        name="网店运营推广",
        org=p.org_obj,
        batch=world.batch,
        position=2,
    )
    confirm_pilot(world, p.gd_school_obj)
    report = site_selectors.coverage_report(actor=p.gd.actor, certificate=other)
    assert report.rows == []
    register_site(world, p.gd_school_obj)
    assert (
        site_selectors.coverage_report(actor=p.gd.actor, certificate=world.certificate).gaps == []
    )


def test_r11_national_view_covers_every_province_and_province_only_its_own(world: World) -> None:
    p = world.p
    confirm_pilot(world, p.gd_school_obj)
    confirm_pilot(world, p.hb_school_obj)
    national = site_selectors.coverage_report(actor=p.ministry.actor)
    assert gap_cities(national) == ["420100", "440100"]
    assert national.gaps_by_province() == [("广东省", 1, 1), ("湖北省", 1, 1)]
    assert gap_cities(site_selectors.coverage_report(actor=p.hb.actor)) == ["420100"]
    assert gap_cities(site_selectors.coverage_report(actor=p.gz_city.actor)) == ["440100"]
    with pytest.raises(NotFound):
        site_selectors.coverage_report(actor=p.hb.actor, province=division("440000"))
    for persona in (p.gd_school, p.learner):
        with pytest.raises(Forbidden):
            site_selectors.coverage_report(actor=persona.actor)
