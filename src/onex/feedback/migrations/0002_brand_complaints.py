"""R12 brand complaints become feedback of the category "designated-brand bundling".

Every existing ``assessment.BrandComplaint`` is copied into a ``Feedback`` row that keeps a link
to it (``legacy_brand_complaint``): the school (submitter), the org, the school's province
(responsible), the text, the handling note as the answer, and the timeline. Attachments stay on
the complaint and are served by its own scoped download view. The copy has no follow-up code:
the school follows it signed in. The answer deadline of a copied row is approximate (21
calendar days after submission; the migration does not read the working-day calendar).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import migrations


def forward(apps: Any, schema_editor: Any) -> None:
    BrandComplaint = apps.get_model("assessment", "BrandComplaint")
    ComplaintEvent = apps.get_model("assessment", "ComplaintEvent")
    Feedback = apps.get_model("feedback", "Feedback")
    FeedbackEvent = apps.get_model("feedback", "FeedbackEvent")
    done = set(
        Feedback.objects.exclude(legacy_brand_complaint=None).values_list(
            "legacy_brand_complaint_id", flat=True
        )
    )
    for c in BrandComplaint.objects.select_related("school").order_by("pk"):
        if c.pk in done:
            continue
        handled = c.status == "handled"
        row = Feedback.objects.create(
            reference=f"FKR12{c.pk:09d}",
            code_hash="",
            category="brand_bundling",
            subject_kind="org",
            org_id=c.org_id,
            province_id=c.province_id,
            text=c.text,
            submitted_by_id=c.created_by_id,
            submitted_unit_id=c.school.unit_id,
            status="answered" if handled else "submitted",
            due_on=c.created_at.date() + dt.timedelta(days=21),
            answer=c.handled_note if handled else "",
            answered_by_id=c.handled_by_id if handled else None,
            answered_at=c.handled_at if handled else None,
            legacy_brand_complaint_id=c.pk,
        )
        Feedback.objects.filter(pk=row.pk).update(created_at=c.created_at)
        for e in ComplaintEvent.objects.filter(complaint_id=c.pk).order_by("at", "pk"):
            event = FeedbackEvent.objects.create(
                feedback_id=row.pk,
                user_id=e.user_id,
                unit_id=e.unit_id,
                action="answer" if e.action == "handle" else e.action,
                reason=e.reason,
                from_status="" if not e.from_status else "submitted",
                to_status="answered" if e.to_status == "handled" else "submitted",
            )
            FeedbackEvent.objects.filter(pk=event.pk).update(at=e.at)


def backward(apps: Any, schema_editor: Any) -> None:
    Feedback = apps.get_model("feedback", "Feedback")
    Feedback.objects.exclude(legacy_brand_complaint=None).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("feedback", "0001_initial"),
        ("assessment", "0006_r40_exemption_claims"),
    ]

    operations = [migrations.RunPython(forward, backward)]
