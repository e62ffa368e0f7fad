"""Teacher training (R04, R05): roster share, published fee, voluntary enrolment, attendance."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse

from onex.core.errors import Conflict, Forbidden, NotFound, RuleViolation
from onex.core.policy import policy_value_set
from onex.training.models import EnrolmentStatus, FeeItem, ProgrammeStatus
from onex.training.selectors.programmes import programme_get
from onex.training.services import programmes as services
from tests.factories_training import World, world_fixture  # noqa: F401 (fixture)

pytestmark = pytest.mark.django_db


def test_r05_roster_below_forty_percent_industry_cannot_be_published(world: World) -> None:
    programme = world.programme(industry=1, others=2)  # 33%

    with pytest.raises(RuleViolation) as refused:
        services.programme_publish(actor=world.p.org.actor, programme=programme)

    assert refused.value.rule == "R05"
    programme.refresh_from_db()
    assert programme.status == ProgrammeStatus.DRAFT and programme.fee_published_at is None


def test_r05_roster_at_forty_percent_is_published(world: World) -> None:
    programme = world.programme(industry=2, others=3)  # exactly 40%

    published = services.programme_publish(actor=world.p.org.actor, programme=programme)

    assert published.status == ProgrammeStatus.PUBLISHED and published.fee_published_at


def test_r05_empty_roster_cannot_be_published(world: World) -> None:
    programme = world.programme(industry=0, others=0)

    with pytest.raises(RuleViolation, match="0/0"):
        services.programme_publish(actor=world.p.org.actor, programme=programme)


def test_r05_minimum_comes_from_the_profile(world: World) -> None:
    policy_value_set(
        actor=world.p.ministry.actor,
        key="r05.industry_trainer_ratio_min",
        value="0.6",
        scope="national",
        effective_from=dt.date(2020, 1, 1),
    )
    programme = world.programme(industry=2, others=2)  # 50%

    with pytest.raises(RuleViolation) as refused:
        services.programme_publish(actor=world.p.org.actor, programme=programme)
    assert refused.value.rule == "R05"


@pytest.mark.parametrize("name", ["培训师认证费", "考评员考核费", "师资资格证书费"])
def test_r04_no_certification_fee_item_can_be_added(world: World, name: str) -> None:
    programme = world.programme()

    with pytest.raises(RuleViolation) as refused:
        services.fee_item_add(actor=world.p.org.actor, programme=programme, name=name, amount="300")

    assert refused.value.rule == "R04"
    assert not FeeItem.objects.filter(name=name).exists()


def test_r04_fee_standard_is_required_and_fixed_once_published(world: World) -> None:
    programme = world.programme()
    FeeItem.objects.filter(programme=programme).delete()
    with pytest.raises(RuleViolation) as refused:
        services.programme_publish(actor=world.p.org.actor, programme=programme)
    assert refused.value.rule == "R04"

    services.fee_item_add(actor=world.p.org.actor, programme=programme, name="培训费", amount="0")
    services.programme_publish(actor=world.p.org.actor, programme=programme)
    with pytest.raises(Conflict):
        services.fee_item_add(actor=world.p.org.actor, programme=programme, name="食宿", amount="9")


def test_r04_enrolment_only_once_enrolment_is_open(world: World) -> None:
    programme = world.programme()
    services.programme_publish(actor=world.p.org.actor, programme=programme)
    school = world.p.gd_school.actor

    with pytest.raises(RuleViolation) as refused:
        services.enrol(actor=school, programme=programme, teacher=world.teachers[0])
    assert refused.value.rule == "R04"

    services.programme_open(actor=world.p.org.actor, programme=programme)
    enrolment = services.enrol(actor=school, programme=programme, teacher=world.teachers[0])
    assert enrolment.status == EnrolmentStatus.ENROLLED


def test_r04_org_cannot_enrol_a_teacher(world: World) -> None:
    programme = world.open_programme()

    with pytest.raises(RuleViolation) as refused:
        services.enrol(actor=world.p.org.actor, programme=programme, teacher=world.teachers[0])

    assert refused.value.rule == "R04"


def test_r04_another_school_cannot_enrol_a_teacher(world: World) -> None:
    programme = world.open_programme()

    with pytest.raises(RuleViolation) as refused:
        services.enrol(actor=world.sz_school.actor, programme=programme, teacher=world.teachers[0])

    assert refused.value.rule == "R04"


def test_drafts_are_hidden_from_schools_and_other_provinces(world: World) -> None:
    programme = world.programme()
    for persona in (world.p.gd_school, world.p.hb, world.p.hb_school):
        with pytest.raises(NotFound):
            programme_get(actor=persona.actor, pk=programme.pk)
    services.programme_publish(actor=world.p.org.actor, programme=programme)
    assert programme_get(actor=world.p.gd_school.actor, pk=programme.pk) == programme
    with pytest.raises(NotFound):
        programme_get(actor=world.p.hb_school.actor, pk=programme.pk)


def test_attendance_and_completion_are_recorded_by_the_org(world: World) -> None:
    enrolment = world.enrolment()
    with pytest.raises(Forbidden):
        services.enrolment_attend(actor=world.p.gd_school.actor, enrolment=enrolment, hours="8")
    with pytest.raises(Exception, match="出勤"):
        services.enrolment_complete(actor=world.p.org.actor, enrolment=enrolment)

    services.enrolment_attend(actor=world.p.org.actor, enrolment=enrolment, hours="40")
    done = services.enrolment_complete(actor=world.p.org.actor, enrolment=enrolment)

    assert done.status == EnrolmentStatus.COMPLETED and done.attended_hours == Decimal("40.0")
    assert done.completed_on is not None


def test_school_withdraws_its_teacher(world: World) -> None:
    enrolment = world.enrolment()
    with pytest.raises(Forbidden):
        services.enrolment_withdraw(actor=world.p.org.actor, enrolment=enrolment)

    done = services.enrolment_withdraw(actor=world.p.gd_school.actor, enrolment=enrolment)
    assert done.status == EnrolmentStatus.WITHDRAWN


def test_pages_and_api_show_the_programme(world: World) -> None:
    enrolment = world.enrolment()
    client = Client()
    client.force_login(world.p.gd_school.user)

    page = client.get(reverse("training:programme_detail", args=[enrolment.programme_id]))
    listing = client.get(reverse("training:programme_list"), {"format": "xlsx"})
    api = client.get(f"/api/v1/training/programmes/{enrolment.programme_id}")

    assert page.status_code == 200 and "周敏" in page.content.decode()
    assert listing.status_code == 200
    assert api.json()["fee"] == "1200.00" and api.json()["industry_trainers"] == 2


def test_api_refuses_a_certification_fee(world: World) -> None:
    programme = world.programme()
    client = Client()
    client.force_login(world.p.org.user)

    answer = client.post(
        f"/api/v1/training/programmes/{programme.pk}/fees",
        {"name": "考评员认证费", "amount": "200"},
        content_type="application/json",
    )

    assert answer.status_code == 422 and answer.json()["rule"] == "R04"


def test_r02_teacher_training_is_published_only_once_filed_as_an_activity(world: World) -> None:
    programme = world.programme(file=False)

    with pytest.raises(RuleViolation) as refused:
        services.programme_publish(actor=world.p.org.actor, programme=programme)
    assert refused.value.rule == "R02"

    world.activity(
        kind="teacher_training",
        title="师资培训",
        starts_on=dt.date(2027, 1, 10),
        ends_on=dt.date(2027, 1, 14),
    )
    published = services.programme_publish(actor=world.p.org.actor, programme=programme)
    assert published.status == ProgrammeStatus.PUBLISHED
