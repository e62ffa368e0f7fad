"""The kernel's registries: what apps contribute to the shell without core importing them.

Every app declares its contributions in its own ``shell.py`` (to-do providers, menu entries,
dashboard cards, demo-data steps, policy settings); ``CoreConfig.ready()`` imports those modules
the way the admin imports ``admin.py``. Core's pages (dashboard, menu, ``demo_data``, policy
profiles) read only these registries, so a new app plugs in without an edit in core.

A menu entry or a to-do provider names the URL patterns it links to; the system check
``onex.E001`` (``onex.core.checks``) refuses to start when one of them does not resolve.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from decimal import Decimal
from typing import TYPE_CHECKING, Any, Generic, Protocol, TypeVar

from django.urls import reverse
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

if TYPE_CHECKING:
    from onex.core.actors import Actor


class Named(Protocol):
    @property
    def name(self) -> str: ...

    @property
    def order(self) -> int: ...


T = TypeVar("T", bound=Named)


class Registry(Generic[T]):
    """Named contributions kept in their declared order (then by name, for a stable result)."""

    def __init__(self, what: str) -> None:
        self.what = what
        self._items: dict[str, T] = {}

    def register(self, item: T) -> T:
        existing = self._items.get(item.name)
        if existing is not None and existing != item:
            raise ValueError(f"{self.what} {item.name!r} registered twice")
        self._items[item.name] = item
        return item

    def unregister(self, name: str) -> None:
        self._items.pop(name, None)

    @contextmanager
    def added(self, *items: T) -> Iterator[None]:
        """Register ``items`` for the duration of a block (tests, one-off checks)."""
        for item in items:
            self.register(item)
        try:
            yield
        finally:
            for item in items:
                self.unregister(item.name)

    def __getitem__(self, name: str) -> T:
        return self._items[name]

    def get(self, name: str) -> T | None:
        return self._items.get(name)

    def __contains__(self, name: object) -> bool:
        return name in self._items

    def __len__(self) -> int:
        return len(self._items)

    def all(self) -> list[T]:
        return sorted(self._items.values(), key=lambda item: (item.order, item.name))


# --- URLs -------------------------------------------------------------------------------------


def todo_url(name: str, query: str = "") -> str:
    """The URL of a pattern without arguments, with an optional query string.

    No fallback: a name that does not resolve is a programming error the system check
    (onex.E001) reports at startup.
    """
    return reverse(name) + (f"?{query}" if query else "")


# --- To-dos -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class TodoItem:
    """Something the actor can do now, and the page where it does it.

    A to-do is never a statistic: a count of schools or certificates is a dashboard ``Figure``.
    ``url`` is required and must lead to a page where the actor acts (a form or a move button);
    an item without one is a programming error, refused here rather than rendered as text.
    """

    title: str
    url: str
    count: int | None = None
    deadline: dt.date | None = None
    tone: str = "info"  # info | warning | danger: how urgently the item asks for attention
    note: str = ""

    def __post_init__(self) -> None:
        if not self.url:
            raise ValueError(f"to-do {self.title!r} names no page to act on")


@dataclass(frozen=True)
class TodoProvider:
    """``provide(actor, today)`` returns what awaits ``actor``.

    Who a provider serves is declared here, not decided inside ``provide``: ``kinds`` (``None``:
    every kind), ``writers_only`` (viewers act on nothing, so by default they get no to-dos),
    ``admin_only``, and ``audience``, the permission of the service the to-do leads to (e.g.
    ``can_edit_calendar``), so a to-do never reaches someone the page would refuse.
    ``url_names`` declares every URL pattern the items may link to (checked at startup).
    """

    name: str
    provide: Callable[[Actor, dt.date], list[TodoItem]]
    order: int
    kinds: frozenset[str] | None = None
    url_names: tuple[str, ...] = ()
    writers_only: bool = True
    admin_only: bool = False
    audience: Callable[[Actor], bool] | None = None

    def applies_to(self, actor: Actor) -> bool:
        if self.kinds is not None and actor.kind not in self.kinds:
            return False
        if self.writers_only and not actor.can_write:
            return False
        if self.admin_only and not actor.is_admin:
            return False
        return self.audience is None or self.audience(actor)


todos: Registry[TodoProvider] = Registry("to-do provider")


# --- Menu -------------------------------------------------------------------------------------

GROUP_WORK = _("业务工作")
GROUP_SYSTEM = _("系统与账户")


@dataclass(frozen=True)
class MenuEntry:
    """A declared menu entry. ``kinds=None`` means every unit kind; ``order`` is display order.

    Entries of one group should have neighbouring orders so the template can regroup them.
    ``key`` tells apart two entries for the same page (e.g. one label for officials, one for
    schools); it defaults to the URL name.
    """

    label: str | Promise
    url_name: str
    order: int
    group: str | Promise = GROUP_WORK
    kinds: frozenset[str] | None = None
    admin_only: bool = False
    writers_only: bool = False
    key: str = ""
    # Only these roles (e.g. the separated administrators' pages); None: any role.
    roles: frozenset[str] | None = None

    @property
    def name(self) -> str:
        return self.key or self.url_name

    def visible_to(self, actor: Actor) -> bool:
        if self.roles is not None and actor.role not in self.roles:
            return False
        if self.kinds is not None and actor.kind not in self.kinds:
            return False
        if self.admin_only and not actor.is_admin:
            return False
        return not (self.writers_only and not actor.can_write)


menu: Registry[MenuEntry] = Registry("menu entry")


# --- Dashboard cards --------------------------------------------------------------------------


@dataclass(frozen=True)
class Figure:
    label: str
    value: int | str
    note: str = ""
    url: str | None = None

    @property
    def is_number(self) -> bool:
        return isinstance(self.value, int)


@dataclass(frozen=True)
class Chart:
    title: str
    series_name: str
    categories: list[str]
    values: list[int]
    kind: str = "bar"  # bar | pie

    def as_json(self) -> dict[str, Any]:
        return {
            "title": self.title,
            "seriesName": self.series_name,
            "categories": self.categories,
            "values": self.values,
            "kind": self.kind,
        }

    @property
    def rows(self) -> list[tuple[str, int]]:
        return list(zip(self.categories, self.values, strict=True))


@dataclass(frozen=True)
class CardContent:
    """What one card adds to a dashboard: figures, at most one chart, and optionally the name
    of whose workbench it is (e.g. the school's name on a school's dashboard)."""

    figures: list[Figure] = field(default_factory=list)
    chart: Chart | None = None
    region: str | None = None


@dataclass(frozen=True)
class DashboardCard:
    """Figures and charts an app shows on the dashboards of the unit kinds in ``kinds``."""

    name: str
    kinds: frozenset[str]
    build: Callable[[Actor], CardContent]
    order: int
    url_names: tuple[str, ...] = ()


cards: Registry[DashboardCard] = Registry("dashboard card")


# --- Demo data --------------------------------------------------------------------------------


Log = Callable[[str], None]


@dataclass
class DemoReport:
    created: Counter[str] = field(default_factory=Counter)
    refusals: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class DemoStep:
    """One idempotent step of ``manage.py demo_data``; steps run in ``order``."""

    name: str
    order: int
    load: Callable[[DemoReport, Log], None]


demo_steps: Registry[DemoStep] = Registry("demo step")


@dataclass(frozen=True)
class DemoAccount:
    """A demo login some demo step creates; ``manage.py demo_accounts`` lists them all.

    Whichever app's step creates the account declares it here, so the startup banner, the
    ``demo_data`` summary and the tests read one list (the README's table must match it).
    """

    username: str
    role: str
    unit: str
    description: str
    kind: str = ""  # the unit's kind, for units other apps' steps create (org, school)
    order: int = 0

    @property
    def name(self) -> str:
        return self.username


demo_accounts: Registry[DemoAccount] = Registry("demo account")


class CountingLoader(Protocol):
    def __call__(self, *, stdout: Log) -> Mapping[str, int]: ...


def counted(load: CountingLoader) -> Callable[[DemoReport, Log], None]:
    """A demo step from an app's ``load_demo(*, stdout) -> {what: how many created}``."""

    def step(report: DemoReport, log: Log) -> None:
        report.created.update(load(stdout=log))

    return step


# --- Domain events ----------------------------------------------------------------------------


@dataclass(frozen=True)
class EventListener:
    """A downstream app's reaction to an upstream app's committed change.

    The upstream app names the event (``"certificates.issued"``) and calls :func:`emit` once its
    transaction commits; listeners (e.g. the credit bank entering an outcome) run then, in
    ``order``. An upstream app thus never imports the apps that react to it, and no logic hides
    in model signals.
    """

    name: str
    event: str
    handle: Callable[[Any], None]
    order: int = 0


listeners: Registry[EventListener] = Registry("event listener")


def emit(event: str, payload: Any) -> None:
    """Run every listener of ``event`` with ``payload`` (call it from ``on_commit``)."""
    for listener in listeners.all():
        if listener.event == event:
            listener.handle(payload)


# --- Import specs -----------------------------------------------------------------------------

# ``onex.core.imports.ImportSpec`` instances, registered by each app's ``importers.py`` through
# ``onex.core.imports.register_spec`` and discovered on first use of the imports page or API.
import_specs: Registry[Any] = Registry("import spec")


# --- Policy settings --------------------------------------------------------------------------

PolicyPython = Decimal | int | bool | dt.date | None


class PolicyType:
    RATIO = "ratio"  # Decimal in [0, 1]
    INT = "int"
    BOOL = "bool"
    DAYS = "days"  # calendar days
    WORKING_DAYS = "working_days"  # PRC working days (onex.core.calendar)
    MONTHS = "months"
    WEEKS = "weeks"
    DATE = "date"


class PolicySource:
    """Where a setting's shipped default comes from."""

    POLICY = "policy"  # the figure is in the policy documents
    PLATFORM = "platform"  # the documents give none; the platform chose it, and says so


def year_end(on: dt.date) -> dt.date:
    return dt.date(on.year, 12, 31)


@dataclass(frozen=True)
class PolicySetting:
    """A threshold or deadline of POLICY-RULES.md with its shipped (national) default."""

    key: str
    type: str
    default: PolicyPython
    rule: str
    label: str | Promise
    unit: str | Promise = ""
    optional: bool = False  # None is an allowed value (e.g. "no deadline set")
    maximum: int | None = None
    order: int = 0
    source: str = "policy"  # PolicySource: "policy" (the documents give it) or "platform"
    # A default that depends on the date asked (a yearly deadline); overrides ``default``.
    default_on: Callable[[dt.date], PolicyPython] | None = None

    @property
    def name(self) -> str:
        return self.key

    @property
    def is_platform_default(self) -> bool:
        return self.source == PolicySource.PLATFORM

    def default_for(self, on: dt.date | None = None) -> PolicyPython:
        if self.default_on is not None:
            return self.default_on(on or timezone.localdate())
        return self.default


policy_keys: Registry[PolicySetting] = Registry("policy setting")


@dataclass(frozen=True)
class BatchChoice:
    number: int
    label: str

    def __str__(self) -> str:
        return self.label


@dataclass(frozen=True)
class BatchSource:
    """Where the policy pages find the batches a batch-scoped value may name.

    Batches belong to the catalogue, which registers this; core only knows batch numbers.
    """

    name: str
    order: int
    choices: Callable[[], list[BatchChoice]]
    exists: Callable[[int], bool]


batch_sources: Registry[BatchSource] = Registry("batch source")


def batch_choices() -> list[BatchChoice]:
    return [choice for source in batch_sources.all() for choice in source.choices()]


def batch_exists(number: int) -> bool:
    return any(source.exists(number) for source in batch_sources.all())


# --- School metrics ---------------------------------------------------------------------------


@dataclass(frozen=True)
class SchoolMetric:
    """A per-school figure a downstream app computes and another reads without importing it.

    ``compute(school_ids, start, end)`` returns a ratio in [0, 1] per school id for the period;
    a school missing from the answer has no figure ("not available"). Reporting registers the
    weekly-report rate (``reporting_rate``), funding the funds compliance (``funds_compliance``);
    supervision's end-of-pilot evaluation (R42) reads them here.
    """

    name: str
    label: str | Promise
    compute: Callable[[list[int], dt.date, dt.date], dict[int, Decimal]]
    order: int = 0


school_metrics: Registry[SchoolMetric] = Registry("school metric")
