"""The audit chain: hashing, tamper detection, retention purge, scoping, pages and API."""

from __future__ import annotations

import datetime as dt
import io
import itertools
import threading
from decimal import Decimal
from unittest import mock

import openpyxl
import pytest
from django.core.management import CommandError, call_command
from django.db import close_old_connections, connection
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from onex.core.actors import Actor
from onex.core.audit import (
    audit_event_get,
    audit_event_list,
    audit_personal_view,
    audit_purge,
    audit_record,
    audit_verify_chain,
    compute_hash,
)
from onex.core.errors import Forbidden, InvalidInput, NotFound
from onex.core.models import (
    GENESIS_HASH,
    AuditAnchor,
    AuditAppendOnlyError,
    AuditEvent,
    Role,
)
from tests.personas import Persona, Personas, make_user

BACKEND = "django.contrib.auth.backends.ModelBackend"
CLEAR_ID = "11010519491231002X"
MASKED_ID = "1101**********002X"


@pytest.fixture(autouse=True)
def table_owner(request: pytest.FixtureRequest) -> None:
    """These tests play a table owner who edits rows by hand: on PostgreSQL they first disable
    the append-only trigger (inside the test's transaction, so it comes back afterwards).
    The trigger itself is tested in test_audit_keyed.py."""
    if "transaction" in request.node.name or "concurrent" in request.node.name:
        return
    request.getfixturevalue("db")
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(
                "ALTER TABLE core_auditevent DISABLE TRIGGER core_auditevent_append_only"
            )


def record_many(actor: Actor, n: int, action: str = "test.write") -> list[AuditEvent]:
    return [audit_record(actor=actor, action=action, new={"i": i}) for i in range(n)]


def client_for(persona: Persona) -> Client:
    client = Client()
    client.force_login(persona.user, backend=BACKEND)
    return client


def hb_admin(personas: Personas) -> Persona:
    return make_user("hb-admin", personas.hb.unit, Role.ADMIN)


# --- chain --------------------------------------------------------------------------------------


def test_writes_are_chained_with_contiguous_seqs(personas: Personas) -> None:
    record_many(personas.gd.actor, 3)
    events = list(AuditEvent.objects.order_by("seq"))
    assert [e.seq for e in events] == list(range(1, len(events) + 1))
    assert events[0].prev_hash == GENESIS_HASH
    for before, after in itertools.pairwise(events):
        assert after.prev_hash == before.hash
    anchor = AuditAnchor.objects.get()
    assert (anchor.head_seq, anchor.head_hash) == (events[-1].seq, events[-1].hash)
    result = audit_verify_chain()
    assert result.ok and result.count == len(events)
    assert str(result) == f"OK {len(events)} events"


def test_event_copies_actor_unit_province_target_and_ip(personas: Personas) -> None:
    event = audit_record(
        actor=personas.gd.actor,
        action="school.update",
        target=personas.gd_school_obj,
        old={"name": "旧名"},
        new={"name": "新名"},
    )
    assert event.actor_id == personas.gd.user.pk
    assert event.actor_username == "gd-admin"
    assert event.unit_name == "广东省教育厅"
    assert event.unit_province_id == personas.gd.actor.province_id
    assert event.target_type == "pilots.school"
    assert event.target_id == str(personas.gd_school_obj.pk)
    assert event.ip == "127.0.0.1"
    assert timezone.is_aware(event.at)


def test_values_are_json_safe_and_clear_id_numbers_are_redacted(personas: Personas) -> None:
    event = audit_record(
        actor=personas.gd.actor,
        action="learner.update",
        old={"id_number": CLEAR_ID, "note": f"证件 {CLEAR_ID} 已核对"},
        new={
            "fee": Decimal("120.50"),
            "day": dt.date(2024, 10, 1),
            "when": dt.datetime(2024, 10, 1, 8, 0, tzinfo=dt.timezone.utc),
            "score": 85.5,
            "tags": ("a", "b"),
            3: "int key",  # type: ignore[dict-item]  # untyped callers do this
        },
    )
    event.refresh_from_db()
    assert event.old == {"id_number": MASKED_ID, "note": f"证件 {MASKED_ID} 已核对"}
    assert event.new == {
        "fee": "120.50",
        "day": "2024-10-01",
        "when": "2024-10-01T08:00:00+00:00",
        "score": "85.5",
        "tags": ["a", "b"],
        "3": "int key",
    }
    assert CLEAR_ID not in str(AuditEvent.objects.values_list("old", "new"))
    assert audit_verify_chain().ok


def test_personal_view_is_recorded_with_target_and_field(personas: Personas) -> None:
    event = audit_personal_view(
        actor=personas.gd_school.actor, target=personas.gd_school.user, field="id_number"
    )
    assert event.action == "personal.view"
    assert event.target_type == "core.user"
    assert event.new == {"field": "id_number"}
    assert audit_verify_chain().ok


def test_audit_record_joins_the_callers_transaction(personas: Personas) -> None:
    from django.db import transaction

    before = AuditEvent.objects.count()
    with pytest.raises(RuntimeError), transaction.atomic():
        audit_record(actor=personas.gd.actor, action="test.rolled_back")
        raise RuntimeError("caller fails after auditing")
    assert AuditEvent.objects.count() == before
    assert audit_verify_chain().ok
    audit_record(actor=personas.gd.actor, action="test.after")
    assert audit_verify_chain().ok


# --- tamper detection ---------------------------------------------------------------------------


def test_changed_new_value_is_reported_at_its_seq(personas: Personas) -> None:
    events = record_many(personas.gd.actor, 5)
    target = events[2]
    AuditEvent.objects.filter(seq=target.seq).update(new={"i": 999})
    result = audit_verify_chain()
    assert not result.ok
    assert result.broken_seq == target.seq
    assert result.code == "hash"


def test_raw_sql_change_is_reported_at_its_seq(personas: Personas) -> None:
    events = record_many(personas.gd.actor, 4)
    target = events[1]
    table = AuditEvent._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {table} SET actor_username = %s WHERE seq = %s",  # noqa: S608
            ["someone-else", target.seq],
        )
    result = audit_verify_chain()
    assert (result.ok, result.broken_seq, result.code) == (False, target.seq, "hash")


def test_rehashed_forgery_fails_its_mac(personas: Personas) -> None:
    events = record_many(personas.gd.actor, 4)
    target = AuditEvent.objects.get(seq=events[1].seq)
    target.new = {"i": 999}
    forged = compute_hash({f: getattr(target, f) for f in _hashed_fields()})
    AuditEvent.objects.filter(seq=target.seq).update(new={"i": 999}, hash=forged)
    result = audit_verify_chain()
    assert (result.broken_seq, result.code) == (target.seq, "mac")


def _hashed_fields() -> tuple[str, ...]:
    from onex.core import audit

    return audit._HASHED_FIELDS


def test_deleted_middle_event_is_reported(personas: Personas) -> None:
    events = record_many(personas.gd.actor, 5)
    missing = events[2].seq
    AuditEvent.objects.filter(seq=missing).delete()  # QuerySet delete bypasses the model guard
    result = audit_verify_chain()
    assert (result.ok, result.broken_seq, result.code) == (False, missing, "missing")


def test_deleted_last_event_is_reported_as_truncation(personas: Personas) -> None:
    events = record_many(personas.gd.actor, 3)
    AuditEvent.objects.filter(seq=events[-1].seq).delete()
    result = audit_verify_chain()
    assert (result.ok, result.broken_seq, result.code) == (False, events[-1].seq, "truncated")


def test_anchor_moved_forward_by_hand_is_reported(personas: Personas) -> None:
    record_many(personas.gd.actor, 3)
    AuditAnchor.objects.update(anchor_seq=2)
    result = audit_verify_chain()
    assert (result.ok, result.broken_seq, result.code) == (False, 1, "anchor")


def test_orm_instance_update_and_delete_are_refused(personas: Personas) -> None:
    event = audit_record(actor=personas.gd.actor, action="test.write")
    event.action = "test.changed"
    with pytest.raises(AuditAppendOnlyError):
        event.save()
    with pytest.raises(AuditAppendOnlyError):
        event.delete()
    assert AuditEvent.objects.get(seq=event.seq).action == "test.write"
    assert audit_verify_chain().ok


# --- commands -----------------------------------------------------------------------------------


def test_audit_verify_command_says_ok_or_exits_1_with_the_seq(personas: Personas) -> None:
    events = record_many(personas.gd.actor, 3)
    out = io.StringIO()
    call_command("audit_verify", stdout=out)
    assert out.getvalue().startswith(f"OK {AuditEvent.objects.count()} events")

    AuditEvent.objects.filter(seq=events[1].seq).update(new={"i": "forged"})
    err = io.StringIO()
    with pytest.raises(SystemExit) as exit_info:
        call_command("audit_verify", stdout=io.StringIO(), stderr=err)
    assert exit_info.value.code == 1
    assert f"seq {events[1].seq}" in err.getvalue()


# --- retention ----------------------------------------------------------------------------------


def _record_at(when: dt.datetime, actor: Actor, n: int) -> list[AuditEvent]:
    with mock.patch("django.utils.timezone.now", return_value=when):
        return record_many(actor, n)


def _fresh_chain() -> None:
    """Start an empty chain: the personas' setup events are young and would stop a purge."""
    AuditEvent.objects.all().delete()
    AuditAnchor.objects.all().delete()


def test_purge_removes_old_events_and_the_chain_still_verifies(personas: Personas) -> None:
    now = timezone.now()
    actor = personas.gd.actor
    _fresh_chain()
    old = _record_at(now - dt.timedelta(days=200), actor, 3)
    young = _record_at(now - dt.timedelta(days=10), actor, 2)

    result = audit_purge(actor=Actor.system(), now=now)

    assert result.purged == 3
    assert result.anchor_seq == old[-1].seq
    assert not AuditEvent.objects.filter(seq__lte=old[-1].seq).exists()
    assert set(young_seqs := [e.seq for e in young]) <= set(
        AuditEvent.objects.values_list("seq", flat=True)
    )
    anchor = AuditAnchor.objects.get()
    assert (anchor.anchor_seq, anchor.anchor_hash) == (old[-1].seq, old[-1].hash)
    assert anchor.purged_count == 3
    purge_event = AuditEvent.objects.order_by("-seq").first()
    assert purge_event is not None and purge_event.action == "audit.purge"
    assert purge_event.seq == young_seqs[-1] + 1
    verify = audit_verify_chain()
    assert verify.ok and verify.count == 3  # two young events and the purge record


def test_purge_in_batches_moves_the_anchor_each_time(personas: Personas) -> None:
    now = timezone.now()
    _fresh_chain()
    old = _record_at(now - dt.timedelta(days=400), personas.gd.actor, 7)
    result = audit_purge(actor=Actor.system(), now=now, batch_size=2)
    assert result.anchor_seq == old[-1].seq
    assert audit_verify_chain().ok


def test_purge_refuses_a_retention_shorter_than_the_setting(personas: Personas) -> None:
    record_many(personas.gd.actor, 2)
    with pytest.raises(InvalidInput):
        audit_purge(actor=Actor.system(), older_than_days=30)
    with pytest.raises(CommandError):
        call_command("audit_purge", "--days", "30", stdout=io.StringIO())


def test_purge_keeps_events_younger_than_the_retention(personas: Personas) -> None:
    now = timezone.now()
    young = _record_at(now - dt.timedelta(days=183), personas.gd.actor, 2)
    result = audit_purge(actor=Actor.system(), now=now)
    assert result.purged == 0
    assert AuditEvent.objects.filter(seq__in=[e.seq for e in young]).count() == 2


def test_purge_stops_at_the_first_young_event_even_if_a_later_one_is_older(
    personas: Personas,
) -> None:
    now = timezone.now()
    _fresh_chain()
    first = _record_at(now - dt.timedelta(days=300), personas.gd.actor, 1)
    _record_at(now - dt.timedelta(days=5), personas.gd.actor, 1)
    # A server with a clock far behind wrote this one: it must survive, the chain stays whole.
    _record_at(now - dt.timedelta(days=300), personas.gd.actor, 1)
    result = audit_purge(actor=Actor.system(), now=now)
    assert result.purged == 1 and result.anchor_seq == first[0].seq
    assert audit_verify_chain().ok


def test_purge_refuses_to_launder_a_broken_chain(personas: Personas) -> None:
    now = timezone.now()
    _fresh_chain()
    old = _record_at(now - dt.timedelta(days=300), personas.gd.actor, 3)
    AuditEvent.objects.filter(seq=old[1].seq).update(new={"i": "forged"})
    with pytest.raises(InvalidInput):
        audit_purge(actor=Actor.system(), now=now)
    assert AuditEvent.objects.filter(seq=old[1].seq).exists()


def test_purge_is_for_national_admins_and_the_system_only(personas: Personas) -> None:
    with pytest.raises(Forbidden):
        audit_purge(actor=personas.gd.actor)


def test_purge_command_reports_nothing_to_purge(personas: Personas) -> None:
    out = io.StringIO()
    call_command("audit_purge", stdout=out)
    assert "Nothing to purge" in out.getvalue()


# --- scoping ------------------------------------------------------------------------------------


def test_hubei_admin_does_not_see_guangdong_events(personas: Personas) -> None:
    gd_event = audit_record(actor=personas.gd_school.actor, action="test.gd")
    hb_event = audit_record(actor=personas.hb_school.actor, action="test.hb")
    hb = hb_admin(personas).actor
    seen = set(audit_event_list(actor=hb).values_list("seq", flat=True))
    assert hb_event.seq in seen
    assert gd_event.seq not in seen
    with pytest.raises(NotFound):
        audit_event_get(actor=hb, seq=gd_event.seq)


def test_guangdong_admin_sees_its_province_and_its_own_unit(personas: Personas) -> None:
    school_event = audit_record(actor=personas.gd_school.actor, action="test.school")
    own_event = audit_record(actor=personas.gd.actor, action="test.own")
    national_event = audit_record(actor=personas.ministry.actor, action="test.national")
    seen = set(audit_event_list(actor=personas.gd.actor).values_list("seq", flat=True))
    assert {school_event.seq, own_event.seq} <= seen
    assert national_event.seq not in seen


def test_ministry_admin_sees_every_event(personas: Personas) -> None:
    record_many(personas.hb_school.actor, 1)
    assert audit_event_list(actor=personas.ministry.actor).count() == AuditEvent.objects.count()


@pytest.mark.parametrize("who", ["gd_school", "gd_viewer", "aggregator", "gz_city", "org"])
def test_non_admins_and_other_units_are_refused(personas: Personas, who: str) -> None:
    with pytest.raises(Forbidden):
        audit_event_list(actor=getattr(personas, who).actor)


def test_filters_by_action_prefix_actor_dates_and_search(personas: Personas) -> None:
    now = timezone.now()
    _record_at(now - dt.timedelta(days=3), personas.gd_school.actor, 1)
    audit_record(actor=personas.gd_school.actor, action="school.update", target_id="X-42")
    m = personas.ministry.actor
    assert audit_event_list(actor=m, action="school.update").count() == 1
    assert audit_event_list(actor=m, action="school.").count() == 1
    assert audit_event_list(actor=m, actor_username="gd-school").count() == 2
    today = timezone.localdate()
    assert audit_event_list(actor=m, actor_username="gd-school", since=today).count() == 1
    assert (
        audit_event_list(
            actor=m, actor_username="gd-school", until=today - dt.timedelta(days=1)
        ).count()
        == 1
    )
    assert audit_event_list(actor=m, q="X-42").count() == 1
    assert audit_event_list(actor=m, q="番禺").filter(actor_username="gd-school").count() == 2


# --- pages --------------------------------------------------------------------------------------


def test_audit_page_lists_events_for_the_ministry(personas: Personas) -> None:
    audit_record(actor=personas.gd_school.actor, action="test.page")
    response = client_for(personas.ministry).get(reverse("audit"))
    assert response.status_code == 200
    html = response.content.decode()
    assert "test.page" in html and "审计日志" in html


def test_audit_page_filters_and_paginates(personas: Personas) -> None:
    record_many(personas.gd_school.actor, 60, action="test.many")
    client = client_for(personas.ministry)
    first = client.get(reverse("audit"), {"action": "test.many"})
    assert first.context["page"].paginator.count == 60
    assert len(first.context["page"].object_list) == 50
    second = client.get(reverse("audit"), {"action": "test.many", "page": "2"})
    assert len(second.context["page"].object_list) == 10
    fragment = client.get(reverse("audit"), {"action": "test.many"}, HTTP_HX_REQUEST="true")
    assert "<html" not in fragment.content.decode()


def test_audit_page_refuses_a_school_with_403(personas: Personas) -> None:
    assert client_for(personas.gd_school).get(reverse("audit")).status_code == 403


def test_event_detail_shows_the_diff_and_hides_other_provinces(personas: Personas) -> None:
    gd_event = audit_record(
        actor=personas.gd_school.actor,
        action="school.update",
        old={"name": "旧校名"},
        new={"name": "新校名"},
    )
    response = client_for(personas.gd).get(reverse("audit_detail", args=[gd_event.seq]))
    assert response.status_code == 200
    html = response.content.decode()
    assert "旧校名" in html and "新校名" in html
    hb = hb_admin(personas)
    assert client_for(hb).get(reverse("audit_detail", args=[gd_event.seq])).status_code == 404


def test_xlsx_export_is_the_audit_administrators_and_is_itself_audited(
    personas: Personas,
) -> None:
    audit_record(actor=personas.gd_school.actor, action="test.export", new={"a": 1})
    audit_record(actor=personas.hb_school.actor, action="test.export", new={"a": 2})
    # Business administrators read their jurisdiction's events but do not export (ADR 0005).
    assert client_for(personas.gd).get(reverse("audit_export")).status_code == 403
    assert client_for(personas.ministry).get(reverse("audit_export")).status_code == 403
    response = client_for(personas.auditadmin).get(
        reverse("audit_export"), {"action": "test.export"}
    )
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][0] == "序号"
    assert {row[2] for row in rows[1:]} == {"gd-school", "hb-school"}
    assert AuditEvent.objects.filter(action="audit.export", actor_username="audit-admin").exists()


# --- API ----------------------------------------------------------------------------------------


def test_api_lists_events_with_pagination_and_filters(personas: Personas) -> None:
    record_many(personas.gd_school.actor, 3, action="test.api")
    response = client_for(personas.ministry).get("/api/v1/audit/events", {"action": "test.api"})
    assert response.status_code == 200
    body = response.json()
    assert body["count"] == 3
    assert {item["action"] for item in body["items"]} == {"test.api"}


def test_api_refuses_a_school_with_403_json(personas: Personas) -> None:
    response = client_for(personas.gd_school).get("/api/v1/audit/events")
    assert response.status_code == 403
    assert response.json()["code"] == "forbidden"


def test_api_verify_is_for_the_audit_administrator_only(personas: Personas) -> None:
    assert client_for(personas.gd).get("/api/v1/audit/verify").status_code == 403
    assert client_for(personas.ministry).get("/api/v1/audit/verify").status_code == 403
    assert client_for(personas.secadmin).get("/api/v1/audit/verify").status_code == 403
    response = client_for(personas.auditadmin).get("/api/v1/audit/verify")
    assert response.status_code == 200
    assert response.json()["ok"] is True
    assert response.json()["legacy"] == 0
    assert AuditEvent.objects.filter(action="audit.verify", actor_username="audit-admin").exists()


# --- concurrency --------------------------------------------------------------------------------
# On SQLite writers are serialized by the database (transaction_mode IMMEDIATE). On PostgreSQL
# the anchor row's SELECT ... FOR UPDATE serializes appends; without it two transactions would
# read the same head and produce duplicate seqs (refused by the unique constraint) or a fork.


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_concurrent_appends_stay_linear_on_postgresql() -> None:
    if connection.vendor != "postgresql":
        pytest.skip("row locks are only meaningful on PostgreSQL")
    errors: list[BaseException] = []

    def worker(n: int) -> None:
        try:
            for i in range(10):
                audit_record(actor=Actor.system(), action="test.concurrent", new={"w": n, "i": i})
        except BaseException as exc:  # collected and re-raised in the main thread
            errors.append(exc)
        finally:
            close_old_connections()
            connection.close()

    threads = [threading.Thread(target=worker, args=(n,)) for n in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors
    assert AuditEvent.objects.count() == 60
    result = audit_verify_chain()
    assert result.ok and result.count == 60


def test_daily_purge_task_purges_with_the_retention(personas: Personas) -> None:
    from onex.core.audit_tasks import audit_purge_daily

    now = timezone.now()
    _fresh_chain()
    old = _record_at(now - dt.timedelta(days=365), personas.gd.actor, 2)
    audit_purge_daily.call_local()
    assert AuditAnchor.objects.get().anchor_seq == old[-1].seq
    assert audit_verify_chain().ok


def test_audit_page_suggests_actions_and_filters_by_prefix(personas: Personas) -> None:
    audit_record(actor=personas.gd_school.actor, action="school.update")
    audit_record(actor=personas.gd_school.actor, action="school.delete")
    client = client_for(personas.ministry)
    response = client.get(reverse("audit"), {"action": "school."})
    assert response.context["page"].paginator.count == 2
    assert '<datalist id="audit-actions">' in response.content.decode()
