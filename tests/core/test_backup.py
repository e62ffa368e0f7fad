"""manage.py backup / restore: a round trip into an empty database gives identical data, the
media files and a verifying audit chain (SQLite always; PostgreSQL when DATABASE_URL is one)."""

from __future__ import annotations

import io
import os
import subprocess
import sys
import tarfile
from pathlib import Path
from typing import Any

import psycopg
import pytest
from django.apps import apps
from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.management import CommandError, call_command
from django.db import connection

from onex.core.actors import Actor
from onex.core.audit import audit_record, audit_verify_chain
from onex.core.backup import (
    BackupError,
    backup_create,
    backup_restore,
    database_is_empty,
    media_root,
    read_manifest,
)
from tests.conftest import require_tool
from tests.personas import Personas

ROOT = Path(__file__).resolve().parents[2]


def _snapshot() -> dict[str, list[tuple[Any, ...]]]:
    """Every row of every onex and auth table, in primary-key order."""
    data: dict[str, list[tuple[Any, ...]]] = {}
    for model in apps.get_models():
        if model._meta.proxy or not model._meta.managed:
            continue
        fields = [f.attname for f in model._meta.concrete_fields]
        data[model._meta.label] = list(model.objects.order_by("pk").values_list(*fields))
    return data


def _fill() -> None:
    Personas()
    for i in range(5):
        audit_record(actor=Actor.system(), action="test.backup", new={"i": i, "名": "数据"})
    default_storage.save("imports/sealed/sample.bin", ContentFile(b"\x00sealed\xff"))


@pytest.mark.django_db(transaction=True)
def test_sqlite_round_trip_restores_identical_data_media_and_a_verifying_chain(
    tmp_path: Path,
) -> None:
    if connection.vendor != "sqlite":
        pytest.skip("the PostgreSQL round trip is the next test")
    _fill()
    before = _snapshot()
    assert sum(len(rows) for rows in before.values()) > 50
    result = backup_create(output_dir=tmp_path / "backups", keys_out=tmp_path / "keys.env")
    assert result.path.name.startswith("onex-backup-") and result.size > 0
    assert (tmp_path / "keys.env").stat().st_mode & 0o777 == 0o600
    assert settings.ONEX_DATA_KEY not in result.path.read_bytes().decode("latin-1")

    call_command("flush", interactive=False, verbosity=0)
    for path in media_root().rglob("*"):
        if path.is_file():
            path.unlink()
    assert database_is_empty()

    out = io.StringIO()
    call_command("restore", str(result.path), stdout=out)
    assert "audit: OK" in out.getvalue()
    assert _snapshot() == before
    assert default_storage.open("imports/sealed/sample.bin").read() == b"\x00sealed\xff"
    assert audit_verify_chain().ok


@pytest.mark.django_db(transaction=True)
def test_restore_refuses_a_database_with_data_wrong_keys_and_a_tampered_archive(
    tmp_path: Path, settings: Any
) -> None:
    _fill()
    archive = backup_create(output_dir=tmp_path).path
    with pytest.raises(BackupError, match="already holds data"):
        backup_restore(archive=archive)
    with pytest.raises(CommandError, match="already holds data"):
        call_command("restore", str(archive), stdout=io.StringIO())

    manifest = read_manifest(archive)
    tampered = tmp_path / "tampered.tar.gz"
    with tarfile.open(archive, "r:gz") as src, tarfile.open(tampered, "w:gz") as dst:
        for member in src.getmembers():
            data = src.extractfile(member)
            payload = data.read() if data else b""
            if member.name.startswith("database."):
                payload = payload[:-1] + bytes([payload[-1] ^ 1])
            member.size = len(payload)
            dst.addfile(member, io.BytesIO(payload))
    with pytest.raises(BackupError, match="SHA-256"):
        backup_restore(archive=tampered, force=True)

    settings.ONEX_DATA_KEY = "a-completely-different-data-key-" + "y" * 40
    with pytest.raises(BackupError, match="data keys"):
        backup_restore(archive=archive)
    assert manifest["data_key_ids"]


@pytest.mark.django_db(transaction=True)
def test_backup_command_reports_size_and_keys(tmp_path: Path) -> None:
    Personas()
    out = io.StringIO()
    call_command("backup", output=tmp_path, keys_out=tmp_path / "k.env", stdout=out)
    assert "bytes" in out.getvalue() and "store them apart" in out.getvalue()
    keys = (tmp_path / "k.env").read_text(encoding="utf-8")
    assert "ONEX_DATA_KEY=" in keys and "SECRET_KEY=" in keys


# --- PostgreSQL ---------------------------------------------------------------------------------


def _pg_rows(dsn: str) -> dict[str, list[tuple[Any, ...]]]:
    with psycopg.connect(dsn) as conn:
        tables = [
            row[0]
            for row in conn.execute(
                "SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY 1"
            )
        ]
        return {
            table: [tuple(map(str, row)) for row in conn.execute(f'SELECT * FROM "{table}"')]  # noqa: S608
            for table in tables
        }


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_postgresql_round_trip_with_pg_dump_and_pg_restore(tmp_path: Path) -> None:
    if connection.vendor != "postgresql":
        pytest.skip("DATABASE_URL is not PostgreSQL")
    require_tool("pg_dump", "PostgreSQL backups")
    require_tool("pg_restore", "PostgreSQL restores")
    _fill()
    archive = backup_create(output_dir=tmp_path).path
    db = connection.settings_dict
    target = f"{db['NAME']}_restore"
    base = {
        "host": db["HOST"] or "127.0.0.1",
        "port": db["PORT"] or 5432,
        "user": db["USER"],
        "password": db["PASSWORD"] or None,
    }
    with psycopg.connect(dbname="postgres", autocommit=True, **base) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{target}"')
        admin.execute(f'CREATE DATABASE "{target}"')
    try:
        auth = f"{db['USER']}:{db['PASSWORD']}@" if db["PASSWORD"] else f"{db['USER']}@"
        url = f"postgres://{auth}{base['host']}:{base['port']}/{target}"
        env = {
            **os.environ,
            "PYTHONPATH": str(ROOT / "src"),
            "DATABASE_URL": url,
            "ONEX_VAR_DIR": str(tmp_path / "restored-var"),
            "SECRET_KEY": settings.SECRET_KEY,
            "ONEX_DATA_KEY": settings.ONEX_DATA_KEY,
            "DEBUG": "1",
        }
        for command in (["restore", str(archive)], ["audit_verify", "--no-checkpoints"]):
            result = subprocess.run(
                [sys.executable, str(ROOT / "manage.py"), *command],
                env=env,
                cwd=ROOT,
                capture_output=True,
                text=True,
                check=False,
            )
            assert result.returncode == 0, result.stdout + result.stderr
        assert "OK" in result.stdout
        source_dsn = " ".join(f"{k}={v}" for k, v in {**base, "dbname": db["NAME"]}.items() if v)
        target_dsn = " ".join(f"{k}={v}" for k, v in {**base, "dbname": target}.items() if v)
        assert _pg_rows(target_dsn) == _pg_rows(source_dsn)
        assert read_manifest(archive)["engine"] == "postgresql"
    finally:
        with psycopg.connect(dbname="postgres", autocommit=True, **base) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{target}" WITH (FORCE)')
