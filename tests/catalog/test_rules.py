"""Each policy rule of the catalogue half of issue 3, named by its ID."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.db import IntegrityError, transaction

from onex.catalog.models import CertificateLevel, FilingStatus, Level, UnauthorizedPhrase
from onex.catalog.selectors.catalogue import batch_certificates
from onex.catalog.selectors.notices import active_unauthorized_phrases
from onex.catalog.selectors.orgs import org_can_act
from onex.catalog.services.batches import batch_create
from onex.catalog.services.certificates import certificate_create, certificate_level_set
from onex.catalog.services.filings import filing_accept, filing_submit, require_org_filing
from onex.catalog.services.notices import notice_publish
from onex.catalog.services.orgs import agreement_sign, require_org_agreement
from onex.catalog.services.phrases import phrase_add, phrase_set_active
from onex.catalog.services.schools import levels_allowed_for_school_type, resolve_training_levels
from onex.core.errors import RuleViolation
from tests.factories_catalog import SECOND_BATCH, Catalog, catalog_fixture  # noqa: F401 (fixture)
from tests.personas import Personas, division, make_org

# --- R13 -----------------------------------------------------------------------------------


def test_r13_ceiling_is_stored_per_level(catalog: Catalog) -> None:
    levels = {lv.level: lv.cost_ceiling for lv in catalog.certificate.levels.all()}
    assert levels == {Level.JUNIOR: Decimal("300.00"), Level.INTERMEDIATE: Decimal("400.50")}
    # Setting one level again updates it, leaves the others.
    certificate_level_set(
        actor=catalog.p.ministry.actor,
        certificate=catalog.certificate,
        level=Level.JUNIOR,
        cost_ceiling=Decimal("280.00"),
    )
    assert CertificateLevel.objects.get(
        certificate=catalog.certificate, level=Level.JUNIOR
    ).cost_ceiling == Decimal("280.00")
    assert catalog.certificate.levels.count() == 2


def test_r13_negative_ceiling_is_refused_by_service_and_database(catalog: Catalog) -> None:
    with pytest.raises(RuleViolation) as exc:
        certificate_level_set(
            actor=catalog.p.ministry.actor,
            certificate=catalog.certificate,
            level=Level.SENIOR,
            cost_ceiling="-1",
        )
    assert exc.value.rule == "R13"
    with pytest.raises(IntegrityError), transaction.atomic():
        CertificateLevel.objects.create(
            certificate=catalog.certificate, level=Level.SENIOR, cost_ceiling=Decimal("-1")
        )


def test_r13_only_the_ministry_sets_ceilings(catalog: Catalog) -> None:
    from onex.core.errors import Forbidden

    for persona in (catalog.p.gd, catalog.p.org, catalog.p.aggregator):
        with pytest.raises(Forbidden):
            certificate_level_set(
                actor=persona.actor,
                certificate=catalog.certificate,
                level=Level.SENIOR,
                cost_ceiling="1",
            )


# --- R18 -----------------------------------------------------------------------------------


def test_r18_org_without_agreement_cannot_submit_a_filing(catalog: Catalog) -> None:
    filing = catalog.draft()
    assert not org_can_act(catalog.p.org_obj)
    with pytest.raises(RuleViolation) as exc:
        filing_submit(actor=catalog.p.org.actor, filing=filing)
    assert exc.value.rule == "R18"
    filing.refresh_from_db()
    assert filing.status == FilingStatus.DRAFT


def test_r18_agreement_missing_a_clause_does_not_count(catalog: Catalog) -> None:
    agreement_sign(
        actor=catalog.p.ministry.actor,
        org=catalog.p.org_obj,
        signed_on=dt.date(2019, 10, 1),
        liability=False,
    )
    assert not org_can_act(catalog.p.org_obj)
    with pytest.raises(RuleViolation) as exc:
        require_org_agreement(catalog.p.org_obj)
    assert exc.value.rule == "R18"


def test_r18_signed_agreement_lets_the_org_submit(catalog: Catalog) -> None:
    catalog.sign_agreement()
    assert org_can_act(catalog.p.org_obj)
    require_org_agreement(catalog.p.org_obj)
    filing = filing_submit(actor=catalog.p.org.actor, filing=catalog.draft())
    assert filing.status == FilingStatus.SUBMITTED


def test_r18_only_the_ministry_records_agreements(catalog: Catalog) -> None:
    from onex.core.errors import Forbidden

    with pytest.raises(Forbidden):
        agreement_sign(actor=catalog.p.org.actor, org=catalog.p.org_obj, signed_on=dt.date.today())


# --- R19 -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "phrase", ["教育部指导", "职成司指导", "教育部认证", "教育部授权", "教育部推荐", "指定教材"]
)
def test_r19_notice_with_unauthorized_phrase_is_refused_and_names_it(
    personas: Personas, phrase: str
) -> None:
    with pytest.raises(RuleViolation) as exc:
        notice_publish(
            actor=personas.org.actor,
            org=personas.org_obj,
            title="关于开展师资培训的通知",
            body=f"本次培训由{phrase}，欢迎报名。",
        )
    assert exc.value.rule == "R19"
    assert phrase in str(exc.value.message)
    assert not personas.org_obj.notices.exists()


def test_r19_spacing_and_full_width_do_not_evade_the_check(personas: Personas) -> None:
    with pytest.raises(RuleViolation) as exc:
        notice_publish(
            actor=personas.org.actor,
            org=personas.org_obj,
            title="教育部 指导 项目",
            body="正文",
        )
    assert "教育部指导" in str(exc.value.message)


def test_r19_clean_notice_is_published(personas: Personas) -> None:
    notice = notice_publish(
        actor=personas.org.actor,
        org=personas.org_obj,
        title="关于开展师资培训的通知",
        body="欢迎各试点院校教师报名参加。",
    )
    assert notice.published_at is not None


def test_r19_admins_edit_the_phrase_list(personas: Personas) -> None:
    assert "指定…教材" in active_unauthorized_phrases()
    phrase_add(actor=personas.ministry.actor, phrase="官方唯一")
    assert {"官方唯一", "指定…教材"} <= set(active_unauthorized_phrases())
    phrase_set_active(
        actor=personas.ministry.actor,
        phrase=UnauthorizedPhrase.objects.get(phrase="指定…教材"),
        is_active=False,
    )
    assert "指定…教材" not in active_unauthorized_phrases()
    notice_publish(actor=personas.org.actor, org=personas.org_obj, title="指定教材", body="x")
    with pytest.raises(RuleViolation):
        notice_publish(actor=personas.org.actor, org=personas.org_obj, title="官方唯一", body="x")


# --- R24 -----------------------------------------------------------------------------------


def test_r24_batch_listing_returns_the_second_batch_in_order(personas: Personas) -> None:
    ministry = personas.ministry.actor
    batch = batch_create(actor=ministry, number=2, published_on=dt.date(2019, 9, 11))
    # Created out of order: the listing follows the notice's order, not insertion.
    for index in reversed(range(len(SECOND_BATCH))):
        certificate_create(
            actor=ministry,
            code=f"2-{index + 1:02d}",
            name=SECOND_BATCH[index],
            org=personas.org_obj,
            batch=batch,
            position=index + 1,
        )
    names = list(batch_certificates(number=2).values_list("name", flat=True))
    assert names == SECOND_BATCH
    assert len(names) == 10


def test_r24_certificate_codes_are_unique_across_the_catalogue(catalog: Catalog) -> None:
    other_batch = batch_create(
        actor=catalog.p.ministry.actor, number=3, published_on=dt.date(2020, 1, 1)
    )
    with pytest.raises(RuleViolation) as exc:
        certificate_create(
            actor=catalog.p.ministry.actor,
            code=catalog.certificate.code,
            name="另一个证书",
            org=catalog.p.org_obj,
            batch=other_batch,
        )
    assert exc.value.rule == "R24"


# --- R34 -----------------------------------------------------------------------------------


@pytest.mark.parametrize("school_type", ["secondary_vocational", "higher_vocational"])
def test_r34_vocational_schools_may_train_any_level(school_type: str) -> None:
    assert levels_allowed_for_school_type(school_type) == (
        Level.JUNIOR,
        Level.INTERMEDIATE,
        Level.SENIOR,
    )
    assert resolve_training_levels(school_type=school_type, chosen=[]) == [
        Level.JUNIOR,
        Level.INTERMEDIATE,
        Level.SENIOR,
    ]


@pytest.mark.parametrize("school_type", ["vocational_undergraduate", "applied_undergraduate"])
def test_r34_undergraduate_schools_must_choose_levels(school_type: str) -> None:
    with pytest.raises(RuleViolation) as exc:
        resolve_training_levels(school_type=school_type, chosen=[])
    assert exc.value.rule == "R34"
    chosen = resolve_training_levels(
        school_type=school_type, chosen=[Level.SENIOR, Level.INTERMEDIATE]
    )
    assert chosen == [Level.INTERMEDIATE, Level.SENIOR]


def test_r34_technical_school_has_no_levels() -> None:
    assert levels_allowed_for_school_type("technical") == ()
    with pytest.raises(RuleViolation) as exc:
        resolve_training_levels(school_type="technical", chosen=[Level.JUNIOR])
    assert exc.value.rule == "R25"


# --- R38 -----------------------------------------------------------------------------------


def test_r38_org_without_accepted_filing_in_a_province_is_refused(catalog: Catalog) -> None:
    gd = division("440000")
    with pytest.raises(RuleViolation) as exc:
        require_org_filing(catalog.p.org_obj, gd)
    assert exc.value.rule == "R38"

    catalog.sign_agreement()
    filing = filing_submit(actor=catalog.p.org.actor, filing=catalog.draft())
    # Submitted is not enough: only an accepted filing lets the org act.
    with pytest.raises(RuleViolation):
        require_org_filing(catalog.p.org_obj, gd)
    filing_accept(actor=catalog.p.gd.actor, filing=filing)
    require_org_filing(catalog.p.org_obj, gd)
    require_org_filing(catalog.p.org_obj, gd.pk, catalog.certificate)
    # Accepted in Guangdong says nothing about Hubei.
    with pytest.raises(RuleViolation):
        require_org_filing(catalog.p.org_obj, division("420000"))


def test_r38_filing_for_one_certificate_does_not_cover_another(catalog: Catalog) -> None:
    catalog.sign_agreement()
    filing = filing_submit(actor=catalog.p.org.actor, filing=catalog.draft())
    filing_accept(actor=catalog.p.gd.actor, filing=filing)
    other = certificate_create(
        actor=catalog.p.ministry.actor,
        code="C2-02",
        name="供应链管理",
        org=catalog.p.org_obj,
        batch=catalog.batch,
    )
    with pytest.raises(RuleViolation) as exc:
        require_org_filing(catalog.p.org_obj, division("440000"), other)
    assert exc.value.rule == "R38"


def test_r38_incomplete_form_cannot_be_submitted(catalog: Catalog) -> None:
    catalog.sign_agreement()
    filing = catalog.draft(exam_plan="", id_number="")
    with pytest.raises(RuleViolation) as exc:
        filing_submit(actor=catalog.p.org.actor, filing=filing)
    assert exc.value.rule == "R38"
    assert set(exc.value.details["missing"]) == {"exam_plan", "id_number"}


def test_r38_org_cannot_file_another_orgs_certificate(catalog: Catalog) -> None:
    from onex.core.errors import InvalidInput

    other_org = make_org("另一组织", "91110108551385082Q")
    other_cert = certificate_create(
        actor=catalog.p.ministry.actor,
        code="X-1",
        name="别人的证书",
        org=other_org,
        batch=catalog.batch,
    )
    with pytest.raises(InvalidInput):
        catalog.certificate = other_cert
        catalog.draft()
