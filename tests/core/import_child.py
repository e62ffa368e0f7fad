"""Child process of ``test_import_crash.py``: runs one import job, like a Huey worker would.

Usage: ``python -m tests.core.import_child JOB_ID PAUSE``. Each HolidayNotice the real
holiday spec saves writes one byte to stdout and sleeps PAUSE seconds, so the parent can
SIGKILL this process while it is inside ``spec.apply``. Production code has no test hook: the
pause is a ``post_save`` receiver connected here only.
"""

from __future__ import annotations

import os
import sys
import time
from typing import Any

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "onex.settings")
django.setup()

from django.db.models.signals import post_save  # noqa: E402 (after django.setup())

from onex.core.import_runs import import_run  # noqa: E402
from onex.core.models import HolidayNotice  # noqa: E402


def main() -> None:
    job_id, pause = int(sys.argv[1]), float(sys.argv[2])

    def row_written(**kwargs: Any) -> None:
        os.write(1, b"r")
        time.sleep(pause)

    post_save.connect(row_written, sender=HolidayNotice, weak=False)
    job = import_run(job_id=job_id)
    os.write(1, f"\n{job.status if job is not None else 'none'}\n".encode())


if __name__ == "__main__":
    main()
