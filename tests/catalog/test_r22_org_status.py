"""R22 (partial): a suspended or exited org can do nothing in the pilot."""

from __future__ import annotations

import datetime as dt

import pytest

from onex.catalog.models import OrgStatus
from onex.catalog.selectors.orgs import org_can_act
from onex.catalog.services.orgs import org_set_status, require_org_active, require_org_agreement
from onex.core.errors import Forbidden, RuleViolation
from tests.personas import Personas


@pytest.mark.parametrize("status", [OrgStatus.SUSPENDED, OrgStatus.EXITED])
def test_r22_suspended_or_exited_org_cannot_act(db: None, personas: Personas, status: str) -> None:
    org = personas.org_obj
    org.status = status
    org.save(update_fields=["status"])
    assert not org_can_act(org)
    with pytest.raises(RuleViolation) as info:
        require_org_agreement(org)
    assert info.value.rule == "R22"
    assert info.value.details["rule_title"] == "组织退出试点"


def test_r22_a_status_change_is_dated_audited_and_freezes_activity(
    db: None, personas: Personas
) -> None:
    org = personas.org_obj
    org_set_status(
        actor=personas.ministry.actor,
        org=org,
        status=OrgStatus.EXITED,
        on=dt.date(2026, 12, 1),
        reason="取消资格程序 #1",
    )
    org.refresh_from_db()
    assert (org.status, org.status_changed_on) == (OrgStatus.EXITED, dt.date(2026, 12, 1))
    with pytest.raises(RuleViolation) as info:
        require_org_active(org)
    assert info.value.rule == "R22" and "2026-12-01" in info.value.message
    with pytest.raises(Forbidden):
        org_set_status(
            actor=personas.gd.actor,
            org=org,
            status=OrgStatus.ACTIVE,
            on=dt.date(2026, 12, 2),
            reason="",
        )
