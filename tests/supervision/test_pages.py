"""Every supervision page answers every persona without an error, outsiders get 404."""

from __future__ import annotations

from django.test import Client
from django.urls import reverse

from onex.supervision.services import monitoring, spotchecks
from tests.factories_supervision import World
from tests.workflow_support import every_persona

LISTS = (
    "supervision:point_list",
    "supervision:coverage",
    "supervision:round_list",
    "supervision:rectification_list",
    "supervision:proceeding_list",
    "supervision:evaluation",
)


def test_every_page_answers_every_persona(world: World) -> None:
    p = world.p
    point = monitoring.point_designate(
        actor=p.ministry.actor, certificate=world.ex.certificate, school=p.gd_school_obj
    )
    round_ = world.round()
    item = spotchecks.item_record(
        actor=p.gd.actor, item=round_.items.get(), issues=True, findings="问题"
    )
    r = spotchecks.rectification_issue(actor=p.gd.actor, item=item, requirement="整改")
    school_case = world.disqualified_school(p.hb_school_obj)
    org_case = world.org_proceeding()
    details = [
        reverse("supervision:point_detail", args=[point.pk]),
        reverse("supervision:round_detail", args=[round_.pk]),
        reverse("supervision:item_detail", args=[item.pk]),
        reverse("supervision:rectification_detail", args=[r.pk]),
        reverse("supervision:proceeding_detail", args=[school_case.pk]),
        reverse("supervision:proceeding_detail", args=[org_case.pk]),
    ]
    for name, persona in every_persona(p).items():
        client = Client()
        client.force_login(persona.user)
        for url in [reverse(n) for n in LISTS] + details:
            code = client.get(url).status_code
            assert code in (200, 403, 404), (name, url, code)
        for n in LISTS:
            code = client.get(reverse(n), {"format": "xlsx"}).status_code
            assert code in (200, 403), (name, n, code)
    learner = Client()
    learner.force_login(p.learner.user)
    assert all(learner.get(url).status_code == 404 for url in details)
    ministry = Client()
    ministry.force_login(p.ministry.user)
    assert all(ministry.get(url).status_code == 200 for url in details)
    assert ministry.get(reverse("supervision:proceeding_new_org")).status_code == 200
    gd = Client()
    gd.force_login(p.gd.user)
    assert gd.get(reverse("supervision:proceeding_new_school")).status_code == 200
    assert gd.get(reverse("supervision:proceeding_new_org")).status_code == 403


def test_proposals_through_the_pages(world: World) -> None:
    p = world.p
    gd = Client()
    gd.force_login(p.gd.user)
    done = gd.post(
        reverse("supervision:proceeding_new_school"),
        {"school": p.gd_school_obj.pk, "reasons": ["slow_progress", "other"], "facts": "进展缓慢"},
    )
    assert done.status_code == 302
    ministry = Client()
    ministry.force_login(p.ministry.user)
    done = ministry.post(
        reverse("supervision:proceeding_new_org"),
        {"org": p.org_obj.pk, "reasons": ["stale_standards"], "facts": "题库未更新"},
    )
    assert done.status_code == 302
    listing = ministry.get(reverse("supervision:proceeding_list")).content.decode()
    assert p.gd_school_obj.name in listing and p.org_obj.name in listing
