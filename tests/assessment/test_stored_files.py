"""Complaint attachments and fee review files: only through their owners' scoped views."""

from __future__ import annotations

from onex.assessment.services import fees as fee_services
from onex.assessment.services import sites as site_services
from onex.catalog.models import Level
from tests.downloads import assert_private_download, client_of
from tests.factories import letter
from tests.factories_assessment_sites import (
    World,
    world_fixture,  # noqa: F401 (fixture)
)
from tests.personas import division

BASE = "/assessment"


def test_complaint_attachment_is_404_for_anonymous_and_other_provinces(world: World) -> None:
    p = world.p
    complaint = site_services.complaint_submit(
        actor=p.gd_school.actor,
        school=p.gd_school_obj,
        org=p.org_obj,
        text="要求采购指定品牌设备",
        attachments=[letter("材料.pdf")],
    )
    attachment = complaint.attachments.get()
    assert_private_download(
        f"{BASE}/brand-complaints/{complaint.pk}/attachments/{attachment.pk}/",
        allowed=[p.gd, p.ministry],
        refused=[p.hb, p.org, p.hb_school],
    )


def test_fee_review_attachment_downloads_from_the_fee_page_only_in_scope(world: World) -> None:
    p = world.p
    version = fee_services.fee_propose(
        actor=p.org.actor,
        province=division("440000"),
        certificate=world.certificate,
        level=Level.JUNIOR,
        amount="200",
    )
    fee_services.fee_approve(
        actor=p.gd.actor,
        version=version,
        review=fee_services.FeeReview(
            kind="expert",
            reviewer="广东省职业教育专家组",
            conclusion="测算合理",
            attachment=letter("材料.pdf"),
        ),
    )
    url = f"{BASE}/fees/{version.standard_id}/versions/{version.pk}/review-attachment/"
    page = client_of(p.gd).get(f"{BASE}/fees/{version.standard_id}/").content.decode()
    assert url in page
    assert_private_download(url, allowed=[p.gd, p.org, p.gd_school], refused=[p.hb, p.hb_school])
    wrong_standard = f"{BASE}/fees/{version.standard_id + 999}/versions/{version.pk}/"
    assert client_of(p.gd).get(wrong_standard + "review-attachment/").status_code == 404
