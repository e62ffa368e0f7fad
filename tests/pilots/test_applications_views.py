"""Pages of pilot applications: list, form, detail with verdicts and timeline, steps, public
list, summary table and distribution; scoping per role."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from onex.core.dashboard import dashboard_for
from onex.pilots.models import ApplicationStatus, PilotApplication, SummarySubmission
from onex.pilots.services import applications as application_services
from tests.factories_pilots import (
    PNG,
    Shanxi,
    certificate,
    confirmed,
    draft,
    good,
    recent_years,
    specialty,
    submitted,
)
from tests.personas import Persona, Personas, make_school, make_user

pytestmark = pytest.mark.django_db


def login(client: Client, persona: Persona) -> Client:
    client.force_login(persona.user)
    return client


def test_school_creates_application_through_the_form(client: Client, personas: Personas) -> None:
    spec = specialty(personas.gd_school_obj)
    cert = certificate(personas)
    login(client, personas.gd_school)
    page = client.get(reverse("pilots:application_new") + f"?specialty={spec.pk}")
    assert page.status_code == 200
    data = {
        "certificate": cert.code,
        "specialty": spec.pk,
        "full_time_teachers": 12,
        "team_size": 10,
        "dual_qualified_teachers": 4,
        "industry_experts": 3,
        "facility_kind": "rented",
        "facility_description": "租用",
        "has_training_rooms": "on",
        "work_plan": "方案",
        "planned_students": 40,
        "contact_name": "王老师",
        "contact_phone": "020-1234567",
        **{f"enrol_{y}": 40 for y in recent_years()},
    }

    response = client.post(reverse("pilots:application_new"), data)

    application = PilotApplication.objects.get()
    assert response.status_code == 302
    detail = client.get(reverse("pilots:application_detail", args=[application.pk])).content
    text = detail.decode()
    assert "条件核验" in text and "不符合" in text and "40%" in text
    assert "创建申请" in text  # timeline


def test_undergraduate_level_refusal_shows_at_the_field(client: Client, personas: Personas) -> None:
    school = make_school("东莞理工学院", "4144090012", "440000", "441900", "applied_undergraduate")
    persona = make_user("dg-school", school.unit)
    spec = specialty(school)
    login(client, persona)

    response = client.post(
        reverse("pilots:application_new"),
        {
            "certificate": certificate(personas).code,
            "specialty": spec.pk,
            "full_time_teachers": 1,
            "team_size": 1,
            "dual_qualified_teachers": 1,
            "industry_experts": 1,
            "planned_students": 1,
        },
    )

    assert response.status_code == 200
    assert "[R34]" in response.content.decode()
    assert not PilotApplication.objects.exists()


def test_submit_refusal_is_shown_with_rule_and_nothing_changes(
    client: Client, personas: Personas
) -> None:
    application = draft(
        personas.gd_school, personas.gd_school_obj, personas, good(dual_qualified_teachers=4)
    )
    login(client, personas.gd_school)

    response = client.post(
        reverse("pilots:application_step", args=[application.pk, "submit"]), follow=True
    )

    assert "[R26]" in response.content.decode()
    application.refresh_from_db()
    assert application.status == ApplicationStatus.DRAFT


def test_province_returns_with_reason_on_the_page(client: Client, personas: Personas) -> None:
    application = draft(personas.gd_school, personas.gd_school_obj, personas)
    application_services.application_submit(actor=personas.gd_school.actor, application=application)
    login(client, personas.gd)

    response = client.post(
        reverse("pilots:application_step", args=[application.pk, "return"]),
        {"reason": "请补充实训室照片"},
        follow=True,
    )

    text = response.content.decode()
    assert "请补充实训室照片" in text and "省级退回" in text
    application.refresh_from_db()
    assert application.status == ApplicationStatus.RETURNED


def test_other_province_gets_404_on_detail_and_steps(client: Client, personas: Personas) -> None:
    application = draft(personas.gd_school, personas.gd_school_obj, personas)
    login(client, personas.hb)

    assert (
        client.get(reverse("pilots:application_detail", args=[application.pk])).status_code == 404
    )
    url = reverse("pilots:application_step", args=[application.pk, "confirm"])
    assert client.post(url).status_code == 404


def test_viewer_sees_no_decision_buttons(client: Client, personas: Personas) -> None:
    application = draft(personas.gd_school, personas.gd_school_obj, personas)
    application_services.application_submit(actor=personas.gd_school.actor, application=application)
    login(client, personas.gd_viewer)

    text = client.get(reverse("pilots:application_detail", args=[application.pk])).content.decode()
    assert "确认为试点院校" not in text
    response = client.post(
        reverse("pilots:application_step", args=[application.pk, "confirm"]), follow=True
    )
    assert "查看者角色不能修改数据" in response.content.decode()
    application.refresh_from_db()
    assert application.status == ApplicationStatus.SUBMITTED


def test_list_filters_and_exports(client: Client, personas: Personas) -> None:
    submitted(personas, personas.gd_school, personas.gd_school_obj)
    login(client, personas.gd)

    page = client.get(reverse("pilots:application_list"), {"status": "submitted"})
    assert "广州番禺职业技术学院" in page.content.decode()
    empty = client.get(reverse("pilots:application_list"), {"status": "published"})
    assert "没有符合条件的试点申请" in empty.content.decode()
    export = client.get(reverse("pilots:application_list"), {"format": "xlsx"})
    assert export["Content-Type"].startswith("application/vnd.openxmlformats")
    fragment = client.get(reverse("pilots:application_list"), headers={"HX-Request": "true"})
    assert "<html" not in fragment.content.decode()


def test_public_list_needs_no_login_and_hides_contacts(client: Client, personas: Personas) -> None:
    application = confirmed(personas, personas.gd_school, personas.gd_school_obj, personas.gd)
    application_services.application_publish(actor=personas.gd.actor, application=application)

    response = client.get(reverse("pilots:public_list"), {"province": "440000"})

    text = response.content.decode()
    assert response.status_code == 200
    assert "广州番禺职业技术学院" in text and "智能财税" in text
    assert "020-12345678" not in text


def test_summary_page_submits_with_scan(client: Client, personas: Personas) -> None:
    confirmed(personas, personas.gd_school, personas.gd_school_obj, personas.gd)
    login(client, personas.gd)
    assert "广州番禺职业技术学院" in client.get(reverse("pilots:summary")).content.decode()

    response = client.post(
        reverse("pilots:summary"),
        {"scan": SimpleUploadedFile("scan.png", PNG), "note": "盖章版"},
        follow=True,
    )

    assert response.status_code == 200
    submission = SummarySubmission.objects.get()
    assert (
        client.get(reverse("pilots:summary_file", args=[submission.pk, "scan"])).status_code == 200
    )
    login(client, personas.hb)
    assert (
        client.get(reverse("pilots:summary_file", args=[submission.pk, "scan"])).status_code == 404
    )
    login(client, personas.aggregator)
    assert "广东省" in client.get(reverse("pilots:summary")).content.decode()


def test_summary_and_distribution_refused_to_schools(client: Client, personas: Personas) -> None:
    login(client, personas.gd_school)

    assert client.get(reverse("pilots:summary")).status_code == 403
    assert client.get(reverse("pilots:distribution")).status_code == 403


def test_distribution_page_has_chart_data_and_flag(client: Client, personas: Personas) -> None:
    confirmed(personas, personas.gd_school, personas.gd_school_obj, personas.gd)
    login(client, personas.gd)

    text = client.get(reverse("pilots:distribution")).content.decode()

    assert 'id="distribution-chart-data"' in text
    assert "过于集中" in text and "财经商贸" in text


def test_dashboard_lists_reviews_and_returned_applications(
    client: Client, personas: Personas
) -> None:
    application = draft(personas.gd_school, personas.gd_school_obj, personas)
    application_services.application_submit(actor=personas.gd_school.actor, application=application)
    login(client, personas.gd)
    assert "待省级确认的试点申请" in client.get(reverse("dashboard")).content.decode()

    application_services.application_return(
        actor=personas.gd.actor, application=application, reason="补充材料"
    )
    login(client, personas.gd_school)
    assert "已退回待修改的试点申请" in client.get(reverse("dashboard")).content.decode()


def test_city_dashboard_lists_first_reviews(personas: Personas, shanxi: Shanxi) -> None:
    application = draft(shanxi.school, shanxi.school_obj, personas)
    application_services.application_submit(actor=shanxi.school.actor, application=application)

    titles = {t.title: t.count for t in dashboard_for(actor=shanxi.city.actor).todos}
    assert titles["待市级初审的试点申请"] == 1
