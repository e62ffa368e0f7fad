"""Verifiable credentials under the gm suite: an SM2 proof beside the Ed25519 one (a proof set).

The SM2 proof (cryptosuite ``onex-sm2-rdfc-2026``, onex's own) is recomputed here from its
definition with the independent pure-Python SM2 of tests/core/sm2_reference.py; the JavaScript
verifier (test_vc_js.py) shows that international verifiers still accept the Ed25519 proof.
"""

from __future__ import annotations

import copy
from typing import Any

import pytest
from django.db import transaction

from onex.certificates.models import CredentialRecord, StatusList
from onex.certificates.services import credentials
from onex.certificates.services.status import certificate_revoke
from onex.core import crypto, crypto_gm
from tests.certificates.test_vc_credentials import sample_data
from tests.core import sm2_reference
from tests.factories_certificates import World

KEY = "gm-vc-data-key-" + "e" * 40
NEW_KEY = "gm-vc-new-data-key-" + "f" * 40


@pytest.fixture
def gm(settings: Any) -> Any:
    settings.ONEX_CRYPTO_SUITE = "gm"
    settings.ONEX_DATA_KEY = KEY
    settings.ONEX_DATA_KEYS_OLD = ""
    settings.ONEX_SIGNING_KEY = ""
    settings.ONEX_SIGNING_KEYS_OLD = ""
    settings.ONEX_PUBLIC_URL = "https://onex.example.cn"
    return settings


def _sm2_proof_holds_independently(document: dict[str, Any], proof: dict[str, Any]) -> bool:
    """The definition, recomputed: RDFC-1.0, SM3 of each form, SM2 (reference implementation)."""
    options = {key: value for key, value in proof.items() if key != "proofValue"}
    unsecured = {key: value for key, value in document.items() if key != "proof"}
    config = {"@context": document["@context"], **options}
    data = crypto_gm.sm3(credentials._canonize(config)) + crypto_gm.sm3(
        credentials._canonize(unsecured)
    )
    key = crypto.public_keys(algorithm="SM2")[0]
    signature = credentials._b58decode(proof["proofValue"][1:])
    return sm2_reference.sm2_verify(key.public_bytes, data, signature)


@pytest.mark.parametrize("mode", ["key", "web"])
def test_gm_credential_carries_an_ed25519_and_an_sm2_proof_that_both_verify(
    gm: Any, mode: str
) -> None:
    gm.ONEX_VC_ISSUER_DID = mode
    signed = credentials.sign_document(credentials.build_credential(sample_data()))
    ed_proof, sm2_proof = signed["proof"]
    assert ed_proof["cryptosuite"] == "eddsa-rdfc-2022"
    assert sm2_proof["cryptosuite"] == credentials.SM2_CRYPTOSUITE == "onex-sm2-rdfc-2026"
    assert sm2_proof["type"] == "DataIntegrityProof"
    assert sm2_proof["proofPurpose"] == "assertionMethod"
    sm2_key = crypto.public_keys(algorithm="SM2")[0]
    ed_key = crypto.public_keys(algorithm="Ed25519")[0]
    if mode == "key":
        assert signed["issuer"]["id"] == f"did:key:{ed_key.multibase}"
        assert sm2_key.multibase.startswith("zEP")  # multicodec sm2-pub (0x1206), compressed
        assert sm2_proof["verificationMethod"] == (
            f"did:key:{sm2_key.multibase}#{sm2_key.multibase}"
        )
    else:
        assert sm2_proof["verificationMethod"] == f"did:web:onex.example.cn#{sm2_key.key_id}"
    assert _sm2_proof_holds_independently(signed, sm2_proof)
    result = credentials.verify_credential(signed, check_status=False)
    assert result.verified, result.errors
    assert result.cryptosuites == ["eddsa-rdfc-2022", "onex-sm2-rdfc-2026"]
    assert result.key_id == ed_key.key_id
    # An international verifier sees the Ed25519 proof alone: it holds by itself.
    alone = {**signed, "proof": ed_proof}
    assert credentials.verify_credential(alone, check_status=False).verified


@pytest.mark.parametrize(
    "tamper",
    [
        lambda d: d.__setitem__("name", "焊接技术（高级）"),
        lambda d: d["proof"][1].__setitem__("created", "2001-01-01T00:00:00Z"),
        lambda d: d["proof"][1].__setitem__("proofValue", d["proof"][1]["proofValue"][:-2] + "11"),
    ],
    ids=["content", "sm2 proof options", "sm2 proof value"],
)
def test_a_broken_sm2_proof_fails_the_credential_even_with_a_good_ed25519_proof(
    gm: Any, tamper: Any
) -> None:
    signed = credentials.sign_document(credentials.build_credential(sample_data()))
    changed = copy.deepcopy(signed)
    tamper(changed)
    result = credentials.verify_credential(changed, check_status=False)
    assert not result.verified
    assert result.errors == ["invalid signature"]


def test_an_unknown_proof_in_the_set_is_refused(gm: Any) -> None:
    signed = credentials.sign_document(credentials.build_credential(sample_data()))
    signed["proof"][1]["cryptosuite"] = "sm2-2023"
    assert credentials.verify_credential(signed, check_status=False).errors == [
        "unsupported proof type"
    ]


def test_the_sm2_proof_needs_one_of_our_sm2_keys(gm: Any) -> None:
    signed = credentials.sign_document(credentials.build_credential(sample_data()))
    ed_key = crypto.public_keys(algorithm="Ed25519")[0]
    # The Ed25519 key named for the SM2 proof: not an SM2 key of ours.
    signed["proof"][1]["verificationMethod"] = f"did:key:{ed_key.multibase}#{ed_key.multibase}"
    assert credentials.verify_credential(signed, check_status=False).errors == [
        "unknown verification method"
    ]


def test_gm_did_document_lists_the_sm2_keys_after_the_ed25519_ones(gm: Any) -> None:
    document = credentials.did_document()
    ed = [key.multibase for key in crypto.public_keys(algorithm="Ed25519")]
    sm2 = [key.multibase for key in crypto.public_keys(algorithm="SM2")]
    assert [m["publicKeyMultibase"] for m in document["verificationMethod"]] == ed + sm2
    assert document["assertionMethod"] == [m["id"] for m in document["verificationMethod"]]


# --- status lists ---------------------------------------------------------------------------


def test_gm_status_list_credentials_carry_both_proofs(gm: Any, world: World) -> None:
    certificate = world.enter()
    credentials.credential_for(certificate)
    with transaction.atomic():
        certificate_revoke(actor=world.p.org.actor, certificate=certificate, reason="考试作弊")
    status_list = StatusList.objects.get(purpose="revocation")
    document = credentials.status_list_credential(
        credentials.status_list_id(status_list.purpose, status_list.sequence)
    )
    assert document is not None
    assert [p["cryptosuite"] for p in document["proof"]] == [
        "eddsa-rdfc-2022",
        "onex-sm2-rdfc-2026",
    ]
    assert _sm2_proof_holds_independently(document, document["proof"][1])
    assert credentials.verify_credential(document, check_status=False).verified


# --- switching suites -----------------------------------------------------------------------


@pytest.mark.django_db
def test_credentials_signed_before_a_suite_switch_keep_verifying(gm: Any, world: World) -> None:
    certificate = world.enter()
    gm.ONEX_CRYPTO_SUITE = "intl"
    intl_signed = credentials.credential_for(certificate)
    assert isinstance(intl_signed["proof"], dict)  # intl: one Ed25519 proof

    gm.ONEX_CRYPTO_SUITE = "gm"
    assert credentials.verify_credential(intl_signed).verified
    # The stored copy lacks the SM2 proof the gm suite asks for: served re-signed with both.
    gm_signed = credentials.credential_for(certificate)
    assert [p["cryptosuite"] for p in gm_signed["proof"]] == [
        "eddsa-rdfc-2022",
        "onex-sm2-rdfc-2026",
    ]
    stored = CredentialRecord.objects.get(certificate=certificate).signed_credential
    assert stored == gm_signed

    # Back to intl, then the data key rotated as well: both copies keep verifying.
    gm.ONEX_CRYPTO_SUITE = "intl"
    gm.ONEX_DATA_KEY = NEW_KEY
    gm.ONEX_DATA_KEYS_OLD = KEY
    for document in (intl_signed, gm_signed):
        result = credentials.verify_credential(document, check_status=False)
        assert result.verified, result.errors
    # Only once the old data key is gone (and its public keys not kept) do they stop verifying.
    gm.ONEX_DATA_KEYS_OLD = ""
    assert not credentials.verify_credential(gm_signed, check_status=False).verified
