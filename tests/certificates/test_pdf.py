"""The certificate PDF: A4, CJK font embedded as a subset, fields, QR to a signed token."""

from __future__ import annotations

import io
import subprocess
import zipfile
from pathlib import Path

import pytest
from django.test import Client
from django.urls import reverse

from onex.certificates.models import IssueJob, IssueJobStatus
from onex.certificates.services.jobs import pdf_job_submit
from onex.certificates.services.pdf import (
    certificate_pdf_bytes,
    number_from_token,
    verification_url,
)
from onex.core.pdf import cjk_font
from tests.conftest import IN_CI, require_tool
from tests.factories_certificates import ID_A, World, client_for, second_learner


@pytest.fixture(autouse=True)
def _needs_cjk_font() -> None:
    if cjk_font() is None:
        message = "no CJK font installed (apt-get install fonts-noto-cjk, or run .ci/run)"
        if IN_CI:
            pytest.fail(message)
        pytest.skip(message)


def test_pdf_is_a4_with_the_cjk_font_embedded_as_a_subset(world: World, tmp_path: Path) -> None:
    pdffonts = require_tool("pdffonts", "checks that the PDF embeds its font")
    issued = world.enter()
    content = certificate_pdf_bytes(issued)
    assert content.startswith(b"%PDF")
    path = tmp_path / "c.pdf"
    path.write_bytes(content)
    fonts = subprocess.run([pdffonts, str(path)], capture_output=True, text=True, check=True)
    rows = [line.split() for line in fonts.stdout.splitlines()[2:]]
    cjk = [row for row in rows if "CJK" in row[0]]
    assert cjk, fonts.stdout
    name = cjk[0][0]
    assert "+" in name  # subset prefix (ABCDEF+NotoSansCJKSC)
    # Columns: name type [type…] encoding emb sub uni object ID
    assert cjk[0][-5:-2] == ["yes", "yes", "yes"]
    assert b"/MediaBox [0 0 595.28 841.89]" in content or b"/MediaBox[0 0 595.28 841.89]" in content


def test_pdf_shows_the_fields_with_the_id_number_masked(world: World, tmp_path: Path) -> None:
    pdftotext = require_tool("pdftotext", "reads the PDF's text")
    issued = world.enter()
    path = tmp_path / "c.pdf"
    path.write_bytes(certificate_pdf_bytes(issued))
    text = subprocess.run(
        [pdftotext, "-layout", str(path), "-"], capture_output=True, text=True, check=True
    ).stdout
    for label in ("证书名称", "姓名", "证件号码", "等级", "评价组织", "发证日期", "证书编号"):
        assert label in text
    assert "物流管理" in text and "王小明" in text and "中级" in text
    assert issued.number in text and issued.id_number_masked in text
    assert ID_A not in text
    assert "2020年06月01日" in text


def test_pdf_qr_code_links_to_a_signed_verification_url(world: World) -> None:
    issued = world.enter()
    content = certificate_pdf_bytes(issued)
    # The QR payload is not extractable without a decoder; check the URL we encode instead.
    url = verification_url(issued.number)
    token = url.rstrip("/").rsplit("/", 1)[-1]
    assert number_from_token(token) == issued.number
    assert len(content) < 200_000  # a subset font keeps the file small


def test_org_and_holder_download_the_pdf_others_cannot(world: World) -> None:
    issued = world.enter(holder_unit=world.p.learner.unit)
    url = f"/certificates/{issued.pk}/pdf/"
    for persona in (world.p.org, world.p.learner, world.p.ministry):
        response = client_for(persona).get(url)
        assert response.status_code == 200, persona.user.username
        assert response["Content-Type"] == "application/pdf"
    assert client_for(world.p.gd).get(url).status_code == 403  # sees it, may not download
    assert client_for(world.other_org_user).get(url).status_code == 404
    assert client_for(second_learner()).get(url).status_code == 404
    api = client_for(world.other_org_user).get(f"/api/v1/certificates/{issued.pk}/pdf")
    assert api.status_code == 404


def test_batch_pdf_job_renders_every_certificate_without_a_pdf(
    world: World, django_capture_on_commit_callbacks: object
) -> None:
    first = world.enter()
    second = world.enter(level="junior")
    with django_capture_on_commit_callbacks(execute=True):  # type: ignore[operator]
        job = pdf_job_submit(actor=world.p.org.actor, org=world.p.org_obj)
    job = IssueJob.objects.get(pk=job.pk)
    assert (job.status, job.total, job.succeeded) == (IssueJobStatus.DONE, 2, 2)
    for c in (first, second):
        c.refresh_from_db()
        assert c.pdf.name.endswith(".pdf") and c.pdf_generated_at is not None
    page = client_for(world.p.org).get(f"/certificates/jobs/{job.pk}/")
    assert page.status_code == 200
    assert client_for(world.other_org_user).get(f"/certificates/jobs/{job.pk}/").status_code == 404


def test_batch_pdf_job_offers_its_pdfs_as_a_zip_to_the_job_owner_only(
    world: World, django_capture_on_commit_callbacks: object
) -> None:
    first = world.enter()
    second = world.enter(level="junior")
    with django_capture_on_commit_callbacks(execute=True):  # type: ignore[operator]
        job = pdf_job_submit(actor=world.p.org.actor, org=world.p.org_obj)
    url = reverse("certificates:job_result", args=[job.pk])

    page = client_for(world.p.org).get(reverse("certificates:job", args=[job.pk]))
    response = client_for(world.p.org).get(url)

    assert url in page.content.decode()
    assert response.status_code == 200
    assert response["Content-Type"] == "application/zip"
    archive = zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content)))  # type: ignore[attr-defined]
    assert sorted(archive.namelist()) == sorted(f"{c.number}.pdf" for c in (first, second))
    assert archive.read(f"{first.number}.pdf").startswith(b"%PDF")
    for outsider in (world.other_org_user, world.p.gd, world.p.learner):
        assert client_for(outsider).get(url).status_code == 404
    assert Client().get(url).status_code == 404
