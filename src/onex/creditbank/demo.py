"""Demo data of the credit bank (filled in below)."""

from __future__ import annotations

from collections.abc import Callable

DEMO_BANK = "国家学分银行"
DEMO_SCHOOL = "广州番禺职业技术学院"
DEMO_STUDENT_UNIT = "演示在校生（学分转换）"
BANK_USERNAME = "demo-creditbank"
STAFF_USERNAME = "demo-school-staff"
STUDENT_USERNAME = "demo-student"


def load_demo(*, stdout: Callable[[str], None]) -> dict[str, int]:
    return {}
