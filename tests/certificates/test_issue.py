from __future__ import annotations

import datetime as dt

import pytest

from onex.catalog.models import OrgAgreement
from onex.certificates.models import CertificateStatus, IssuedCertificate, StatusChange
from onex.certificates.services.issue import entry_timeliness
from onex.core.actors import Actor
from onex.core.calendar import add_working_days
from onex.core.errors import Forbidden, InvalidInput, NotFound, RuleViolation
from onex.core.models import AuditEvent, PolicyScope
from onex.core.policy import policy_value_set
from tests.factories_certificates import ID_A, World
from tests.personas import division

NATIONAL_DAY_ISSUE = dt.date(2019, 9, 30)


# --- R15: entry within 7 working days on the PRC calendar -------------------------------------


def test_r15_national_day_2019_seventh_working_day_is_october_15(world: World) -> None:
    # 1-7 Oct are holidays and Sat 12 Oct is a 调休 working day: the 7th working day after
    # 30 Sep is 15 Oct, not 9 Oct as a Mon–Fri count would say.
    assert add_working_days(NATIONAL_DAY_ISSUE, 7) == dt.date(2019, 10, 15)
    on_time = world.enter(issued_on=NATIONAL_DAY_ISSUE, entered_on=dt.date(2019, 10, 15))
    assert (on_time.late_entry, on_time.entry_working_days) == (False, 7)
    assert not on_time.calendar_unverified


def test_r15_national_day_2019_entry_on_october_16_is_late_and_flagged(world: World) -> None:
    late = world.enter(issued_on=NATIONAL_DAY_ISSUE, entered_on=dt.date(2019, 10, 16))
    assert late.late_entry is True
    assert late.entry_working_days == 8
    assert any("R15" in w for w in late.warnings)
    # Accepted, not refused: the certificate is valid and the timeline says why it is flagged.
    assert late.status == CertificateStatus.VALID
    assert "R15" in StatusChange.objects.get(certificate=late).reason


def test_r15_a_weekday_count_would_have_called_the_national_day_entry_late(world: World) -> None:
    # 9 Oct is the 7th Mon–Fri day after 30 Sep; entering on 14 Oct is on time on the real
    # calendar (6 working days: 8, 9, 10, 11, 12 (Sat), 14 Oct).
    entered = world.enter(issued_on=NATIONAL_DAY_ISSUE, entered_on=dt.date(2019, 10, 14))
    assert (entered.late_entry, entered.entry_working_days) == (False, 6)


def test_r15_spring_festival_2019(world: World) -> None:
    # Spring Festival 2019: 4-10 Feb off, Sat 2 and Sun 3 Feb worked. From Thu 31 Jan the 7th
    # working day is 14 Feb.
    issued = dt.date(2019, 1, 31)
    assert add_working_days(issued, 7) == dt.date(2019, 2, 14)
    ok = world.enter(issued_on=issued, entered_on=dt.date(2019, 2, 14))
    late = world.enter(name="李雷", issued_on=issued, entered_on=dt.date(2019, 2, 15))
    assert (ok.late_entry, ok.entry_working_days) == (False, 7)
    assert (late.late_entry, late.entry_working_days) == (True, 8)


def test_r15_year_without_holiday_data_is_accepted_with_a_visible_warning(world: World) -> None:
    issued = world.enter(issued_on=dt.date(2040, 3, 1), entered_on=dt.date(2040, 3, 20))
    assert issued.calendar_unverified is True
    assert issued.late_entry is True  # 13 weekdays > 7, as an estimate
    warnings = issued.warnings
    assert any("2040" in w and "估算" in w for w in warnings)
    assert "2040" in StatusChange.objects.get(certificate=issued).reason


def test_r15_limit_comes_from_the_policy_profile(world: World) -> None:
    policy_value_set(
        actor=world.p.ministry.actor,
        key="r15.certificate_entry_working_days",
        value=10,
        scope=PolicyScope.PROVINCE,
        province=division("440000"),
        effective_from=dt.date(2019, 1, 1),
    )
    issued = world.enter(issued_on=NATIONAL_DAY_ISSUE, entered_on=dt.date(2019, 10, 16))
    assert issued.late_entry is False
    timeliness = entry_timeliness(
        issued_on=NATIONAL_DAY_ISSUE, entered_on=dt.date(2019, 10, 16), province=division("420000")
    )
    assert timeliness.limit == 7 and timeliness.late


def test_issue_date_after_entry_date_is_refused(world: World) -> None:
    with pytest.raises(InvalidInput) as exc:
        world.enter(issued_on=dt.date(2020, 6, 5), entered_on=dt.date(2020, 6, 3))
    assert exc.value.field == "issued_on"
    assert not IssuedCertificate.objects.exists()


# --- R18 / R38: who may issue -----------------------------------------------------------------


def test_r18_org_without_agreement_cannot_issue(world: World) -> None:
    OrgAgreement.objects.filter(org=world.p.org_obj).update(terminated_on=dt.date(2020, 1, 1))
    with pytest.raises(RuleViolation) as exc:
        world.enter()
    assert exc.value.rule_id == "R18"
    assert not IssuedCertificate.objects.exists()


def test_r38_org_without_accepted_filing_in_the_province_cannot_issue(world: World) -> None:
    with pytest.raises(RuleViolation) as exc:
        world.enter(province="420000")
    assert exc.value.rule_id == "R38"
    assert "湖北" in str(exc.value.message)
    assert not IssuedCertificate.objects.exists()


def test_another_org_cannot_issue_this_certificate(world: World) -> None:
    with pytest.raises(Forbidden):
        world.enter(actor=world.other_org_user.actor)


@pytest.mark.parametrize("who", ["ministry", "gd", "gd_school", "learner"])
def test_only_orgs_issue(world: World, who: str) -> None:
    with pytest.raises(Forbidden):
        world.enter(actor=getattr(world.p, who).actor)


def test_org_viewer_cannot_issue(world: World) -> None:
    with pytest.raises(Forbidden):
        world.enter(actor=world.org_viewer.actor)


def test_issue_copies_the_holder_masks_and_audits(world: World) -> None:
    issued = world.enter()
    assert issued.holder_name == "王小明"
    assert issued.id_number_masked == ID_A[:4] + "*" * 10 + ID_A[-4:]
    assert issued.reveal_id_number(actor=Actor.system()) == ID_A
    event = AuditEvent.objects.filter(action="certificates.issue").get()
    assert event.new["number"] == issued.number
    assert ID_A not in str(event.new)


def test_unknown_level_of_the_certificate_is_refused(world: World) -> None:
    with pytest.raises(InvalidInput):
        world.enter(level="senior")


def test_fetching_outside_jurisdiction_is_not_found(world: World) -> None:
    from onex.certificates.selectors.certificates import certificate_get

    issued = world.enter()
    with pytest.raises(NotFound):
        certificate_get(actor=world.p.hb.actor, pk=issued.pk)
    assert certificate_get(actor=world.p.gd.actor, pk=issued.pk) == issued
