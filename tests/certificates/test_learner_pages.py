"""Learners get their own certificate page, not the staff list (issue item 25)."""

from __future__ import annotations

import pytest
from django.urls import reverse

from tests.factories_certificates import World, client_for, second_learner

pytestmark = pytest.mark.django_db


def test_learner_sees_my_certificates_with_their_links_and_no_staff_buttons(world: World) -> None:
    mine = world.enter(holder_unit=world.p.learner.unit)
    world.enter(name="李四", level="junior")

    body = client_for(world.p.learner).get(reverse("certificates:list")).content.decode()

    assert 'data-page="my-certificates"' in body
    assert f'data-certificate="{mine.pk}"' in body
    assert body.count("data-certificate=") == 1
    assert reverse("certificates:pdf", args=[mine.pk]) in body
    assert reverse("certificates:credential", args=[mine.pk]) in body
    assert "/verify/t/" in body
    # The staff list's R15 deadline button, issue button and export are not offered.
    assert reverse("certificates:compliance") not in body
    assert reverse("certificates:issue") not in body
    assert "format=xlsx" not in body


def test_learner_header_shows_no_staff_role_badge(world: World) -> None:
    body = client_for(world.p.learner).get(reverse("certificates:list")).content.decode()
    assert "经办人" not in body


def test_another_learner_sees_none_of_them(world: World) -> None:
    world.enter(holder_unit=world.p.learner.unit)
    body = client_for(second_learner()).get(reverse("certificates:list")).content.decode()
    assert "data-certificate=" not in body


def test_staff_still_get_the_staff_list(world: World) -> None:
    world.enter()
    body = client_for(world.p.org).get(reverse("certificates:list")).content.decode()
    assert 'data-page="my-certificates"' not in body
    assert reverse("certificates:compliance") in body
