"""What the catalogue contributes to the shell: menu entries, national and org dashboard
figures, the batches the policy pages offer, its policy settings and its demo step."""

from __future__ import annotations

from decimal import Decimal

from django.db.models import Count
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from onex.catalog import demo
from onex.catalog.models import Batch, Certificate, Org
from onex.core import registry
from onex.core.actors import Actor
from onex.core.models import NATIONAL_KINDS, UnitKind
from onex.core.navigation import NATIONAL, OFFICIALS
from onex.core.registry import (
    BatchChoice,
    BatchSource,
    CardContent,
    Chart,
    DashboardCard,
    DemoStep,
    Figure,
    MenuEntry,
    PolicySetting,
    PolicySource,
    PolicyType,
)

ORG_KINDS = frozenset({UnitKind.ORG})

# --- dashboards ---------------------------------------------------------------------------------


def _certificates_per_batch() -> list[tuple[int, int]]:
    rows = Batch.objects.annotate(n=Count("certificates")).order_by("number")
    return [(row.number, row.n) for row in rows]


def _batch_chart(rows: list[tuple[int, int]]) -> Chart | None:
    if not rows:
        return None
    return Chart(
        title=_("各批次证书数量"),
        series_name=_("证书"),
        categories=[_("第%(n)s批") % {"n": number} for number, _n in rows],
        values=[n for _number, n in rows],
    )


def national_card(actor: Actor) -> CardContent:
    by_batch = _certificates_per_batch()
    total = sum(n for _number, n in by_batch)
    return CardContent(
        figures=[
            Figure(_("培训评价组织"), Org.objects.count()),
            Figure(_("职业技能等级证书"), total, _("%(n)s 个批次") % {"n": len(by_batch)}),
        ],
        chart=_batch_chart(by_batch),
    )


def _org_certificates_per_batch(actor: Actor) -> list[tuple[int, int]]:
    rows = (
        Certificate.objects.filter(org__unit=actor.unit)
        .values("batch__number")
        .annotate(n=Count("pk"))
        .order_by("batch__number")
    )
    return [(row["batch__number"], row["n"]) for row in rows]


def org_card(actor: Actor) -> CardContent:
    by_batch = _org_certificates_per_batch(actor)
    return CardContent(
        figures=[
            Figure(_("职业技能等级证书"), sum(n for _number, n in by_batch)),
            Figure(_("涉及批次"), len(by_batch)),
        ],
        chart=_batch_chart(by_batch),
    )


registry.cards.register(DashboardCard("catalog.national", NATIONAL_KINDS, national_card, 30))
registry.cards.register(DashboardCard("catalog.org", ORG_KINDS, org_card, 30))

# --- batches for the policy pages ---------------------------------------------------------------


def _batch_choices() -> list[BatchChoice]:
    return [
        BatchChoice(number, _("第%(n)s批") % {"n": number})
        for number in Batch.objects.order_by("number").values_list("number", flat=True)
    ]


def _batch_exists(number: int) -> bool:
    return Batch.objects.filter(number=number).exists()


registry.batch_sources.register(BatchSource("catalog.batches", 0, _batch_choices, _batch_exists))

# --- menu ---------------------------------------------------------------------------------------

for entry in (
    MenuEntry(gettext_lazy("证书目录"), "catalog:list", 50),
    MenuEntry(gettext_lazy("培训评价组织"), "catalog:org_list", 60, kinds=OFFICIALS),
    MenuEntry(gettext_lazy("通知禁用表述"), "catalog:phrase_list", 180, kinds=NATIONAL),
    MenuEntry(
        gettext_lazy("组织备案"),
        "catalog:filing_list",
        190,
        kinds=frozenset({*NATIONAL, UnitKind.PROVINCE, UnitKind.ORG}),
    ),
):
    registry.menu.register(entry)

# --- policy settings ----------------------------------------------------------------------------

for setting in (
    PolicySetting(
        "r02.org_filing_lead_working_days",
        PolicyType.WORKING_DAYS,
        5,
        "R02",
        gettext_lazy("培训评价组织活动前备案提前量"),
        gettext_lazy("个工作日"),
        maximum=120,
        source=PolicySource.PLATFORM,
        order=10,
    ),
    PolicySetting(
        "r05.industry_trainer_ratio_min",
        PolicyType.RATIO,
        Decimal("0.40"),
        "R05",
        gettext_lazy("培训团队中行业企业培训师比例下限"),
        order=20,
    ),
    PolicySetting(
        "r16.credit_plan_months",
        PolicyType.MONTHS,
        1,
        "R16",
        gettext_lazy("证书公布后提出学分记录建议方案时限"),
        gettext_lazy("个月"),
        maximum=24,
        order=40,
    ),
):
    registry.policy_keys.register(setting)

# --- demo data ----------------------------------------------------------------------------------

registry.demo_steps.register(DemoStep("catalog.catalogue", 20, demo.load_demo))
