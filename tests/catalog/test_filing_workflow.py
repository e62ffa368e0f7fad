"""The org filing's declared table: the page and the API offer exactly its moves (R38)."""

from __future__ import annotations

import pytest
from django.urls import reverse

from onex.catalog.models import FilingStatus, OrgFiling
from onex.catalog.services.filings import filing_accept, filing_return, filing_submit
from onex.catalog.workflows import FILING
from onex.core.workflows import registered
from tests.factories_catalog import Catalog, catalog_fixture  # noqa: F401 (fixture)
from tests.workflow_support import assert_same_moves

pytestmark = pytest.mark.django_db


def _same(filing: OrgFiling, catalog: Catalog) -> dict[str, set[str]]:
    return assert_same_moves(
        workflow=FILING,
        obj=filing,
        personas=catalog.p,
        api_url=f"/api/v1/catalog/filings/{filing.pk}",
        page_url=reverse("catalog:filing_detail", args=[filing.pk]),
    )


def test_r38_draft_offers_the_org_its_moves(catalog: Catalog) -> None:
    seen = _same(catalog.draft(), catalog)

    assert seen["org"] == {"update", "letter", "submit"}
    assert all(not moves for name, moves in seen.items() if name != "org")


def test_r38_submitted_offers_the_filing_province_its_decision(catalog: Catalog) -> None:
    catalog.sign_agreement()
    filing = filing_submit(actor=catalog.p.org.actor, filing=catalog.draft())

    seen = _same(filing, catalog)

    assert seen["gd"] == {"accept", "return"}
    assert seen["hb"] == set() and seen["gd_viewer"] == set() and seen["org"] == set()


def test_r38_accepted_offers_nothing(catalog: Catalog) -> None:
    catalog.sign_agreement()
    filing = filing_submit(actor=catalog.p.org.actor, filing=catalog.draft())
    filing = filing_accept(actor=catalog.p.gd.actor, filing=filing)

    assert not any(_same(filing, catalog).values())


def test_the_filing_workflow_is_registered() -> None:
    assert FILING in list(registered())
    states = set(FilingStatus.values)
    for move in FILING.moves:
        assert set(move.sources) <= states and set(move.possible_targets()) <= states


def test_r38_returned_offers_the_org_its_moves_again(catalog: Catalog) -> None:
    catalog.sign_agreement()
    filing = filing_submit(actor=catalog.p.org.actor, filing=catalog.draft())
    filing = filing_return(actor=catalog.p.gd.actor, filing=filing, reason="缺少考核计划附件")

    seen = _same(filing, catalog)

    assert seen["org"] == {"update", "letter", "submit"}
    assert all(not moves for name, moves in seen.items() if name != "org")
