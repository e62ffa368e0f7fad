"""Child process of the peak-memory test: read and validate one upload, report peak RSS.

Run as a script (``python tests/core/peak_probe.py FILE``) so that the peak is this process's
alone. The spec has the shape of the largest real import (schools: 50,000 rows, 8 text
columns); no database is needed to read and validate.
"""

from __future__ import annotations

import json
import os
import resource
import sys

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "onex.settings")
django.setup()

from onex.core.actors import Actor  # noqa: E402
from onex.core.imports import (  # noqa: E402
    Column,
    ImportFileError,
    ImportSpec,
    TextParser,
    validate_file,
)

COLUMNS = 8


class LargestShape(ImportSpec):
    name = "peak_probe"
    title = "peak probe"
    max_rows = 50_000
    columns = tuple(Column(f"c{i}", f"列{i}", parse=TextParser()) for i in range(1, COLUMNS + 1))


def main(path: str) -> None:
    with open(path, "rb") as handle:
        data = handle.read()
    try:
        result = validate_file(spec=LargestShape(), source=data, actor=Actor.system())
        outcome: dict[str, object] = {"rows": result.total_rows, "errors": result.error_count}
    except ImportFileError as exc:
        outcome = {"refused": str(exc.message)}
    print(json.dumps({**outcome, "peak_mb": peak_mb()}))


def peak_mb() -> float:
    """This process's peak resident size. VmHWM belongs to the address space made at exec;
    getrusage's maxrss also keeps the parent's high-water mark from before the exec."""
    try:
        with open("/proc/self/status") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024  # kB
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


if __name__ == "__main__":
    main(sys.argv[1])
