"""R44: certificates entered without an exam on the platform are marked so everywhere and never
count as platform-examined."""

from __future__ import annotations

import io

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from onex.certificates.models import PLATFORM_EXAMINED, IssuedCertificate
from onex.certificates.services.issue import certificate_issue
from tests.assessment.conftest import Exams
from tests.certificates.test_issue_plans import closed_plan
from tests.factories_certificates import World, client_for

pytestmark = pytest.mark.django_db

MARK = 'data-r44="not-examined"'


def test_r44_entered_certificate_answers_platform_examined_false_in_the_api(world: World) -> None:
    issued = world.enter()
    client = client_for(world.p.org)

    detail = client.get(f"/api/v1/certificates/{issued.pk}").json()
    listed = client.get("/api/v1/certificates").json()["items"]

    assert detail["platform_examined"] is False
    assert [c["platform_examined"] for c in listed] == [False]
    assert not IssuedCertificate.objects.filter(PLATFORM_EXAMINED).exists()


def test_r44_certificate_issued_from_a_platform_exam_counts_as_examined(ex: Exams) -> None:
    _plan, regs = closed_plan(ex, 3)
    passed = next(r for r in regs if r.passed)
    issued = certificate_issue(
        actor=ex.p.org.actor, registration=passed, issued_on=timezone.localdate()
    )

    assert issued.platform_examined is True
    assert list(IssuedCertificate.objects.filter(PLATFORM_EXAMINED)) == [issued]


def test_r44_list_and_detail_pages_mark_the_entered_certificate(world: World) -> None:
    issued = world.enter()
    client = client_for(world.p.org)

    listing = client.get(reverse("certificates:list")).content.decode()
    detail = client.get(reverse("certificates:detail", args=[issued.pk])).content.decode()

    assert MARK in listing and MARK in detail


def test_r44_public_verification_says_not_examined_on_the_platform(world: World) -> None:
    world.enter()
    issued = IssuedCertificate.objects.get()
    response = Client().post(
        reverse("verify:index"),
        {"form": "verify", "v-number": issued.number, "v-name": "王小明"},
    )

    assert response.status_code == 200
    assert MARK in response.content.decode()


def test_r44_export_has_a_platform_examined_column_false_for_entered(world: World) -> None:
    world.enter()
    response = client_for(world.p.org).get(reverse("certificates:list"), {"format": "xlsx"})

    sheet = load_workbook(io.BytesIO(response.content)).active
    assert sheet is not None
    rows = list(sheet.iter_rows(values_only=True))
    header = list(rows[0])
    column = header.index("经本平台考核")
    assert [row[column] for row in rows[1:]] == ["否"]
