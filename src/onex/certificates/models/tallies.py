"""Summary tables of issued certificates for the national and provincial overview (P4).

The overview groups one year's certificates by province, certificate, level or month. Counting
10 million certificates for each page would grow with the table; these tallies hold the same
counts per cell and grow only with the catalogue (years × provinces × certificates), so the
overview costs the same at 100,000 or 10 million certificates.

They are kept current in the transaction of every write that changes them
(``certificates.services.tallies``: issue, enter, suspend, reinstate, revoke) and can be
rebuilt from the certificates at any time (``manage.py certificates_tally_rebuild``).

``IssuedEntryTally`` is of another kind: the R15 late-entry figures (``entry_compliance``) per
province × org, over every certificate whatever its year or status, for the certificates page
of the Ministry, a province and an org.

``IssuedNationalTally`` holds the same counts as ``IssuedCertificateTally`` with the provinces
added together, so the Ministry's overview by certificate reads one row per certificate rather
than one per province and certificate.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from onex.catalog.models import Level

__all__ = [
    "ISSUED_TALLIES",
    "IssuedCertificateTally",
    "IssuedCityTally",
    "IssuedEntryTally",
    "IssuedMonthTally",
    "IssuedNationalTally",
]


class _Counts(models.Model):
    """How many certificates a cell of one year holds, and how many of those are now suspended
    or revoked (the overview counts the ones not revoked: ``issued - revoked``)."""

    year = models.PositiveSmallIntegerField(_("发证年份"))
    issued = models.IntegerField(_("发证数"), default=0)
    suspended = models.IntegerField(_("暂停数"), default=0)
    revoked = models.IntegerField(_("撤销数"), default=0)

    class Meta:
        abstract = True


class _ProvinceCounts(_Counts):
    """The counts of a cell within one province."""

    province = models.ForeignKey(
        "geo.Division", verbose_name=_("省份"), on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        abstract = True


class IssuedMonthTally(_ProvinceCounts):
    """Per year × month × province × level (at most 12 × 34 × 3 rows a year)."""

    month = models.PositiveSmallIntegerField(_("发证月份"))
    level = models.CharField(_("等级"), max_length=16, choices=Level.choices)

    class Meta:
        verbose_name = _("发证月度汇总")
        verbose_name_plural = _("发证月度汇总")
        constraints = [
            models.UniqueConstraint(
                fields=["year", "month", "province", "level"], name="issued_month_tally_cell"
            )
        ]

    def __str__(self) -> str:
        return f"{self.year}-{self.month:02d} {self.province_id} {self.level}: {self.issued}"


class IssuedCertificateTally(_ProvinceCounts):
    """Per year × province × certificate (at most 34 × the catalogue's certificates a year)."""

    certificate = models.ForeignKey(
        "catalog.Certificate", verbose_name=_("证书"), on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = _("发证证书汇总")
        verbose_name_plural = _("发证证书汇总")
        constraints = [
            models.UniqueConstraint(
                fields=["year", "province", "certificate"], name="issued_certificate_tally_cell"
            )
        ]

    def __str__(self) -> str:
        return f"{self.year} {self.province_id} {self.certificate_id}: {self.issued}"


class IssuedCityTally(_ProvinceCounts):
    """Per year × the holder's school's province × its city (at most the cities' rows a year),
    for the drill-down into one province's cities. ``province`` here is the school's, as the
    drill-down counts a province's schools; certificates without a school are not in it."""

    city = models.ForeignKey(
        "geo.Division", verbose_name=_("城市"), on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = _("发证城市汇总")
        verbose_name_plural = _("发证城市汇总")
        constraints = [
            models.UniqueConstraint(
                fields=["year", "province", "city"], name="issued_city_tally_cell"
            )
        ]

    def __str__(self) -> str:
        return f"{self.year} {self.city_id}: {self.issued}"


class IssuedNationalTally(_Counts):
    """Per year × certificate, all provinces together (at most the catalogue's certificates a
    year): the Ministry's overview by certificate reads one row per certificate here instead of
    summing the provinces' rows of ``IssuedCertificateTally``."""

    certificate = models.ForeignKey(
        "catalog.Certificate", verbose_name=_("证书"), on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = _("发证全国证书汇总")
        verbose_name_plural = _("发证全国证书汇总")
        constraints = [
            models.UniqueConstraint(
                fields=["year", "certificate"], name="issued_national_tally_cell"
            )
        ]

    def __str__(self) -> str:
        return f"{self.year} {self.certificate_id}: {self.issued}"


class IssuedEntryTally(models.Model):
    """R15 entry figures per province × org (at most 34 × the orgs' rows): how many certificates
    were entered, how many late and how many on an unverified calendar. ``province`` is the
    certificate's own (where the exam was held), the one a province official's scope uses.
    Every certificate counts whatever its status, as ``entry_compliance`` always has; neither
    flag changes after issue, so only ``tally_issue`` and ``tally_rebuild`` write it."""

    province = models.ForeignKey(
        "geo.Division", verbose_name=_("省份"), on_delete=models.PROTECT, related_name="+"
    )
    org = models.ForeignKey(
        "catalog.Org", verbose_name=_("培训评价组织"), on_delete=models.PROTECT, related_name="+"
    )
    total = models.IntegerField(_("录入数"), default=0)
    late = models.IntegerField(_("逾期录入数"), default=0)
    unverified = models.IntegerField(_("工作日未经核实数"), default=0)

    class Meta:
        verbose_name = _("证书录入汇总")
        verbose_name_plural = _("证书录入汇总")
        constraints = [
            models.UniqueConstraint(fields=["province", "org"], name="issued_entry_tally_cell")
        ]

    def __str__(self) -> str:
        return f"{self.province_id} {self.org_id}: {self.late}/{self.total}"


# Every tally of the issued certificates: what ``tally_rebuild`` locks, clears and refills.
ISSUED_TALLIES: tuple[type[models.Model], ...] = (
    IssuedMonthTally,
    IssuedCertificateTally,
    IssuedNationalTally,
    IssuedCityTally,
    IssuedEntryTally,
)
