"""Pages of sites and fees: each role sees its pages, outsiders get 404, forms show the rule."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client

from onex.assessment.models import FeeStandard, SiteApplication, SiteApplicationStatus
from onex.assessment.selectors import sites as site_selectors
from onex.assessment.services import fees as fee_services
from onex.assessment.services import sites as site_services
from onex.catalog.models import Level
from tests.factories import letter
from tests.factories_assessment_sites import World, build_world
from tests.personas import Persona, Personas, division

BASE = "/assessment"


@pytest.fixture
def world(personas: Personas) -> World:
    w = build_world(personas)
    p = personas
    fee_services.fee_approve(
        actor=p.gd.actor,
        version=fee_services.fee_propose(
            actor=p.org.actor,
            province=division("440000"),
            certificate=w.certificate,
            level=Level.JUNIOR,
            amount="200",
        ),
    )
    fee_services.fee_propose(
        actor=p.org.actor,
        province=division("440000"),
        certificate=w.certificate,
        level=Level.JUNIOR,
        amount="240",
    )
    fee_services.negotiation_record(
        actor=p.org.actor,
        certificate=w.certificate,
        level=Level.JUNIOR,
        schools=[p.gd_school_obj, p.sz_school_obj],
        agreed_fee="180",
        negotiated_on=dt.date(2020, 6, 1),
    )
    site_services.complaint_submit(
        actor=p.gd_school.actor,
        school=p.gd_school_obj,
        org=p.org_obj,
        text="要求采购指定品牌设备",
        attachments=[letter("材料.pdf")],
    )
    return w


def login(persona: Persona) -> Client:
    client = Client()
    client.force_login(persona.user)
    return client


def test_public_pages_need_no_login(world: World) -> None:
    client = Client()
    assert client.get(f"{BASE}/plans/").status_code == 200
    page = client.get(f"{BASE}/plans/C2-01/")
    assert page.status_code == 200 and "计算机" in page.content.decode()
    assert client.get(f"{BASE}/plans/NOPE/").status_code == 404
    assert client.get(f"{BASE}/sites/").status_code == 200
    xlsx = client.get(f"{BASE}/sites/", {"format": "xlsx"})
    assert xlsx["Content-Type"].startswith("application/vnd.openxmlformats")


def test_org_publishes_plan_through_the_form(world: World) -> None:
    client = login(world.p.org)
    data = {
        "exam_format": "mixed",
        "duration_minutes": "120",
        "theory_weight": "40",
        "practical_weight": "50",
        "theory_pass": "60",
        "practical_pass": "60",
        "mock_platform_url": "https://mock.example.com",
    }
    bad = client.post(f"{BASE}/plans/C2-01/edit/", data)
    assert bad.status_code == 200 and "100" in bad.content.decode()
    data["practical_weight"] = "60"
    assert client.post(f"{BASE}/plans/C2-01/edit/", data).status_code == 302
    # Other units cannot open the org's form.
    assert login(world.p.gd).get(f"{BASE}/plans/C2-01/edit/").status_code == 404


def test_r12_brand_in_conditions_form_is_shown_at_the_field(world: World) -> None:
    response = login(world.p.org).post(
        f"{BASE}/plans/C2-01/conditions/",
        {"rooms": "2", "seats": "30", "equipment": "计算机，指定品牌，30"},
    )
    assert response.status_code == 200
    assert "[R12]" in response.content.decode()


def test_site_application_pages_follow_the_flow(world: World) -> None:
    p = world.p
    school = login(p.gd_school)
    assert school.get(f"{BASE}/site-applications/new/").status_code == 200
    response = school.post(
        f"{BASE}/site-applications/new/",
        {
            "certificate": world.certificate.pk,
            "levels": ["junior"],
            "address": "实训楼",
            "seats": "10",
            "rooms": "2",
        },
    )
    assert "[R10]" in response.content.decode()
    response = school.post(
        f"{BASE}/site-applications/new/",
        {
            "certificate": world.certificate.pk,
            "levels": ["junior"],
            "address": "实训楼",
            "seats": "40",
            "rooms": "2",
        },
    )
    application = SiteApplication.objects.get()
    assert response.status_code == 302
    assert login(p.hb).get(f"{BASE}/site-applications/{application.pk}/").status_code == 404
    org = login(p.org)
    assert (
        "同意设为考核站点"
        in org.get(f"{BASE}/site-applications/{application.pk}/").content.decode()
    )
    org.post(f"{BASE}/site-applications/{application.pk}/org-approve/")
    login(p.gd).post(f"{BASE}/site-applications/{application.pk}/approve/")
    application.refresh_from_db()
    assert application.status == SiteApplicationStatus.APPROVED
    detail = login(p.gd_school).get(f"{BASE}/site-applications/{application.pk}/").content.decode()
    assert "440001" in detail and "省级审核通过并备案" in detail
    listing = login(p.gd).get(f"{BASE}/site-applications/", HTTP_HX_REQUEST="true")
    assert "<html" not in listing.content.decode()


def test_coverage_page_for_officials_only(world: World) -> None:
    assert login(world.p.ministry).get(f"{BASE}/coverage/").status_code == 200
    assert login(world.p.gd).get(f"{BASE}/coverage/", {"format": "xlsx"}).status_code == 200
    assert login(world.p.hb).get(f"{BASE}/coverage/", {"province": "440000"}).status_code == 404
    assert login(world.p.gd_school).get(f"{BASE}/coverage/").status_code == 403


def test_fee_pages(world: World) -> None:
    p = world.p
    standard = FeeStandard.objects.get()
    listing = login(p.gd).get(f"{BASE}/fees/").content.decode()
    assert "200.00" in listing and "240.00" in listing
    detail = login(p.gd).get(f"{BASE}/fees/{standard.pk}/").content.decode()
    assert "核定通过" in detail and "提高费用" in detail
    assert login(p.hb).get(f"{BASE}/fees/{standard.pk}/").status_code == 404
    assert "核定通过" not in login(p.gd_viewer).get(f"{BASE}/fees/{standard.pk}/").content.decode()
    over = login(p.org).post(
        f"{BASE}/fees/new/",
        {
            "province": division("440000").pk,
            "certificate": world.certificate.pk,
            "level": "intermediate",
            "amount": "500",
        },
    )
    assert "[R13]" in over.content.decode()
    assert login(p.gd_school).get(f"{BASE}/fee-negotiations/").status_code == 200
    assert login(p.gd).get(f"{BASE}/fees/", {"format": "xlsx"}).status_code == 200


def test_complaint_pages_are_scoped(world: World) -> None:
    p = world.p
    complaint = site_selectors.complaint_list(actor=p.gd.actor).get()
    assert login(p.gd).get(f"{BASE}/brand-complaints/{complaint.pk}/").status_code == 200
    assert login(p.org).get(f"{BASE}/brand-complaints/{complaint.pk}/").status_code == 404
    attachment = complaint.attachments.get()
    url = f"{BASE}/brand-complaints/{complaint.pk}/attachments/{attachment.pk}/"
    assert login(p.ministry).get(url).status_code == 200
    assert login(p.hb).get(url).status_code == 404
    login(p.gd).post(f"{BASE}/brand-complaints/{complaint.pk}/", {"note": "已约谈"})
    complaint.refresh_from_db()
    assert complaint.status == "handled"


def test_brand_words_page_edit_for_ministry_admin(world: World) -> None:
    client = login(world.p.ministry)
    assert "指定品牌" in client.get(f"{BASE}/brand-words/").content.decode()
    client.post(f"{BASE}/brand-words/", {"word": "某某牌"})
    assert "某某牌" in client.get(f"{BASE}/brand-words/").content.decode()
    login(world.p.gd).post(f"{BASE}/brand-words/", {"word": "另一牌"})
    assert "另一牌" not in client.get(f"{BASE}/brand-words/").content.decode()


def test_dashboards_list_site_and_fee_todos(world: World) -> None:
    from onex.core.dashboard import dashboard_for

    world.apply()
    org_titles = [t.title for t in dashboard_for(actor=world.p.org.actor).todos]
    assert "待审核的考核站点申请" in org_titles
    gd_titles = [t.title for t in dashboard_for(actor=world.p.gd.actor).todos]
    assert "待核定的考核费用标准" in gd_titles and "待处理的指定品牌问题反映" in gd_titles
    assert "考核站点" in login(world.p.gd_school).get("/").content.decode()
