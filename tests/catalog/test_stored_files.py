"""Filing letters and standard PDFs: only through their owners' views, never from MEDIA_URL."""

from __future__ import annotations

import datetime as dt

from django.test import Client

from onex.catalog.services.certificates import standard_publish
from onex.catalog.services.filings import filing_submit
from onex.core.actors import Actor
from tests.downloads import assert_private_download
from tests.factories import PDF, letter
from tests.factories_catalog import Catalog, catalog_fixture  # noqa: F401 (fixture)


def test_authorization_letter_is_404_for_anonymous_and_other_provinces(catalog: Catalog) -> None:
    p = catalog.p
    catalog.sign_agreement()
    filing = filing_submit(actor=p.org.actor, filing=catalog.draft())
    assert_private_download(
        f"/catalog/filings/{filing.pk}/letter/",
        allowed=[p.org, p.gd, p.ministry],
        refused=[p.hb, p.gd_school],
        content=PDF,
    )


def test_standard_pdf_is_linked_to_its_view_and_not_to_media(catalog: Catalog) -> None:
    standard = standard_publish(
        actor=Actor.system(),
        certificate=catalog.certificate,
        version="1.0",
        published_on=dt.date(2019, 10, 1),
        content={},
        pdf=letter("标准.pdf"),
    )
    code = catalog.certificate.code
    url = f"/catalog/certificates/{code}/standards/{standard.pk}/pdf/"
    page = Client().get(f"/catalog/certificates/{code}/").content.decode()
    assert url in page and str(standard.pdf.name) not in page
    api = Client().get(f"/api/v1/catalog/certificates/{code}").json()
    assert api["standard"]["pdf_url"] == url
    # The catalogue is public, so is its standard; any other certificate's path is a 404.
    response = Client().get(url)
    assert response.status_code == 200 and response["Cache-Control"] == "no-store"
    assert b"".join(response.streaming_content) == PDF  # type: ignore[attr-defined]
    assert (
        Client().get(f"/catalog/certificates/X9-99/standards/{standard.pk}/pdf/").status_code == 404
    )
