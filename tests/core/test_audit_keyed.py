"""The keyed audit chain: MACs, legacy events, downgrades, signed checkpoints, the offline
verifier, the PostgreSQL append-only trigger and the retention floor."""

from __future__ import annotations

import datetime as dt
import io
import json
import logging
from pathlib import Path
from typing import Any
from unittest import mock

import pytest
from django.core.checks import run_checks
from django.core.management import CommandError, call_command
from django.db import DatabaseError, connection, transaction
from django.test import override_settings
from django.utils import timezone

from onex.core import audit_offline, crypto
from onex.core.actors import Actor
from onex.core.audit import (
    AUDIT_RETENTION_FLOOR_DAYS,
    _canonical_at,
    audit_export_lines,
    audit_purge,
    audit_record,
    audit_verify_chain,
    compute_hash,
)
from onex.core.audit_checkpoints import checkpoint_check, checkpoint_publish, public_key_pem
from onex.core.audit_offline import HASHED_FIELDS, VERSION_KEYED, VERSION_UNKEYED
from onex.core.audit_tasks import audit_checkpoint_daily
from onex.core.errors import InvalidInput
from onex.core.models import GENESIS_HASH, AuditAnchor, AuditEvent
from tests.core import sm2_reference

OTHER_KEY = "another-data-key-" + "x" * 40


def _owner_mode() -> None:
    """Play the table owner: on PostgreSQL disable the append-only trigger (this transaction)."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(
                "ALTER TABLE core_auditevent DISABLE TRIGGER core_auditevent_append_only"
            )


def _record(n: int) -> list[AuditEvent]:
    return [audit_record(actor=Actor.system(), action="test.write", new={"i": i}) for i in range(n)]


def _rechain(
    *, from_seq: int, version: int | None = None, edit: dict[str, Any] | None = None
) -> None:
    """What an attacker with database write access does: edit, recompute every SHA-256 hash and
    link from ``from_seq`` on, and move the head. (The MACs cannot be recomputed without the
    key; a downgrade to ``version`` 1 drops them.)"""
    _owner_mode()
    prev = AuditEvent.objects.get(seq=from_seq - 1).hash if from_seq > 1 else GENESIS_HASH
    last = None
    for event in AuditEvent.objects.filter(seq__gte=from_seq).order_by("seq"):
        changes: dict[str, Any] = dict(edit or {}) if event.seq == from_seq else {}
        for name, value in changes.items():
            setattr(event, name, value)
        event.prev_hash = prev
        new_version = version if version is not None else event.version
        event.hash = compute_hash(
            {f: getattr(event, f) for f in HASHED_FIELDS}, version=new_version
        )
        update: dict[str, Any] = {**changes, "prev_hash": prev, "hash": event.hash}
        if version is not None:
            update.update(version=version, mac="", mac_key="")
        AuditEvent.objects.filter(pk=event.pk).update(**update)
        prev = event.hash
        last = event
    assert last is not None
    AuditAnchor.objects.update(head_seq=last.seq, head_hash=last.hash)


# --- the keyed chain ----------------------------------------------------------------------------


def test_new_events_are_keyed_and_verify(db: None) -> None:
    events = _record(3)
    assert all(e.version == VERSION_KEYED and len(e.mac) == 64 and e.mac_key for e in events)
    result = audit_verify_chain()
    assert result.ok and result.legacy == 0


def test_edited_row_with_recomputed_chain_fails_verification(db: None) -> None:
    events = _record(5)
    target = events[2].seq
    _rechain(from_seq=target, edit={"new": {"i": "forged"}})
    result = audit_verify_chain()
    assert (result.ok, result.broken_seq, result.code) == (False, target, "mac")
    err = io.StringIO()
    with pytest.raises(SystemExit):
        call_command("audit_verify", stdout=io.StringIO(), stderr=err)
    assert f"seq {target} [mac]" in err.getvalue()


def test_mac_verifies_after_key_rotation_and_fails_without_the_old_key(
    db: None, settings: Any
) -> None:
    _record(2)
    old_key = settings.ONEX_DATA_KEY
    settings.ONEX_DATA_KEY, settings.ONEX_DATA_KEYS_OLD = OTHER_KEY, old_key
    _record(1)
    assert audit_verify_chain().ok
    settings.ONEX_DATA_KEYS_OLD = ""
    result = audit_verify_chain()
    assert (result.ok, result.code, result.broken_seq) == (False, "mac", 1)


def _write_legacy(n: int) -> None:
    """Events as the unkeyed (version 1) code wrote them before the upgrade."""
    for event in _record(n):
        _owner_mode()
        AuditEvent.objects.filter(pk=event.pk).update(version=VERSION_UNKEYED, mac="", mac_key="")
    _rechain(from_seq=1, version=VERSION_UNKEYED)


def test_old_unkeyed_events_still_verify_before_keyed_ones(db: None) -> None:
    _write_legacy(3)
    _record(2)
    result = audit_verify_chain()
    assert result.ok and result.count == 5 and result.legacy == 3
    out = io.StringIO()
    call_command("audit_verify", stdout=out)
    assert "ONEX_AUDIT_UNKEYED_UNTIL_SEQ=3" in out.getvalue()


def test_keyed_events_rewritten_as_unkeyed_are_a_downgrade(db: None) -> None:
    _write_legacy(2)
    _record(3)
    _rechain(from_seq=4, version=VERSION_UNKEYED, edit={"action": "test.forged"})
    result = audit_verify_chain()
    assert (result.ok, result.code, result.broken_seq) == (False, "downgrade", 4)


def test_whole_chain_downgrade_is_caught_by_the_unkeyed_limit(db: None, settings: Any) -> None:
    _record(3)
    _rechain(from_seq=1, version=VERSION_UNKEYED, edit={"action": "test.forged"})
    assert audit_verify_chain().ok  # nothing in the database contradicts it ...
    settings.ONEX_AUDIT_UNKEYED_UNTIL_SEQ = 0  # ... the operator's setting does
    result = audit_verify_chain()
    assert (result.ok, result.code, result.broken_seq) == (False, "downgrade", 1)


def test_whole_chain_downgrade_is_caught_by_a_signed_checkpoint(db: None) -> None:
    _record(3)
    path = checkpoint_publish()
    _rechain(from_seq=1, version=VERSION_UNKEYED, edit={"action": "test.forged"})
    assert not checkpoint_check(path).ok
    err = io.StringIO()
    with pytest.raises(SystemExit):
        call_command("audit_verify", stdout=io.StringIO(), stderr=err)
    assert "CHECKPOINT FAILED" in err.getvalue()


# --- checkpoints and the offline verifier -------------------------------------------------------


def _export(tmp_path: Path) -> Path:
    path = tmp_path / "events.jsonl"
    call_command("audit_export", output=path, stdout=io.StringIO())
    return path


def _offline(public: Path, checkpoint: Path, events: Path) -> tuple[int, str]:
    out = io.StringIO()
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr("sys.stdout", out)
        code = audit_offline.main(
            ["--public-key", str(public), "--checkpoint", str(checkpoint), "--events", str(events)]
        )
    return code, out.getvalue()


def test_checkpoint_is_a_file_and_a_log_line_and_verifies_offline(
    db: None, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    _record(4)
    with caplog.at_level(logging.INFO, logger="onex.audit.checkpoint"):
        path = checkpoint_publish()
    checkpoint = json.loads(path.read_text(encoding="utf-8"))
    assert checkpoint["seq"] == AuditAnchor.objects.get().head_seq
    assert any("audit checkpoint {" in r.getMessage() for r in caplog.records)
    public = tmp_path / "public.pem"
    public.write_text(public_key_pem(), encoding="utf-8")
    assert checkpoint_check(path).ok
    code, out = _offline(public, path, _export(tmp_path))
    assert code == 0, out
    assert "FAILED" not in out


def test_offline_verifier_catches_an_edit_after_the_checkpoint(db: None, tmp_path: Path) -> None:
    events = _record(4)
    path = checkpoint_publish()
    public = tmp_path / "public.pem"
    public.write_text(public_key_pem(), encoding="utf-8")
    _rechain(from_seq=events[1].seq, edit={"new": {"i": "forged"}})
    code, out = _offline(public, path, _export(tmp_path))
    assert code == 1
    assert "does not end at the signed hash" in out


def test_offline_verifier_catches_an_edited_export_line(db: None, tmp_path: Path) -> None:
    _record(3)
    path = checkpoint_publish()
    public = tmp_path / "public.pem"
    public.write_text(public_key_pem(), encoding="utf-8")
    export = _export(tmp_path)
    lines = export.read_text(encoding="utf-8").splitlines()
    row = json.loads(lines[2])
    row["actor_username"] = "someone-else"
    lines[2] = json.dumps(row, ensure_ascii=False)
    export.write_text("\n".join(lines) + "\n", encoding="utf-8")
    code, out = _offline(public, path, export)
    assert code == 1 and "edited" in out


def test_offline_verifier_refuses_a_forged_checkpoint_or_another_key(
    db: None, tmp_path: Path, settings: Any
) -> None:
    _record(2)
    path = checkpoint_publish()
    export = _export(tmp_path)
    public = tmp_path / "public.pem"
    public.write_text(public_key_pem(), encoding="utf-8")
    forged = json.loads(path.read_text(encoding="utf-8"))
    forged["seq"] = 1
    forged_path = tmp_path / "forged.json"
    forged_path.write_text(json.dumps(forged), encoding="utf-8")
    code, out = _offline(public, forged_path, export)
    assert code == 1 and "bad signature" in out
    settings.ONEX_DATA_KEY = OTHER_KEY
    other = tmp_path / "other.pem"
    other.write_text(public_key_pem(), encoding="utf-8")
    code, out = _offline(other, path, export)
    assert code == 1 and "another signing key" in out


def test_gm_checkpoint_is_sm2_signed_and_verifies_offline(
    db: None, tmp_path: Path, settings: Any
) -> None:
    settings.ONEX_CRYPTO_SUITE = "gm"
    _record(3)
    path = checkpoint_publish()
    checkpoint = json.loads(path.read_text(encoding="utf-8"))
    assert checkpoint["algorithm"] == "SM2"
    key = crypto.public_keys(algorithm="SM2")[0]
    assert checkpoint["key_id"] == key.key_id == crypto.signing_key_id()
    signature = audit_offline.b64url_decode(checkpoint["signature"])
    signed = audit_offline.checkpoint_signed_bytes(checkpoint)
    assert sm2_reference.sm2_verify(key.public_bytes, signed, signature)  # independent check
    public = tmp_path / "public.pem"
    public.write_text(public_key_pem(), encoding="utf-8")
    assert public_key_pem() == key.pem()
    assert checkpoint_check(path).ok
    export = _export(tmp_path)
    code, out = _offline(public, path, export)
    assert code == 0, out
    assert "SM2 signature valid" in out

    forged = dict(checkpoint, seq=1)
    forged_path = tmp_path / "forged.json"
    forged_path.write_text(json.dumps(forged), encoding="utf-8")
    code, out = _offline(public, forged_path, export)
    assert code == 1 and "bad signature" in out
    with override_settings(ONEX_DATA_KEY=OTHER_KEY):
        other = tmp_path / "other.pem"
        other.write_text(public_key_pem(), encoding="utf-8")
    code, out = _offline(other, path, export)
    assert code == 1 and "another signing key" in out

    # Switching back to the intl suite: the SM2 checkpoint still checks against the database.
    settings.ONEX_CRYPTO_SUITE = "intl"
    assert checkpoint_check(path).ok
    assert checkpoint_check(checkpoint_publish()).ok


def test_offline_verifier_runs_without_django(db: None, tmp_path: Path) -> None:
    source = Path(audit_offline.__file__).read_text(encoding="utf-8")
    assert "django" not in source.lower().replace("without django", "")
    assert "onex" not in [
        line.split()[1].split(".")[0]
        for line in source.splitlines()
        if line.startswith(("import ", "from "))
    ]


def test_export_header_and_canonical_times(db: None) -> None:
    events = _record(2)
    lines = [json.loads(line) for line in audit_export_lines()]
    assert lines[0]["type"] == "onex-audit-export"
    assert lines[-1]["at"] == _canonical_at(events[-1].at)
    assert lines[-1]["hash"] == events[-1].hash
    assert "mac" not in lines[-1]


def test_daily_checkpoint_task_writes_a_file_or_logs_an_error(
    db: None, settings: Any, caplog: pytest.LogCaptureFixture
) -> None:
    _record(2)
    audit_checkpoint_daily.call_local()
    assert len(list(Path(settings.ONEX_AUDIT_CHECKPOINT_DIR).glob("checkpoint-*.json"))) == 1
    _rechain(from_seq=1, edit={"action": "test.forged"})
    with caplog.at_level(logging.ERROR, logger="onex.core.audit_tasks"):
        audit_checkpoint_daily.call_local()
    assert any("refused" in r.getMessage() for r in caplog.records)
    assert len(list(Path(settings.ONEX_AUDIT_CHECKPOINT_DIR).glob("checkpoint-*.json"))) == 1


def test_checkpoint_command_refuses_a_broken_chain_and_prints_the_key(db: None) -> None:
    _record(2)
    out = io.StringIO()
    call_command("audit_checkpoint", "--public-key", stdout=out)
    assert out.getvalue().startswith("-----BEGIN PUBLIC KEY-----")
    _rechain(from_seq=1, edit={"action": "test.forged"})
    with pytest.raises(CommandError, match="does not verify"):
        call_command("audit_checkpoint", stdout=io.StringIO())


# --- PostgreSQL: append-only for the application ------------------------------------------------


@pytest.mark.postgres
def test_postgresql_refuses_update_and_delete_but_the_purge_works(db: None) -> None:
    if connection.vendor != "postgresql":
        pytest.skip("the append-only trigger exists on PostgreSQL only")
    with mock.patch(
        "django.utils.timezone.now", return_value=timezone.now() - dt.timedelta(days=400)
    ):
        _record(2)  # old enough to purge
    event = _record(1)[0]
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        AuditEvent.objects.filter(pk=event.pk).update(action="test.forged")
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        AuditEvent.objects.filter(pk=event.pk).delete()
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        # The purge's switch lifts DELETE only, never UPDATE.
        with connection.cursor() as cursor:
            cursor.execute("SELECT set_config('onex.audit_purge', 'on', true)")
        AuditEvent.objects.filter(pk=event.pk).update(action="test.forged")
    # The retention purge sets the switch for its own transaction and deletes.
    result = audit_purge(actor=Actor.system())
    assert result.purged == 2
    assert audit_verify_chain().ok


# --- retention floor ----------------------------------------------------------------------------


def test_retention_shorter_than_the_floor_is_refused_at_startup(db: None) -> None:
    with override_settings(ONEX_AUDIT_RETENTION_DAYS=AUDIT_RETENTION_FLOOR_DAYS - 1):
        ids = [m.id for m in run_checks()]
    assert "onex.E010" in ids
    with override_settings(ONEX_AUDIT_RETENTION_DAYS=365):
        assert "onex.E010" not in [m.id for m in run_checks()]


def test_retention_shorter_than_the_floor_is_refused_by_the_purge(db: None) -> None:
    with override_settings(ONEX_AUDIT_RETENTION_DAYS=30):
        with pytest.raises(InvalidInput):
            audit_purge(actor=Actor.system())
        with pytest.raises(CommandError, match="184"):
            call_command("audit_purge", stdout=io.StringIO())
    with pytest.raises(InvalidInput):
        audit_purge(actor=Actor.system(), older_than_days=AUDIT_RETENTION_FLOOR_DAYS - 1)
