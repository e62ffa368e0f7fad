"""Assessment plans, site conditions, site applications, registered sites, coverage.

Rules: R09 (plan published), R10 (school applies, org and province agree, site registered),
R11 (coverage of prefecture-level cities), R12 (no designated brands). Other apps call
``registered_sites``.
"""

from __future__ import annotations

from django.db.models import QuerySet

from onex.assessment.models import Site, SiteCertificate, SiteStatus
from onex.catalog.models import Certificate
from onex.geo.models import Division


def registered_sites(
    *,
    province: Division | None = None,
    certificate: Certificate | None = None,
    level: str | None = None,
) -> QuerySet[Site]:
    """Active registered sites, optionally for a province and a certificate (and level)."""
    qs = Site.objects.filter(status=SiteStatus.ACTIVE)
    if province is not None:
        qs = qs.filter(province=province)
    if certificate is not None or level is not None:
        lines = SiteCertificate.objects.all()
        if certificate is not None:
            lines = lines.filter(certificate=certificate)
        if level is not None:
            lines = lines.filter(level=level)
        qs = qs.filter(pk__in=lines.values("site_id"))
    return qs.select_related("school", "province", "city").order_by("code")
