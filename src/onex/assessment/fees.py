"""Fee standards: proposals, provincial approval, history, joint negotiation (R13 R30 R40 R45).

Other apps call ``approved_fee`` (the fee in force) and ``fee_due`` (what a registration costs
and who pays).
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.utils import timezone

from onex.assessment.models import FeeVersion, FeeVersionStatus
from onex.catalog.models import Certificate
from onex.geo.models import Division


def approved_fee(
    *, province: Division, certificate: Certificate, level: str, on: dt.date | None = None
) -> Decimal | None:
    """The fee the province approved for this certificate level, in force on ``on`` (R30).

    A pending increase does not count until approved: the previously approved version stays in
    force. None when the province has approved no fee.
    """
    on = on or timezone.localdate()
    version = (
        FeeVersion.objects.filter(
            standard__province=province,
            standard__certificate=certificate,
            standard__level=level,
            status__in=[FeeVersionStatus.APPROVED, FeeVersionStatus.SUPERSEDED],
            effective_from__lte=on,
        )
        .order_by("-effective_from", "-number")
        .only("amount")
        .first()
    )
    return version.amount if version else None
