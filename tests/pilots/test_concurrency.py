"""Provincial decisions racing each other on PostgreSQL: exactly one wins, the others get a
Conflict, one timeline event and one audit row are written."""

from __future__ import annotations

import pytest

from onex.core.models import AuditEvent, Role
from onex.pilots.models import ApplicationEvent, ApplicationStatus, PilotApplication
from onex.pilots.services import applications as application_services
from tests.factories_pilots import draft
from tests.personas import Personas, make_user
from tests.race import outcomes, race, require_postgresql

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def _submitted(personas: Personas) -> PilotApplication:
    application = draft(personas.gd_school, personas.gd_school_obj, personas)
    return application_services.application_submit(
        actor=personas.gd_school.actor, application=application
    )


def test_two_provincial_staff_confirming_and_returning_at_once_one_wins(
    personas: Personas,
) -> None:
    require_postgresql()
    application = _submitted(personas)
    second = make_user("gd-staff-2", personas.gd.unit, Role.STAFF)
    deciders = [personas.gd.actor, second.actor] * 3

    def decide(i: int) -> PilotApplication:
        copy = PilotApplication.objects.get(pk=application.pk)  # each tab read it before
        if i % 2:
            return application_services.application_return(
                actor=deciders[i], application=copy, reason="材料不全"
            )
        return application_services.application_confirm(actor=deciders[i], application=copy)

    results = race(6, decide)

    assert outcomes(results) == ["Conflict"] * 5 + ["ok"]
    application.refresh_from_db()
    winner = next(r for r in results if isinstance(r, PilotApplication))
    assert application.status == winner.status
    assert application.status in (ApplicationStatus.CONFIRMED, ApplicationStatus.RETURNED)
    decisions = ApplicationEvent.objects.filter(
        application=application, action__in=("confirm", "return")
    )
    assert decisions.count() == 1
    assert (
        AuditEvent.objects.filter(
            target_id=str(application.pk),
            action__in=("pilots.application.confirm", "pilots.application.return"),
        ).count()
        == 1
    )
