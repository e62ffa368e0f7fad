"""R22 (partial): a suspended or exited org can do nothing in the pilot."""

from __future__ import annotations

import pytest

from onex.catalog.models import OrgStatus
from onex.catalog.selectors.orgs import org_can_act
from onex.catalog.services.orgs import require_org_agreement
from onex.core.errors import RuleViolation
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
