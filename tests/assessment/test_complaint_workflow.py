"""The brand complaint's declared table (R12): the page and the API offer exactly its moves."""

from __future__ import annotations

import pytest
from django.urls import reverse

from onex.assessment.models import BrandComplaint
from onex.assessment.services import sites as site_services
from onex.assessment.workflows import COMPLAINT
from tests.factories_assessment_sites import build_world
from tests.personas import Personas
from tests.workflow_support import assert_same_moves

pytestmark = pytest.mark.django_db


def _same(complaint: BrandComplaint, personas: Personas) -> dict[str, set[str]]:
    return assert_same_moves(
        workflow=COMPLAINT,
        obj=complaint,
        personas=personas,
        api_url=f"/api/v1/assessment/brand-complaints/{complaint.pk}",
        page_url=reverse("assessment:complaint_detail", args=[complaint.pk]),
    )


def test_r12_open_complaint_is_handled_by_the_province_or_the_ministry(
    personas: Personas,
) -> None:
    world = build_world(personas)
    complaint = site_services.complaint_submit(
        actor=personas.gd_school.actor,
        school=personas.gd_school_obj,
        org=world.certificate.org,
        text="培训评价组织要求必须采购指定型号的设备",
    )
    seen = _same(complaint, personas)
    assert seen["gd"] == {"handle"} and seen["ministry"] == {"handle"}
    assert all(not moves for name, moves in seen.items() if name not in ("gd", "ministry"))

    site_services.complaint_handle(actor=personas.gd.actor, complaint=complaint, note="已约谈")
    assert all(not moves for moves in _same(complaint, personas).values())
    assert list(complaint.events.values_list("action", flat=True)) == ["submit", "handle"]
