"""R12 brand complaints become feedback: new ones through the feedback page, old ones copied by
the data migration with a link back to the complaint (its attachments stay there)."""

from __future__ import annotations

from importlib import import_module
from typing import Any

import pytest
from django.apps import apps as django_apps
from django.test import Client
from django.urls import reverse

from onex.assessment.services import sites as site_services
from onex.feedback.models import Category, Feedback, FeedbackStatus
from onex.feedback.selectors.feedback import feedback_list
from tests.factories_assessment_sites import build_world
from tests.personas import Personas

pytestmark = pytest.mark.django_db

migration: Any = import_module("onex.feedback.migrations.0002_brand_complaints")


def test_r12_new_brand_complaints_go_through_feedback(personas: Personas) -> None:
    client = Client()
    client.force_login(personas.gd_school.user)
    response = client.get(reverse("assessment:complaint_new"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("feedback:new"))
    assert "category=brand_bundling" in response["Location"]


def test_r12_old_brand_complaints_are_migrated_into_feedback_and_stay_linked(
    personas: Personas,
) -> None:
    p = personas
    world = build_world(p)
    open_ = site_services.complaint_submit(
        actor=p.gd_school.actor,
        school=p.gd_school_obj,
        org=world.certificate.org,
        text="要求采购指定品牌的仓储设备",
    )
    handled = site_services.complaint_submit(
        actor=p.gd_school.actor,
        school=p.gd_school_obj,
        org=world.certificate.org,
        text="要求购买指定软件",
    )
    site_services.complaint_handle(actor=p.gd.actor, complaint=handled, note="已约谈组织")
    migration.forward(django_apps, None)
    migration.forward(django_apps, None)  # idempotent
    rows = {f.legacy_brand_complaint_id: f for f in Feedback.objects.all()}
    assert set(rows) == {open_.pk, handled.pk}
    assert all(f.category == Category.BRAND_BUNDLING for f in rows.values())
    assert rows[open_.pk].status == FeedbackStatus.SUBMITTED
    done = rows[handled.pk]
    assert done.status == FeedbackStatus.ANSWERED and done.answer == "已约谈组织"
    assert done.province == p.gd_school_obj.province and done.submitted_by == p.gd_school.user
    assert list(done.events.values_list("action", flat=True)) == ["submit", "answer"]
    # The province sees them among its feedback; the school follows its own.
    assert set(feedback_list(actor=p.gd.actor)) == set(rows.values())
    assert set(feedback_list(actor=p.gd_school.actor)) == set(rows.values())
    client = Client()
    client.force_login(p.gd.user)
    page = client.get(reverse("feedback:detail", args=[done.pk])).content.decode()
    assert reverse("assessment:complaint_detail", args=[handled.pk]) in page


def test_r12_the_deprecated_brand_complaint_api_is_gone_and_the_list_links_to_feedback(
    personas: Personas,
) -> None:
    client = Client()
    client.force_login(personas.gd_school.user)
    posted = client.post(
        "/api/v1/assessment/brand-complaints",
        {"org_id": personas.org_obj.pk, "text": "要求采购指定品牌的设备"},
        content_type="application/json",
    )
    assert posted.status_code == 405  # only the old rows stay readable (GET)
    page = client.get(reverse("assessment:complaint_list")).content.decode()
    assert reverse("feedback:new") + "?category=brand_bundling" in page
    schema = client.get("/api/v1/openapi.json").json()
    assert "post" not in schema["paths"]["/api/v1/assessment/brand-complaints"]
