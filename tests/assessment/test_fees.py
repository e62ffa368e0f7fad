"""Fee standards: ceiling (R13), approval and history (R30), joint negotiation (R45), R40."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from onex.assessment.models import (
    ExemptionStatus,
    FeeNegotiation,
    FeeStandard,
    FeeVersion,
    FeeVersionStatus,
    NegotiationStatus,
)
from onex.assessment.selectors import fees as fee_selectors
from onex.assessment.selectors import sites as site_selectors
from onex.assessment.services import fees as fee_services
from onex.catalog.models import Level
from onex.catalog.services.certificates import certificate_level_set
from onex.core.errors import Conflict, Forbidden, InvalidInput, NotFound, RuleViolation
from onex.geo.models import Division
from tests.factories import letter
from tests.factories_assessment_sites import (
    World,
    world_fixture,  # noqa: F401 (fixture)
)
from tests.personas import division


@pytest.fixture
def gd() -> Division:
    return division("440000")


def propose(world: World, amount: str, level: str = Level.JUNIOR) -> FeeVersion:
    return fee_services.fee_propose(
        actor=world.p.org.actor,
        province=division("440000"),
        certificate=world.certificate,
        level=level,
        amount=amount,
        basis="场地、耗材、考评员劳务",
    )


def approved(world: World, amount: str, level: str = Level.JUNIOR) -> FeeVersion:
    return fee_services.fee_approve(actor=world.p.gd.actor, version=propose(world, amount, level))


# --- R13 -----------------------------------------------------------------------------------


def test_r13_fee_above_the_ceiling_is_refused_with_both_amounts(world: World) -> None:
    with pytest.raises(RuleViolation) as exc:
        propose(world, "300.01")
    assert exc.value.rule == "R13"
    assert "300.01" in str(exc.value.message) and "300.00" in str(exc.value.message)
    assert not FeeVersion.objects.exists()
    # At the ceiling is allowed.
    assert propose(world, "300").amount == Decimal("300.00")


def test_r13_level_without_published_ceiling_is_refused(world: World) -> None:
    certificate_level_set(
        actor=world.p.ministry.actor, certificate=world.certificate, level=Level.SENIOR
    )
    with pytest.raises(RuleViolation) as exc:
        propose(world, "100", Level.SENIOR)
    assert exc.value.rule == "R13"


def _lower_ceiling(world: World, amount: str) -> None:
    certificate_level_set(
        actor=world.p.ministry.actor,
        certificate=world.certificate,
        level=Level.JUNIOR,
        cost_ceiling=amount,
    )


def test_r13_lowered_ceiling_flags_the_approved_fee_above_it(world: World) -> None:
    standard = approved(world, "280").standard
    p = world.p
    assert not fee_selectors.standard_above_ceiling(standard)
    assert not fee_selectors.fee_standard_list(actor=p.gd.actor, above_ceiling_only=True).exists()
    _lower_ceiling(world, "250")
    assert fee_selectors.standard_above_ceiling(standard)
    for persona in (p.gd, p.org):
        flagged = fee_selectors.fee_standard_list(actor=persona.actor, above_ceiling_only=True)
        assert list(flagged) == [standard]
    [row] = fee_selectors.fee_rows([standard])
    assert row.above_ceiling and row.ceiling == Decimal("250.00")


def test_r13_fee_above_a_lowered_ceiling_stops_applying_to_registrations(
    world: World, gd: Division
) -> None:
    approved(world, "280")
    _lower_ceiling(world, "250")
    for payer_kind in ("pilot_student", "public"):
        with pytest.raises(RuleViolation) as exc:
            fee_selectors.fee_due(
                province=gd,
                certificate=world.certificate,
                level=Level.JUNIOR,
                payer_kind=payer_kind,  # type: ignore[arg-type]
            )
        assert exc.value.rule == "R13"
        assert "280.00" in str(exc.value.message) and "250.00" in str(exc.value.message)
    # Re-approving a fee within the new ceiling puts registrations back on.
    fee_services.fee_approve(actor=world.p.gd.actor, version=propose(world, "240"))
    due = fee_selectors.fee_due(
        province=gd,
        certificate=world.certificate,
        level=Level.JUNIOR,
        payer_kind="public",
    )
    assert due.amount == Decimal("240.00")


def test_r13_owners_are_told_of_a_fee_above_a_lowered_ceiling(world: World) -> None:
    approved(world, "280")
    p = world.p
    title = "高于现行成本上限的考核费用标准"

    def titles(persona_actor: Any) -> list[str]:
        return [str(t.title) for t in site_selectors.site_and_fee_todos(actor=persona_actor)]

    assert title not in titles(p.gd.actor)
    _lower_ceiling(world, "250")
    assert title in titles(p.gd.actor) and title in titles(p.org.actor)
    assert title not in titles(p.hb.actor) and title not in titles(p.gd_school.actor)


def test_r13_above_ceiling_flag_in_api_list_and_detail_page(world: World, client: Client) -> None:
    standard = approved(world, "280").standard
    _lower_ceiling(world, "250")
    client.force_login(world.p.gd.user)
    body = client.get(f"/api/v1/assessment/fees/{standard.pk}").json()
    assert body["above_ceiling"] is True
    flagged = client.get("/api/v1/assessment/fees?above_ceiling=true").json()["items"]
    assert [row["id"] for row in flagged] == [standard.pk]
    page = client.get(reverse("assessment:fee_detail", args=[standard.pk])).content.decode()
    assert 'data-flag="above_ceiling"' in page
    listing = client.get(reverse("assessment:fee_list") + "?above_ceiling=1").content.decode()
    assert 'data-flag="above_ceiling"' in listing


def test_r13_ceiling_lowered_before_approval_blocks_the_approval(world: World) -> None:
    version = propose(world, "280")
    certificate_level_set(
        actor=world.p.ministry.actor,
        certificate=world.certificate,
        level=Level.JUNIOR,
        cost_ceiling="250",
    )
    with pytest.raises(RuleViolation) as exc:
        fee_services.fee_approve(actor=world.p.gd.actor, version=version)
    assert exc.value.rule == "R13"
    version.refresh_from_db()
    assert version.status == FeeVersionStatus.PENDING


@pytest.mark.parametrize("amount", ["abc", "-1", "12.345", "NaN", ""])
def test_bad_amount_is_refused_at_the_field(world: World, amount: str) -> None:
    with pytest.raises(InvalidInput) as exc:
        propose(world, amount)
    assert exc.value.field == "amount"


def test_fee_needs_the_orgs_filing_in_the_province(world: World) -> None:
    with pytest.raises(RuleViolation) as exc:
        fee_services.fee_propose(
            actor=world.p.org.actor,
            province=division("420000"),
            certificate=world.certificate,
            level=Level.JUNIOR,
            amount="200",
        )
    assert exc.value.rule == "R38"


# --- R30 -----------------------------------------------------------------------------------


def test_r30_proposal_applies_only_after_province_approval(world: World, gd: Division) -> None:
    version = propose(world, "260")
    assert (
        fee_selectors.approved_fee(province=gd, certificate=world.certificate, level=Level.JUNIOR)
        is None
    )
    fee_services.fee_approve(
        actor=world.p.gd.actor,
        version=version,
        review=fee_services.FeeReview(
            kind="expert",
            reviewer="广东省职业教育专家组",
            conclusion="测算合理",
            attachment=letter("材料.pdf"),
        ),
    )
    assert fee_selectors.approved_fee(
        province=gd, certificate=world.certificate, level=Level.JUNIOR
    ) == Decimal("260.00")
    version.refresh_from_db()
    assert version.reviewer == "广东省职业教育专家组" and version.review_attachment


def test_r30_increase_waits_for_approval_and_old_fee_stays_in_force(
    world: World, gd: Division
) -> None:
    approved(world, "200")
    increase = propose(world, "250")
    # The old approved fee is still the one schools pay.
    assert fee_selectors.approved_fee(
        province=gd, certificate=world.certificate, level=Level.JUNIOR
    ) == Decimal("200.00")
    due = fee_selectors.fee_due(
        province=gd,
        certificate=world.certificate,
        level=Level.JUNIOR,
        payer_kind="public",
    )
    assert due.amount == Decimal("200.00")
    fee_services.fee_approve(actor=world.p.gd.actor, version=increase)
    assert fee_selectors.approved_fee(
        province=gd, certificate=world.certificate, level=Level.JUNIOR
    ) == Decimal("250.00")
    standard = FeeStandard.objects.get()
    statuses = list(standard.versions.order_by("number").values_list("amount", "status"))
    assert statuses == [
        (Decimal("200.00"), FeeVersionStatus.SUPERSEDED),
        (Decimal("250.00"), FeeVersionStatus.APPROVED),
    ]
    events = list(standard.events.values_list("action", "old_amount", "new_amount"))
    assert events[2] == ("adjust", Decimal("200.00"), Decimal("250.00"))


def test_r30_returned_increase_leaves_the_old_fee(world: World, gd: Division) -> None:
    approved(world, "200")
    increase = propose(world, "290")
    with pytest.raises(InvalidInput):
        fee_services.fee_return(actor=world.p.gd.actor, version=increase, reason="")
    fee_services.fee_return(actor=world.p.gd.actor, version=increase, reason="涨幅依据不足")
    assert fee_selectors.approved_fee(
        province=gd, certificate=world.certificate, level=Level.JUNIOR
    ) == Decimal("200.00")


def test_r30_approval_with_a_future_date_keeps_the_old_fee_until_then(
    world: World, gd: Division
) -> None:
    approved(world, "200")
    later = timezone.localdate() + dt.timedelta(days=30)
    fee_services.fee_approve(
        actor=world.p.gd.actor, version=propose(world, "220"), effective_from=later
    )
    kwargs: dict[str, Any] = {"province": gd, "certificate": world.certificate}
    assert fee_selectors.approved_fee(**kwargs, level=Level.JUNIOR) == Decimal("200.00")
    assert fee_selectors.approved_fee(**kwargs, level=Level.JUNIOR, on=later) == Decimal("220.00")


def test_r30_only_one_proposal_waits_at_a_time(world: World) -> None:
    version = propose(world, "200")
    with pytest.raises(Conflict):
        propose(world, "210")
    fee_services.fee_withdraw(actor=world.p.org.actor, version=version)
    assert propose(world, "210").number == 2


def test_r30_only_the_province_of_the_fee_approves(world: World) -> None:
    version = propose(world, "200")
    for persona in (world.p.gd_viewer, world.p.org, world.p.ministry, world.p.gz_city):
        with pytest.raises(Forbidden):
            fee_services.fee_approve(actor=persona.actor, version=version)
    # Hubei cannot even see Guangdong's fee.
    with pytest.raises(NotFound):
        fee_selectors.fee_version_get(actor=world.p.hb.actor, pk=version.pk)


def test_fee_scoping(world: World) -> None:
    approved(world, "200")
    p = world.p
    for persona, sees in [
        (p.ministry, True),
        (p.gd, True),
        (p.gz_city, True),
        (p.org, True),
        (p.gd_school, True),
        (p.hb, False),
        (p.hb_school, False),
        (p.learner, False),
    ]:
        assert fee_selectors.fee_standard_list(actor=persona.actor).exists() is sees, persona.user


def test_fee_proposal_only_by_the_certificates_org(world: World) -> None:
    for persona in (world.p.gd, world.p.gd_school, world.p.ministry):
        with pytest.raises(Forbidden):
            fee_services.fee_propose(
                actor=persona.actor,
                province=division("440000"),
                certificate=world.certificate,
                level=Level.JUNIOR,
                amount="100",
            )


# --- R45 -----------------------------------------------------------------------------------


def test_r45_joint_negotiation_records_fee_and_parties(world: World) -> None:
    p = world.p
    negotiation = fee_services.negotiation_record(
        actor=p.gd_school.actor,
        certificate=world.certificate,
        level=Level.JUNIOR,
        schools=[p.gd_school_obj, p.sz_school_obj],
        agreed_fee="180",
        negotiated_on=dt.date(2020, 6, 1),
    )
    assert set(negotiation.schools.all()) == {p.gd_school_obj, p.sz_school_obj}
    assert negotiation.ceiling == Decimal("300.00")
    assert list(fee_selectors.negotiation_list(actor=p.gd.actor)) == [negotiation]
    assert list(fee_selectors.negotiation_list(actor=p.org.actor)) == [negotiation]
    assert not fee_selectors.negotiation_list(actor=p.hb.actor).exists()
    assert not fee_selectors.negotiation_list(actor=p.hb_school.actor).exists()


def test_r45_joint_fee_above_the_ceiling_is_refused(world: World) -> None:
    p = world.p
    with pytest.raises(RuleViolation) as exc:
        fee_services.negotiation_record(
            actor=p.org.actor,
            certificate=world.certificate,
            level=Level.JUNIOR,
            schools=[p.gd_school_obj, p.sz_school_obj],
            agreed_fee="350",
            negotiated_on=dt.date(2020, 6, 1),
        )
    assert exc.value.rule == "R45"
    assert "350.00" in str(exc.value.message) and "300.00" in str(exc.value.message)
    assert not FeeNegotiation.objects.exists()


def test_r45_needs_several_schools_of_one_province_and_a_party_to_record(world: World) -> None:
    p = world.p
    base: dict[str, Any] = {
        "certificate": world.certificate,
        "level": Level.JUNIOR,
        "agreed_fee": "150",
        "negotiated_on": dt.date(2020, 6, 1),
    }
    with pytest.raises(InvalidInput):
        fee_services.negotiation_record(actor=p.org.actor, schools=[p.gd_school_obj], **base)
    with pytest.raises(InvalidInput):
        fee_services.negotiation_record(
            actor=p.org.actor, schools=[p.gd_school_obj, p.hb_school_obj], **base
        )
    # A school that is not a party cannot record it.
    with pytest.raises(Forbidden):
        fee_services.negotiation_record(
            actor=p.hb_school.actor, schools=[p.gd_school_obj, p.sz_school_obj], **base
        )


def _school_records_joint_fee(world: World, amount: str = "1") -> FeeNegotiation:
    p = world.p
    return fee_services.negotiation_record(
        actor=p.gd_school.actor,
        certificate=world.certificate,
        level=Level.JUNIOR,
        schools=[p.gd_school_obj, p.sz_school_obj],
        agreed_fee=amount,
        negotiated_on=dt.date(2020, 6, 1),
    )


def _pilot_fee(world: World, gd: Division) -> fee_selectors.FeeDue:
    return fee_selectors.fee_due(
        province=gd,
        certificate=world.certificate,
        level=Level.JUNIOR,
        payer_kind="pilot_student",
        school=world.p.gd_school_obj,
    )


def test_r45_a_school_alone_cannot_lower_what_its_students_pay(world: World, gd: Division) -> None:
    approved(world, "200")
    negotiation = _school_records_joint_fee(world)
    assert negotiation.status == NegotiationStatus.PROPOSED
    # Recorded by one school, not yet agreed by the org: students still pay the approved fee.
    assert _pilot_fee(world, gd).amount == Decimal("200.00")
    # Neither the recording school, nor the other party, nor the province may agree for the org.
    p = world.p
    for persona in (p.gd_school, p.gd):
        with pytest.raises(Forbidden):
            fee_services.negotiation_agree(actor=persona.actor, negotiation=negotiation)
    assert _pilot_fee(world, gd).amount == Decimal("200.00")


def test_r45_joint_fee_applies_once_the_org_agrees(world: World, gd: Division) -> None:
    approved(world, "200")
    negotiation = _school_records_joint_fee(world, "150")
    agreed = fee_services.negotiation_agree(actor=world.p.org.actor, negotiation=negotiation)
    assert agreed.status == NegotiationStatus.AGREED and agreed.decided_at is not None
    assert _pilot_fee(world, gd) == fee_selectors.FeeDue(
        amount=Decimal("150.00"), payer="school", rule="R45"
    )
    assert list(agreed.events.values_list("action", flat=True)) == ["record", "agree"]
    with pytest.raises(Conflict):
        fee_services.negotiation_agree(actor=world.p.org.actor, negotiation=negotiation)


def test_r45_declined_joint_fee_never_applies(world: World, gd: Division) -> None:
    approved(world, "200")
    negotiation = _school_records_joint_fee(world, "150")
    with pytest.raises(InvalidInput):
        fee_services.negotiation_decline(
            actor=world.p.org.actor, negotiation=negotiation, reason=""
        )
    fee_services.negotiation_decline(
        actor=world.p.org.actor, negotiation=negotiation, reason="未达成一致"
    )
    assert _pilot_fee(world, gd).amount == Decimal("200.00")
    with pytest.raises(Conflict):
        fee_services.negotiation_agree(actor=world.p.org.actor, negotiation=negotiation)


def test_r45_one_school_listed_twice_is_still_one_school(world: World) -> None:
    p = world.p
    with pytest.raises(InvalidInput):
        fee_services.negotiation_record(
            actor=p.gd_school.actor,
            certificate=world.certificate,
            level=Level.JUNIOR,
            schools=[p.gd_school_obj, p.gd_school_obj],
            agreed_fee="1",
            negotiated_on=dt.date(2020, 6, 1),
        )


# --- R40 -----------------------------------------------------------------------------------


def test_r40_only_a_confirmed_exemption_waives_the_fee(world: World, gd: Division) -> None:
    approved(world, "200")
    for payer_kind in ("pilot_student", "public"):
        due = fee_selectors.fee_due(
            province=gd,
            certificate=world.certificate,
            level=Level.JUNIOR,
            payer_kind=payer_kind,  # type: ignore[arg-type]
            exemption=ExemptionStatus.CONFIRMED,
        )
        assert due == fee_selectors.FeeDue(amount=Decimal("0.00"), payer="none", rule="R40")
        for waiting in (ExemptionStatus.CLAIMED, ExemptionStatus.REFUSED, ExemptionStatus.NONE):
            due = fee_selectors.fee_due(
                province=gd,
                certificate=world.certificate,
                level=Level.JUNIOR,
                payer_kind=payer_kind,  # type: ignore[arg-type]
                exemption=waiting,
            )
            assert due.amount == Decimal("200.00"), waiting


def test_r40_pilot_students_fee_is_charged_to_the_school(world: World, gd: Division) -> None:
    approved(world, "200")
    due = fee_selectors.fee_due(
        province=gd,
        certificate=world.certificate,
        level=Level.JUNIOR,
        payer_kind="pilot_student",
    )
    assert due.payer == "school" and due.amount == Decimal("200.00")
    public = fee_selectors.fee_due(
        province=gd,
        certificate=world.certificate,
        level=Level.JUNIOR,
        payer_kind="public",
    )
    assert public.payer == "learner" and public.amount == Decimal("200.00")


def test_r40_school_pays_its_lower_joint_fee(world: World, gd: Division) -> None:
    approved(world, "200")
    p = world.p
    negotiation = fee_services.negotiation_record(
        actor=p.org.actor,
        certificate=world.certificate,
        level=Level.JUNIOR,
        schools=[p.gd_school_obj, p.sz_school_obj],
        agreed_fee="170",
        negotiated_on=dt.date(2020, 6, 1),
    )
    fee_services.negotiation_agree(actor=p.org.actor, negotiation=negotiation)
    due = fee_selectors.fee_due(
        province=gd,
        certificate=world.certificate,
        level=Level.JUNIOR,
        payer_kind="pilot_student",
        school=p.gd_school_obj,
    )
    assert due == fee_selectors.FeeDue(amount=Decimal("170.00"), payer="school", rule="R45")


def test_fee_due_without_an_approved_fee_is_refused(world: World, gd: Division) -> None:
    propose(world, "200")  # pending only
    with pytest.raises(RuleViolation) as exc:
        fee_selectors.fee_due(
            province=gd,
            certificate=world.certificate,
            level=Level.JUNIOR,
            payer_kind="public",
        )
    assert exc.value.rule == "R30"
