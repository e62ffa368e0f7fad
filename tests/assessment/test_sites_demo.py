"""Sites and fees demo data: realistic gaps and states, and a second run creates nothing."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command

from onex.assessment.models import (
    AssessmentPlan,
    BrandComplaint,
    FeeNegotiation,
    FeeVersion,
    FeeVersionStatus,
    Site,
    SiteApplication,
)
from onex.assessment.selectors import sites as site_selectors
from onex.core.actors import Actor

pytestmark = pytest.mark.django_db
MODELS = (AssessmentPlan, Site, SiteApplication, FeeVersion, FeeNegotiation, BrandComplaint)


def test_demo_sites_and_fees_show_every_state_and_run_twice() -> None:
    call_command("demo_data", stdout=StringIO(), stderr=StringIO())
    assert set(Site.objects.values_list("province__code", flat=True)) == {
        "440000",
        "140000",
        "420000",
    }
    gaps = {
        (r.city.name, r.certificate.code)
        for r in site_selectors.coverage_report(actor=Actor.system()).gaps
    }
    assert ("深圳市", "2-10") in gaps and ("襄阳市", "1-04") in gaps
    assert FeeVersion.objects.filter(status=FeeVersionStatus.PENDING).count() == 1
    assert FeeNegotiation.objects.count() == 1
    # Brand complaints are feedback (category brand_bundling): the demo files none the old way.
    assert not BrandComplaint.objects.exists()
    before = {m.__name__: m.objects.count() for m in MODELS}
    call_command("demo_data", stdout=StringIO(), stderr=StringIO())
    assert {m.__name__: m.objects.count() for m in MODELS} == before
