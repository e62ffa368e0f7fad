"""Browser test of the onboarding chain: the Ministry creates a province with its first admin,
who accepts the invitation, creates a city and a school; the school's admin accepts, invites a
teacher and imports students; a student claims the learner account with the school's code and
sees their own registration. (TOTP enrolment of administrators is the security work's part.)

Drives Debian's chromium through Playwright's Python API (never `playwright install`).
"""

from __future__ import annotations

import base64
import io
import os
import time
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
import xlsxwriter
from django.urls import reverse
from django_otp.oath import totp

from onex.assessment.models import Candidate
from onex.assessment.services import exams as exam_services
from onex.core.actors import Actor
from onex.core.models import User
from onex.pilots.models import School, Specialty
from tests.factories import accept_filing
from tests.factories_accounts import LINK_RE, NEW_PASSWORD
from tests.factories_assessment import Exams, approve_fee, confirm_pilot, exams_world, make_id
from tests.personas import PASSWORD, Personas, division

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

STUDENT_ID = make_id(321)


def students_xlsx() -> bytes:
    buffer = io.BytesIO()
    workbook = xlsxwriter.Workbook(buffer, {"in_memory": True})
    sheet = workbook.add_worksheet()
    sheet.write_row(0, 0, ["姓名", "证件类型", "证件号码", "性别", "专业", "年级", "是否建档立卡"])
    sheet.write_row(1, 0, ["陈晓", "居民身份证", STUDENT_ID, "男", "530802", "2025级", "否"])
    sheet.write_row(2, 0, ["林青", "居民身份证", make_id(322), "男", "530802", "2025级", "否"])
    workbook.close()
    return buffer.getvalue()


# The TOTP secrets enrolled during the test, by username: what the person's phone would keep.
TOTP_SECRETS: dict[str, str] = {}


_LAST_STEP: dict[str, int] = {}


def totp_code(secret: str) -> str:
    """The current code; a code is accepted once, so wait for the next 30 s step if used."""
    while int(time.time()) // 30 == _LAST_STEP.get(secret):
        time.sleep(1)
    _LAST_STEP[secret] = int(time.time()) // 30
    key = base64.b32decode(secret.replace(" ", "") + "=" * (-len(secret.replace(" ", "")) % 8))
    return f"{totp(key):06d}"


def sign_in(browser: Any, live_server: Any, username: str, password: str) -> Any:
    """Sign in; an administrator enrols TOTP on the first login and enters a code afterwards."""
    context = browser.new_context(locale="zh-CN", viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.goto(live_server.url + reverse("login"))
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", password)
    page.get_by_role("button", name="登录", exact=True).click()
    page.wait_for_load_state()
    if "/mfa/" in page.url:
        if page.locator("#totp-secret").count():
            secret = page.locator("#totp-secret").inner_text().strip()
            TOTP_SECRETS[username] = secret
            page.fill("input[name=otp_token]", totp_code(secret))
            page.get_by_role("button", name="绑定").click()
            page.locator(".recovery-codes").wait_for()
            page.get_by_role("link", name="继续").click()
        else:
            page.fill("input[name=otp_token]", totp_code(TOTP_SECRETS[username]))
            page.get_by_role("button", name="验证").click()
    page.wait_for_url(live_server.url + reverse("dashboard"))
    return page


def issued_link(page: Any) -> str:
    value = page.locator("[data-issued-link]").input_value()
    assert LINK_RE.search(value), value
    return str(value)


def accept(browser: Any, live_server: Any, link: str, shots: Path, name: str) -> None:
    page = browser.new_context(locale="zh-CN").new_page()
    # The link names ONEX_PUBLIC_URL (what the mail carries); the test server has its own port.
    page.goto(live_server.url + urlsplit(link).path)
    page.fill("input[name=password]", NEW_PASSWORD)
    page.fill("input[name=password2]", NEW_PASSWORD)
    page.screenshot(path=str(shots / f"onboarding-{name}-set-password.png"))
    page.get_by_role("button", name="设置密码").click()
    page.wait_for_url("**" + reverse("login"))
    page.context.close()


def create_unit(page: Any, live_server: Any, fields: dict[str, str]) -> str:
    page.goto(live_server.url + reverse("accounts:unit_create"))
    for name, value in fields.items():
        selector = f"[name={name}]"
        if page.locator(f"select{selector}").count():
            page.select_option(f"select{selector}", value)
        else:
            page.fill(selector, value)
    page.get_by_role("button", name="创建并邀请管理员").click()
    page.locator("[data-issued-link]").wait_for()
    return issued_link(page)


def test_onboarding_chain_from_ministry_to_student(
    browser: Any, live_server: Any, personas: Personas, tmp_path: Path
) -> None:
    shots = Path(os.environ.get("ONEX_SCREENSHOT_DIR") or tmp_path)
    ex: Exams = exams_world(personas)

    # 1. The Ministry creates Shanxi's department with its first administrator.
    ministry = sign_in(browser, live_server, "ministry-admin", PASSWORD)
    link = create_unit(
        ministry,
        live_server,
        {
            "kind": "province",
            "name": "山西省教育厅",
            "province": "140000",
            "admin_username": "sx-first",
            "admin_email": "sx@example.cn",
        },
    )
    ministry.screenshot(path=str(shots / "onboarding-province-created.png"), full_page=True)
    ministry.context.close()

    # 2. That admin sets a password, signs in, creates a city and a school.
    accept(browser, live_server, link, shots, "province")
    province = sign_in(browser, live_server, "sx-first", NEW_PASSWORD)
    create_unit(
        province,
        live_server,
        {"kind": "city", "name": "太原市教育局", "city": "140100", "admin_username": "ty-city"},
    )
    school_link = create_unit(
        province,
        live_server,
        {
            "kind": "school",
            "name": "山西新职业技术学院",
            "city": "140100",
            "school_code": "4114019999",
            "school_type": "higher_vocational",
            "admin_username": "sx-school",
        },
    )
    province.goto(live_server.url + reverse("accounts:unit_list"))
    assert province.get_by_role("link", name="太原市教育局").is_visible()
    province.context.close()

    # The school's pilot (R44), the org's filing and fee in Shanxi, an open plan: set up directly.
    school = School.objects.get(code="4114019999")
    specialty = Specialty.objects.create(school=school, code="530802", name="物流管理")
    confirm_pilot(school, ex.certificate, specialty)
    sx_admin = User.objects.get(username="sx-first")
    accept_filing(personas, ex.certificate, "140000", reviewer=Actor.for_user(sx_admin))
    approve_fee(ex.certificate, "140000")
    plan = ex.plan(province=division("140000"))

    # 3. The school's admin accepts, invites a teacher, imports students, hands out codes.
    accept(browser, live_server, school_link, shots, "school")
    page = sign_in(browser, live_server, "sx-school", NEW_PASSWORD)
    page.goto(live_server.url + reverse("accounts:user_invite", args=[school.unit_id]))
    page.fill("[name=username]", "sx-teacher")
    page.fill("[name=display_name]", "王老师")
    page.get_by_role("button", name="发送邀请").click()
    assert issued_link(page)
    assert User.objects.get(username="sx-teacher").unit_id == school.unit_id
    upload = tmp_path / "学生名单.xlsx"
    upload.write_bytes(students_xlsx())
    page.goto(live_server.url + reverse("import_spec", args=["students"]))
    page.set_input_files("input[type=file]", str(upload))
    page.get_by_role("button", name="上传并导入").click()
    page.wait_for_load_state()
    assert Candidate.objects.filter(school=school).count() == 2
    student = Candidate.objects.get(school=school, name="陈晓")
    exam_services.registration_register_students(
        actor=Actor.for_user(User.objects.get(username="sx-school")),
        plan=plan,
        candidates=[student],
    )
    page.goto(live_server.url + reverse("accounts:claim_code_list"))
    page.get_by_role("button", name="为尚未开通的学生生成认领码").click()
    row = page.locator("tr", has_text="陈晓")
    code = row.locator("[data-claim-code]").inner_text().strip()
    page.screenshot(path=str(shots / "onboarding-claim-codes.png"), full_page=True)
    page.context.close()

    # 4. The student claims the learner account and sees their own registration.
    claim = browser.new_context(locale="zh-CN").new_page()
    claim.goto(live_server.url + reverse("login"))
    claim.get_by_role("link", name="学生认领账号").click()
    claim.fill("[name=id_number]", STUDENT_ID)
    claim.fill("[name=name]", "陈晓")
    claim.fill("[name=code]", code)
    claim.fill("[name=username]", "chen-xiao")
    claim.fill("[name=password]", NEW_PASSWORD)
    claim.fill("[name=password2]", NEW_PASSWORD)
    claim.get_by_role("button", name="认领账号").click()
    claim.wait_for_url("**" + reverse("assessment:registration_list") + "**")
    body = claim.locator("main").inner_text()
    assert "陈晓" in body and "林青" not in body
    claim.screenshot(path=str(shots / "onboarding-student-registrations.png"), full_page=True)
    claim.context.close()
