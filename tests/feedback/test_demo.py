"""The feedback demo: a concentrated issue (overdue), answered feedback, evaluations and a
library of typical cases; idempotent."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command

from onex.core.actors import Actor
from onex.feedback import demo
from onex.feedback.models import Evaluation, Feedback, FeedbackStatus
from onex.feedback.selectors.feedback import concentrated_issues_overdue, report_list

pytestmark = pytest.mark.django_db


def test_r22_demo_has_a_concentrated_issue_and_a_case_library() -> None:
    call_command("demo_data", stdout=StringIO(), stderr=StringIO())
    [order] = concentrated_issues_overdue()
    assert order.org.name == demo.ORG and order.complaints == len(demo.OVERCHARGING)
    assert Feedback.objects.filter(status=FeedbackStatus.ANSWERED).exists()
    assert Evaluation.objects.count() == 2
    cases = report_list(actor=Actor.system(), cases_only=True)
    assert cases.count() == len(demo.REPORTS)
    assert demo.load_demo(stdout=lambda _m: None) == {}
