"""The actor: who is acting, for which unit, with which role, from where.

Services and selectors take ``actor`` as a keyword argument; they never look at ``request``.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from django.db.models import Q
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from onex.core.errors import Forbidden
from onex.core.models import NATIONAL_KINDS, SEPARATED_ROLES, Role, Unit, UnitKind, User


@dataclass(frozen=True)
class Actor:
    user: User | None
    unit: Unit | None
    role: str = Role.VIEWER
    ip: str | None = None

    @classmethod
    def for_user(cls, user: User, *, ip: str | None = None) -> Actor:
        return cls(user=user, unit=user.unit, role=user.role, ip=ip)

    @classmethod
    def system(cls) -> Actor:
        """The platform itself (commands, scheduled tasks); national reach, no person."""
        return cls(user=None, unit=None, role=Role.ADMIN)

    @classmethod
    def anonymous(cls, *, ip: str | None = None) -> Actor:
        return cls(user=None, unit=None, role=Role.VIEWER, ip=ip)

    @property
    def is_authenticated(self) -> bool:
        return self.user is not None

    @property
    def is_system(self) -> bool:
        return self.user is None and self.role == Role.ADMIN and self.unit is None

    @property
    def is_separated(self) -> bool:
        """A separated administrator (系统/安全/审计管理员): no business jurisdiction at all."""
        return self.role in SEPARATED_ROLES

    @property
    def kind(self) -> str | None:
        # A separated administrator acts for no business kind: every ``kinds`` check, menu
        # entry, dashboard card and ``require_kind`` refuses it (ADR 0005).
        if self.is_separated:
            return None
        if self.unit is not None:
            return self.unit.kind
        if self.user is not None and self.user.is_superuser:
            return UnitKind.MINISTRY
        return None

    @property
    def is_national(self) -> bool:
        return self.is_system or self.kind in NATIONAL_KINDS

    @property
    def province_id(self) -> int | None:
        return self.unit.province_id if self.unit else None

    @property
    def city_id(self) -> int | None:
        return self.unit.city_id if self.unit else None

    @property
    def unit_id(self) -> int | None:
        return self.unit.pk if self.unit else None

    @property
    def can_write(self) -> bool:
        """May change business data (separated administrators never do)."""
        return self.is_system or self.role in (Role.ADMIN, Role.STAFF)

    @property
    def is_admin(self) -> bool:
        """A business administrator of its unit (separated administrators are not)."""
        return self.is_system or self.role == Role.ADMIN

    def is_kind(self, *kinds: str) -> bool:
        return self.kind in kinds

    def require(self, allowed: bool, message: object = None) -> None:
        """403 for a visible object whose action this actor may not take."""
        if not allowed:
            raise Forbidden(str(message or _("您无权执行此操作。")))

    def require_write(self) -> None:
        """403 for viewers: they read what their unit sees but change nothing."""
        self.require(self.can_write, _("查看者角色不能修改数据。"))

    def require_kind(self, *kinds: str, write: bool = True) -> None:
        self.require(self.is_system or (not self.is_separated and self.kind in kinds))
        if write:
            self.require_write()

    def region_q(
        self,
        *,
        province: str | None = "province",
        city: str | None = "city",
        unit: str | None = None,
        extra: Iterable[tuple[str, Q]] = (),
    ) -> Q:
        """The jurisdiction filter for a model placed in a region.

        ``province``/``city``/``unit`` name the lookups that hold the object's province division,
        city division and owning unit. National actors see everything; a province its province;
        a city its city; an owning unit (school, org, learner) what it owns. ``extra`` adds
        (unit kind, Q) pairs for kinds that see objects by another relation (e.g. an org its
        exams held in a province). Anything else sees nothing.
        """
        if self.is_separated:
            return Q(pk__in=[])
        if self.is_national:
            return Q()
        kind = self.kind
        for extra_kind, q in extra:
            if kind == extra_kind:
                return q
        if kind == UnitKind.PROVINCE and province:
            return Q(**{province: self.province_id})
        if kind == UnitKind.CITY and city:
            return Q(**{city: self.city_id})
        if unit and self.unit is not None:
            return Q(**{unit: self.unit.pk})
        return Q(pk__in=[])


def client_ip(request: HttpRequest) -> str | None:
    # REMOTE_ADDR only: X-Forwarded-For is spoofable unless a trusted proxy rewrites it,
    # which deployments configure at the proxy (see docs/operations).
    return request.META.get("REMOTE_ADDR")


def request_actor(request: HttpRequest) -> Actor:
    """The actor that ``ActorMiddleware`` (or the API's bearer-token auth) put on the request."""
    actor: Actor = request.actor  # type: ignore[attr-defined]
    return actor


def actor_from_request(request: HttpRequest) -> Actor:
    user = getattr(request, "user", None)
    ip = client_ip(request)
    if user is not None and user.is_authenticated:
        return Actor.for_user(user, ip=ip)
    return Actor.anonymous(ip=ip)
