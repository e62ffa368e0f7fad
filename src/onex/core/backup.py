"""Backup and restore: the database, the uploaded files and a manifest in one archive.

``backup_create`` writes ``onex-backup-<UTC stamp>.tar.gz`` holding

- ``database.sqlite3`` (SQLite's online backup API: consistent while the site runs, WAL
  included) or ``database.pgdump`` (``pg_dump --format=custom``, restored with ``pg_restore``);
- ``media/``: every file under the default storage's location (uploads, sealed imports);
- ``manifest.json``: engine, time, the applied migrations, the audit chain head, the ids (public
  fingerprints, never the secrets) of the configured data keys and a SHA-256 of each part.

The secret keys are not in the archive: whoever holds a backup must not be able to read the ID
numbers in it. ``keys_out`` writes them to a separate 0600 file to be kept apart (offline).
``backup_restore`` refuses a database that already holds data (unless ``force``) and keys that
cannot open the backup, restores, then verifies the audit chain (hashes, links and MACs).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, connections
from django.db.migrations.recorder import MigrationRecorder
from django.utils import timezone

from onex.core import crypto
from onex.core.audit import VerifyResult, audit_verify_chain
from onex.core.models import AuditAnchor

MANIFEST = "manifest.json"
FORMAT = 1
_SECRET_SETTINGS = (
    "SECRET_KEY",
    "ONEX_DATA_KEY",
    "ONEX_DATA_KEYS_OLD",
    "ONEX_SIGNING_KEY",
    "ONEX_SIGNING_KEYS_OLD",
)


class BackupError(Exception):
    """A backup or restore that cannot proceed; the message says why and what to do."""


@dataclass
class BackupResult:
    path: Path
    size: int
    seconds: float
    manifest: dict[str, Any] = field(default_factory=dict)


@dataclass
class RestoreResult:
    seconds: float
    manifest: dict[str, Any]
    media_files: int
    verify: VerifyResult


def media_root() -> Path:
    default: Any = settings.STORAGES["default"]
    options = default.get("OPTIONS", {})
    location = options.get("location") if isinstance(options, dict) else None
    return Path(str(location or settings.MEDIA_ROOT))


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _engine(alias: str) -> str:
    vendor = connections[alias].vendor
    if vendor not in {"sqlite", "postgresql"}:
        raise BackupError(f"backups support SQLite and PostgreSQL, not {vendor}")
    return vendor


def _pg_tool(name: str) -> str:
    path = shutil.which(name)
    if path is None:
        raise BackupError(
            f"{name} is not installed: install the PostgreSQL client "
            "(apt-get install postgresql-client) in the same major version as the server"
        )
    return path


def _pg_args(alias: str) -> tuple[list[str], dict[str, str]]:
    db = connections[alias].settings_dict
    args = ["--dbname", str(db["NAME"])]
    for flag, key in (("--host", "HOST"), ("--port", "PORT"), ("--username", "USER")):
        if db.get(key):
            args += [flag, str(db[key])]
    env = dict(os.environ)
    if db.get("PASSWORD"):
        env["PGPASSWORD"] = str(db["PASSWORD"])
    return args, env


def _dump_database(alias: str, target: Path) -> None:
    if _engine(alias) == "sqlite":
        connection = connections[alias]
        if connection.in_atomic_block:
            # The copy would wait forever for this connection's own write transaction.
            raise BackupError("back up outside a transaction (the copy needs a quiet moment)")
        connection.ensure_connection()
        source = connection.connection
        dest = sqlite3.connect(target)
        try:
            source.backup(dest)  # online backup API: a consistent copy while others write
        finally:
            dest.close()
        return
    args, env = _pg_args(alias)
    command = [_pg_tool("pg_dump"), "--format=custom", "--no-owner", "--no-acl", "--file"]
    result = subprocess.run(  # noqa: S603 - fixed tool, arguments from settings
        [*command, str(target), *args], env=env, capture_output=True, text=True, check=False
    )
    if result.returncode != 0:
        raise BackupError(f"pg_dump failed: {result.stderr.strip()}")


def _load_database(alias: str, source: Path, *, clean: bool) -> None:
    if _engine(alias) == "sqlite":
        connection = connections[alias]
        connection.close()
        connection.ensure_connection()
        src = sqlite3.connect(source)
        try:
            src.backup(connection.connection)  # replaces the whole database, schema included
        finally:
            src.close()
        return
    connections[alias].close()
    args, env = _pg_args(alias)
    command = [_pg_tool("pg_restore"), "--no-owner", "--no-acl", "--exit-on-error"]
    if clean:
        command += ["--clean", "--if-exists"]
    result = subprocess.run(  # noqa: S603 - fixed tool, arguments from settings
        [*command, *args, str(source)], env=env, capture_output=True, text=True, check=False
    )
    if result.returncode != 0:
        raise BackupError(f"pg_restore failed: {result.stderr.strip()}")


def database_is_empty(alias: str = DEFAULT_DB_ALIAS) -> bool:
    """No tables yet, or migrated but without a user, an audit event or an anchor."""
    connection = connections[alias]
    tables = set(connection.introspection.table_names())
    checked = [t for t in ("core_user", "core_auditevent", "core_auditanchor") if t in tables]
    with connection.cursor() as cursor:
        for table in checked:
            cursor.execute(f"SELECT 1 FROM {connection.ops.quote_name(table)} LIMIT 1")  # noqa: S608
            if cursor.fetchone() is not None:
                return False
    return True


def _manifest(alias: str, parts: dict[str, str], media_files: int) -> dict[str, Any]:
    anchor = AuditAnchor.objects.using(alias).filter(pk=AuditAnchor.SINGLETON_PK).first()
    applied = sorted(
        f"{app}.{name}" for app, name in MigrationRecorder(connections[alias]).applied_migrations()
    )
    return {
        "format": FORMAT,
        "created_at": timezone.now().astimezone(dt.timezone.utc).isoformat(),
        "engine": _engine(alias),
        "migrations": applied,
        "audit_head_seq": anchor.head_seq if anchor else 0,
        "audit_head_hash": anchor.head_hash if anchor else "",
        "data_key_ids": crypto.data_key_ids(),
        "media_files": media_files,
        "sha256": parts,
    }


def write_keys_file(path: Path) -> None:
    """The secrets to restore with, as an env file readable by its owner only."""
    lines = []
    for name in _SECRET_SETTINGS:
        value = str(getattr(settings, name, "") or "")
        if value:
            lines.append(f"{name}={json.dumps(value)}")
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        handle.write("# onex keys: keep apart from the database backups, offline\n")
        handle.write("\n".join(lines) + "\n")


def backup_create(
    *, output_dir: Path, alias: str = DEFAULT_DB_ALIAS, keys_out: Path | None = None
) -> BackupResult:
    started = time.monotonic()
    engine = _engine(alias)
    output_dir.mkdir(parents=True, exist_ok=True)
    stamp = timezone.now().astimezone(dt.timezone.utc).strftime("%Y%m%dT%H%M%S%fZ")
    archive = output_dir / f"onex-backup-{stamp}.tar.gz"
    with tempfile.TemporaryDirectory(prefix="onex-backup-") as tmp:
        db_file = Path(tmp) / ("database.sqlite3" if engine == "sqlite" else "database.pgdump")
        _dump_database(alias, db_file)
        parts = {db_file.name: _sha256(db_file)}
        media = media_root()
        media_files = [p for p in media.rglob("*") if p.is_file()] if media.is_dir() else []
        manifest = _manifest(alias, parts, len(media_files))
        manifest_file = Path(tmp) / MANIFEST
        manifest_file.write_text(json.dumps(manifest, indent=2, sort_keys=True), "utf-8")
        partial = archive.with_suffix(".partial")
        with tarfile.open(partial, "w:gz") as tar:
            tar.add(manifest_file, arcname=MANIFEST)
            tar.add(db_file, arcname=db_file.name)
            for path in media_files:
                tar.add(path, arcname=f"media/{path.relative_to(media).as_posix()}")
        partial.replace(archive)
    if keys_out is not None:
        write_keys_file(keys_out)
    return BackupResult(
        path=archive,
        size=archive.stat().st_size,
        seconds=time.monotonic() - started,
        manifest=manifest,
    )


def read_manifest(archive: Path) -> dict[str, Any]:
    with tarfile.open(archive, "r:gz") as tar:
        member = tar.extractfile(MANIFEST)
        if member is None:
            raise BackupError(f"{archive} has no {MANIFEST}: not an onex backup")
        manifest: dict[str, Any] = json.loads(member.read().decode("utf-8"))
    if manifest.get("format") != FORMAT:
        raise BackupError(f"unknown backup format {manifest.get('format')!r}")
    return manifest


def backup_restore(
    *, archive: Path, alias: str = DEFAULT_DB_ALIAS, force: bool = False
) -> RestoreResult:
    """Restore an archive into this database and media folder; verify the audit chain after."""
    started = time.monotonic()
    manifest = read_manifest(archive)
    engine = _engine(alias)
    if manifest["engine"] != engine:
        raise BackupError(
            f"the backup is of a {manifest['engine']} database, this one is {engine}: "
            "restore into the same engine (dumpdata/loaddata moves data across engines)"
        )
    configured = set(crypto.data_key_ids())
    if not force and not configured & set(manifest["data_key_ids"]):
        raise BackupError(
            "none of the data keys the backup was made with is configured: its ID numbers and "
            "audit MACs could not be read. Configure ONEX_DATA_KEY / ONEX_DATA_KEYS_OLD from "
            "the keys file kept with the backups (or --force)."
        )
    if not force and not database_is_empty(alias):
        raise BackupError(
            "the database already holds data: restore into an empty database (or --force to "
            "replace it)"
        )
    media = media_root()
    if not force and media.is_dir() and any(p.is_file() for p in media.rglob("*")):
        raise BackupError(f"the media folder {media} is not empty (or --force)")
    with tempfile.TemporaryDirectory(prefix="onex-restore-") as tmp:
        with tarfile.open(archive, "r:gz") as tar:
            tar.extractall(tmp, filter="data")  # refuses absolute paths and ../ escapes
        for name, digest in manifest["sha256"].items():
            if _sha256(Path(tmp) / name) != digest:
                raise BackupError(f"{name} does not match its SHA-256 in the manifest")
        db_name = next(iter(manifest["sha256"]))
        _load_database(alias, Path(tmp) / db_name, clean=force)
        restored_media = Path(tmp) / "media"
        count = 0
        if restored_media.is_dir():
            media.mkdir(parents=True, exist_ok=True)
            for path in restored_media.rglob("*"):
                if path.is_file():
                    target = media / path.relative_to(restored_media)
                    target.parent.mkdir(parents=True, exist_ok=True)
                    shutil.copy2(path, target)
                    count += 1
    verify = audit_verify_chain()
    return RestoreResult(
        seconds=time.monotonic() - started, manifest=manifest, media_files=count, verify=verify
    )
