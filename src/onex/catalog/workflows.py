"""The declared states and moves of an org's provincial filing (R38).

The org drafts, completes and submits its filing (form 附件3); the province of the filing
accepts it or returns it with a reason. ``onex.core.workflows.perform`` runs every move;
``catalog.services.filings`` adds the rule checks (R18 agreement, R38 complete form).
"""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from onex.catalog.models import FilingStatus, OrgFiling, OrgFilingEvent
from onex.catalog.selectors.filings import filing_scope
from onex.catalog.selectors.orgs import acts_for
from onex.core.actors import Actor
from onex.core.models import UnitKind
from onex.core.workflows import Move, Workflow, register

S = FilingStatus
EDITABLE = (S.DRAFT, S.RETURNED)


def filing_jurisdiction(actor: Actor) -> QuerySet[OrgFiling]:
    """Filings in the actor's jurisdiction, drafts included.

    The lists hide an org's drafts from its province, but a move on a draft is "not now" (409),
    not "not yours": the province will see it once submitted.
    """
    return OrgFiling.objects.filter(filing_scope(actor))


def is_org_member(actor: Actor, filing: OrgFiling) -> bool:
    return acts_for(actor, filing.org)


def is_filing_province(actor: Actor, filing: OrgFiling) -> bool:
    return actor.kind == UnitKind.PROVINCE and actor.province_id == filing.province_id


def filing_audit_view(filing: OrgFiling) -> dict[str, Any]:
    # What the audit log may hold: no clear ID number, no phone numbers of staff.
    return {
        "org": filing.org_id,
        "province": filing.province_id,
        "certificate": filing.certificate_id,
        "status": filing.status,
        "person_name": filing.person_name,
        "id_number": filing.id_number_masked,
        "has_letter": bool(filing.authorization_letter),
    }


_ORG_ONLY = _("只有该培训评价组织的用户可以执行此操作。")
_PROVINCE_ONLY = _("只有备案所在省份的教育行政部门可以审核。")

FILING = register(
    Workflow(
        name="catalog.filing",
        model=OrgFiling,
        scope=filing_jurisdiction,
        event_model=OrgFilingEvent,
        event_fk="filing",
        related=("org", "province", "certificate"),
        audit_view=filing_audit_view,
        moves=(
            Move(EDITABLE, "update", None, is_org_member, _("修改备案"), denied=_ORG_ONLY),
            Move(EDITABLE, "letter", None, is_org_member, _("上传授权函"), denied=_ORG_ONLY),
            Move(
                EDITABLE,
                "submit",
                S.SUBMITTED,
                is_org_member,
                _("提交备案"),
                rule="R38",
                denied=_ORG_ONLY,
            ),
            Move(
                (S.SUBMITTED,),
                "accept",
                S.ACCEPTED,
                is_filing_province,
                _("备案通过"),
                rule="R38",
                denied=_PROVINCE_ONLY,
            ),
            Move(
                (S.SUBMITTED,),
                "return",
                S.RETURNED,
                is_filing_province,
                _("退回备案"),
                rule="R38",
                reason_required=True,
                denied=_PROVINCE_ONLY,
            ),
        ),
    )
)


def filing_moves(*, actor: Actor, filing: OrgFiling) -> list[str]:
    """The actions the actor may take now: the page's buttons and the API's ``moves``."""
    return FILING.allowed_actions(filing, actor)
