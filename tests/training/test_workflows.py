"""Training's declared tables: the page and the API offer exactly their moves per persona."""

from __future__ import annotations

import pytest
from django.urls import reverse

from onex.core.workflows import registered
from onex.training.models import (
    ActivityStatus,
    AllianceStatus,
    EnrolmentStatus,
    ProgrammeStatus,
    ResourceKind,
    ResourceStatus,
)
from onex.training.services import programmes, resources, staff
from onex.training.workflows import ACTIVITY, ALLIANCE, ENROLMENT, PROGRAMME, RESOURCE
from tests.factories_training import ISBN, World, world_fixture  # noqa: F401 (fixture)
from tests.workflow_support import assert_same_moves

pytestmark = pytest.mark.django_db


def test_training_workflows_are_registered() -> None:
    workflows = list(registered())
    for workflow, states in (
        (ACTIVITY, ActivityStatus.values),
        (PROGRAMME, ProgrammeStatus.values),
        (ENROLMENT, EnrolmentStatus.values),
        (ALLIANCE, AllianceStatus.values),
        (RESOURCE, ResourceStatus.values),
    ):
        assert workflow in workflows
        for move in workflow.moves:
            assert set(move.sources) <= set(states)
            assert set(move.possible_targets()) <= set(states)


def test_r02_activity_moves_agree(world: World) -> None:
    filing = world.activity()
    seen = assert_same_moves(
        workflow=ACTIVITY,
        obj=filing,
        personas=world.p,
        api_url=f"/api/v1/training/activities/{filing.pk}",
        page_url=reverse("training:activity_detail", args=[filing.pk]),
    )
    assert seen["gd"] == {"acknowledge"} and seen["org"] == {"cancel"}
    assert seen["hb"] == set() and seen["gd_viewer"] == set()


def test_r05_programme_moves_agree(world: World) -> None:
    programme = world.programme()

    def same() -> dict[str, set[str]]:
        return assert_same_moves(
            workflow=PROGRAMME,
            obj=programme,
            personas=world.p,
            api_url=f"/api/v1/training/programmes/{programme.pk}",
            page_url=reverse("training:programme_detail", args=[programme.pk]),
        )

    assert same()["org"] == {"roster", "fee", "publish"}
    programmes.programme_publish(actor=world.p.org.actor, programme=programme)
    seen = same()
    assert seen["org"] == {"open", "close"} and seen["gd_school"] == set()


def test_r04_enrolment_moves_agree(world: World) -> None:
    enrolment = world.enrolment()
    seen = assert_same_moves(
        workflow=ENROLMENT,
        obj=enrolment,
        personas=world.p,
        api_url=f"/api/v1/training/enrolments/{enrolment.pk}",
        page_url=reverse("training:enrolment_detail", args=[enrolment.pk]),
    )
    assert seen["org"] == {"attend", "complete"} and seen["gd_school"] == {"withdraw"}
    assert seen["hb_school"] == set()


def test_r07_alliance_moves_agree(world: World) -> None:
    alliance = staff.alliance_create(
        actor=world.p.gd_school.actor, name="物流联合体", certificate=world.certificate
    )
    seen = assert_same_moves(
        workflow=ALLIANCE,
        obj=alliance,
        personas=world.p,
        api_url=f"/api/v1/training/alliances/{alliance.pk}",
        page_url=reverse("training:alliance_detail", args=[alliance.pk]),
    )
    assert seen["gd_school"] == {"share", "dissolve"} and seen["hb_school"] == {"join"}
    assert seen["gd"] == set() and seen["org"] == set()


def test_r08_resource_moves_agree(world: World) -> None:
    resource = resources.resource_create(
        actor=world.p.org.actor,
        org=world.p.org_obj,
        data=resources.ResourceInput(
            certificate=world.certificate,
            kind=ResourceKind.TEXTBOOK,
            title="教材",
            updated_on=world.certificate.batch.published_on,
            publisher=world.publisher,
            isbn=ISBN,
        ),
    )
    seen = assert_same_moves(
        workflow=RESOURCE,
        obj=resource,
        personas=world.p,
        api_url=f"/api/v1/training/resources/{resource.pk}",
        page_url=reverse("training:resource_detail", args=[resource.pk]),
    )
    assert seen["org"] == {"refresh", "price", "withdraw"}
    assert all(not moves for name, moves in seen.items() if name != "org")
