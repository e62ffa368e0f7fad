"""Certificate PDFs: only through the scoped download view, never from MEDIA_URL."""

from __future__ import annotations

import importlib
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.test import Client
from django.urls import clear_url_caches

from onex.certificates.services.pdf import certificate_pdf_store
from onex.core.pdf import cjk_font
from tests.downloads import assert_private_download, client_of
from tests.factories_certificates import World, second_learner


@pytest.fixture(autouse=True)
def _needs_cjk_font() -> None:
    if cjk_font() is None:
        pytest.skip("no CJK font installed (apt-get install fonts-noto-cjk, or run .ci/run)")


@pytest.fixture
def debug_urls(settings: Any) -> Iterator[None]:
    """The URLconf as ``make run`` builds it: with DEBUG on when it is imported."""
    import onex.urls

    settings.DEBUG = True
    importlib.reload(onex.urls)
    clear_url_caches()
    yield
    settings.DEBUG = False
    importlib.reload(onex.urls)
    clear_url_caches()


def test_certificate_pdf_is_404_for_anonymous_and_other_orgs(world: World) -> None:
    issued = certificate_pdf_store(certificate=world.enter(holder_unit=world.p.learner.unit))
    assert_private_download(
        f"/certificates/{issued.pk}/pdf/",
        allowed=[world.p.org, world.p.learner, world.p.ministry],
        refused=[world.other_org_user, second_learner()],
    )


def test_media_url_serves_no_stored_file_even_with_debug(world: World, debug_urls: None) -> None:
    from django.conf import settings

    issued = certificate_pdf_store(certificate=world.enter())
    assert (Path(settings.MEDIA_ROOT) / issued.pdf.name).is_file()
    media_path = "/" + settings.MEDIA_URL.strip("/") + "/" + issued.pdf.name
    for client in (Client(), client_of(world.p.org)):
        response = client.get(media_path.replace("//", "/"))
        assert response.status_code == 404
        assert b"%PDF" not in response.content
