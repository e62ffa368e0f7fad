"""The weekly-report compliance summary for the overview and the officials' workbench (P4).

The compliance selector (``reporting.selectors.compliance``) counts, for every pilot school and
every week of its pilot period, one expected report, and the filed and on-time ones among the
submitted reports: its cost grows with schools × weeks. This table holds the same three counts
per week × province × city (the school's), so a year's figures by province or city read at
most 53 × the cities' rows, whatever the number of schools or reports.

Kept current in the transaction of every write that changes the figures
(``reporting.services.tallies``): a weekly report's first submission, a school's pilot period
or city changing (pilots emits ``SCHOOL_OBLIGATION_CHANGED``), new weeks in the calendar; and
rebuilt from the raw data by ``manage.py reporting_tally_rebuild``. Missing = expected − filed
over the weeks that have ended: the reader filters the weeks, as the selector does.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

__all__ = ["WeeklyComplianceTally"]


class WeeklyComplianceTally(models.Model):
    """Weekly reports expected, filed and filed on time, per week × province × city."""

    period_start = models.DateField(_("报告期开始"))
    period_end = models.DateField(_("报告期结束"))
    # No index of their own: a planner grouping by city would walk a city index over every
    # week ever tallied instead of the range of one year (the indexes below start with it).
    province = models.ForeignKey(
        "geo.Division",
        verbose_name=_("省份"),
        on_delete=models.PROTECT,
        related_name="+",
        db_index=False,
    )
    city = models.ForeignKey(
        "geo.Division",
        verbose_name=_("城市"),
        on_delete=models.PROTECT,
        related_name="+",
        db_index=False,
    )
    expected = models.IntegerField(_("应报数"), default=0)
    filed = models.IntegerField(_("实报数"), default=0)
    on_time = models.IntegerField(_("按时报送数"), default=0)

    class Meta:
        verbose_name = _("周报报送汇总")
        verbose_name_plural = _("周报报送汇总")
        constraints = [
            models.UniqueConstraint(
                fields=["period_start", "period_end", "province", "city"],
                name="weekly_compliance_tally_cell",
            )
        ]
        indexes = [
            # A province's (or its cities') year.
            models.Index(fields=["province", "period_start"], name="weekly_tally_province"),
            # The nation's year by province, read from the index alone: at 10,000 schools a
            # year is ~17,000 rows, 13 ms through the table's pages against 2.5 ms here. Key
            # columns, not INCLUDE, so SQLite reads it the same way.
            models.Index(
                fields=["period_start", "period_end", "province", "expected", "filed", "on_time"],
                name="weekly_tally_year_counts",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.period_start} {self.city_id}: {self.filed}/{self.expected}"
