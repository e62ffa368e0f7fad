"""Declared workflows: every stateful object's moves in one table, performed by one function.

An app declares in its ``workflows.py`` which moves an object allows (from which states, to
which state, who may take them, under which policy rule) and registers the ``Workflow`` here.
``perform`` is then the only way the status changes, so locking, scoping, the state check, the
timeline row and the audit row are written once instead of once per service. Pages and the API
ask ``allowed_moves`` what to offer, so no view repeats the services' permission checks.

core imports no other onex app: the workflow names the model, its scope and its timeline model
as values, never by import.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Generic, TypeVar

from django.db import connections, router, transaction
from django.db.models import Field, Model, QuerySet
from django.utils.functional import Promise
from django.utils.module_loading import autodiscover_modules
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from onex.core.actors import Actor
from onex.core.audit import audit_record
from onex.core.bulk import STAGE_BATCH, Stage
from onex.core.errors import Conflict, DomainError, InvalidInput, NotFound
from onex.core.models.timeline import StatusTimelineEvent
from onex.core.scoping import fetch

M = TypeVar("M", bound=Model)

MAX_REASON = 1000
_DENIED = gettext_lazy("您无权执行此操作。")

#: ``(actor, obj) -> bool``: whether this actor, by role and jurisdiction, may take the move.
#: It must not look at the object's state: the state is the move's ``sources``. Keeping the two
#: apart lets ``perform`` say "not yours" (403) and "not now" (409) for the right reason.
Who = Callable[[Actor, M], bool]


@dataclass(frozen=True)
class Move(Generic[M]):
    """One allowed step: from any of ``sources``, ``action`` leads to ``target``.

    ``target`` None keeps the state (an edit or an upload that still belongs on the timeline).
    ``precheck`` is a declared rule that decides whether the move exists for this object at all
    (Shanxi asks for a city's first review, Guangdong does not): it runs before the state check,
    so the refusal names the rule rather than the state, and ``allowed_moves`` honours it.
    A move whose target depends on the object (a province that wants a city's first review)
    declares every possible target in ``targets`` and picks one with ``choose``, which runs on
    the locked row after the changes are applied; ``perform`` refuses a pick outside the table.
    """

    sources: tuple[str, ...]
    action: str
    target: str | None
    who: Who[M]
    label: str | Promise
    rule: str | None = None
    reason_required: bool = False
    denied: str | Promise = _DENIED
    targets: tuple[str, ...] = ()
    choose: Callable[[M], str] | None = None
    precheck: Callable[[M], None] | None = None

    def applies(self, obj: M) -> bool:
        if self.precheck is None:
            return True
        try:
            self.precheck(obj)
        except DomainError:
            return False
        return True

    def possible_targets(self) -> tuple[str, ...]:
        return self.targets or ((self.target,) if self.target is not None else ())


@dataclass(frozen=True)
class Workflow(Generic[M]):
    """The declared states and moves of one model.

    ``name`` prefixes the audit action ("pilots.application" → "pilots.application.submit").
    ``scope(actor)`` is the actor's jurisdiction: the row is locked through it, so an object
    outside reads as absent (404), never as refused. ``event_model`` is the object's timeline
    (a ``StatusTimelineEvent``) and ``event_fk`` the name of its foreign key to the object.
    ``related`` are the relations the checks read, loaded after the lock. ``audit_view`` is
    what the audit log may hold of the object (masked personal data, no phone numbers); without
    it the audit holds the changed fields themselves.
    """

    name: str
    model: type[M]
    moves: tuple[Move[M], ...]
    scope: Callable[[Actor], QuerySet[M]]
    event_model: type[StatusTimelineEvent]
    event_fk: str
    status_field: str = "status"
    related: tuple[str, ...] = ()
    audit_view: Callable[[M], dict[str, Any]] | None = None
    _by_action: dict[str, list[Move[M]]] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        by_action: dict[str, list[Move[M]]] = {}
        for move in self.moves:
            by_action.setdefault(move.action, []).append(move)
        # A state may offer an action only once, or the table would be ambiguous.
        for action, moves in by_action.items():
            seen: set[str] = set()
            for move in moves:
                overlap = seen & set(move.sources)
                if overlap:
                    raise ValueError(f"{self.name}: {action} declared twice from {overlap}")
                seen |= set(move.sources)
        object.__setattr__(self, "_by_action", by_action)

    def state(self, obj: M) -> str:
        return str(getattr(obj, self.status_field))

    def actions(self) -> list[str]:
        return list(self._by_action)

    def moves_for(self, action: str) -> list[Move[M]]:
        return list(self._by_action.get(action, []))

    def allowed_moves(self, obj: M, actor: Actor) -> list[Move[M]]:
        """The moves this actor may take on ``obj`` now: what pages and the API offer.

        Rule checks (conditions, deadlines) are not judged here: the button stays, and the
        refusal names the rule when pressed, which tells the user more than a missing button.
        """
        if not actor.can_write:
            return []
        state = self.state(obj)
        return [
            m for m in self.moves if state in m.sources and m.who(actor, obj) and m.applies(obj)
        ]

    def allowed_actions(self, obj: M, actor: Actor) -> list[str]:
        return [m.action for m in self.allowed_moves(obj, actor)]

    def label(self, action: str) -> str:
        moves = self._by_action.get(action)
        return str(moves[0].label) if moves else action


# --- registry -----------------------------------------------------------------------------------

_registry: dict[str, Workflow[Any]] = {}


def register(workflow: Workflow[M]) -> Workflow[M]:
    """Add a workflow to the registry (apps call this in their ``workflows.py``)."""
    existing = _registry.get(workflow.name)
    if existing is not None and existing is not workflow:
        raise ValueError(f"workflow {workflow.name!r} is already registered")
    _registry[workflow.name] = workflow
    return workflow


def registered() -> Iterator[Workflow[Any]]:
    """Every declared workflow, so tests and the rule catalogue can walk them all.

    Each app's ``workflows.py`` is imported first (the way the admin finds ``admin.py``), so the
    answer does not depend on which services happened to be imported already.
    """
    autodiscover_modules("workflows")
    return iter(list(_registry.values()))


def get_workflow(name: str) -> Workflow[Any]:
    return _registry[name]


# --- performing a move --------------------------------------------------------------------------


def clean_reason(reason: str, *, required: bool) -> str:
    reason = (reason or "").strip()
    if required and not reason:
        raise InvalidInput(_("请填写原因。"), field="reason")
    if len(reason) > MAX_REASON:
        raise InvalidInput(_("原因不能超过 %(n)s 个字符。") % {"n": MAX_REASON}, field="reason")
    return reason


def _lock(workflow: Workflow[M], actor: Actor, obj: M) -> M:
    # ``of=("self",)``: the scope may join related tables; only the object's row is locked.
    locked = fetch(workflow.scope(actor).select_for_update(of=("self",)), pk=obj.pk)
    if not workflow.related:
        return locked
    # Related rows are loaded after the lock so the locking query stays simple.
    return workflow.model._default_manager.select_related(*workflow.related).get(pk=locked.pk)


def _find_move(workflow: Workflow[M], actor: Actor, obj: M, action: str) -> Move[M]:
    candidates = workflow.moves_for(action)
    if not candidates:
        raise LookupError(f"{workflow.name} declares no move {action!r}")
    # Who before when: a school pressing "confirm" is refused because it is a school (403),
    # whatever the state happens to be, so the answer does not change with timing.
    mine = [m for m in candidates if m.who(actor, obj)]
    actor.require(bool(mine), candidates[0].denied)
    actor.require_write()
    for move in mine:
        if move.precheck is not None:
            move.precheck(obj)
    state = workflow.state(obj)
    for move in mine:
        if state in move.sources:
            return move
    raise Conflict(
        _("当前状态为“%(status)s”，不能执行“%(action)s”。")
        % {"status": _status_label(workflow, obj), "action": candidates[0].label},
        details={"status": state, "action": action},
    )


def _status_label(workflow: Workflow[M], obj: M) -> str:
    display = getattr(obj, f"get_{workflow.status_field}_display", None)
    return str(display()) if callable(display) else workflow.state(obj)


def perform(
    workflow: Workflow[M],
    *,
    actor: Actor,
    obj: M,
    action: str,
    reason: str = "",
    changes: Mapping[str, Any] | Callable[[M], Mapping[str, Any] | None] | None = None,
    check: Callable[[M], None] | None = None,
    related: Callable[[M], Mapping[str, Any] | None] | None = None,
    after_commit: Callable[[M], None] | None = None,
) -> M:
    """Take ``action`` on ``obj`` for ``actor``; return the locked, updated row.

    In one transaction: lock the row through the actor's scope (outside: ``NotFound``), find the
    move the actor may take (``Forbidden``) from the current state (``Conflict``), check the
    reason, run ``check(locked)`` (rule checks, raising ``RuleViolation``), set ``changes``
    (a mapping, or a function of the locked row when the values depend on it) and the target
    state, save, run ``related(locked)`` for writes to other rows (its mapping joins the audit's
    new values), record the timeline event and the audit row with old and new values.
    ``after_commit(locked)`` runs only once the transaction commits (mail, tasks), so a rollback
    never leaves a side effect behind.
    """
    with transaction.atomic():
        locked = _lock(workflow, actor, obj)
        move = _find_move(workflow, actor, locked, action)
        reason = clean_reason(reason, required=move.reason_required)
        if check is not None:
            check(locked)
        old_state = workflow.state(locked)
        view = workflow.audit_view
        before = view(locked) if view is not None else None
        # A function may set the fields itself when one input fills several columns (a sealed ID
        # number); only a workflow with an ``audit_view`` may rely on that, since the old values
        # are then read from the view taken above.
        values = dict((changes(locked) if callable(changes) else changes) or {})
        old = before if before is not None else {name: getattr(locked, name) for name in values}
        for name, value in values.items():
            setattr(locked, name, value)
        new_state = move.choose(locked) if move.choose is not None else move.target
        if new_state is None:
            new_state = old_state
        elif new_state not in move.possible_targets():
            raise LookupError(f"{workflow.name}.{action} may not lead to {new_state!r}")
        setattr(locked, workflow.status_field, new_state)
        locked.save()
        extra = related(locked) if related is not None else None
        workflow.event_model.record(
            actor=actor,
            action=action,
            reason=reason,
            from_status=old_state,
            to_status=new_state,
            **{workflow.event_fk: locked},
        )
        audit_record(
            actor=actor,
            action=f"{workflow.name}.{action}",
            target=locked,
            old={**old, workflow.status_field: old_state},
            new={
                **(view(locked) if view is not None else values),
                workflow.status_field: new_state,
                **({"reason": reason} if reason else {}),
                **(extra or {}),
            },
        )
        if after_commit is not None:
            done = locked
            transaction.on_commit(lambda: after_commit(done))
    return locked


@dataclass(frozen=True)
class ManyOutcome:
    """What ``perform_many`` did: how many rows it changed and how many it left as they were."""

    changed: int
    unchanged: int


def perform_many(
    workflow: Workflow[M],
    *,
    actor: Actor,
    pks: Iterable[int],
    action: str,
    fields: Sequence[str],
    changes: Callable[[Mapping[str, Any]], Mapping[str, Any] | None],
    alike: Sequence[str] = (),
    read: Sequence[str] = (),
    reason: str = "",
    summary: Mapping[str, Any] | None = None,
) -> ManyOutcome:
    """Take one action on many objects in one transaction, set-based: a bulk import's write.

    Every object passes the same checks as in ``perform`` (outside the actor's scope:
    ``NotFound``; a move the actor may not take: ``Forbidden``; a state without the move:
    ``Conflict``; the move's precheck). The checks run on whole model instances, once per
    distinct combination of the object's state and its ``alike`` columns: the caller declares
    that the move's ``who`` and ``precheck`` depend on nothing else (a result's move depends on
    its plan: ``alike=("plan_id",)``). A move that picks its target per object (``choose``) has
    no place here.

    The rows are locked through the scope and read as plain values (``pk``, the state, the
    ``alike`` and ``read`` columns and the current ``fields``), never as instances.
    ``changes(row)`` gives the new values of ``fields``, or ``None`` to leave the row as it is
    (a re-imported file changes nothing). The changed rows are staged in a temporary table
    (PostgreSQL: ``COPY``) and written with one ``UPDATE … FROM``; their timeline events, one
    per changed row, with one ``INSERT … SELECT``. The audit chain gets one event for the whole
    batch, with the count, the ``summary`` and a SHA-256 digest of every changed row's old and
    new values: one chain append instead of one per row, so a 100,000-row file holds the chain's
    lock for a moment, not for the whole import.
    """
    wanted = list(dict.fromkeys(pks))
    reason = clean_reason(reason, required=False)
    fields = list(fields)
    status = workflow.status_field
    columns = list(dict.fromkeys(["pk", status, *alike, *read, *fields]))
    position = {name: i for i, name in enumerate(columns)}
    at_status, at_fields = position[status], [position[name] for name in fields]
    group_columns = [position[name] for name in (status, *alike)]
    model = workflow.model
    connection = connections[router.db_for_write(model)]
    changed = unchanged = 0
    digest = hashlib.sha256()
    if not wanted:
        return ManyOutcome(changed=0, unchanged=0)
    with transaction.atomic(using=connection.alias):
        assert model._meta.pk is not None
        keys = Stage(connection, [("pk", model._meta.pk)])
        keys.load((pk,) for pk in wanted)
        locked = (
            workflow.scope(actor)
            .select_for_update(of=("self",))
            .filter(pk__in=keys.select("pk"))
            .order_by("pk")
            .values_list(*columns)
        )
        status_field = _field(model, status)
        stage = Stage(
            connection,
            [
                ("pk", model._meta.pk),
                *((name, _field(model, name)) for name in fields),
                ("from_status", status_field),
                ("to_status", status_field),
            ],
        )
        targets: dict[tuple[Any, ...], str] = {}
        staged: list[tuple[Any, ...]] = []
        seen = 0
        # Streamed, and staged a batch at a time: neither the rows read nor the rows to write
        # are all held at once (a 100,000-row file within the worker's memory bound).
        for row in locked.iterator(chunk_size=STAGE_BATCH):
            seen += 1
            group = tuple(row[i] for i in group_columns)
            target = targets.get(group)
            if target is None:
                target = targets[group] = _target_of(workflow, actor, action, row[0])
            values = changes(dict(zip(columns, row, strict=True)))
            if not values:
                unchanged += 1
                continue
            new = tuple(values[name] for name in fields)
            old = tuple(row[i] for i in at_fields)
            digest.update(
                repr(
                    (
                        row[0],
                        sorted(zip(fields, old, strict=True)),
                        sorted(zip(fields, new, strict=True)),
                    )
                ).encode("utf-8")
            )
            state = row[at_status]
            staged.append((row[0], *new, state, state if target == _KEEP else target))
            if len(staged) >= STAGE_BATCH:
                stage.load(staged)
                staged = []
        stage.load(staged)
        keys.drop()
        # Checked once every row is read: nothing is written before it (the writes follow).
        if seen != len(wanted):
            raise NotFound(_("未找到该记录，或您无权查看。"))
        changed = stage.rows
        if changed:
            moves_state = any(target != _KEEP for target in targets.values())
            stage.update(
                model,
                key="pk",
                assign={
                    **{name: name for name in fields},
                    **({status: "to_status"} if moves_state else {}),
                },
            )
            stage.insert_into(
                workflow.event_model,
                columns={
                    workflow.event_fk: "pk",
                    "from_status": "from_status",
                    "to_status": "to_status",
                },
                constants=_event_constants(workflow, actor, action, reason),
            )
            audit_record(
                actor=actor,
                action=f"{workflow.name}.{action}.bulk",
                target_type=model._meta.label_lower,
                new={
                    **(summary or {}),
                    "rows": changed,
                    "unchanged": unchanged,
                    "fields": sorted(fields),
                    "sha256": digest.hexdigest(),
                    **({"reason": reason} if reason else {}),
                },
            )
        stage.drop()
    return ManyOutcome(changed=changed, unchanged=unchanged)


_KEEP = "\x00keep"  # a move without a target: the row keeps its state


def _target_of(workflow: Workflow[M], actor: Actor, action: str, pk: int) -> str:
    """The checks of ``perform`` on one (locked) row: the state it moves to, or ``_KEEP``."""
    obj = workflow.model._default_manager.prefetch_related(*workflow.related).get(pk=pk)
    move = _find_move(workflow, actor, obj, action)
    if move.choose is not None:
        raise LookupError(f"{workflow.name}.{action} picks its target per object; use perform")
    return move.target if move.target is not None else _KEEP


def _field(model: type[Model], name: str) -> Field[Any, Any]:
    field = model._meta.get_field(name)
    if not isinstance(field, Field):
        raise ValueError(f"{model._meta.label}.{name} is not a column")
    return field


def _event_constants(
    workflow: Workflow[Any], actor: Actor, action: str, reason: str
) -> dict[str, Any]:
    """Every column of a timeline event but its object and states, as ``record`` fills them."""
    event_model = workflow.event_model
    template = event_model(user=actor.user, unit=actor.unit, action=action, reason=reason)
    skip = {workflow.event_fk, "from_status", "to_status"}
    constants: dict[str, Any] = {}
    for column in event_model._meta.concrete_fields:
        if column.primary_key or column.name in skip:
            continue
        # pre_save fills auto_now_add (the event's time) as a save would.
        constants[column.name] = column.pre_save(template, add=True)
    return constants
