"""Workload conversion (R06), performance pay (R31) and training alliances (R07)."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse

from onex.core.errors import Forbidden, NotFound, RuleViolation
from onex.training.models import AllianceStatus, Teacher
from onex.training.selectors.staff import alliance_get, teacher_get, workload_list, workload_rows
from onex.training.services import staff as services
from tests.factories import ID_NUMBER
from tests.factories_training import TERM, World, world_fixture  # noqa: F401 (fixture)

pytestmark = pytest.mark.django_db


def test_r06_hours_cannot_be_recorded_before_the_school_sets_its_ratio(world: World) -> None:
    with pytest.raises(RuleViolation) as refused:
        services.workload_record(
            actor=world.p.gd_school.actor, teacher=world.teachers[0], term=TERM, hours="32"
        )

    assert refused.value.rule == "R06"


def test_r06_the_school_ratio_is_applied_per_teacher_and_term(world: World) -> None:
    school = world.p.gd_school.actor
    services.ratio_set(actor=school, term=TERM, ratio="0.5")
    services.ratio_set(actor=school, term="2026-2027-2", ratio="0.8")
    services.workload_record(actor=school, teacher=world.teachers[0], term=TERM, hours="32")
    services.workload_record(
        actor=school, teacher=world.teachers[1], term="2026-2027-2", hours="10"
    )

    rows = {
        (r.entry.teacher.name, r.entry.term): r.converted
        for r in workload_rows(workload_list(actor=world.p.gd.actor))
    }

    assert rows == {("周敏", TERM): Decimal("16.0"), ("吴磊", "2026-2027-2"): Decimal("8.0")}


def test_r06_only_the_school_sets_its_ratio(world: World) -> None:
    for persona in (world.p.gd, world.p.org, world.p.ministry):
        with pytest.raises(Forbidden):
            services.ratio_set(actor=persona.actor, term=TERM, ratio="0.5")


def test_r06_a_term_is_validated(world: World) -> None:
    with pytest.raises(Exception, match="学期格式"):
        services.ratio_set(actor=world.p.gd_school.actor, term="2026-2028-1", ratio="0.5")


def test_r31_recognition_needs_certificate_training_in_the_term(world: World) -> None:
    school = world.p.gd_school.actor
    with pytest.raises(RuleViolation) as refused:
        services.pay_record(
            actor=school, teacher=world.teachers[0], term=TERM, amount="1600", basis="培训"
        )
    assert refused.value.rule == "R31"

    services.ratio_set(actor=school, term=TERM, ratio="0.5")
    services.workload_record(actor=school, teacher=world.teachers[0], term=TERM, hours="32")
    row = services.pay_record(
        actor=school, teacher=world.teachers[0], term=TERM, amount="1600", basis="32 学时"
    )
    assert row.amount == Decimal("1600.00")


def test_teachers_belong_to_their_school(world: World) -> None:
    teacher = services.teacher_create(
        actor=world.p.gd_school.actor, name="郑洁", id_number=ID_NUMBER
    )
    assert teacher.id_number_masked and ID_NUMBER not in teacher.id_number_masked
    with pytest.raises(NotFound):
        teacher_get(actor=world.p.hb_school.actor, pk=teacher.pk)
    with pytest.raises(NotFound):
        teacher_get(actor=world.p.hb.actor, pk=teacher.pk)
    assert teacher_get(actor=world.p.gd.actor, pk=teacher.pk) == teacher
    with pytest.raises(Forbidden):
        services.teacher_create(actor=world.p.org.actor, name="X")


def _alliance(world: World) -> object:
    alliance = services.alliance_create(
        actor=world.p.gd_school.actor, name="物流联合体", certificate=world.certificate
    )
    return services.alliance_join(actor=world.sz_school.actor, alliance=alliance)


def test_r07_teachers_are_shared_between_members_only(world: World) -> None:
    alliance = services.alliance_create(
        actor=world.p.gd_school.actor, name="物流联合体", certificate=world.certificate
    )
    with pytest.raises(RuleViolation) as refused:
        services.teacher_share(
            actor=world.p.gd_school.actor,
            alliance=alliance,
            teacher=world.teachers[0],
            host=world.p.sz_school_obj,
            term=TERM,
            hours="12",
        )
    assert refused.value.rule == "R07"

    services.alliance_join(actor=world.sz_school.actor, alliance=alliance)
    share = services.teacher_share(
        actor=world.sz_school.actor,
        alliance=alliance,
        teacher=world.teachers[0],
        host=world.p.sz_school_obj,
        term=TERM,
        hours="12",
    )
    assert share.host_school == world.p.sz_school_obj


def test_r07_one_alliance_per_certificate_for_a_school(world: World) -> None:
    services.alliance_create(
        actor=world.p.gd_school.actor, name="物流联合体", certificate=world.certificate
    )

    with pytest.raises(RuleViolation) as refused:
        services.alliance_create(
            actor=world.p.gd_school.actor, name="第二个", certificate=world.certificate
        )

    assert refused.value.rule == "R07"


def test_founder_dissolves_members_leave(world: World) -> None:
    alliance = services.alliance_create(
        actor=world.p.gd_school.actor, name="物流联合体", certificate=world.certificate
    )
    services.alliance_join(actor=world.sz_school.actor, alliance=alliance)
    with pytest.raises(Forbidden):
        services.alliance_dissolve(actor=world.sz_school.actor, alliance=alliance, reason="x")
    with pytest.raises(Forbidden):
        services.alliance_leave(actor=world.p.gd_school.actor, alliance=alliance)
    services.alliance_leave(actor=world.sz_school.actor, alliance=alliance)
    done = services.alliance_dissolve(
        actor=world.p.gd_school.actor, alliance=alliance, reason="证书停考"
    )
    assert done.status == AllianceStatus.DISSOLVED
    assert alliance_get(actor=world.p.gd.actor, pk=alliance.pk) == done
    with pytest.raises(NotFound):
        alliance_get(actor=world.p.hb.actor, pk=alliance.pk)


def test_school_pages_record_ratio_workload_and_pay(world: World) -> None:
    client = Client()
    client.force_login(world.p.gd_school.user)
    teacher = world.teachers[0]

    client.post(reverse("training:workload"), {"term": TERM, "ratio": "0.5", "note": ""})
    client.post(
        reverse("training:workload"),
        {"teacher": teacher.pk, "term": TERM, "hours": "20", "note": ""},
    )
    client.post(
        reverse("training:pay_list"),
        {"teacher": teacher.pk, "term": TERM, "amount": "900", "basis": "20 学时"},
    )
    page = client.get(reverse("training:workload")).content.decode()
    export = client.get(reverse("training:workload"), {"format": "xlsx"})

    assert "10.0" in page  # 20 hours × 0.5
    assert export.status_code == 200
    assert teacher.pay.get().amount == Decimal("900.00")
    assert Teacher.objects.count() == 2
