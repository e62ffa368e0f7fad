from __future__ import annotations

import importlib
import os
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_static.models import StaticDevice

from onex.core.models import User
from onex.core.security import mfa_needed
from tests.factories import use_tmp_media
from tests.factories_pilots import (  # noqa: F401 (shared pilots fixtures)
    profiles_fixture,
    publish_fixture,
    shanxi_fixture,
)
from tests.personas import Personas

IN_CI = os.environ.get("CI", "").lower() == "true"


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup: None, django_db_blocker: Any) -> Iterator[None]:
    """Tests build the schema without migrations (--nomigrations): on PostgreSQL run what
    migrations do in SQL alone, from the migrations' own SQL: the audit table's append-only
    trigger (core 0013) and the registrations' fill factor (assessment 0007)."""
    audit = importlib.import_module("onex.core.migrations.0013_audit_sequencer")
    registrations = importlib.import_module(
        "onex.assessment.migrations.0007_registration_fillfactor"
    )
    with django_db_blocker.unblock():
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute(audit._CREATE)
                cursor.execute(registrations.SET_FILLFACTOR)
    yield


@pytest.fixture(autouse=True)
def audit_sealed_at_write(request: pytest.FixtureRequest, settings: Any) -> None:
    """Seal audit events inside the writer's transaction (ONEX_AUDIT_SEAL_INLINE), as the chain
    behaved before the sequencer (ADR 0006): a test's transaction is rolled back, never
    committed, so the production after-commit sealer would never run and tests could not read
    an event's seq or hash. Tests of the sequencer itself opt out with
    ``@pytest.mark.audit_after_commit`` and run the production path."""
    settings.ONEX_AUDIT_SEAL_INLINE = request.node.get_closest_marker("audit_after_commit") is None


@pytest.fixture
def personas(db: None) -> Personas:
    return Personas()


_plain_force_login = Client.force_login


def force_login_with_second_factor(self: Client, user: User, backend: str | None = None) -> None:
    """``force_login`` stands for a completed login: for an account that needs the second factor
    (onex.core.security.mfa_needed) the session is also verified, as after a correct code.
    Tests of the login flow itself post to the login and MFA pages instead."""
    _plain_force_login(self, user, backend)
    if isinstance(user, User) and mfa_needed(user):
        device, _created = StaticDevice.objects.get_or_create(
            user=user, name="test-force-login", defaults={"confirmed": True}
        )
        session = self.session
        session[DEVICE_ID_SESSION_KEY] = device.persistent_id
        session.save()


@pytest.fixture(autouse=True)
def force_login_passes_the_second_factor(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(Client, "force_login", force_login_with_second_factor)


@pytest.fixture(autouse=True)
def media_in_tmp(settings: Any, tmp_path: Path) -> None:
    """Uploads go to the test's temporary folder, never the developer's var/media."""
    use_tmp_media(settings, tmp_path)
    # Signed audit checkpoints too (audit_verify compares every file it finds there).
    settings.ONEX_AUDIT_CHECKPOINT_DIR = tmp_path / "audit-checkpoints"


def require_tool(name: str, why: str) -> str:
    """Skip (locally) or fail (under CI=true) when a Debian tool the test needs is missing."""
    path = shutil.which(name)
    if path is None:
        message = f"{name} not installed ({why}); install it with apt-get or run .ci/run"
        if IN_CI:
            pytest.fail(message)
        pytest.skip(message)
    return path
