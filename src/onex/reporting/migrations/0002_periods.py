"""The calendar of reporting periods, 2019 (the pilot began) to 2040: ISO weeks, months and
half-years. Plain data: the compliance queries join it, so no period is computed per query."""

import datetime as dt

from django.db import migrations

FIRST_YEAR = 2019
LAST_YEAR = 2040


def periods():  # type: ignore[no-untyped-def]
    monday = dt.date.fromisocalendar(FIRST_YEAR, 1, 1)
    last = dt.date(LAST_YEAR, 12, 31)
    while monday <= last:
        year, week, _day = monday.isocalendar()
        yield ("weekly", monday, monday + dt.timedelta(days=6), f"{year}-W{week:02d}")
        monday += dt.timedelta(days=7)
    for year in range(FIRST_YEAR, LAST_YEAR + 1):
        for month in range(1, 13):
            start = dt.date(year, month, 1)
            nxt = dt.date(year + (month == 12), month % 12 + 1, 1)
            yield ("monthly", start, nxt - dt.timedelta(days=1), f"{year}-{month:02d}")
        yield ("half_year", dt.date(year, 1, 1), dt.date(year, 6, 30), f"{year}-H1")
        yield ("half_year", dt.date(year, 7, 1), dt.date(year, 12, 31), f"{year}-H2")


def create(apps, schema_editor):  # type: ignore[no-untyped-def]
    Period = apps.get_model("reporting", "Period")
    existing = set(Period.objects.values_list("kind", "first_day"))
    Period.objects.bulk_create(
        [
            Period(kind=kind, first_day=start, last_day=end, label=label)
            for kind, start, end, label in periods()
            if (kind, start) not in existing
        ],
        batch_size=500,
    )


class Migration(migrations.Migration):
    dependencies = [("reporting", "0001_initial")]
    operations = [migrations.RunPython(create, migrations.RunPython.noop)]
