"""Builders of the supervision tests: the exams world plus Hubei's confirmed pilot."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.utils import timezone

from onex.catalog.models import Org
from onex.pilots.models import School
from onex.supervision.models import Proceeding, SchoolReason, SpotCheckRound
from onex.supervision.services import proceedings, spotchecks
from tests.factories_assessment import Exams, confirm_pilot, exams_world
from tests.personas import Personas


@dataclass
class World:
    ex: Exams

    @property
    def p(self) -> Personas:
        return self.ex.p

    def school_proceeding(self, school: School | None = None) -> Proceeding:
        school = school or self.p.gd_school_obj
        proposer = self.p.gd if school.province.code == "440000" else self.p.hb
        return proceedings.proceeding_propose_school(
            actor=proposer.actor,
            school=school,
            reasons=[SchoolReason.MISSED_WEEKLY_REPORTS],
            facts="连续三周未报送周报",
        )

    def org_proceeding(self, org: Org | None = None) -> Proceeding:
        return proceedings.proceeding_propose_org(
            actor=self.p.ministry.actor,
            org=org or self.p.org_obj,
            reasons=["bad_assessment"],
            facts="考核组织不力",
        )

    def answer_period_over(self, proceeding: Proceeding) -> Proceeding:
        """As if the answer period had run out unanswered."""
        Proceeding.objects.filter(pk=proceeding.pk).update(
            answer_due=timezone.localdate() - dt.timedelta(days=1)
        )
        proceeding.refresh_from_db()
        return proceeding

    def disqualified_school(self, school: School | None = None) -> Proceeding:
        p = self.answer_period_over(self.school_proceeding(school))
        return proceedings.proceeding_disqualify(
            actor=self.p.ministry.actor, proceeding=p, note="属实"
        )

    def disqualified_org(self) -> Proceeding:
        p = self.answer_period_over(self.org_proceeding())
        return proceedings.proceeding_disqualify(
            actor=self.p.ministry.actor, proceeding=p, note="属实"
        )

    def round(self, sample_size: int = 1, seed: str = "s-1") -> SpotCheckRound:
        return spotchecks.round_create(
            actor=self.p.gd.actor,
            title="秋季抽查",
            planned_on=timezone.localdate(),
            sample_size=sample_size,
            seed=seed,
        )


def build_world(personas: Personas) -> World:
    ex = exams_world(personas)
    confirm_pilot(personas.hb_school_obj, ex.certificate, ex.hb_specialty)
    return World(ex)
