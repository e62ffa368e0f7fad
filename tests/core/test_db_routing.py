"""Public read traffic goes to the replicas in DATABASE_REPLICA_URLS; all else to the primary."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from django.db import transaction
from django.test import override_settings

from onex.certificates.models import IssuedCertificate
from onex.core.db_routing import ReplicaRouter, public_reads

ROOT = Path(__file__).resolve().parents[2]


def test_without_replicas_public_reads_stay_on_the_primary() -> None:
    with public_reads() as alias:
        assert alias is None
        assert ReplicaRouter().db_for_read(IssuedCertificate) is None


@override_settings(ONEX_READ_REPLICAS=["replica_a", "replica_b"])
def test_public_reads_go_to_one_replica_for_the_whole_block() -> None:
    router = ReplicaRouter()
    with public_reads() as alias:
        assert alias in {"replica_a", "replica_b"}
        assert {router.db_for_read(IssuedCertificate) for _ in range(20)} == {alias}
    assert router.db_for_read(IssuedCertificate) is None
    assert router.db_for_write(IssuedCertificate) is None


@pytest.mark.django_db
@override_settings(ONEX_READ_REPLICAS=["replica_a"])
def test_reads_inside_a_transaction_stay_on_the_primary() -> None:
    with transaction.atomic(), public_reads():
        assert ReplicaRouter().db_for_read(IssuedCertificate) is None


@override_settings(ONEX_READ_REPLICAS=["replica_a"])
def test_replicas_are_never_migrated() -> None:
    router = ReplicaRouter()
    assert router.allow_migrate("replica_a", "certificates") is False
    assert router.allow_migrate("default", "certificates") is None


SCRIPT = textwrap.dedent(
    """
    import shutil, sys
    sys.path.insert(0, sys.argv[1])
    import django
    django.setup()
    from django.core.management import call_command
    from django.db import connections
    from django.test.utils import CaptureQueriesContext
    from onex.certificates.selectors import certificates as selectors
    from onex.core.errors import NotFound
    from onex.core.models import User

    call_command("migrate", verbosity=0)
    connections["default"].close()
    shutil.copy(sys.argv[2], sys.argv[3])
    with CaptureQueriesContext(connections["default"]) as primary, \\
            CaptureQueriesContext(connections["replica_0"]) as replica:
        try:
            selectors.public_query(name="张三", id_number="11010519491231002X")
        except NotFound:
            pass
        User.objects.count()
    print(len(primary.captured_queries), len(replica.captured_queries))
    """
)


def test_a_public_query_reads_from_the_replica_end_to_end(tmp_path: Path) -> None:
    primary, replica = tmp_path / "primary.sqlite3", tmp_path / "replica.sqlite3"
    env = {
        **os.environ,
        "DATABASE_URL": f"sqlite:///{primary}",
        "DATABASE_REPLICA_URLS": f"sqlite:///{replica}",
        "ONEX_DEV_SECRETS": "1",
        "ONEX_VAR_DIR": str(tmp_path / "var"),
        "DJANGO_SETTINGS_MODULE": "onex.settings",
    }
    done = subprocess.run(
        [sys.executable, "-c", SCRIPT, str(ROOT / "src"), str(primary), str(replica)],
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    on_primary, on_replica = (int(n) for n in done.stdout.split()[-2:])
    assert on_replica >= 1  # the certificate lookup
    assert on_primary == 1  # only the logged-in-style read outside the public block
