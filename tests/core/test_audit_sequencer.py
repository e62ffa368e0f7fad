"""The audit sequencer (ADR 0006): writers insert pending events without a shared lock, a sealer
chains them after commit. These tests run the production path (``audit_after_commit``), not the
inline sealing the rest of the suite uses."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from typing import Any

import pytest
from django.db import DatabaseError, connection, connections, transaction
from django.test import Client
from django.urls import reverse

from onex.core.actors import Actor
from onex.core.audit import audit_event_list, audit_record, audit_seal, audit_verify_chain
from onex.core.audit_tasks import audit_seal_periodic
from onex.core.models import GENESIS_HASH, AuditAnchor, AuditEvent
from tests.personas import Personas
from tests.race import require_postgresql

pytestmark = pytest.mark.audit_after_commit

BACKEND = "django.contrib.auth.backends.ModelBackend"
WAIT = 30  # seconds: generous on a loaded machine; a pass takes well under one


def _record(action: str) -> AuditEvent:
    return audit_record(actor=Actor.system(), action=action, new={"action": action})


def _chain() -> list[tuple[int | None, str]]:
    return list(AuditEvent.objects.order_by("seq").values_list("seq", "action"))


# --- both databases -----------------------------------------------------------------------------


def test_events_are_pending_until_commit_then_sealed_once_per_transaction(
    db: None, django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        with transaction.atomic():
            first = _record("test.one")
            _record("test.two")
        assert (first.seq, first.prev_hash, first.hash, first.mac_key, first.mac) == (None,) * 5
        assert AuditEvent.objects.filter(seq__isnull=True).count() == 2
        result = audit_verify_chain(seal=False)
        assert (result.ok, result.count, result.pending) == (True, 0, 2)
        assert "2 pending" in str(result)
    # One sealing request per transaction, not one per event.
    assert len(callbacks) == 1
    events = list(AuditEvent.objects.order_by("seq"))
    assert [(e.seq, e.action) for e in events] == [(1, "test.one"), (2, "test.two")]
    assert events[0].prev_hash == GENESIS_HASH and events[1].prev_hash == events[0].hash
    assert all(e.mac and e.mac_key for e in events)
    assert AuditAnchor.objects.get().head_seq == 2
    result = audit_verify_chain()
    assert (result.ok, result.count, result.pending) == (True, 2, 0)


def test_verification_seals_committed_pending_events_first(db: None) -> None:
    _record("test.pending")  # the test's transaction never commits: nothing sealed it
    assert AuditEvent.objects.get().seq is None
    result = audit_verify_chain()
    assert (result.ok, result.count, result.pending) == (True, 1, 0)
    assert AuditEvent.objects.get().seq == 1


def test_pending_events_are_listed_first_and_shown_as_pending(personas: Personas) -> None:
    audit_seal(wait=True)  # the personas' own setup events
    sealed = _record("test.sealed")
    audit_seal(wait=True)
    pending = _record("test.pending")
    events = list(audit_event_list(actor=personas.auditadmin.actor)[:2])
    assert [e.pk for e in events] == [pending.pk, sealed.pk]
    assert events[0].seq is None and events[1].seq is not None

    client = Client()
    client.force_login(personas.auditadmin.user, backend=BACKEND)
    response = client.get(reverse("audit"), {"action": "test."})
    assert response.status_code == 200
    html = response.content.decode()
    assert "待封存" in html and reverse("audit_detail", args=[events[1].seq]) in html
    body = client.get("/api/v1/audit/events", {"action": "test.pending"}).json()
    assert [(i["seq"], i["hash"]) for i in body["items"]] == [(None, None)]


@pytest.mark.django_db(transaction=True)
def test_a_rolled_back_writer_leaves_no_event_and_no_gap() -> None:
    _record("test.before")
    with pytest.raises(RuntimeError), transaction.atomic():
        _record("test.rolled_back")
        raise RuntimeError("the writer fails after auditing")
    _record("test.after")
    assert _chain() == [(1, "test.before"), (2, "test.after")]
    result = audit_verify_chain()
    assert (result.ok, result.count, result.pending) == (True, 2, 0)


@pytest.mark.django_db(transaction=True)
def test_the_periodic_task_seals_what_no_writer_sealed() -> None:
    with transaction.atomic():
        event = _record("test.orphan")
        # As if the after-commit sealing had failed: drop the transaction's sealing request.
        connection.run_on_commit = []
    assert AuditEvent.objects.get(pk=event.pk).seq is None
    audit_seal_periodic.call_local()
    assert AuditEvent.objects.get(pk=event.pk).seq == 1
    assert audit_verify_chain().ok


# --- PostgreSQL: writers do not wait for each other ---------------------------------------------


def _in_thread(body: Callable[[], None]) -> tuple[threading.Thread, list[BaseException]]:
    errors: list[BaseException] = []

    def run() -> None:
        try:
            body()
        except BaseException as exc:  # re-raised by the test through the list
            errors.append(exc)
        finally:
            connections.close_all()

    thread = threading.Thread(target=run)
    thread.start()
    return thread, errors


def _open_writer(action: str, *, commit: bool) -> tuple[threading.Thread, list[BaseException], Any]:
    """A writer that audits a change, then holds its transaction open until released."""
    recorded, release = threading.Event(), threading.Event()
    box: dict[str, int] = {}

    def body() -> None:
        with transaction.atomic():
            box["pk"] = _record(action).pk
            recorded.set()
            assert release.wait(WAIT)
            if not commit:
                transaction.set_rollback(True)

    thread, errors = _in_thread(body)
    assert recorded.wait(WAIT), errors
    return thread, errors, (release, box)


def _fast_writer(action: str) -> tuple[AuditEvent, float]:
    """Audit a change and commit; with the old anchor lock this would wait for the open writer.
    A lock timeout turns that wait into an error instead of a hung test."""
    started = time.monotonic()
    with transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL lock_timeout = '3s'")
        event = _record(action)
    return AuditEvent.objects.get(pk=event.pk), time.monotonic() - started


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_a_writer_holding_its_transaction_open_does_not_block_another() -> None:
    require_postgresql()
    thread, errors, (release, box) = _open_writer("test.slow", commit=True)
    try:
        fast, elapsed = _fast_writer("test.fast")
        # Committed and sealed while the slow writer's transaction is still open.
        assert fast.seq == 1 and elapsed < 3, elapsed
        assert thread.is_alive()
    finally:
        release.set()
        thread.join(WAIT)
    assert not errors
    slow = AuditEvent.objects.get(pk=box["pk"])
    # Inserted first (lower id) but committed last: it takes the next position, no gap.
    assert slow.pk < fast.pk and slow.seq == 2
    assert _chain() == [(1, "test.fast"), (2, "test.slow")]
    result = audit_verify_chain()
    assert (result.ok, result.count, result.pending) == (True, 2, 0)


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_an_open_writer_that_rolls_back_leaves_no_gap_in_the_chain() -> None:
    require_postgresql()
    thread, errors, (release, _box) = _open_writer("test.rolled_back", commit=False)
    try:
        fast, _elapsed = _fast_writer("test.fast")
        assert fast.seq == 1
    finally:
        release.set()
        thread.join(WAIT)
    assert not errors
    _fast_writer("test.after")
    assert _chain() == [(1, "test.fast"), (2, "test.after")]
    assert audit_verify_chain().ok


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_a_sealer_skips_when_another_holds_the_anchor_and_the_writer_does_not_wait() -> None:
    require_postgresql()
    audit_seal(wait=True)  # creates the anchor row
    locked, release = threading.Event(), threading.Event()

    def hold_anchor() -> None:
        with transaction.atomic():
            AuditAnchor.objects.select_for_update().get()
            locked.set()
            assert release.wait(WAIT)

    thread, errors = _in_thread(hold_anchor)
    try:
        assert locked.wait(WAIT)
        event, elapsed = _fast_writer("test.while_sealing")
        assert event.seq is None and elapsed < 3  # left pending, nobody waited
        assert audit_seal(wait=False) == 0
    finally:
        release.set()
        thread.join(WAIT)
    assert not errors
    audit_seal_periodic.call_local()
    assert AuditEvent.objects.get(pk=event.pk).seq == 1


# --- PostgreSQL: the append-only trigger lets exactly the sealing update through ----------------


def _refused(sql: str, params: list[Any]) -> None:
    with (
        pytest.raises(DatabaseError, match="append-only"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute(sql, params)


@pytest.mark.postgres
def test_the_trigger_allows_one_sealing_update_and_nothing_else(db: None) -> None:
    require_postgresql()
    event = _record("test.pending")
    table = AuditEvent._meta.db_table
    seal_and_edit = (
        f"UPDATE {table} SET seq = 1, prev_hash = %s, hash = %s, mac_key = 'k', mac = %s, "  # noqa: S608
        "action = %s WHERE id = %s"
    )
    _refused(f"UPDATE {table} SET action = %s WHERE id = %s", ["test.forged", event.pk])  # noqa: S608
    _refused(seal_and_edit, [GENESIS_HASH, "a" * 64, "b" * 64, "test.forged", event.pk])
    _refused(f"UPDATE {table} SET seq = 1 WHERE id = %s", [event.pk])  # noqa: S608  (partial)
    _refused(f"DELETE FROM {table} WHERE id = %s", [event.pk])  # noqa: S608
    assert audit_seal(wait=True) == 1  # the real sealing update passes
    sealed = AuditEvent.objects.get(pk=event.pk)
    assert sealed.seq == 1 and sealed.action == "test.pending"
    _refused(f"UPDATE {table} SET hash = %s WHERE id = %s", ["c" * 64, event.pk])  # noqa: S608
    _refused(
        f"UPDATE {table} SET seq = NULL, prev_hash = NULL, hash = NULL, mac_key = NULL, "  # noqa: S608
        "mac = NULL WHERE id = %s",
        [event.pk],
    )
    assert audit_verify_chain().ok
