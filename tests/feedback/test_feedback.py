"""Feedback and complaints: anyone submits, the responsible unit answers within the working days
(R21), the submitter follows with reference and code; concentrated issues (R22)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.cache import cache
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from onex.core.actors import Actor
from onex.core.calendar import add_working_days
from onex.core.errors import Forbidden, InvalidInput, NotFound
from onex.feedback.models import Category, Feedback, FeedbackStatus, IssueStatus, SubjectKind
from onex.feedback.selectors.feedback import (
    concentrated_issues_overdue,
    feedback_follow,
    feedback_list,
)
from onex.feedback.services import feedback as services
from onex.feedback.workflows import FEEDBACK, ORDER
from tests.personas import Personas, division
from tests.workflow_support import assert_same_moves

pytestmark = pytest.mark.django_db


def about_org(
    p: Personas,
    *,
    actor: Actor | None = None,
    category: str = Category.OVERCHARGING,
    province: str | None = None,
) -> services.Submitted:
    return services.feedback_submit(
        actor=actor or Actor.anonymous(ip="10.0.0.1"),
        category=category,
        subject_kind=SubjectKind.ORG,
        org=p.org_obj,
        province=division(province) if province else None,
        text="考核费用超出公布标准，另收资料费",
    )


def about_school(p: Personas, *, actor: Actor | None = None) -> services.Submitted:
    return services.feedback_submit(
        actor=actor or Actor.anonymous(),
        category=Category.FORCED,
        subject_kind=SubjectKind.SCHOOL,
        school=p.hb_school_obj,
        text="学校强制要求全体学生参加证书考试",
    )


def test_r21_feedback_is_routed_and_answered_only_by_the_responsible_unit(
    personas: Personas,
) -> None:
    p = personas
    school_case = about_school(p).feedback
    assert school_case.province == division("420000")  # the school's province
    org_case = about_org(p).feedback
    assert org_case.province is None  # no province named: the Ministry
    local = about_org(p, province="440000").feedback
    assert local.province == division("440000")
    days = 15
    assert (
        school_case.due_on
        == add_working_days(timezone.localdate(), days, assume_weekends=True).value
    )

    with pytest.raises(NotFound):  # Guangdong does not see Hubei's case
        services.feedback_answer(actor=p.gd.actor, feedback=school_case, answer="已核实")
    with pytest.raises(NotFound):  # what the Ministry handles is not a province's
        services.feedback_answer(actor=p.gd.actor, feedback=org_case, answer="x")
    with pytest.raises(Forbidden):  # a viewer reads but does not answer
        services.feedback_answer(actor=p.gd_viewer.actor, feedback=local, answer="x")
    with pytest.raises(NotFound):
        services.feedback_answer(actor=p.org.actor, feedback=org_case, answer="x")
    answered = services.feedback_answer(
        actor=p.hb.actor, feedback=school_case, answer="已约谈学校，取消强制要求"
    )
    assert answered.status == FeedbackStatus.ANSWERED and answered.answered_by == p.hb.unit
    services.feedback_answer(actor=p.ministry.actor, feedback=org_case, answer="已责令退费")
    assert list(feedback_list(actor=p.gd.actor)) == [local]


def test_r21_the_submitter_follows_with_reference_and_code(personas: Personas) -> None:
    done = about_org(personas)
    row = done.feedback
    assert row.code_hash and done.code not in row.code_hash
    assert feedback_follow(reference=row.reference, code=done.code) == row
    assert feedback_follow(reference=row.reference, code="wrong-code") is None
    assert feedback_follow(reference="FK000", code=done.code) is None


def test_public_pages_and_api_submit_and_follow_without_login(personas: Personas) -> None:
    cache.clear()
    client = Client()
    page = client.post(
        reverse("feedback:new"),
        {
            "category": "exam_misconduct",
            "subject_kind": "school",
            "school_code": personas.gd_school_obj.code,
            "text": "考场内允许使用手机",
        },
    )
    assert page.status_code == 200
    row = Feedback.objects.get()
    assert row.reference in page.content.decode() and row.submitted_by is None
    api = client.post(
        "/api/v1/public/feedback",
        {
            "category": "brand_bundling",
            "subject_kind": "org",
            "org_id": personas.org_obj.pk,
            "text": "要求购买指定品牌的实训设备",
        },
        content_type="application/json",
    )
    assert api.status_code == 201, api.content
    body = api.json()
    followed = client.post(
        "/api/v1/public/feedback/follow",
        {"reference": body["reference"], "code": body["code"]},
        content_type="application/json",
    )
    assert followed.status_code == 200 and followed.json()["status"] == "submitted"
    wrong = client.post(
        "/api/v1/public/feedback/follow",
        {"reference": body["reference"], "code": "x"},
        content_type="application/json",
    )
    assert wrong.status_code == 404


def test_public_follow_up_is_rate_limited(personas: Personas, settings: object) -> None:
    cache.clear()
    settings.ONEX_PUBLIC_RATE_PER_MINUTE = 3  # type: ignore[attr-defined]
    client = Client()
    codes = [
        client.post(
            "/api/v1/public/feedback/follow",
            {"reference": "FK1", "code": "x"},
            content_type="application/json",
        ).status_code
        for _ in range(4)
    ]
    assert codes == [404, 404, 404, 429]
    page = client.post(reverse("feedback:follow"), {"reference": "FK1", "code": "x"})
    assert "秒后再试" in page.content.decode()


def test_an_invalid_submission_is_refused(personas: Personas) -> None:
    with pytest.raises(InvalidInput):
        services.feedback_submit(
            actor=Actor.anonymous(),
            category="nonsense",
            subject_kind=SubjectKind.ORG,
            org=personas.org_obj,
            text="内容足够长了",
        )
    with pytest.raises(InvalidInput):
        services.feedback_submit(
            actor=Actor.anonymous(),
            category=Category.OTHER,
            subject_kind=SubjectKind.SCHOOL,
            text="内容足够长了",
        )


# --- R22: concentrated issues -------------------------------------------------------------------


def test_r22_five_complaints_of_one_category_form_a_rectification_order(
    personas: Personas,
) -> None:
    p = personas
    for _ in range(4):
        about_org(p)
    about_org(p, category=Category.EXAM_MISCONDUCT)  # another category does not count
    assert not ORDER.model.objects.exists()
    fifth = about_org(p).feedback
    order = ORDER.model.objects.get()
    assert order.org == p.org_obj and order.category == Category.OVERCHARGING
    assert order.complaints == 5 and fifth.order == order
    assert order.deadline > timezone.localdate()
    sixth = about_org(p).feedback
    order.refresh_from_db()
    assert sixth.order == order and order.complaints == 6 and ORDER.model.objects.count() == 1


def test_r22_an_unresolved_order_past_its_deadline_is_a_proposal_for_disqualification(
    personas: Personas,
) -> None:
    p = personas
    for _ in range(5):
        about_org(p)
    order = ORDER.model.objects.get()
    later = order.deadline + dt.timedelta(days=1)
    assert concentrated_issues_overdue(today=order.deadline) == []
    assert concentrated_issues_overdue(today=later) == [order]
    services.order_report(actor=p.org.actor, order=order, rectification="已退还多收费用")
    assert concentrated_issues_overdue(today=later) == [order]  # reported, not yet accepted
    with pytest.raises(Forbidden):
        services.order_accept(actor=p.gd.actor, order=order)
    services.order_accept(actor=p.ministry.actor, order=order)
    order.refresh_from_db()
    assert order.status == IssueStatus.CLOSED
    assert concentrated_issues_overdue(today=later) == []
    # A closed order lets a new one open for later complaints.
    for _ in range(5):
        about_org(p)
    assert ORDER.model.objects.exclude(status=IssueStatus.CLOSED).count() == 1


def test_r21_answer_moves_are_the_same_in_table_api_and_page(personas: Personas) -> None:
    row = about_school(personas, actor=personas.gd_school.actor).feedback
    seen = assert_same_moves(
        workflow=FEEDBACK,
        obj=row,
        personas=personas,
        api_url=f"/api/v1/feedback/items/{row.pk}",
        page_url=reverse("feedback:detail", args=[row.pk]),
    )
    assert seen["hb"] == {"answer"} and seen["ministry"] == {"answer"}
    assert seen["gd_school"] == set()  # the submitter follows it, it does not answer


def test_r22_order_moves_are_the_same_in_table_api_and_page(personas: Personas) -> None:
    for _ in range(5):
        about_org(personas)
    order = ORDER.model.objects.get()

    def same() -> dict[str, set[str]]:
        return assert_same_moves(
            workflow=ORDER,
            obj=order,
            personas=personas,
            api_url=f"/api/v1/feedback/issues/{order.pk}",
            page_url=reverse("feedback:order_detail", args=[order.pk]),
        )

    assert same()["org"] == {"report"}
    services.order_report(actor=personas.org.actor, order=order, rectification="已整改")
    seen = same()
    assert seen["ministry"] == {"accept", "return"} and seen["org"] == set()


def test_lists_answer_every_persona(personas: Personas) -> None:
    about_school(personas)
    for name in ("ministry", "gd", "hb", "gd_school", "org", "learner", "gz_city"):
        client = Client()
        client.force_login(getattr(personas, name).user)
        for url in (
            "feedback:list",
            "feedback:order_list",
            "feedback:evaluation_list",
            "feedback:report_list",
        ):
            response = client.get(reverse(url))
            assert response.status_code == 200, (name, url)
            assert client.get(reverse(url), {"format": "xlsx"}).status_code == 200, (name, url)
