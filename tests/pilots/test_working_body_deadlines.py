"""R33: a published school files its working body within the profile's period; reminders."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from onex.core.actors import Actor
from onex.core.dashboard import dashboard_for
from onex.core.errors import Conflict, Forbidden
from onex.core.models import AuditEvent, PolicyScope
from onex.core.policy import policy_value_set
from onex.pilots.models import SchoolReminder, SchoolWorkingBody
from onex.pilots.models.applications import ApplicationStatus, PilotApplication
from onex.pilots.selectors import coordination as coordination_selectors
from onex.pilots.selectors.coordination import FilingState, add_months
from onex.pilots.services import coordination as coordination_services
from tests.factories_pilots import PublishFn, certificate, file_working_body, specialty
from tests.personas import Personas, division

pytestmark = pytest.mark.django_db

TODAY = dt.date(2020, 4, 5)


def test_add_months_keeps_the_day_or_the_month_end() -> None:
    assert add_months(dt.date(2020, 3, 15), 1) == dt.date(2020, 4, 15)
    assert add_months(dt.date(2020, 1, 31), 1) == dt.date(2020, 2, 29)
    assert add_months(dt.date(2020, 12, 10), 1) == dt.date(2021, 1, 10)


def test_r33_published_school_without_filing_after_a_month_is_overdue(
    personas: Personas, publish: PublishFn
) -> None:
    publish(personas.gd_school_obj, dt.date(2020, 3, 1))
    rows = coordination_selectors.overdue_working_body_filings(actor=personas.gd.actor, on=TODAY)
    assert [r.school for r in rows] == [personas.gd_school_obj]
    row = rows[0]
    assert row.published_on == dt.date(2020, 3, 1)
    assert row.deadline == dt.date(2020, 4, 1)
    assert row.days_overdue == 4
    assert row.status == FilingState.OVERDUE


def test_r33_filing_within_the_month_is_on_time(personas: Personas, publish: PublishFn) -> None:
    publish(personas.gd_school_obj, dt.date(2020, 3, 1))
    filing = file_working_body(personas.gd_school.actor, personas.gd_school_obj)
    on_time = dt.datetime(2020, 3, 20, 10, tzinfo=dt.timezone.utc)
    SchoolWorkingBody.objects.filter(pk=filing.pk).update(filed_at=on_time)
    assert (
        coordination_selectors.overdue_working_body_filings(actor=personas.gd.actor, on=TODAY) == []
    )
    (row,) = coordination_selectors.working_body_obligations(actor=personas.gd.actor, on=TODAY)
    assert row.status == FilingState.FILED and not row.is_open
    late = dt.datetime(2020, 4, 3, 10, tzinfo=dt.timezone.utc)
    SchoolWorkingBody.objects.filter(pk=filing.pk).update(filed_at=late)
    (row,) = coordination_selectors.working_body_obligations(actor=personas.gd.actor, on=TODAY)
    assert row.status == FilingState.LATE and row.days_overdue == 0


def test_r33_the_period_comes_from_the_province_profile(
    personas: Personas, publish: PublishFn
) -> None:
    publish(personas.hb_school_obj, dt.date(2020, 3, 1))
    publish(personas.gd_school_obj, dt.date(2020, 3, 1))
    policy_value_set(
        actor=Actor.system(),
        key="r33.contact_filing_months",
        value=2,
        scope=PolicyScope.PROVINCE,
        province=division("420000"),
        effective_from=dt.date(2019, 1, 1),
    )
    rows = {
        r.school.code: r
        for r in coordination_selectors.working_body_obligations(
            actor=personas.ministry.actor, on=TODAY
        )
    }
    assert rows[personas.hb_school_obj.code].deadline == dt.date(2020, 5, 1)
    assert rows[personas.hb_school_obj.code].status == FilingState.PENDING
    assert rows[personas.gd_school_obj.code].status == FilingState.OVERDUE


def test_r33_due_soon_within_the_profile_window(personas: Personas, publish: PublishFn) -> None:
    publish(personas.gd_school_obj, dt.date(2020, 3, 1))
    (row,) = coordination_selectors.working_body_obligations(
        actor=personas.gd.actor, on=dt.date(2020, 3, 26)
    )
    assert row.status == FilingState.DUE_SOON and row.days_left == 6
    (row,) = coordination_selectors.working_body_obligations(
        actor=personas.gd.actor, on=dt.date(2020, 3, 20)
    )
    assert row.status == FilingState.PENDING


def test_unpublished_schools_have_no_r33_obligation(personas: Personas, publish: PublishFn) -> None:
    assert (
        coordination_selectors.working_body_obligations(actor=personas.ministry.actor, on=TODAY)
        == []
    )
    assert coordination_selectors.working_body_obligation(school=personas.gd_school_obj) is None


def test_overdue_list_is_scoped(personas: Personas, publish: PublishFn) -> None:
    for school in (personas.gd_school_obj, personas.sz_school_obj, personas.hb_school_obj):
        publish(school, dt.date(2020, 1, 2))

    def codes(persona: object) -> set[str]:
        actor = persona.actor  # type: ignore[attr-defined]
        return {
            r.school.code
            for r in coordination_selectors.overdue_working_body_filings(actor=actor, on=TODAY)
        }

    assert codes(personas.ministry) == {"4144012345", "4144030001", "4142012345"}
    assert codes(personas.gd) == {"4144012345", "4144030001"}
    assert codes(personas.gz_city) == {"4144012345"}
    assert codes(personas.hb) == {"4142012345"}
    assert codes(personas.org) == set()


def test_the_adapter_reads_the_applications_module_once_for_all_schools(
    personas: Personas, monkeypatch: pytest.MonkeyPatch
) -> None:
    calls: list[int] = []

    def bulk(schools: list[object]) -> dict[int, dt.date]:
        calls.append(len(schools))
        return {s.pk: dt.date(2020, 1, 2) for s in schools if s.code == "4144012345"}  # type: ignore[attr-defined]

    monkeypatch.setattr(coordination_selectors, "first_published_on_map", bulk)
    rows = coordination_selectors.overdue_working_body_filings(actor=personas.gd.actor, on=TODAY)
    assert [r.school.code for r in rows] == ["4144012345"]
    assert calls == [2]  # Guangdong's two schools, in one call


# --- reminders --------------------------------------------------------------------------------


def test_province_reminds_an_overdue_school(personas: Personas, publish: PublishFn) -> None:
    publish(personas.gd_school_obj, dt.date(2020, 3, 1))
    reminder = coordination_services.working_body_remind(
        actor=personas.gd.actor, school=personas.gd_school_obj, on=TODAY
    )
    assert reminder.rule == "R33" and reminder.deadline == dt.date(2020, 4, 1)
    assert "逾期 4 天" in reminder.message
    assert reminder.sent_by == personas.gd.user
    assert AuditEvent.objects.filter(
        action="pilots.working_body_remind", target_id=str(reminder.pk)
    ).exists()
    (row,) = coordination_selectors.overdue_working_body_filings(actor=personas.gd.actor, on=TODAY)
    assert row.reminder_count == 1 and row.last_reminded_at is not None


def test_remind_is_refused_when_filed_or_not_published(
    personas: Personas, publish: PublishFn
) -> None:
    with pytest.raises(Conflict):
        coordination_services.working_body_remind(
            actor=personas.gd.actor, school=personas.gd_school_obj
        )
    publish(personas.gd_school_obj, dt.date(2020, 3, 1))
    file_working_body(personas.gd_school.actor, personas.gd_school_obj)
    with pytest.raises(Conflict):
        coordination_services.working_body_remind(
            actor=personas.gd.actor, school=personas.gd_school_obj, on=TODAY
        )
    assert not SchoolReminder.objects.exists()


def test_who_may_remind(personas: Personas, publish: PublishFn) -> None:
    publish(personas.gd_school_obj, dt.date(2020, 3, 1))
    for persona in (personas.gd_viewer, personas.gd_school, personas.hb, personas.org):
        with pytest.raises(Forbidden):
            coordination_services.working_body_remind(
                actor=persona.actor, school=personas.gd_school_obj, on=TODAY
            )
    coordination_services.working_body_remind(
        actor=personas.gz_city.actor, school=personas.gd_school_obj
    )
    assert SchoolReminder.objects.count() == 1


def test_daily_task_reminds_once_a_day(personas: Personas, publish: PublishFn) -> None:
    publish(personas.gd_school_obj, dt.date(2020, 3, 1))  # overdue on TODAY
    publish(personas.hb_school_obj, dt.date(2020, 3, 8))  # due on 2020-04-08: due soon
    publish(personas.sz_school_obj, dt.date(2020, 3, 1))
    file_working_body(Actor.system(), personas.sz_school_obj)  # filed: not reminded
    today = timezone.localdate()
    assert coordination_services.working_body_remind_due(on=TODAY) == 2
    # Sent "today" by the clock; the same run again the same day sends nothing more.
    assert coordination_services.working_body_remind_due(on=today) == 0
    assert SchoolReminder.objects.filter(sent_by__isnull=True).count() == 2
    assert set(SchoolReminder.objects.values_list("school__code", flat=True)) == {
        "4144012345",
        "4142012345",
    }


def test_the_huey_task_runs_the_service(personas: Personas, publish: PublishFn) -> None:
    from onex.pilots.tasks import working_body_reminders_daily

    publish(personas.gd_school_obj, dt.date(2020, 3, 1))
    working_body_reminders_daily.call_local()
    assert SchoolReminder.objects.count() == 1


def test_school_dashboard_shows_the_filing_to_do_and_reminder(personas: Personas) -> None:
    # A real publication: the officials' count is made in the database, which the ``publish``
    # fixture's stand-in for the applications module does not reach.
    school = personas.gd_school_obj
    PilotApplication.objects.create(
        school=school,
        province=school.province,
        city=school.city,
        certificate=certificate(personas, code="2-06", name="证书2-06"),
        specialty=specialty(school),
        status=ApplicationStatus.PUBLISHED,
        published_on=dt.date(2020, 3, 1),
    )
    coordination_services.working_body_remind(
        actor=personas.gd.actor, school=personas.gd_school_obj
    )
    board = dashboard_for(actor=personas.gd_school.actor)
    todo = next(t for t in board.todos if "工作机构" in t.title)
    assert todo.tone == "danger" and todo.deadline == dt.date(2020, 4, 1)
    assert any("提醒" in t.title for t in board.todos)
    province = dashboard_for(actor=personas.gd.actor)
    assert any("逾期" in t.title and t.count == 1 for t in province.todos)
    file_working_body(personas.gd_school.actor, personas.gd_school_obj)
    board = dashboard_for(actor=personas.gd_school.actor)
    assert not any("工作机构" in t.title for t in board.todos)


def test_overdue_page_lists_and_reminds(
    client: Client, personas: Personas, publish: PublishFn
) -> None:
    publish(personas.gd_school_obj, dt.date(2020, 3, 1))
    publish(personas.hb_school_obj, dt.date(2020, 3, 1))
    url = reverse("pilots:working_body_list")
    client.force_login(personas.gd.user)
    page = client.get(url).content.decode()
    assert "广州番禺职业技术学院" in page and "武汉职业技术学院" not in page
    assert client.get(url, {"format": "xlsx"}).status_code == 200
    file_working_body(personas.gd_school.actor, personas.gd_school_obj)
    assert "广州番禺职业技术学院" not in client.get(url).content.decode()  # open ones only
    assert "广州番禺职业技术学院" in client.get(url, {"status": "all"}).content.decode()
    SchoolWorkingBody.objects.all().delete()
    assert "<html" not in client.get(url, headers={"HX-Request": "true"}).content.decode()
    remind = reverse("pilots:working_body_remind", args=[personas.gd_school_obj.pk])
    assert client.post(remind).status_code == 302
    assert SchoolReminder.objects.count() == 1
    # Outside the jurisdiction: 404; a viewer: 403.
    assert (
        client.post(
            reverse("pilots:working_body_remind", args=[personas.hb_school_obj.pk])
        ).status_code
        == 404
    )
    client.force_login(personas.gd_viewer.user)
    assert client.post(remind).status_code == 403
    client.force_login(personas.gd_school.user)
    assert client.get(url).status_code == 403
    assert SchoolReminder.objects.count() == 1


def test_overdue_api(client: Client, personas: Personas, publish: PublishFn) -> None:
    publish(personas.gd_school_obj, dt.date(2020, 3, 1))
    client.force_login(personas.gd.user)
    body = client.get("/api/v1/pilots/working-bodies/overdue").json()
    assert [row["school_code"] for row in body] == ["4144012345"]
    assert body[0]["deadline"] == "2020-04-01" and body[0]["days_overdue"] > 0
    url = f"/api/v1/pilots/schools/{personas.gd_school_obj.pk}/reminders"
    assert client.post(url, {}, content_type="application/json").status_code == 201
    client.force_login(personas.hb.user)
    assert client.get("/api/v1/pilots/working-bodies/overdue").json() == []
    assert client.post(url, {}, content_type="application/json").status_code == 404
    client.force_login(personas.gd_school.user)
    assert client.post(url, {}, content_type="application/json").status_code == 403
    assert SchoolReminder.objects.count() == 1
