"""R21 evaluations and R03 progress reports with the typical-case library."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from onex.core.errors import Forbidden, RuleViolation
from onex.feedback.models import EvaluationKind
from onex.feedback.selectors.feedback import evaluation_list, report_list
from onex.feedback.selectors.progress import period_containing
from onex.feedback.services import feedback as services
from tests.personas import Personas

pytestmark = pytest.mark.django_db


def test_r21_schools_and_orgs_self_evaluate_and_provinces_record_third_parties(
    personas: Personas,
) -> None:
    p = personas
    own = services.evaluation_file(
        actor=p.gd_school.actor,
        kind=EvaluationKind.SELF,
        subject=p.gd_school.unit,
        evaluator="",
        period="2026 年上半年",
        summary="完成试点任务，考核通过率 86%",
        score=Decimal("88"),
    )
    assert own.evaluator == p.gd_school.unit.name
    with pytest.raises(Forbidden):  # a school evaluates only itself
        services.evaluation_file(
            actor=p.gd_school.actor,
            kind=EvaluationKind.SELF,
            subject=p.hb_school.unit,
            evaluator="",
            period="x",
            summary="评价内容足够长",
        )
    with pytest.raises(Forbidden):  # a school does not file a third party's evaluation
        services.evaluation_file(
            actor=p.gd_school.actor,
            kind=EvaluationKind.THIRD_PARTY,
            subject=p.gd_school.unit,
            evaluator="某评估院",
            period="x",
            summary="评价内容足够长",
        )
    with pytest.raises(Forbidden):  # Guangdong does not evaluate Hubei's school
        services.evaluation_file(
            actor=p.gd.actor,
            kind=EvaluationKind.THIRD_PARTY,
            subject=p.hb_school.unit,
            evaluator="某评估院",
            period="x",
            summary="评价内容足够长",
        )
    with pytest.raises(RuleViolation) as unnamed:
        services.evaluation_file(
            actor=p.gd.actor,
            kind=EvaluationKind.THIRD_PARTY,
            subject=p.gd_school.unit,
            evaluator="",
            period="x",
            summary="评价内容足够长",
        )
    assert unnamed.value.rule == "R21"
    third = services.evaluation_file(
        actor=p.gd.actor,
        kind=EvaluationKind.THIRD_PARTY,
        subject=p.gd_school.unit,
        evaluator="广东省教育研究院",
        period="2026 年",
        summary="师资配备达标，实训条件良好",
    )
    assert set(evaluation_list(actor=p.gd.actor)) == {own, third}
    assert set(evaluation_list(actor=p.gd_school.actor)) == {own, third}
    assert list(evaluation_list(actor=p.hb_school.actor)) == []


def test_r03_provinces_schools_and_orgs_report_and_cases_form_a_library(
    personas: Personas,
) -> None:
    p = personas
    period = period_containing(timezone.localdate())
    report = services.report_submit(
        actor=p.gd_school.actor,
        period_start=period.start,
        progress="完成 120 名学生培训",
        typical_case_title="书证融通改革物流管理课程",
        typical_case="将证书标准融入 6 门专业课程",
    )
    services.report_submit(
        actor=p.gd.actor, period_start=period.start, progress="全省 37 所院校参与试点"
    )
    services.report_submit(
        actor=p.org.actor, period_start=period.start, progress="在广东开展 3 期考核"
    )
    for outsider in (p.learner, p.gz_city, p.ministry):
        with pytest.raises(Forbidden):
            services.report_submit(
                actor=outsider.actor, period_start=period.start, progress="工作进展说明"
            )
    assert list(report_list(actor=p.hb_school.actor, cases_only=True, q="书证融通")) == [report]
    assert list(report_list(actor=p.hb_school.actor)) == []  # others' reports stay theirs
    assert report_list(actor=p.ministry.actor).count() == 3
    client = Client()
    client.force_login(p.hb_school.user)
    page = client.get(reverse("feedback:report_list"), {"cases": "1", "q": "物流"})
    assert "书证融通改革物流管理课程" in page.content.decode()
    assert client.get(reverse("feedback:report_detail", args=[report.pk])).status_code == 200
    api = client.get("/api/v1/feedback/reports", {"cases": "true"}).json()
    assert api["count"] == 1


def test_pages_file_an_evaluation_and_a_report(personas: Personas) -> None:
    client = Client()
    client.force_login(personas.org.user)
    r = client.post(
        reverse("feedback:report_new"),
        {
            "period_start": period_containing(timezone.localdate()).start.isoformat(),
            "progress": "完成题库更新与考核",
        },
    )
    assert r.status_code == 302
    e = client.post(
        reverse("feedback:evaluation_new"),
        {
            "kind": "self",
            "subject": personas.org.unit.pk,
            "period": "2026 年",
            "summary": "自评结论如下",
        },
    )
    assert e.status_code == 302
    api = client.post(
        "/api/v1/feedback/evaluations",
        {
            "kind": "self",
            "subject_unit_id": personas.gd_school.unit.pk,
            "period": "x",
            "summary": "自评结论",
        },
        content_type="application/json",
    )
    assert api.status_code == 403
