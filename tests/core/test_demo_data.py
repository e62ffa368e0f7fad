"""manage.py demo_data: idempotent, realistic, and the demo accounts work."""

from __future__ import annotations

import base64
import re
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from django_otp.oath import totp
from stdnum.cn import uscc

from onex.catalog.models import Batch, Certificate, Org
from onex.core import registry
from onex.core.demo import DEMO_ACCOUNTS, DEMO_PASSWORD, DEMO_TOTP_SECRET
from onex.core.models import AuditEvent, Unit, User
from onex.geo.models import Division
from onex.pilots.demo import REFUSAL_ACTION, SCHOOLS
from onex.pilots.models import School, SchoolType

pytestmark = pytest.mark.django_db

MODELS = (Division, Unit, User, Org, Batch, Certificate, School, AuditEvent)


def counts() -> dict[str, int]:
    return {model.__name__: model.objects.count() for model in MODELS}


@pytest.fixture
def demo() -> str:
    out = StringIO()
    call_command("demo_data", stdout=out, stderr=StringIO())
    return out.getvalue()


def test_running_twice_changes_nothing(demo: str) -> None:
    first = counts()
    out = StringIO()
    call_command("demo_data", stdout=out, stderr=StringIO())
    assert counts() == first
    assert "nothing" in out.getvalue()


def test_catalogue_has_batches_one_and_two(demo: str) -> None:
    assert Certificate.objects.filter(batch__number=1).count() == 6
    # R24: the second batch is the ten certificates of 教职成司函〔2019〕89号.
    second = set(Certificate.objects.filter(batch__number=2).values_list("name", flat=True))
    assert len(second) == 10
    assert {"电子商务数据分析", "云计算平台运维与开发", "失智老年人照护"} <= second
    assert Batch.objects.get(number=2).published_on.isoformat() == "2019-09-11"


def test_org_credit_codes_are_valid(demo: str) -> None:
    codes = list(Org.objects.values_list("credit_code", flat=True))
    assert len(codes) == 16
    assert all(uscc.is_valid(code) for code in codes)


def test_schools_cover_three_provinces_and_every_eligible_type(demo: str) -> None:
    for code, rows in SCHOOLS.items():
        assert School.objects.filter(province__code=code).count() == len(rows) >= 12
    eligible = set(SchoolType.values) - {SchoolType.TECHNICAL}
    assert set(School.objects.values_list("school_type", flat=True)) == eligible


def test_r25_technical_school_refusal_is_recorded_once(demo: str) -> None:
    assert "R25" in demo
    assert not School.objects.filter(school_type=SchoolType.TECHNICAL).exists()
    call_command("demo_data", stdout=StringIO(), stderr=StringIO())
    event = AuditEvent.objects.get(action=REFUSAL_ACTION)
    assert event.new is not None and event.new["rule"] == "R25"


def test_every_demo_account_exists_with_a_unit(demo: str) -> None:
    for account in DEMO_ACCOUNTS:
        user = User.objects.get(username=account.username)
        assert user.unit is not None and user.unit.name == account.unit
        assert user.check_password(DEMO_PASSWORD)


def demo_totp_code() -> str:
    key = base64.b32decode(DEMO_TOTP_SECRET)
    return f"{totp(key, step=30, t0=0, digits=6):06d}"


def test_demo_gd_logs_in_and_sees_only_guangdong_schools(demo: str, client: Client) -> None:
    response = client.post("/accounts/login/", {"username": "demo-gd", "password": DEMO_PASSWORD})
    assert response.status_code == 302
    # A province administrator passes the second factor: the demo authenticator's code.
    assert client.get("/pilots/schools/")["Location"].startswith(reverse("mfa_verify"))
    code = demo_totp_code()
    assert client.post(reverse("mfa_verify"), {"otp_token": code}).status_code == 302
    body = client.get("/api/v1/pilots/schools").json()
    assert body["count"] == len(SCHOOLS["440000"])
    assert {item["province_code"] for item in body["items"]} == {"440000"}
    page = client.get("/pilots/schools/").content.decode()
    assert "广州番禺职业技术学院" in page
    assert "武汉职业技术学院" not in page


README = Path(__file__).resolve().parents[2] / "README.md"
RUN_SH = Path(__file__).resolve().parents[2] / "scripts" / "run.sh"


def readme_demo_accounts() -> set[str]:
    accounts = set(re.findall(r"^\| `(demo-[a-z-]+)` \|", README.read_text("utf-8"), flags=re.M))
    assert "demo-ministry" in accounts  # the table's format still matches
    return accounts


def banner() -> str:
    out = StringIO()
    call_command("demo_accounts", stdout=out)
    return out.getvalue()


def test_startup_banner_lists_every_readme_demo_account() -> None:
    # Issue item 26: the banner of scripts/run.sh omitted demo-sx-city.
    text = banner()
    missing = sorted(name for name in readme_demo_accounts() if f" {name} " not in text)
    assert not missing, f"not in the banner: {missing}"
    assert DEMO_PASSWORD in text


def test_readme_table_lists_every_registered_demo_account() -> None:
    registered = {account.username for account in registry.demo_accounts.all()}
    assert registered == readme_demo_accounts()


def test_run_sh_prints_the_banner_from_the_demo_registry() -> None:
    assert "manage.py demo_accounts" in RUN_SH.read_text("utf-8")


def test_every_registered_demo_account_exists_after_demo_data(demo: str) -> None:
    for account in registry.demo_accounts.all():
        user = User.objects.get(username=account.username)
        assert user.unit is not None and user.unit.name == account.unit, account.username
        assert user.role == account.role and user.check_password(DEMO_PASSWORD)
        assert f" {account.username} " in demo  # demo_data's summary prints the banner too
