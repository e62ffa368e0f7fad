"""Demo onboarding: two pending invitations (a Guangdong clerk, a teacher of the demo school)
and claim codes for three of the demo school's students.

The secrets are not stored anywhere (only their hashes): the step prints the invitation links
and the claim codes once, so a demo can walk through accepting and claiming. Running the step
again creates nothing new.
"""

from __future__ import annotations

from collections.abc import Callable

from onex.accounts.models import ClaimCode
from onex.accounts.selectors.accounts import claimable_students
from onex.accounts.services.accounts import user_invite
from onex.accounts.services.learners import claim_codes_issue
from onex.core.actors import Actor
from onex.core.models import Role, Unit, UnitKind, User

# (username, display name, role, unit kind, unit name)
INVITATIONS = (
    ("demo-gd-clerk", "广东省教育厅新经办人", Role.STAFF, UnitKind.PROVINCE, "广东省教育厅"),
    ("demo-teacher", "番禺职院新教师", Role.STAFF, UnitKind.SCHOOL, "广州番禺职业技术学院"),
)
CLAIM_CODE_STUDENTS = 3


def _admin_of(unit: Unit) -> Actor | None:
    admin = User.objects.filter(unit=unit, role=Role.ADMIN, is_active=True).order_by("pk").first()
    return Actor.for_user(admin) if admin else None


def load_demo(*, stdout: Callable[[str], None]) -> dict[str, int]:
    created = {"invitations": 0, "claim_codes": 0}
    for username, name, role, kind, unit_name in INVITATIONS:
        unit = Unit.objects.filter(kind=kind, name=unit_name).first()
        actor = _admin_of(unit) if unit else None
        if unit is None or actor is None or User.objects.filter(username=username).exists():
            continue
        invited = user_invite(
            actor=actor, unit=unit, username=username, display_name=name, role=role
        )
        created["invitations"] += 1
        stdout(f"accounts demo: invitation for {username}: {invited.issued.url}")
    school = Unit.objects.filter(kind=UnitKind.SCHOOL, name="广州番禺职业技术学院").first()
    actor = _admin_of(school) if school else None
    if school is None or actor is None:
        stdout("accounts demo: demo school missing; no claim codes")
        return created
    if ClaimCode.objects.filter(school_unit=school).exists():
        return created
    students = list(
        claimable_students(actor=actor, school_unit=school).select_related("school")[
            :CLAIM_CODE_STUDENTS
        ]
    )
    for issued in claim_codes_issue(actor=actor, school_unit=school, candidates=students):
        created["claim_codes"] += 1
        student = issued.code.candidate
        stdout(
            f"accounts demo: claim code for {student.name} "
            f"({student.id_number_masked}): {issued.secret}"
        )
    return created
