from __future__ import annotations

import datetime as dt

from django.test import Client

from onex.catalog.models import FilingStatus, OrgFiling, Standard
from onex.catalog.services.certificates import standard_publish
from onex.catalog.services.filings import filing_submit
from tests.factories import ID_NUMBER, letter
from tests.factories_catalog import Catalog, catalog_fixture  # noqa: F401 (fixture)
from tests.personas import Persona, division


def login(persona: Persona) -> Client:
    client = Client()
    client.force_login(persona.user)
    return client


def test_public_catalogue_search_works_without_login(catalog: Catalog) -> None:
    client = Client()
    page = client.get("/catalog/", {"q": "物流"})
    assert page.status_code == 200
    assert "物流管理" in page.content.decode()
    assert "物流管理" not in client.get("/catalog/", {"q": "焊接"}).content.decode()
    by_specialty = client.get("/catalog/", {"specialty": "现代物流管理"}).content.decode()
    assert "C2-01" in by_specialty
    assert "C2-01" in client.get("/catalog/", {"batch": 2}).content.decode()
    assert "C2-01" in client.get("/catalog/", {"org": "中物联"}).content.decode()
    fragment = client.get("/catalog/", {"q": "物流"}, HTTP_HX_REQUEST="true").content.decode()
    assert "<html" not in fragment and "C2-01" in fragment


def test_catalogue_exports_xlsx(catalog: Catalog) -> None:
    response = Client().get("/catalog/", {"format": "xlsx"})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    assert response.content[:2] == b"PK"


def test_certificate_page_shows_levels_ceilings_and_standard_tree(catalog: Catalog) -> None:
    standard_publish(
        actor=catalog.p.ministry.actor,
        certificate=catalog.certificate,
        version="1.0",
        published_on=dt.date(2019, 12, 1),
        content={
            "junior": [
                {
                    "area": "仓储作业",
                    "tasks": [{"task": "入库作业", "requirements": ["能按单据核对货物"]}],
                }
            ]
        },
    )
    assert Standard.objects.count() == 1
    html = Client().get("/catalog/certificates/C2-01/").content.decode()
    for text in ("初级", "400.50", "仓储作业", "入库作业", "能按单据核对货物"):
        assert text in html
    assert Client().get("/catalog/certificates/NOPE/").status_code == 404


def test_org_page_is_public(catalog: Catalog) -> None:
    html = Client().get(f"/catalog/orgs/{catalog.p.org_obj.pk}/").content.decode()
    assert catalog.p.org_obj.name in html and "未签署" in html
    assert catalog.p.org_obj.name in Client().get("/catalog/orgs/").content.decode()


def test_org_creates_and_submits_a_filing_through_pages(catalog: Catalog) -> None:
    catalog.sign_agreement()
    client = login(catalog.p.org)
    response = client.post(
        "/catalog/filings/new/",
        {
            "province": division("440000").pk,
            "certificate": catalog.certificate.pk,
            "person_name": "李四",
            "person_gender": "male",
            "person_birth_date": "1949-12-01",
            "person_phone": "13800000000",
            "person_email": "lisi@example.com",
            "id_number": ID_NUMBER,
            "person_address": "北京市",
            "org_profile": "简介",
            "staff": "王五，13900000000，考务\n赵六,13700000000,培训",
            "authorization_letter": letter("授权函.png", b"\x89PNG\r\n\x1a\n" + b"\0" * 20),
            "training_plan": "培训",
            "exam_plan": "考核",
        },
    )
    assert response.status_code == 302, response.content.decode()
    filing = OrgFiling.objects.get()
    assert [s["name"] for s in filing.staff] == ["王五", "赵六"]
    detail = client.get(response["Location"]).content.decode()
    assert "1101**********002X" in detail and ID_NUMBER not in detail
    client.post(f"/catalog/filings/{filing.pk}/submit/")
    filing.refresh_from_db()
    assert filing.status == FilingStatus.SUBMITTED
    # The letter is served to the province, not to the public or another province.
    assert login(catalog.p.gd).get(f"/catalog/filings/{filing.pk}/letter/").status_code == 200
    assert login(catalog.p.hb).get(f"/catalog/filings/{filing.pk}/letter/").status_code == 404


def test_letter_type_is_checked_by_content_in_the_form(catalog: Catalog) -> None:
    client = login(catalog.p.org)
    response = client.post(
        "/catalog/filings/new/",
        {
            "province": division("440000").pk,
            "certificate": catalog.certificate.pk,
            "person_name": "李四",
            "person_gender": "male",
            "person_phone": "138",
            "authorization_letter": letter("授权函.pdf", b"<html>not a pdf</html>"),
        },
    )
    assert response.status_code == 200
    assert "文件类型不受支持" in response.content.decode()
    assert not OrgFiling.objects.exists()


def test_province_reviews_its_filings_and_returns_with_reason(catalog: Catalog) -> None:
    catalog.sign_agreement()
    filing = filing_submit(actor=catalog.p.org.actor, filing=catalog.draft())
    gd = login(catalog.p.gd)
    listing = gd.get("/catalog/filings/").content.decode()
    assert catalog.p.org_obj.name in listing
    gd.post(f"/catalog/filings/{filing.pk}/return/", {"reason": ""})
    filing.refresh_from_db()
    assert filing.status == FilingStatus.SUBMITTED
    gd.post(f"/catalog/filings/{filing.pk}/return/", {"reason": "计划不完整"})
    filing.refresh_from_db()
    assert filing.status == FilingStatus.RETURNED
    html = login(catalog.p.org).get(f"/catalog/filings/{filing.pk}/").content.decode()
    assert "计划不完整" in html


def test_province_cannot_accept_another_provinces_filing_page(catalog: Catalog) -> None:
    catalog.sign_agreement()
    filing = filing_submit(actor=catalog.p.org.actor, filing=catalog.draft())
    hb = login(catalog.p.hb)
    assert hb.get(f"/catalog/filings/{filing.pk}/").status_code == 404
    assert hb.post(f"/catalog/filings/{filing.pk}/accept/").status_code == 404
    filing.refresh_from_db()
    assert filing.status == FilingStatus.SUBMITTED


def test_school_cannot_open_the_filing_form(catalog: Catalog) -> None:
    assert login(catalog.p.gd_school).get("/catalog/filings/new/").status_code == 404


def test_r19_notice_form_shows_the_offending_phrase(catalog: Catalog) -> None:
    response = login(catalog.p.org).post(
        "/catalog/notices/new/", {"title": "通知", "body": "本考点为职成司指导考点"}
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "R19" in html and "职成司指导" in html
    ok = login(catalog.p.org).post("/catalog/notices/new/", {"title": "通知", "body": "欢迎报名"})
    assert ok.status_code == 302
