"""``onex.core.workflows.perform``: lock and scope, who before when, audit, timeline, on_commit.

Exercised on the pilot application's table (core declares no stateful model of its own).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.utils.translation import gettext_lazy

from onex.core.errors import Conflict, Forbidden, InvalidInput, NotFound, RuleViolation
from onex.core.models import AuditEvent
from onex.core.workflows import Move, Workflow, perform, registered
from onex.pilots.models import ApplicationEvent, ApplicationStatus, PilotApplication
from onex.pilots.services import applications as application_services
from onex.pilots.workflows import APPLICATION, is_province
from tests.factories_pilots import draft
from tests.personas import Personas

pytestmark = pytest.mark.django_db


def _submitted(personas: Personas) -> PilotApplication:
    application = draft(personas.gd_school, personas.gd_school_obj, personas)
    return application_services.application_submit(
        actor=personas.gd_school.actor, application=application
    )


def _status(application: PilotApplication) -> str:
    application.refresh_from_db()
    return application.status


def test_outsider_gets_not_found_and_nothing_is_written(personas: Personas) -> None:
    application = _submitted(personas)
    audits = AuditEvent.objects.count()

    with pytest.raises(NotFound):
        perform(APPLICATION, actor=personas.hb.actor, obj=application, action="confirm")

    assert _status(application) == ApplicationStatus.SUBMITTED
    assert AuditEvent.objects.count() == audits


def test_who_may_is_checked_before_the_state(personas: Personas) -> None:
    application = draft(personas.gd_school, personas.gd_school_obj, personas)

    # A school never publishes: "not yours" (403) wins over "not now" (a draft, 409).
    with pytest.raises(Forbidden):
        perform(APPLICATION, actor=personas.gd_school.actor, obj=application, action="publish")
    application = application_services.application_submit(
        actor=personas.gd_school.actor, application=application
    )
    # The province's viewer may see the application but not decide it.
    with pytest.raises(Forbidden):
        perform(APPLICATION, actor=personas.gd_viewer.actor, obj=application, action="confirm")
    assert _status(application) == ApplicationStatus.SUBMITTED


def test_a_move_not_declared_from_the_current_state_is_a_conflict(personas: Personas) -> None:
    application = _submitted(personas)

    with pytest.raises(Conflict) as exc:
        perform(APPLICATION, actor=personas.gd.actor, obj=application, action="publish")

    assert exc.value.details["status"] == ApplicationStatus.SUBMITTED
    assert "待省级确认" in str(exc.value.message)
    assert _status(application) == ApplicationStatus.SUBMITTED


def test_the_state_is_read_under_the_lock_not_from_the_callers_copy(personas: Personas) -> None:
    application = _submitted(personas)
    stale = PilotApplication.objects.get(pk=application.pk)
    application_services.application_confirm(actor=personas.gd.actor, application=application)

    # The stale copy still says "submitted"; the locked row says "confirmed".
    with pytest.raises(Conflict):
        perform(APPLICATION, actor=personas.gd.actor, obj=stale, action="confirm")


def test_a_required_reason_is_checked(personas: Personas) -> None:
    with pytest.raises(InvalidInput) as exc:
        perform(
            APPLICATION,
            actor=personas.gd.actor,
            obj=_submitted(personas),
            action="return",
            reason="   ",
        )
    assert exc.value.field == "reason"


def test_the_rule_check_runs_on_the_locked_row_and_refuses(personas: Personas) -> None:
    application = _submitted(personas)
    seen: list[int] = []

    def check(locked: PilotApplication) -> None:
        seen.append(locked.pk)
        raise RuleViolation("R26", "不符合")

    with pytest.raises(RuleViolation):
        perform(
            APPLICATION, actor=personas.gd.actor, obj=application, action="confirm", check=check
        )

    assert seen == [application.pk]
    assert _status(application) == ApplicationStatus.SUBMITTED


def test_a_move_writes_changes_timeline_and_audit_with_old_and_new(personas: Personas) -> None:
    application = _submitted(personas)

    done = perform(
        APPLICATION,
        actor=personas.gd.actor,
        obj=application,
        action="return",
        reason="请补充协议",
        changes={"decision_reason": "请补充协议"},
    )

    assert done.status == ApplicationStatus.RETURNED
    assert _status(application) == ApplicationStatus.RETURNED
    event = ApplicationEvent.objects.filter(application=application).order_by("-pk").first()
    assert event is not None
    assert (event.action, event.from_status, event.to_status, event.reason) == (
        "return",
        ApplicationStatus.SUBMITTED,
        ApplicationStatus.RETURNED,
        "请补充协议",
    )
    assert event.unit_id == personas.gd.unit.pk
    audit = AuditEvent.objects.order_by("-seq").first()
    assert audit is not None and audit.action == "pilots.application.return"
    assert audit.old["status"] == ApplicationStatus.SUBMITTED
    assert audit.new["status"] == ApplicationStatus.RETURNED
    assert audit.new["reason"] == "请补充协议"
    # The audit view of the table keeps the contact's phone out of the log.
    assert "contact_phone" not in audit.new


def test_side_effects_run_only_after_commit(
    personas: Personas, django_capture_on_commit_callbacks: Callable[..., Any]
) -> None:
    application = _submitted(personas)
    sent: list[str] = []

    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        perform(
            APPLICATION,
            actor=personas.gd.actor,
            obj=application,
            action="confirm",
            after_commit=lambda locked: sent.append(locked.status),
        )
        assert sent == []  # still inside the transaction

    assert len(callbacks) == 1
    assert sent == [ApplicationStatus.CONFIRMED]


def test_side_effects_never_run_when_the_transaction_rolls_back(
    personas: Personas, django_capture_on_commit_callbacks: Callable[..., Any]
) -> None:
    application = _submitted(personas)
    sent: list[str] = []

    with (
        django_capture_on_commit_callbacks(execute=True) as callbacks,
        pytest.raises(RuntimeError),
        transaction.atomic(),
    ):
        perform(
            APPLICATION,
            actor=personas.gd.actor,
            obj=application,
            action="confirm",
            after_commit=lambda locked: sent.append(locked.status),
        )
        raise RuntimeError("later step failed")

    assert callbacks == [] and sent == []
    assert _status(application) == ApplicationStatus.SUBMITTED


def test_a_table_cannot_offer_one_action_twice_from_a_state() -> None:
    move = Move(
        (ApplicationStatus.SUBMITTED,),
        "confirm",
        ApplicationStatus.CONFIRMED,
        is_province,
        gettext_lazy("确认"),
    )
    with pytest.raises(ValueError):
        Workflow(
            name="test.twice",
            model=PilotApplication,
            moves=(move, move),
            scope=lambda actor: PilotApplication.objects.none(),
            event_model=ApplicationEvent,
            event_fk="application",
        )


def test_every_declared_workflow_is_registered_with_unique_actions_per_state() -> None:
    names = {w.name for w in registered()}
    assert {"pilots.application", "catalog.filing", "assessment.plan"} <= names
    for workflow in registered():
        assert workflow.actions(), workflow.name
        for move in workflow.moves:
            assert move.label and (move.target is not None or move.targets or move.choose is None)


@pytest.mark.skipif(
    connection.vendor != "postgresql", reason="row locks are only meaningful on PostgreSQL"
)
def test_the_row_is_locked_through_the_actors_scope(personas: Personas) -> None:
    application = _submitted(personas)

    with CaptureQueriesContext(connection) as queries:
        perform(APPLICATION, actor=personas.gd.actor, obj=application, action="confirm")

    locking = [q["sql"] for q in queries.captured_queries if "FOR UPDATE" in q["sql"]]
    # One lock on the application row, read through the province's jurisdiction filter.
    assert any('"pilots_pilotapplication"' in sql and "province_id" in sql for sql in locking)
