from __future__ import annotations

import json

import pytest

from onex.catalog.models import FilingStatus, OrgFiling
from onex.catalog.services.filings import (
    filing_accept,
    filing_attach_letter,
    filing_create,
    filing_return,
    filing_submit,
)
from onex.catalog.services.uploads import MAX_UPLOAD_BYTES, validate_authorization_letter
from onex.core.errors import Conflict, Forbidden, InvalidInput, NotFound
from onex.core.models import AuditEvent
from tests.factories import ID_NUMBER, PDF, filing_input, letter
from tests.factories_catalog import JPEG, PNG, Catalog, catalog_fixture  # noqa: F401 (fixture)
from tests.personas import division


@pytest.mark.parametrize(
    ("name", "content"),
    [("a.pdf", PDF), ("a.PNG", PNG), ("a.jpg", JPEG), ("a.jpeg", JPEG)],
)
def test_authorization_letter_accepts_pdf_and_images(name: str, content: bytes) -> None:
    validate_authorization_letter(letter(name, content))


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("a.pdf", b"MZ\x90\x00binary"),  # an executable renamed to .pdf
        ("a.pdf", PNG),  # content and extension disagree
        ("a.exe", PDF),
        ("a.gif", b"GIF89a" + b"\0" * 10),
        ("a.pdf", b""),
    ],
)
def test_authorization_letter_type_is_checked_by_magic_bytes(name: str, content: bytes) -> None:
    with pytest.raises(InvalidInput) as exc:
        validate_authorization_letter(letter(name, content))
    assert exc.value.field == "authorization_letter"


def test_authorization_letter_over_5_mb_is_refused(catalog: Catalog) -> None:
    filing = catalog.draft()
    big = letter("big.pdf", PDF + b"\0" * MAX_UPLOAD_BYTES)
    with pytest.raises(InvalidInput) as exc:
        filing_attach_letter(actor=catalog.p.org.actor, filing=filing, letter=big)
    assert "5 MB" in str(exc.value.message)


def test_id_number_is_stored_encrypted_and_never_audited_in_clear(catalog: Catalog) -> None:
    filing = catalog.draft()
    assert filing.id_number_masked == "1101**********002X"
    assert ID_NUMBER.encode() not in bytes(filing.id_number_enc)
    assert filing.reveal_id_number(actor=catalog.p.gd.actor) == ID_NUMBER
    for event in AuditEvent.objects.all():
        assert ID_NUMBER not in json.dumps([event.old, event.new], ensure_ascii=False)


def test_birth_date_must_match_the_id_number(catalog: Catalog) -> None:
    import datetime as dt

    with pytest.raises(InvalidInput) as exc:
        catalog.draft(person_birth_date=dt.date(1980, 1, 1))
    assert exc.value.field == "person_birth_date"


def test_school_cannot_create_a_filing(catalog: Catalog) -> None:
    with pytest.raises(Forbidden):
        filing_create(
            actor=catalog.p.gd_school.actor,
            org=catalog.p.org_obj,
            province=division("440000"),
            certificate=catalog.certificate,
            data=filing_input(),
        )
    assert not OrgFiling.objects.exists()


def test_province_cannot_decide_another_provinces_filing(catalog: Catalog) -> None:
    catalog.sign_agreement()
    filing = filing_submit(actor=catalog.p.org.actor, filing=catalog.draft("440000"))
    with pytest.raises(NotFound):
        filing_accept(actor=catalog.p.hb.actor, filing=filing)
    with pytest.raises(NotFound):
        filing_return(actor=catalog.p.hb.actor, filing=filing, reason="x")


def test_province_viewer_cannot_decide(catalog: Catalog) -> None:
    catalog.sign_agreement()
    filing = filing_submit(actor=catalog.p.org.actor, filing=catalog.draft())
    with pytest.raises(Forbidden):
        filing_accept(actor=catalog.p.gd_viewer.actor, filing=filing)


def test_return_requires_a_reason_and_transitions_are_checked(catalog: Catalog) -> None:
    catalog.sign_agreement()
    filing = catalog.draft()
    with pytest.raises(Conflict):
        filing_accept(actor=catalog.p.gd.actor, filing=filing)  # still a draft
    filing = filing_submit(actor=catalog.p.org.actor, filing=filing)
    with pytest.raises(InvalidInput):
        filing_return(actor=catalog.p.gd.actor, filing=filing, reason="  ")
    filing = filing_return(actor=catalog.p.gd.actor, filing=filing, reason="授权函未盖章")
    assert filing.status == FilingStatus.RETURNED and filing.return_reason == "授权函未盖章"
    filing = filing_submit(actor=catalog.p.org.actor, filing=filing)
    filing = filing_accept(actor=catalog.p.gd.actor, filing=filing)
    with pytest.raises(Conflict):
        filing_return(actor=catalog.p.gd.actor, filing=filing, reason="x")
    assert list(filing.events.values_list("action", flat=True)) == [
        "create",
        "submit",
        "return",
        "submit",
        "accept",
    ]


def test_a_second_open_filing_for_the_same_pair_is_refused(catalog: Catalog) -> None:
    catalog.draft()
    with pytest.raises(Conflict):
        catalog.draft()


def test_filing_writes_are_audited(catalog: Catalog) -> None:
    catalog.draft()
    assert AuditEvent.objects.filter(action="catalog.filing.create").count() == 1
