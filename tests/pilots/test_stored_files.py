"""Application attachments and summary files: only through their owners' scoped views."""

from __future__ import annotations

import pytest

from onex.pilots.services import applications as application_services
from onex.pilots.services import summary as summary_services
from tests.downloads import assert_private_download
from tests.factories_pilots import (
    PDF,
    draft,
    upload,
)
from tests.personas import Personas
from tests.pilots.test_summary import gd_pilots, scan

pytestmark = pytest.mark.django_db


def test_application_attachment_is_404_for_anonymous_and_outsiders(personas: Personas) -> None:
    application = draft(personas.gd_school, personas.gd_school_obj, personas)
    attachment = application_services.application_attach(
        actor=personas.gd_school.actor, application=application, title="租赁协议", upload=upload()
    )
    assert_private_download(
        f"/pilots/applications/{application.pk}/attachments/{attachment.pk}/",
        allowed=[personas.gd_school],
        refused=[personas.hb_school, personas.hb],
        content=PDF,
    )


def test_summary_snapshot_and_scan_are_404_for_anonymous_and_other_provinces(
    personas: Personas,
) -> None:
    gd_pilots(personas)
    submission = summary_services.summary_submit(actor=personas.gd.actor, scan=scan())
    for which in ("snapshot", "scan"):
        assert_private_download(
            f"/pilots/summary/{submission.pk}/{which}/",
            allowed=[personas.gd, personas.ministry],
            refused=[personas.hb, personas.gd_school],
        )
