from __future__ import annotations

import datetime as dt

import pytest

from onex.catalog.models import Certificate, FilingStatus, OrgFiling
from onex.catalog.selectors.orgs import org_can_act
from onex.catalog.services.filings import filing_accept, filing_create, filing_submit
from onex.catalog.services.orgs import agreement_sign
from onex.certificates import demo
from onex.certificates.models import CertificateStatus, IssuedCertificate
from onex.core.actors import Actor
from onex.core.demo import load_demo_data
from onex.core.models import Role, Unit, UnitKind
from tests.factories import filing_input, letter


def _ensure_org_may_issue_in_guangdong() -> None:
    # The assessment demo normally signs the agreement and accepts the filing (R18, R38).
    certificate = Certificate.objects.select_related("org__unit").get(code=demo.CERTIFICATE_CODE)
    org = certificate.org
    if not org_can_act(org):
        agreement_sign(actor=Actor.system(), org=org, signed_on=dt.date(2019, 10, 1))
    province = Unit.objects.get(kind=UnitKind.PROVINCE, province__code=demo.PROVINCE)
    assert province.province is not None
    if not OrgFiling.objects.filter(
        org=org, province=province.province, status=FilingStatus.ACCEPTED
    ).exists():
        org_actor = Actor(user=None, unit=org.unit, role=Role.ADMIN)
        filing = filing_create(
            actor=org_actor,
            org=org,
            province=province.province,
            certificate=certificate,
            data=filing_input(),
            letter=letter(),
        )
        filing_submit(actor=org_actor, filing=filing)
        filing_accept(actor=Actor(user=None, unit=province, role=Role.ADMIN), filing=filing)


@pytest.mark.django_db
def test_demo_certificates_one_revoked_one_suspended_one_late_and_idempotent() -> None:
    load_demo_data()
    _ensure_org_may_issue_in_guangdong()
    demo.load_demo(stdout=lambda _m: None)
    issued = IssuedCertificate.objects.all()
    assert issued.filter(holder_name="李明", holder_unit__isnull=False).exists()
    # The credit bank's demo revokes one examined certificate too (its credits suspended).
    assert issued.filter(status=CertificateStatus.REVOKED, registration__isnull=True).count() == 1
    assert issued.filter(status=CertificateStatus.SUSPENDED).count() == 1
    assert issued.filter(late_entry=True).count() == 1
    count = issued.count()
    assert demo.load_demo(stdout=lambda _m: None) == {}
    assert IssuedCertificate.objects.count() == count
