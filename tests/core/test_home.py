"""The public home page at / and the product's 404 page under DEBUG."""

from __future__ import annotations

import sys
import types
from collections.abc import Iterator
from typing import Any

import pytest
from django.test import Client
from django.urls import clear_url_caches, reverse
from django.utils import timezone

import onex.urls
from onex.catalog.models import OrgNotice
from onex.core import checks
from onex.core.views.home import PUBLIC_LINKS, PublicLink
from onex.core.views.not_found import debug_catch_all
from tests.personas import Personas

PUBLIC = [
    "verify:index",
    "pilots:public_list",
    "assessment:plan_public_list",
    "assessment:site_list",
    "catalog:notice_list",
]


@pytest.mark.django_db
def test_anonymous_visitor_gets_a_home_page_linking_every_public_page(client: Client) -> None:
    response = client.get("/")
    assert response.status_code == 200
    html = response.content.decode()
    for name in PUBLIC:
        assert f'href="{reverse(name)}"' in html, name
        assert client.get(reverse(name)).status_code == 200, name
    assert f'href="{reverse("login")}"' in html


def test_signed_in_user_still_lands_on_the_dashboard(client: Client, personas: Personas) -> None:
    client.force_login(personas.gd.user)
    response = client.get("/")
    assert response.status_code == 200
    assert any(t.name.startswith("core/dashboard") for t in response.templates)
    assert reverse("dashboard") == "/"


@pytest.mark.django_db
def test_login_page_links_the_public_home(client: Client) -> None:
    html = client.get(reverse("login")).content.decode()
    assert f'href="{reverse("home")}"' in html


def test_notices_page_lists_org_notices_publicly(client: Client, personas: Personas) -> None:
    OrgNotice.objects.create(
        org=personas.org_obj, title="2026 年考核安排", body="正文", published_at=timezone.now()
    )
    response = client.get(reverse("catalog:notice_list"))
    html = response.content.decode()
    assert "2026 年考核安排" in html and personas.org_obj.name in html
    assert "考核安排" in client.get(reverse("catalog:notice_list"), {"q": "考核"}).content.decode()
    assert (
        "考核安排" not in client.get(reverse("catalog:notice_list"), {"q": "无关"}).content.decode()
    )


@pytest.fixture
def debug_urls(settings: Any) -> Iterator[None]:
    """The root urlconf as it is built with DEBUG on (it is imported once, with DEBUG off)."""
    settings.DEBUG = True
    module = types.ModuleType("onex_debug_urls")
    module.urlpatterns = [*onex.urls.urlpatterns, *debug_catch_all()]  # type: ignore[attr-defined]
    sys.modules[module.__name__] = module
    settings.ROOT_URLCONF = module.__name__
    clear_url_caches()
    yield
    del sys.modules[module.__name__]
    clear_url_caches()


@pytest.mark.django_db
def test_debug_404_renders_the_product_page(client: Client, debug_urls: None) -> None:
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    html = response.content.decode()
    assert "页面不存在" in html and 'class="error-page"' in html
    assert "URLconf" not in html  # not Django's technical page listing every pattern


@pytest.mark.django_db
def test_debug_catch_all_keeps_the_append_slash_redirect(client: Client, debug_urls: None) -> None:
    response = client.get("/accounts/login")
    assert response.status_code == 301
    assert response["Location"] == "/accounts/login/"
    assert client.get("/accounts/login/").status_code == 200


def test_without_debug_there_is_no_catch_all(settings: Any) -> None:
    settings.DEBUG = False
    assert debug_catch_all() == []


@pytest.mark.django_db
@pytest.mark.parametrize("debug", [True, False])
def test_http404_raised_in_a_view_renders_the_product_page(
    client: Client, personas: Personas, settings: Any, debug: bool
) -> None:
    # Issue item 24: under DEBUG a view's Http404 still showed Django's technical page.
    settings.DEBUG = debug
    client.force_login(personas.ministry.user)
    response = client.get(reverse("policy_edit", args=["no.such.setting"]))
    assert response.status_code == 404
    html = response.content.decode()
    assert "页面不存在" in html and 'class="error-page"' in html
    assert "URLconf" not in html and "Raised by" not in html


@pytest.mark.django_db
def test_http404_under_debug_for_htmx_is_the_message_fragment(
    client: Client, personas: Personas, settings: Any
) -> None:
    settings.DEBUG = True
    client.force_login(personas.ministry.user)
    url = reverse("policy_edit", args=["no.such.setting"])
    response = client.get(url, headers={"HX-Request": "true"})
    assert response.status_code == 404
    html = response.content.decode()
    assert "未找到该记录" in html and "<html" not in html


def test_a_public_link_that_does_not_resolve_fails_the_system_check_with_e001(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    broken = PublicLink("坏链接", "no_such_page", "")
    monkeypatch.setattr(checks, "PUBLIC_LINKS", (*PUBLIC_LINKS, broken))
    errors = checks.check_registered_urls()
    assert [e.id for e in errors] == ["onex.E001"]
    assert "no_such_page" in errors[0].msg
