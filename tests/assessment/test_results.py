"""Results: the org's xlsx import (matching, verdicts, idempotency), publicity, objections, the
public query and the candidates passed to the certificates app."""

from __future__ import annotations

import io
from collections.abc import Callable, Sequence
from decimal import Decimal
from typing import Any

import pytest
import xlsxwriter
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection, transaction

from onex.assessment.models import (
    ExamPlan,
    ObjectionStatus,
    PlanStatus,
    Registration,
    RegistrationEvent,
)
from onex.assessment.selectors import exams as exam_selectors
from onex.assessment.services import exams as exam_services
from onex.assessment.services import results as result_services
from onex.core.errors import Conflict, Forbidden, NotFound
from onex.core.import_services import import_submit
from onex.core.models import AuditEvent, ImportJob, ImportStatus
from tests.factories_assessment import Exams, make_id
from tests.personas import Persona, make_org, make_user

pytestmark = pytest.mark.django_db

HEADERS = ["准考证号", "姓名", "证件号码", "理论成绩", "实操成绩"]


def xlsx(rows: Sequence[Sequence[Any]]) -> bytes:
    buffer = io.BytesIO()
    workbook = xlsxwriter.Workbook(buffer, {"in_memory": True})
    sheet = workbook.add_worksheet()
    sheet.write_row(0, 0, HEADERS)
    for r, row in enumerate(rows, start=1):
        for c, value in enumerate(row):
            if isinstance(value, int | float):
                sheet.write_number(r, c, value)
            else:
                sheet.write_string(r, c, str(value))
    workbook.close()
    return buffer.getvalue()


@pytest.fixture
def submit(django_capture_on_commit_callbacks: Any) -> Callable[..., ImportJob]:
    def run(persona: Persona, content: bytes) -> ImportJob:
        with django_capture_on_commit_callbacks(execute=True):
            job = import_submit(
                actor=persona.actor,
                spec_name="exam_results",
                uploaded_file=SimpleUploadedFile("成绩.xlsx", content),
            )
        repeat = job.is_repeat
        job.refresh_from_db()
        job.is_repeat = repeat
        return job

    return run


def scoring_plan(ex: Exams, n: int = 3) -> tuple[ExamPlan, list[Registration]]:
    plan = ex.plan()
    regs = ex.register(plan, *[ex.student() for _ in range(n)])
    return ex.to_scoring(plan), regs


def row(ex: Exams, reg: Registration, theory: Any, practical: Any) -> list[Any]:
    serial = int(reg.candidate.name[2:])  # 学生NNN, made with make_id(NNN)
    return [reg.ticket_number, reg.candidate.name, make_id(serial), theory, practical]


def test_org_imports_results_and_verdicts_follow_the_plan_rule(
    ex: Exams, submit: Callable[..., ImportJob]
) -> None:
    plan, regs = scoring_plan(ex)
    ExamPlan.objects.filter(pk=plan.pk).update(practical_pass=Decimal("70"))
    job = submit(
        ex.p.org,
        xlsx([row(ex, regs[0], 60, 70), row(ex, regs[1], 59.5, 90), row(ex, regs[2], 90, 69.99)]),
    )
    assert job.status == ImportStatus.SUCCEEDED, job.errors
    assert job.summary["created"] == 3
    passed = {r.pk: r.passed for r in Registration.objects.all()}
    assert passed == {regs[0].pk: True, regs[1].pk: False, regs[2].pk: False}
    assert Registration.objects.get(pk=regs[1].pk).theory_score == Decimal("59.50")


def test_result_reimport_is_idempotent(ex: Exams, submit: Callable[..., ImportJob]) -> None:
    _plan, regs = scoring_plan(ex, 2)
    rows = [row(ex, regs[0], 80, 80), row(ex, regs[1], 40, 80)]
    submit(ex.p.org, xlsx(rows))
    rows.reverse()
    job = submit(ex.p.org, xlsx(rows))
    assert job.summary["unchanged"] == 2 and job.summary["created"] == 0
    rows[0][3] = 65  # regs[1] corrected
    job = submit(ex.p.org, xlsx(rows))
    assert (job.summary["updated"], job.summary["unchanged"]) == (1, 1)
    assert Registration.objects.get(pk=regs[1].pk).passed is True


def test_a_results_file_is_one_audit_event_and_each_result_keeps_its_own_history(
    ex: Exams, submit: Callable[..., ImportJob]
) -> None:
    _plan, regs = scoring_plan(ex, 3)
    rows = [row(ex, r, 70 + i, 80) for i, r in enumerate(regs)]
    audit_before = AuditEvent.objects.count()
    job = submit(ex.p.org, xlsx(rows))
    assert job.status == ImportStatus.SUCCEEDED, job.errors
    bulk = AuditEvent.objects.filter(action="assessment.registration.result.bulk")
    assert bulk.count() == 1
    event = bulk.get()
    assert event.new["rows"] == 3 and event.new["import_job"] == job.pk
    assert len(event.new["sha256"]) == 64
    assert not AuditEvent.objects.filter(action="assessment.registration.result").exists()
    for reg in regs:
        steps = RegistrationEvent.objects.filter(registration=reg, action="result")
        assert steps.count() == 1
    # The same file again changes nothing and appends nothing to the chain.
    before = AuditEvent.objects.count()
    assert before > audit_before
    submit(ex.p.org, xlsx(rows))
    assert (
        not AuditEvent.objects.filter(action="assessment.registration.result.bulk")
        .exclude(pk=event.pk)
        .exists()
    )
    assert RegistrationEvent.objects.filter(action="result").count() == 3


def test_results_in_bulk_take_as_many_queries_for_many_rows_as_for_a_few(ex: Exams) -> None:
    # Set-based: the rows are staged and written by one UPDATE and one INSERT of their events,
    # and the move's checks run once per plan, not once per row.
    from django.test.utils import CaptureQueriesContext

    _plan, regs = scoring_plan(ex, 6)
    counts = []
    for part, score in ((regs[:2], 70), (regs[2:], 80)):
        with CaptureQueriesContext(connection) as queries:
            result_services.results_record_many(
                actor=ex.p.org.actor, scores={r.pk: (Decimal(score), Decimal(score)) for r in part}
            )
        counts.append(len(queries.captured_queries))
    assert counts[0] == counts[1], counts
    assert RegistrationEvent.objects.filter(action="result").count() == 6
    assert {r.theory_score for r in Registration.objects.filter(pk__in=[r.pk for r in regs])} == {
        Decimal("70.00"),
        Decimal("80.00"),
    }


def test_a_results_file_matches_id_numbers_hashed_under_a_retired_key(
    ex: Exams, submit: Callable[..., ImportJob], settings: Any
) -> None:
    _plan, regs = scoring_plan(ex, 1)
    old_key = settings.ONEX_DATA_KEY
    settings.ONEX_DATA_KEY = "rotated-data-key-" + "e" * 40
    settings.ONEX_DATA_KEYS_OLD = old_key  # rotated: stored hashes are under the old key
    job = submit(ex.p.org, xlsx([row(ex, regs[0], 80, 80)]))
    assert job.status == ImportStatus.SUCCEEDED, job.errors


def test_results_in_bulk_refuse_a_registration_outside_the_org(ex: Exams) -> None:
    _plan, regs = scoring_plan(ex, 1)
    other = make_user("other-org-admin", make_org("另一评价组织", "91110000600037341L").unit)
    with pytest.raises(NotFound):
        result_services.results_record_many(
            actor=other.actor, scores={regs[0].pk: (Decimal(80), Decimal(80))}
        )
    assert Registration.objects.get(pk=regs[0].pk).passed is None


def test_results_in_bulk_refuse_a_plan_not_in_score_registration(ex: Exams) -> None:
    plan = ex.plan()
    (reg,) = ex.register(plan, ex.student())
    with pytest.raises(Conflict):
        result_services.results_record_many(
            actor=ex.p.org.actor, scores={reg.pk: (Decimal(80), Decimal(80))}
        )


def test_mismatched_rows_are_reported_without_echoing_the_id(
    ex: Exams, submit: Callable[..., ImportJob]
) -> None:
    _plan, regs = scoring_plan(ex, 3)
    wrong_id = make_id(999)
    rows = [
        row(ex, regs[0], 80, 80),  # 2 ok
        [regs[1].ticket_number, "别人", make_id(2), 80, 80],  # 3 name
        [regs[2].ticket_number, regs[2].candidate.name, wrong_id, 80, 80],  # 4 id
        ["2099XX000000", "某人", make_id(5), 80, 80],  # 5 unknown ticket
        [regs[0].ticket_number, regs[0].candidate.name, make_id(1), 80, 80],  # 6 duplicate
        [regs[1].ticket_number, regs[1].candidate.name, make_id(2), 101, "abc"],  # 7 scores
    ]
    job = submit(ex.p.org, xlsx(rows))
    assert job.status == ImportStatus.FAILED
    found = {(e["row"], e["column"]) for e in job.errors}
    assert found == {
        (3, "姓名"),
        (4, "证件号码"),
        (5, "准考证号"),
        (6, "准考证号"),
        (7, "理论成绩"),
        (7, "实操成绩"),
    }
    assert wrong_id not in str(job.errors)
    assert not Registration.objects.filter(passed__isnull=False).exists()


def test_results_of_a_plan_not_in_score_registration_are_refused(
    ex: Exams, submit: Callable[..., ImportJob]
) -> None:
    plan = ex.plan()
    [reg] = ex.register(plan, ex.student())
    job = submit(ex.p.org, xlsx([row(ex, reg, 80, 80)]))
    assert job.status == ImportStatus.FAILED
    assert "成绩登记中" in job.errors[0]["message"]


def test_another_org_cannot_import_results_for_this_plan(
    ex: Exams, submit: Callable[..., ImportJob]
) -> None:
    _plan, regs = scoring_plan(ex, 1)
    other = make_org("另一家评价组织", "91110000MA00000017")
    persona = make_user("other-org", other.unit)
    job = submit(persona, xlsx([row(ex, regs[0], 80, 80)]))
    assert job.status == ImportStatus.FAILED
    assert job.errors[0]["column"] == "准考证号"
    with pytest.raises(NotFound):
        result_services.result_record(
            actor=persona.actor, registration=regs[0], theory=Decimal(1), practical=Decimal(1)
        )


def test_province_cannot_record_results(ex: Exams) -> None:
    _plan, regs = scoring_plan(ex, 1)
    with pytest.raises(Forbidden):
        result_services.result_record(
            actor=ex.p.gd.actor, registration=regs[0], theory=Decimal(1), practical=Decimal(1)
        )


def test_school_and_learner_may_not_import_results(
    ex: Exams, submit: Callable[..., ImportJob]
) -> None:
    for persona in (ex.p.gd_school, ex.p.learner, ex.p.gd):
        with pytest.raises(Forbidden):
            submit(persona, xlsx([["x", "y", make_id(1), 1, 1]]))


# --- publicity, objections ---------------------------------------------------------------------


def test_objection_lodged_during_publicity_and_answered_with_a_correction(ex: Exams) -> None:
    plan, regs = ex.published(2)
    failed = regs[1]
    objection = result_services.objection_lodge(
        actor=ex.p.gd_school.actor, registration=failed, reason="理论成绩有误，请复核"
    )
    with pytest.raises(Conflict):  # one open objection at a time
        result_services.objection_lodge(
            actor=ex.p.gd_school.actor, registration=failed, reason="again"
        )
    plan = ex.age(plan, 6)
    with pytest.raises(Conflict):  # unanswered objection blocks closing
        exam_services.plan_close(actor=ex.p.org.actor, plan=plan)
    with pytest.raises(Forbidden):
        result_services.objection_answer(actor=ex.p.gd.actor, objection=objection, answer="x")
    objection = result_services.objection_answer(
        actor=ex.p.org.actor,
        objection=objection,
        answer="复核后理论成绩更正为 72 分",
        theory=Decimal("72"),
        practical=Decimal("75"),
    )
    assert objection.status == ObjectionStatus.ANSWERED and objection.score_changed
    failed.refresh_from_db()
    assert failed.passed is True
    plan = exam_services.plan_close(actor=ex.p.org.actor, plan=plan)
    assert {r.pk for r in exam_selectors.passed_candidates(plan=plan)} == {regs[0].pk, regs[1].pk}
    actions = list(failed.events.values_list("action", flat=True))
    assert actions[-2:] == ["objection", "result"]
    # The answer is the objection's own move, on its timeline.
    objection = failed.objections.get()
    assert list(objection.events.values_list("action", flat=True)) == ["lodge", "answer"]


def test_objection_outside_publicity_is_refused(ex: Exams) -> None:
    _plan, regs = scoring_plan(ex, 1)
    ex.score(regs[0], "50", "50")
    with pytest.raises(Conflict):
        result_services.objection_lodge(
            actor=ex.p.gd_school.actor, registration=regs[0], reason="x"
        )


def test_other_school_cannot_object_for_a_registration(ex: Exams) -> None:
    _plan, regs = ex.published(1)
    with pytest.raises(NotFound):
        result_services.objection_lodge(
            actor=ex.p.hb_school.actor, registration=regs[0], reason="x"
        )


def test_passed_candidates_only_for_closed_plans(ex: Exams) -> None:
    plan, regs = ex.published(2)
    assert not exam_selectors.passed_candidates(plan=plan).exists()
    plan = exam_services.plan_close(actor=ex.p.org.actor, plan=ex.age(plan, 6))
    [reg] = exam_selectors.passed_candidates(plan=plan)
    assert reg.pk == regs[0].pk
    assert reg.plan.certificate == ex.certificate and reg.plan.level == "junior"
    assert reg.plan.org == ex.p.org_obj and reg.plan.province.code == "440000"


# --- learner and public views ------------------------------------------------------------------


def test_public_query_needs_name_id_and_ticket_and_published_results(ex: Exams) -> None:
    plan = ex.plan()
    [reg] = ex.register(plan, ex.student())
    name, number, ticket = reg.candidate.name, make_id(1), reg.ticket_number
    assert (
        exam_selectors.result_for_public_query(name=name, id_number=number, admission_ticket=ticket)
        is None
    )
    plan = ex.to_scoring(plan)
    ex.score(reg, "88", "90")
    assert (
        exam_selectors.result_for_public_query(name=name, id_number=number, admission_ticket=ticket)
        is None
    )
    exam_services.plan_publish_results(actor=ex.p.org.actor, plan=plan)
    found = exam_selectors.result_for_public_query(
        name=name, id_number=number, admission_ticket=ticket
    )
    assert found is not None and found.pk == reg.pk and found.passed is True
    assert (
        exam_selectors.result_for_public_query(
            name="别人", id_number=number, admission_ticket=ticket
        )
        is None
    )
    assert (
        exam_selectors.result_for_public_query(
            name=name, id_number=make_id(2), admission_ticket=ticket
        )
        is None
    )
    assert (
        exam_selectors.result_for_public_query(name=name, id_number="bad", admission_ticket=ticket)
        is None
    )
    assert (
        exam_selectors.result_for_public_query(
            name=name, id_number=number, admission_ticket=ticket + "9"
        )
        is None
    )


def test_learner_sees_only_own_registrations(ex: Exams) -> None:
    plan = ex.plan()
    own = exam_services.registration_register_self(
        actor=ex.p.learner.actor,
        plan=plan,
        name="张三",
        id_type="resident",
        id_number=make_id(900),
        gender="male",
    )
    [school_reg] = ex.register(plan, ex.student())
    assert list(exam_selectors.registration_list(actor=ex.p.learner.actor)) == [own]
    with pytest.raises(NotFound):
        exam_selectors.registration_get(actor=ex.p.learner.actor, pk=school_reg.pk)


def test_plan_status_names_are_stable_for_other_apps() -> None:
    assert PlanStatus.CLOSED == "closed"
    assert PlanStatus.SCORE_PUBLICITY == "score_publicity"
    assert PlanStatus.SCORE_REGISTRATION == "score_registration"


@pytest.mark.skipif(
    connection.vendor != "postgresql", reason="HOT updates and fill factors are PostgreSQL's"
)
@pytest.mark.django_db(transaction=True)
def test_a_results_file_updates_registrations_in_place_without_touching_their_indexes(
    ex: Exams,
) -> None:
    # A results file rewrites every registration of its plan in one UPDATE; with room left on
    # each page (migration assessment 0007) PostgreSQL keeps each new version beside the old
    # one and writes none of the table's indexes. On packed pages they are full updates. The
    # registrations' earlier moves commit first, as in life, so their old versions are dead.
    plan = ex.plan(capacity=120)
    regs = ex.register(plan, *[ex.student() for _ in range(120)])
    ex.to_scoring(plan)
    stats = (
        "SELECT pg_stat_get_xact_tuples_updated(c.oid), "
        "pg_stat_get_xact_tuples_hot_updated(c.oid) FROM pg_class c "
        "WHERE c.relname = 'assessment_registration'"
    )
    with transaction.atomic(), connection.cursor() as cursor:
        result_services.results_record_many(
            actor=ex.p.org.actor, scores={r.pk: (Decimal(70), Decimal(80)) for r in regs}
        )
        cursor.execute(stats)
        updated, hot = cursor.fetchone()
    # PostgreSQL places versions opportunistically: nearly all, not always every one, are HOT.
    assert updated == len(regs)
    assert hot >= 0.9 * updated, (hot, updated)
