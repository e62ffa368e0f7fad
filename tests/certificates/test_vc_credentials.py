"""Verifiable credentials: building, signing (eddsa-rdfc-2022), verifying, status lists, keys."""

from __future__ import annotations

import copy
import datetime as dt
import hashlib
import json
from pathlib import Path
from typing import Any

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from django.core.exceptions import ImproperlyConfigured
from django.db import transaction

from onex.certificates import contexts
from onex.certificates.models import CredentialRecord, StatusList, StatusPurpose
from onex.certificates.services import credentials
from onex.certificates.services.status import (
    certificate_reinstate,
    certificate_revoke,
    certificate_suspend,
)
from onex.core import crypto
from onex.core.models import AuditEvent
from tests.factories_certificates import ID_A, ID_B, World


def sample_data(**changes: Any) -> credentials.CredentialSubjectData:
    values: dict[str, Any] = {
        "number": "2020C2014400001X",
        "holder_name": "王小明",
        "certificate_code": "C2-01",
        "certificate_name": "物流管理",
        "level": "intermediate",
        "level_label": "中级",
        "org_id": 1,
        "org_name": "北京中物联物流采购培训中心",
        "issued_on": dt.date(2020, 6, 1),
        "identity_hash": credentials.identity_hash(ID_A, "0f" * 16),
        "status_sequence": 1,
        "status_index": 7,
    }
    values.update(changes)
    return credentials.CredentialSubjectData(**values)


def pem_key() -> str:
    return (
        Ed25519PrivateKey.generate()
        .private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
        .decode()
    )


def public_pem(private_pem: str) -> str:
    private = serialization.load_pem_private_key(private_pem.encode(), password=None)
    return (
        private.public_key()
        .public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
        .decode()
    )


# --- the document --------------------------------------------------------------------------------


def test_credential_is_an_open_badge_with_status_entries_for_both_purposes(settings: Any) -> None:
    settings.ONEX_PUBLIC_URL = "https://onex.example.cn"
    doc = credentials.build_credential(sample_data())
    assert doc["@context"] == [contexts.CREDENTIALS_V2, contexts.OB_V3P0]
    assert doc["type"] == ["VerifiableCredential", "OpenBadgeCredential"]
    assert doc["id"] == "https://onex.example.cn/api/v1/certificates/credentials/2020C2014400001X"
    assert doc["validFrom"] == "2020-06-01T00:00:00+08:00"
    assert doc["name"] == "物流管理（中级）"
    subject = doc["credentialSubject"]
    assert subject["type"] == ["AchievementSubject"]
    assert subject["achievement"]["type"] == ["Achievement"]
    assert subject["achievement"]["creator"]["name"] == "北京中物联物流采购培训中心"
    statuses = {entry["statusPurpose"]: entry for entry in doc["credentialStatus"]}
    assert set(statuses) == {"revocation", "suspension"}
    assert statuses["revocation"]["type"] == "BitstringStatusListEntry"
    assert statuses["revocation"]["statusListIndex"] == "7"
    assert statuses["suspension"]["statusListCredential"] == (
        "https://onex.example.cn/api/v1/public/status/suspension-1"
    )


def test_holder_is_named_by_salted_identity_hash_never_the_clear_number_nor_the_salt() -> None:
    salt = "a1" * 16
    doc = credentials.build_credential(
        sample_data(identity_hash=credentials.identity_hash(ID_A, salt))
    )
    identity = doc["credentialSubject"]["identifier"][0]
    expected = hashlib.sha256((ID_A + salt).encode()).hexdigest()
    assert identity == {
        "type": "IdentityObject",
        "identityHash": f"sha256${expected}",
        "identityType": "nationalIdentityNumber",
        "hashed": True,
    }
    assert ID_A not in json.dumps(doc) and salt not in json.dumps(doc)


def test_identity_hash_normalizes_full_width_and_lower_case_input() -> None:
    typed = (
        ID_A[:-1].translate(str.maketrans("0123456789", "０１２３４５６７８９")) + ID_A[-1].lower()
    )
    assert credentials.identity_hash(typed, "s") == credentials.identity_hash(ID_A, "s")


def test_issuer_is_did_key_of_the_current_signing_key_by_default() -> None:
    doc = credentials.build_credential(sample_data())
    key = crypto.public_keys(algorithm="Ed25519")[0]
    assert doc["issuer"]["id"] == f"did:key:{key.multibase}"
    assert doc["issuer"]["type"] == ["Profile"]


def test_did_web_encodes_the_port_of_the_public_url(settings: Any) -> None:
    settings.ONEX_PUBLIC_URL = "http://127.0.0.1:8000"
    assert credentials.did_web() == "did:web:127.0.0.1%3A8000"
    settings.ONEX_PUBLIC_URL = "https://onex.moe.gov.cn/"
    assert credentials.did_web() == "did:web:onex.moe.gov.cn"


# --- signing and verifying -------------------------------------------------------------------


def test_signed_credential_carries_an_eddsa_rdfc_2022_proof_that_verifies() -> None:
    signed = credentials.sign_document(credentials.build_credential(sample_data()))
    proof = signed["proof"]
    key = crypto.public_keys(algorithm="Ed25519")[0]
    assert proof["type"] == "DataIntegrityProof"
    assert proof["cryptosuite"] == "eddsa-rdfc-2022"
    assert proof["proofPurpose"] == "assertionMethod"
    assert proof["verificationMethod"] == f"did:key:{key.multibase}#{key.multibase}"
    assert proof["proofValue"].startswith("z")
    result = credentials.verify_credential(signed, check_status=False)
    assert result.verified, result.errors
    assert result.key_id == key.key_id


@pytest.mark.parametrize(
    "tamper",
    [
        lambda d: d.__setitem__("name", "焊接技术（高级）"),
        lambda d: d["credentialSubject"]["identifier"][0].__setitem__("salt", "00"),
        lambda d: d.__setitem__("validFrom", "2019-06-01T00:00:00+08:00"),
        lambda d: d["credentialStatus"][0].__setitem__("statusListIndex", "8"),
        lambda d: d["proof"].__setitem__("created", "2001-01-01T00:00:00Z"),
    ],
    ids=["name", "salt", "date", "status index", "proof options"],
)
def test_changing_any_signed_field_breaks_the_proof(tamper: Any) -> None:
    signed = credentials.sign_document(credentials.build_credential(sample_data()))
    changed = copy.deepcopy(signed)
    tamper(changed)
    result = credentials.verify_credential(changed, check_status=False)
    assert not result.verified
    assert result.errors == ["invalid signature"]


def test_credential_signed_by_a_foreign_key_does_not_verify() -> None:
    signed = credentials.sign_document(credentials.build_credential(sample_data()))
    foreign = copy.deepcopy(signed)
    method = "did:key:z6MkhaXgBZDvotDkL5257faiztiGiC2QtKLGpbnnEGta2doK"
    foreign["proof"]["verificationMethod"] = f"{method}#{method.removeprefix('did:key:')}"
    foreign["issuer"]["id"] = method
    assert credentials.verify_credential(foreign).errors == ["unknown verification method"]


def test_did_web_credential_names_the_key_id_in_its_verification_method(settings: Any) -> None:
    settings.ONEX_VC_ISSUER_DID = "web"
    settings.ONEX_PUBLIC_URL = "https://onex.example.cn"
    signed = credentials.sign_document(credentials.build_credential(sample_data()))
    key_id = crypto.signing_key_id(algorithm="Ed25519")
    assert signed["issuer"]["id"] == "did:web:onex.example.cn"
    assert signed["proof"]["verificationMethod"] == f"did:web:onex.example.cn#{key_id}"
    assert credentials.verify_credential(signed, check_status=False).verified


@pytest.mark.parametrize("mode", ["key", "web"])
def test_credential_signed_with_key_a_still_verifies_after_rotating_to_key_b(
    settings: Any, mode: str
) -> None:
    key_a, key_b = pem_key(), pem_key()
    settings.ONEX_VC_ISSUER_DID = mode
    settings.ONEX_SIGNING_KEY = key_a
    signed_by_a = credentials.sign_document(credentials.build_credential(sample_data()))
    id_a = crypto.signing_key_id(algorithm="Ed25519")

    settings.ONEX_SIGNING_KEY = key_b
    settings.ONEX_SIGNING_KEYS_OLD = public_pem(key_a)
    assert crypto.signing_key_id(algorithm="Ed25519") != id_a
    result = credentials.verify_credential(signed_by_a, check_status=False)
    assert result.verified, result.errors
    assert result.key_id == id_a
    listed = [method["id"] for method in credentials.did_document()["verificationMethod"]]
    assert f"{credentials.did_web()}#{id_a}" in listed

    settings.ONEX_SIGNING_KEYS_OLD = ""  # key A retired for good: its credentials fail
    assert not credentials.verify_credential(signed_by_a, check_status=False).verified


def test_did_document_lists_every_key_as_multikey_for_assertion(settings: Any) -> None:
    old = pem_key()
    settings.ONEX_SIGNING_KEY = pem_key()
    settings.ONEX_SIGNING_KEYS_OLD = public_pem(old)
    settings.ONEX_PUBLIC_URL = "https://onex.example.cn"
    document = credentials.did_document()
    keys = crypto.public_keys(algorithm="Ed25519")
    assert document["id"] == "did:web:onex.example.cn"
    assert document["@context"] == [contexts.DID_V1, contexts.MULTIKEY_V1]
    assert [m["publicKeyMultibase"] for m in document["verificationMethod"]] == [
        key.multibase for key in keys
    ]
    assert all(m["type"] == "Multikey" for m in document["verificationMethod"])
    assert document["assertionMethod"] == [m["id"] for m in document["verificationMethod"]]
    assert len(keys) >= 2


def test_contexts_are_read_offline_and_unknown_ones_are_refused() -> None:
    assert "@context" in contexts.load(contexts.OB_V3P0)
    assert contexts.load(contexts.CREDENTIALS_V2)["@context"]["@protected"] is True
    with pytest.raises(contexts.UnknownContext):
        contexts.document_loader("https://example.com/evil-context.jsonld")


def test_clr_context_is_the_pinned_published_file_of_its_package(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    clr = contexts.load(contexts.CLR_V2P0)["@context"]
    # The CLR 2.0 vocabulary IRIs as published (purl.imsglobal.org/spec/vc/clr/vocab.html).
    vocab = "https://purl.imsglobal.org/spec/vc/clr/vocab.html#"
    assert clr["ClrCredential"]["@id"] == vocab + "ClrCredential"
    subject = clr["ClrSubject"]["@context"]
    assert clr["ClrSubject"]["@id"] == vocab + "ClrSubject"
    assert subject["verifiableCredential"]["@id"] == vocab + "verifiableCredential"
    assert subject["identifier"]["@id"] == vocab + "identifier-1"
    # Another file under the package's name is refused, not silently signed with.
    source = contexts.CONTEXTS[contexts.CLR_V2P0]
    forged = tmp_path / "clr.json"
    forged.write_text(json.dumps({"@context": {**clr, "ClrSubject": "https://evil.example/"}}))
    monkeypatch.setattr(contexts, "_path", lambda _source: forged)
    with pytest.raises(ImproperlyConfigured, match="SHA-256"):
        contexts.load(source.url)


def test_status_list_encoding_is_gzip_base64url_multibase_with_left_to_right_bits() -> None:
    bits = credentials._with_bit(bytes(16384), 0, True)
    bits = credentials._with_bit(bits, 131_071, True)
    encoded = credentials.encode_list(bits)
    assert encoded.startswith("u") and "=" not in encoded
    decoded = credentials.decode_list(encoded)
    assert decoded[0] == 0x80 and decoded[-1] == 0x01 and len(decoded) * 8 == 131_072


# --- certificates, records and status lists ------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_first_credential_of_a_certificate_allocates_an_index_once_and_is_stable(
    world: World,
) -> None:
    first = world.enter()
    second = world.enter(name="李四", id_number=ID_B)
    doc = credentials.credential_for(first)
    again = credentials.credential_for(first)
    assert doc == again  # stored: same proof, not a new signature per request
    other = credentials.credential_for(second)
    a = CredentialRecord.objects.get(certificate=first)
    b = CredentialRecord.objects.get(certificate=second)
    assert (a.sequence, a.status_index) == (1, 0)
    assert (b.sequence, b.status_index) == (1, 1)
    assert doc["credentialSubject"]["name"] == "王小明"
    assert other["credentialSubject"]["identifier"][0]["identityHash"] == (
        credentials.identity_hash(ID_B, credentials.identity_salt(b))
    )
    assert ID_A not in json.dumps(doc)
    assert credentials.verify_credential(doc).status == {"revocation": False, "suspension": False}
    lists = StatusList.objects.order_by("purpose")
    assert [(s.purpose, s.allocated, s.length) for s in lists] == [
        ("revocation", 2, 131_072),
        ("suspension", 2, 131_072),
    ]
    # Computing the hash decrypted the number: recorded as a platform view, once per certificate.
    views = AuditEvent.objects.filter(action="personal.view", actor=None)
    assert views.count() == 2


@pytest.mark.django_db(transaction=True)
def test_a_full_status_list_opens_the_next_pair_and_indexes_are_never_reused(
    world: World,
) -> None:
    first = world.enter()
    credentials.credential_for(first)
    StatusList.objects.update(allocated=131_072)  # as if full
    second = world.enter(name="李四", id_number=ID_B)
    doc = credentials.credential_for(second)
    record = CredentialRecord.objects.get(certificate=second)
    assert (record.sequence, record.status_index) == (2, 0)
    assert doc["credentialStatus"][0]["statusListCredential"].endswith("/status/revocation-2")
    first.delete()  # the index stays taken
    assert CredentialRecord.objects.filter(sequence=1, status_index=0).exists()


@pytest.mark.django_db(transaction=True)
def test_revoking_sets_the_bit_and_re_signs_the_revocation_list(world: World) -> None:
    certificate = world.enter()
    doc = credentials.credential_for(certificate)
    before = credentials.status_list_credential("revocation-1")
    assert before is not None
    assert credentials.verify_credential(before, check_status=False).verified

    with transaction.atomic():  # the service's on_commit hook calls on_status_change
        certificate_revoke(actor=world.p.org.actor, certificate=certificate, reason="考试作弊")
    after = credentials.status_list_credential("revocation-1")
    assert after is not None and after != before
    assert credentials.verify_credential(after, check_status=False).verified
    bits = credentials.decode_list(after["credentialSubject"]["encodedList"])
    assert credentials._get_bit(bits, 0)
    result = credentials.verify_credential(doc)
    assert result.verified and result.revoked and not result.suspended


@pytest.mark.django_db(transaction=True)
def test_suspending_then_reinstating_sets_and_clears_the_suspension_bit(world: World) -> None:
    certificate = world.enter()
    doc = credentials.credential_for(certificate)
    with transaction.atomic():
        certificate_suspend(actor=world.p.org.actor, certificate=certificate, reason="核查中")
    assert credentials.verify_credential(doc).status == {"revocation": False, "suspension": True}
    with transaction.atomic():
        certificate.refresh_from_db()
        certificate_reinstate(actor=world.p.org.actor, certificate=certificate, reason="核查完毕")
    assert credentials.verify_credential(doc).status == {"revocation": False, "suspension": False}


@pytest.mark.django_db(transaction=True)
def test_status_change_hook_is_idempotent_and_suspension_uses_its_own_list(world: World) -> None:
    certificate = world.enter()
    credentials.credential_for(certificate)
    certificate.status = "suspended"
    certificate.save(update_fields=["status"])
    credentials.on_status_change(certificate)
    versions = dict(StatusList.objects.values_list("purpose", "version"))
    credentials.on_status_change(certificate)
    assert dict(StatusList.objects.values_list("purpose", "version")) == versions
    assert versions == {StatusPurpose.REVOCATION: 0, StatusPurpose.SUSPENSION: 1}
    suspension = credentials.status_list_credential("suspension-1")
    assert suspension is not None
    assert suspension["credentialSubject"]["statusPurpose"] == "suspension"


@pytest.mark.django_db
def test_status_list_is_re_signed_when_the_issuer_did_changes(world: World, settings: Any) -> None:
    certificate = world.enter()
    credentials.credential_for(certificate)
    signed = credentials.status_list_credential("revocation-1")
    assert signed is not None and signed["issuer"].startswith("did:key:")
    settings.ONEX_VC_ISSUER_DID = "web"
    resigned = credentials.status_list_credential("revocation-1")
    assert resigned is not None and resigned["issuer"] == credentials.did_web()
    assert credentials.status_list_credential("revocation-9") is None
    assert credentials.status_list_credential("nonsense") is None
