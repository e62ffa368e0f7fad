"""Fee standards: ceiling (R13), approval and history (R30), joint negotiation (R45), R40."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from django.utils import timezone

from onex.assessment.models import FeeNegotiation, FeeStandard, FeeVersion, FeeVersionStatus
from onex.assessment.selectors import fees as fee_selectors
from onex.assessment.services import fees as fee_services
from onex.catalog.models import Level
from onex.catalog.services import certificate_level_set
from onex.core.errors import Conflict, Forbidden, InvalidInput, NotFound, RuleViolation
from onex.geo.models import Division
from tests.assessment.site_world import World, build_world, pdf
from tests.personas import Personas, division


@pytest.fixture
def world(personas: Personas) -> World:
    return build_world(personas)


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
            kind="expert", reviewer="广东省职业教育专家组", conclusion="测算合理", attachment=pdf()
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
        poor_household=False,
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


# --- R40 -----------------------------------------------------------------------------------


def test_r40_poor_household_learners_pay_nothing(world: World, gd: Division) -> None:
    approved(world, "200")
    for payer_kind in ("pilot_student", "public"):
        due = fee_selectors.fee_due(
            province=gd,
            certificate=world.certificate,
            level=Level.JUNIOR,
            payer_kind=payer_kind,  # type: ignore[arg-type]
            poor_household=True,
        )
        assert due == fee_selectors.FeeDue(amount=Decimal("0.00"), payer="none", rule="R40")


def test_r40_pilot_students_fee_is_charged_to_the_school(world: World, gd: Division) -> None:
    approved(world, "200")
    due = fee_selectors.fee_due(
        province=gd,
        certificate=world.certificate,
        level=Level.JUNIOR,
        payer_kind="pilot_student",
        poor_household=False,
    )
    assert due.payer == "school" and due.amount == Decimal("200.00")
    public = fee_selectors.fee_due(
        province=gd,
        certificate=world.certificate,
        level=Level.JUNIOR,
        payer_kind="public",
        poor_household=False,
    )
    assert public.payer == "learner" and public.amount == Decimal("200.00")


def test_r40_school_pays_its_lower_joint_fee(world: World, gd: Division) -> None:
    approved(world, "200")
    p = world.p
    fee_services.negotiation_record(
        actor=p.org.actor,
        certificate=world.certificate,
        level=Level.JUNIOR,
        schools=[p.gd_school_obj, p.sz_school_obj],
        agreed_fee="170",
        negotiated_on=dt.date(2020, 6, 1),
    )
    due = fee_selectors.fee_due(
        province=gd,
        certificate=world.certificate,
        level=Level.JUNIOR,
        payer_kind="pilot_student",
        poor_household=False,
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
            poor_household=False,
        )
    assert exc.value.rule == "R30"
