"""Reads of units, users, one-time links and claim codes, scoped to the actor (404 outside)."""

from __future__ import annotations

from django.contrib.auth.hashers import UNUSABLE_PASSWORD_PREFIX
from django.db.models import Count, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone

from onex.accounts.models import (
    AccessLink,
    AccessLinkStatus,
    ClaimCode,
    ClaimCodeStatus,
)
from onex.accounts.selectors.permissions import may_issue_claim_codes, unit_scope
from onex.assessment.models import Candidate
from onex.core.actors import Actor
from onex.core.models import Unit, UnitKind, User
from onex.core.scoping import fetch
from onex.core.tokens import hash_secret

# Link and user statuses a list filters on.
USER_STATES = ("active", "invited", "disabled")


def unit_list(
    *,
    actor: Actor,
    q: str | None = None,
    kind: str | None = None,
    province: str | None = None,
) -> QuerySet[Unit]:
    """Units the actor sees; learner units only when asked for (there are many)."""
    units = Unit.objects.filter(unit_scope(actor)).select_related("province", "city")
    units = units.filter(kind=kind) if kind else units.exclude(kind=UnitKind.LEARNER)
    if province:
        units = units.filter(province__code=province)
    if q:
        units = units.filter(name__icontains=q)
    # A count per listed unit (a correlated subquery the database evaluates for the page's rows
    # only), not a join and GROUP BY over every unit's users: 11 ms at 10,000 schools.
    users = (
        User.objects.filter(unit=OuterRef("pk"))
        .order_by()
        .values("unit")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return units.annotate(user_count=Coalesce(Subquery(users), 0)).order_by("kind", "name", "pk")


def unit_get(*, actor: Actor, pk: int) -> Unit:
    return fetch(Unit.objects.filter(unit_scope(actor)).select_related("province", "city"), pk=pk)


def _user_state_q(state: str) -> Q:
    if state == "disabled":
        return Q(is_active=False)
    # Django's unusable password starts with "!": an invited user has not set one yet.
    invited = Q(last_login__isnull=True, password__startswith=UNUSABLE_PASSWORD_PREFIX)
    if state == "invited":
        return Q(is_active=True) & invited
    return Q(is_active=True) & ~invited


def user_scope(actor: Actor) -> QuerySet[User]:
    return User.objects.filter(unit__in=Unit.objects.filter(unit_scope(actor)))


def user_list(
    *,
    actor: Actor,
    q: str | None = None,
    unit: int | None = None,
    kind: str | None = None,
    role: str | None = None,
    state: str | None = None,
) -> QuerySet[User]:
    users = user_scope(actor).select_related("unit")
    if unit:
        users = users.filter(unit_id=unit)
    if kind:
        users = users.filter(unit__kind=kind)
    elif not unit:
        users = users.exclude(unit__kind=UnitKind.LEARNER)
    if role:
        users = users.filter(role=role)
    if state in USER_STATES:
        users = users.filter(_user_state_q(state))
    if q:
        users = users.filter(
            Q(username__icontains=q)
            | Q(display_name__icontains=q)
            | Q(email__icontains=q)
            | Q(unit__name__icontains=q)
        )
    return users.order_by("unit__kind", "unit__name", "username", "pk")


def user_get(*, actor: Actor, pk: int) -> User:
    return fetch(user_scope(actor).select_related("unit", "unit__province", "unit__city"), pk=pk)


def user_state(user: User) -> str:
    if not user.is_active:
        return "disabled"
    if user.last_login is None and not user.has_usable_password():
        return "invited"
    return "active"


def link_scope(actor: Actor) -> QuerySet[AccessLink]:
    return AccessLink.objects.filter(user__in=user_scope(actor))


def link_list(
    *, actor: Actor, user: User | None = None, pending: bool = False
) -> QuerySet[AccessLink]:
    links = link_scope(actor).select_related("user", "user__unit", "created_by")
    if user is not None:
        links = links.filter(user=user)
    if pending:
        links = links.filter(status=AccessLinkStatus.PENDING, expires_at__gt=timezone.now())
    return links.order_by("-created_at", "-pk")


def link_get(*, actor: Actor, pk: int) -> AccessLink:
    return fetch(link_scope(actor).select_related("user", "user__unit"), pk=pk)


def link_by_secret(secret: str) -> AccessLink | None:
    """The usable (pending, unexpired) link with this secret, or None."""
    if not secret or len(secret) > 200:
        return None
    return (
        AccessLink.objects.select_related("user", "user__unit")
        .filter(
            token_hash=hash_secret(secret),
            status=AccessLinkStatus.PENDING,
            expires_at__gt=timezone.now(),
            user__is_active=True,
        )
        .first()
    )


def claim_code_scope(actor: Actor) -> QuerySet[ClaimCode]:
    if actor.is_separated:
        # Students' names and ID numbers: business data, never a separated administrator's.
        return ClaimCode.objects.none()
    return ClaimCode.objects.filter(school_unit__in=Unit.objects.filter(unit_scope(actor)))


def claim_code_list(
    *, actor: Actor, q: str | None = None, state: str | None = None
) -> QuerySet[ClaimCode]:
    codes = claim_code_scope(actor).select_related("candidate", "school_unit")
    if state == "pending":
        codes = codes.filter(status=ClaimCodeStatus.PENDING, expires_at__gt=timezone.now())
    elif state == "expired":
        codes = codes.filter(status=ClaimCodeStatus.PENDING, expires_at__lte=timezone.now())
    elif state in (ClaimCodeStatus.USED, ClaimCodeStatus.REVOKED):
        codes = codes.filter(status=state)
    if q:
        codes = codes.filter(candidate__name__icontains=q)
    return codes.order_by("-created_at", "-pk")


def claim_code_get(*, actor: Actor, pk: int) -> ClaimCode:
    return fetch(claim_code_scope(actor).select_related("candidate", "school_unit"), pk=pk)


def claimable_students(*, actor: Actor, school_unit: Unit) -> QuerySet[Candidate]:
    """The school's students who have no learner account yet."""
    if not may_issue_claim_codes(actor, school_unit):
        return Candidate.objects.none()
    return Candidate.objects.filter(school__unit=school_unit, learner_unit__isnull=True).order_by(
        "name", "pk"
    )
