"""Funding's pages and API: the same actions, scoped, with refusals naming their rule."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from onex.funding.models import Allocation, Expenditure, ExpenditureCategory, FundSource
from tests.factories_assessment import Exams
from tests.factories_funding import allocate, evidence, held_exam, spend
from tests.personas import Persona, Personas

pytestmark = pytest.mark.django_db


def client_for(persona: Persona) -> Client:
    client = Client()
    client.force_login(persona.user)
    return client


def test_api_allocates_and_records_an_expenditure_with_evidence(personas: Personas) -> None:
    p = personas
    gd = client_for(p.gd)
    created = gd.post(
        "/api/v1/funding/allocations",
        {
            "school_id": p.gd_school_obj.pk,
            "source": "provincial_special",
            "year": 2026,
            "title": "省级专项",
            "amount": "5000.00",
        },
        content_type="application/json",
    )
    assert created.status_code == 201, created.content
    pk = created.json()["id"]
    assert created.json()["balance"] == "5000.00"
    school = client_for(p.gd_school)
    form = {
        "category": "teacher_training",
        "amount": "1200.50",
        "spent_on": timezone.localdate().isoformat(),
        "payee": "培训中心",
        "purpose": "师资培训",
    }
    done = school.post(
        f"/api/v1/funding/allocations/{pk}/expenditures", {**form, "evidence": evidence()}
    )
    assert done.status_code == 201, done.content
    assert Allocation.objects.get(pk=pk).spent == Decimal("1200.50")
    listed = school.get(f"/api/v1/funding/allocations/{pk}/expenditures").json()
    assert listed["count"] == 1 and listed["items"][0]["amount"] == "1200.50"


def test_r39_api_refuses_a_prohibited_use_with_the_rule(personas: Personas) -> None:
    allocation = allocate(personas)
    school = client_for(personas.gd_school)
    refused = school.post(
        f"/api/v1/funding/allocations/{allocation.pk}/expenditures",
        {
            "category": "repay_debt",
            "amount": "10.00",
            "spent_on": timezone.localdate().isoformat(),
            "payee": "银行",
            "purpose": "还款",
            "evidence": evidence(),
        },
    )
    assert refused.status_code == 422
    assert refused.json()["rule"] == "R39"
    assert not Expenditure.objects.exists()


def test_r17_api_refuses_an_expenditure_beyond_the_balance(personas: Personas) -> None:
    allocation = allocate(personas, amount="10.00")
    refused = client_for(personas.gd_school).post(
        f"/api/v1/funding/allocations/{allocation.pk}/expenditures",
        {
            "category": "exam_fees",
            "amount": "10.01",
            "spent_on": timezone.localdate().isoformat(),
            "payee": "组织",
            "purpose": "考核费",
            "evidence": evidence(),
        },
    )
    assert refused.status_code == 422 and refused.json()["rule"] == "R17"


def test_outsiders_get_404_on_allocations_and_evidence(personas: Personas) -> None:
    p = personas
    allocation = allocate(p)
    row = spend(p, allocation, "10.00")
    for outsider in (p.hb, p.hb_school, p.org, p.learner):
        client = client_for(outsider)
        assert client.get(f"/api/v1/funding/allocations/{allocation.pk}").status_code == 404
        assert (
            client.get(reverse("funding:allocation_detail", args=[allocation.pk])).status_code
            == 404
        )
        assert client.get(reverse("funding:expenditure_evidence", args=[row.pk])).status_code == 404
    assert Client().get(reverse("funding:expenditure_evidence", args=[row.pk])).status_code == 404
    download = client_for(p.gd).get(reverse("funding:expenditure_evidence", args=[row.pk]))
    assert download.status_code == 200
    assert download["Cache-Control"] == "no-store"


def test_r39_the_page_shows_the_refusal_at_the_field(personas: Personas) -> None:
    allocation = allocate(personas, source=FundSource.CENTRAL_AWARD)
    page = client_for(personas.gd_school).post(
        reverse("funding:allocation_detail", args=[allocation.pk]),
        {
            "category": "management_fees",
            "amount": "100.00",
            "spent_on": timezone.localdate().isoformat(),
            "payee": "学校财务处",
            "purpose": "提取",
            "evidence": evidence(),
        },
    )
    assert page.status_code == 200
    assert "[R39]" in page.content.decode()
    assert not Expenditure.objects.exists()


def test_school_records_an_expenditure_on_the_page(personas: Personas) -> None:
    allocation = allocate(personas)
    page = client_for(personas.gd_school).post(
        reverse("funding:allocation_detail", args=[allocation.pk]),
        {
            "category": ExpenditureCategory.TEACHING_RESOURCES,
            "amount": "321.00",
            "spent_on": timezone.localdate().isoformat(),
            "payee": "出版社",
            "purpose": "教材",
            "evidence": evidence(),
        },
    )
    assert page.status_code == 302
    allocation.refresh_from_db()
    assert allocation.spent == Decimal("321.00")


def test_province_allocates_on_the_page(personas: Personas) -> None:
    page = client_for(personas.gd).post(
        reverse("funding:allocation_new"),
        {
            "school": personas.gd_school_obj.pk,
            "source": "provincial_special",
            "year": 2026,
            "title": "专项",
            "amount": "800.00",
        },
    )
    assert page.status_code == 302
    assert Allocation.objects.get().amount == Decimal("800.00")


def test_flow_page_has_chart_table_and_xlsx(personas: Personas) -> None:
    p = personas
    allocation = allocate(p, source=FundSource.CENTRAL_AWARD, amount="1000.00")
    spend(p, allocation, "250.00")
    client = client_for(p.gd)
    page = client.get(reverse("funding:flow"))
    text = page.content.decode()
    assert page.status_code == 200
    assert 'data-chart="funds-flow"' in text and '"kind": "sankey"' in text
    assert "中央奖补资金" in text and "师资培训" in text and "750.00" in text
    xlsx = client.get(reverse("funding:flow"), {"format": "xlsx"})
    assert xlsx.status_code == 200 and xlsx["Content-Type"].startswith("application/vnd")
    api = client.get("/api/v1/funding/flow", {"province": "440000"}).json()
    assert api["allocated"] == "1000.00" and api["spent"] == "250.00"
    assert (
        client_for(p.hb).get("/api/v1/funding/flow", {"province": "440000"}).json()["links"] == []
    )


def test_lists_and_exports_answer_every_persona(personas: Personas, ex: Exams) -> None:
    allocate(personas)
    held_exam(ex, 1)
    for name in ("ministry", "gd", "gz_city", "gd_school", "hb_school", "org", "gd_viewer"):
        client = client_for(getattr(personas, name))
        for url in (reverse("funding:allocation_list"), reverse("funding:settlement_list")):
            if name == "org" and url == reverse("funding:allocation_list"):
                assert client.get(url).status_code == 200  # an empty list
            assert client.get(url).status_code == 200, (name, url)
            assert client.get(url, {"format": "xlsx"}).status_code == 200, (name, url)
    assert client_for(personas.learner).get(reverse("funding:settlement_list")).status_code == 403


def test_r29_school_records_a_settlement_on_the_page_and_the_org_confirms_by_api(
    ex: Exams,
) -> None:
    p = ex.p
    plan = held_exam(ex, 1)
    listing = client_for(p.gd_school).get(reverse("funding:settlement_list")).content.decode()
    assert reverse("funding:settlement_new", args=[plan.pk]) in listing
    page = client_for(p.gd_school).post(
        reverse("funding:settlement_new", args=[plan.pk]),
        {"amount": "200.00", "settled_on": timezone.localdate().isoformat(), "note": ""},
    )
    assert page.status_code == 302
    due = client_for(p.org).get("/api/v1/funding/settlements/due").json()["items"]
    assert due[0]["settlement_status"] == "recorded"
    confirmed = client_for(p.org).post(
        f"/api/v1/funding/settlements/{due[0]['settlement_id']}/confirm"
    )
    assert confirmed.status_code == 200 and confirmed.json()["status"] == "confirmed"
    assert (
        client_for(p.hb_school).get(reverse("funding:settlement_new", args=[plan.pk])).status_code
        == 404
    )


def test_dashboards_show_the_funds_figures(personas: Personas) -> None:
    allocation = allocate(personas, amount="1000.00")
    spend(personas, allocation, "400.00")
    page = client_for(personas.gd).get(reverse("dashboard")).content.decode()
    assert "试点经费下达（元）" in page
    assert ">1000.00</a>" in page and ">400.00</a>" in page and "600.00" in page
    hubei = client_for(personas.hb).get(reverse("dashboard")).content.decode()
    assert "1000.00" not in hubei
