"""The gm crypto suite (商用密码): standard test vectors, the suite, switching between suites."""

from __future__ import annotations

import io
import subprocess
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.asymmetric.utils import encode_dss_signature
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes
from django.core.checks import run_checks
from django.core.exceptions import ImproperlyConfigured
from django.core.management import CommandError, call_command
from django.test import override_settings

from onex.assessment.models import Candidate
from onex.certificates.selectors.certificates import public_query
from onex.certificates.services import credentials, pdf
from onex.certificates.services.numbering import compose
from onex.core import crypto, crypto_gm
from onex.core.actors import Actor
from onex.core.imports import job_file_bytes
from onex.core.models import AuditEvent, ImportJob
from onex.core.personal import ID_NUMBER_HASH_PURPOSE, Gender
from onex.core.reencrypt import AUDIT_ACTION, field_specs
from tests.conftest import require_tool
from tests.core import sm2_reference
from tests.core.test_imports import GOOD_ROWS, HEADERS, xlsx_bytes
from tests.factories_certificates import ID_A, ID_B, build_world
from tests.personas import Personas

KEY = "gm-data-key-" + "d" * 40
OLD_KEY = "old-data-key-" + "a" * 40

# --- GB/T 32905-2016 (SM3), annex A -------------------------------------------------------------


def test_sm3_vectors_of_gb_t_32905() -> None:
    assert crypto_gm.sm3(b"abc").hex() == (
        "66c7f0f462eeedd9d1f2d46bdc10e4e24167c4875cf2f7a2297da02b8f4ba8e0"
    )
    assert crypto_gm.sm3(b"abcd" * 16).hex() == (  # the 512-bit message
        "debe9ff92275b8a138604889c18e5a4d6fdb70e5387e5765293dcba39c0c5732"
    )


# --- GB/T 32907-2016 (SM4), annex A.1 ---------------------------------------------------------


def test_sm4_block_vector_of_gb_t_32907() -> None:
    key = bytes.fromhex("0123456789abcdeffedcba9876543210")
    # ECB: the standard's example is one block with no mode.
    ecb = modes.ECB()  # noqa: S305
    encryptor = Cipher(algorithms.SM4(key), ecb).encryptor()
    block = encryptor.update(key) + encryptor.finalize()  # plaintext = key in the example
    assert block.hex() == "681edf34d206965e86b3e94f536e4246"
    decryptor = Cipher(algorithms.SM4(key), ecb).decryptor()
    assert decryptor.update(block) + decryptor.finalize() == key


def test_sm4_gcm_authenticates_ciphertext_and_associated_data() -> None:
    key, nonce = bytes(range(16)), bytes(12)
    sealed = crypto_gm.sm4_gcm_seal(key, nonce, b"110101199003070011", b"ctx")
    assert crypto_gm.sm4_gcm_open(key, nonce, sealed, b"ctx") == b"110101199003070011"
    with pytest.raises(InvalidTag):
        crypto_gm.sm4_gcm_open(key, nonce, sealed, b"other")
    with pytest.raises(InvalidTag):
        crypto_gm.sm4_gcm_open(key, nonce, bytes([sealed[0] ^ 1]) + sealed[1:], b"ctx")


# --- GB/T 32918-2016 (SM2), part 5 annex A: the recommended curve's signature example ----------
# Signing and verifying is Tongsuo's (tongsuopy); tests/core/sm2_reference.py is an independent
# pure-Python SM2 (the implementation onex used before) that cross-checks it.

SM2_D = 0x3945208F7B2144B13F36E38AC6D39F95889393692860B51A42FB81EF4DF7C5B8
SM2_PUBLIC = (
    "04"
    "09F9DF311E5421A150DD7D161E4BC5C672179FAD1833FC076BB08FF356F35020"
    "CCEA490CE26775A52DC6EA718CC1AA600AED05FBF35E084A6632F6072DA9AD13"
)
SM2_K = 0x59276E27D506861A16680F3AD9C02DCCEF3CC1FA3CDBE4CE6D54B80DEAC1BC21
SM2_ZA = "B2E14C5C79C6DF5B85F4FE7ED8DB7A262B9DA7E07CCB0EA9F4747B8CCDA8A4F3"
SM2_R = "F5A03B0648D2C4630EEAC513E1BB81A15944DA3827D5B74143AC7EACEEE720B3"
SM2_S = "B1B6AA29DF212FD8763182BC0D421CA1BB9038FD1F7F42D4840B69C485BBC1AA"


def test_sm2_vector_of_gb_t_32918_verifies_under_tongsuo() -> None:
    key = crypto_gm.sm2_private_key(SM2_D)
    assert key.public.hex().upper() == SM2_PUBLIC  # Tongsuo computed [d]G
    signature = bytes.fromhex(SM2_R + SM2_S)
    # The standard's e is SM3(Z_A || M) with the default ID: Tongsuo's Z_A is the same.
    assert crypto_gm.sm2_verify(key.public, b"message digest", signature)
    assert not crypto_gm.sm2_verify(key.public, b"message digesT", signature)
    assert not crypto_gm.sm2_verify(key.public, b"message digest", signature[:-1] + b"\x00")
    assert crypto_gm.available()


def test_sm2_vector_of_gb_t_32918_in_the_reference_implementation() -> None:
    key = sm2_reference.sm2_private_key(SM2_D)
    assert key.public.hex().upper() == SM2_PUBLIC
    assert sm2_reference.sm2_z(key.public).hex().upper() == SM2_ZA  # ID 1234567812345678
    signature = sm2_reference.sm2_sign(key, b"message digest", k=SM2_K)
    assert signature.hex().upper() == SM2_R + SM2_S
    # Another user ID gives another Z, so the signature does not verify under it.
    assert not sm2_reference.sm2_verify(
        key.public, b"message digest", signature, user_id=b"ALICE123@YAHOO.COM"
    )


def test_tongsuo_signatures_verify_independently_with_the_default_user_id() -> None:
    key = crypto_gm.sm2_private_key(SM2_D)
    for message in (b"", b"message digest", "证书".encode() * 100):
        signature = crypto_gm.sm2_sign(key, message)
        assert len(signature) == 64
        assert sm2_reference.sm2_verify(key.public, message, signature)
        assert not sm2_reference.sm2_verify(
            key.public, message, signature, user_id=b"ALICE123@YAHOO.COM"
        )


def test_signatures_of_the_former_pure_python_signer_still_verify() -> None:
    # Keys are derived as before, so a token signed before the library switch keeps verifying.
    seed = bytes(range(32))
    key = crypto_gm.sm2_private_key_from_seed(seed)
    old_key = sm2_reference.sm2_private_key_from_seed(seed)
    assert key.public == old_key.public
    old_signature = sm2_reference.sm2_sign(old_key, b"onex/certificate-verify/v1:T-1")
    assert crypto_gm.sm2_verify(key.public, b"onex/certificate-verify/v1:T-1", old_signature)


def test_openssl_verifies_our_sm2_signatures_with_the_default_user_id(tmp_path: Path) -> None:
    # A third implementation (the system's OpenSSL 3): its own default ID is empty, so a
    # verifier must name 1234567812345678, as GB/T 35276 / GM/T 0009 do.
    openssl = require_tool("openssl", "third-party SM2 verifier")
    key = crypto_gm.sm2_private_key(SM2_D)
    signature = crypto_gm.sm2_sign(key, b"onex")
    r, s = int.from_bytes(signature[:32], "big"), int.from_bytes(signature[32:], "big")
    (tmp_path / "sig.der").write_bytes(encode_dss_signature(r, s))
    (tmp_path / "msg").write_bytes(b"onex")
    public = crypto.PublicKey("id", "SM2", key.public, current=True).pem()
    (tmp_path / "pub.pem").write_text(public, encoding="ascii")

    def openssl_verifies(distid: str) -> bool:
        command = [openssl, "pkeyutl", "-verify", "-rawin", "-digest", "sm3", "-pubin"]
        command += ["-inkey", "pub.pem", "-in", "msg", "-sigfile", "sig.der"]
        command += ["-pkeyopt", f"distid:{distid}"]
        done = subprocess.run(command, cwd=tmp_path, capture_output=True, check=False)
        return done.returncode == 0

    assert openssl_verifies("1234567812345678")
    assert not openssl_verifies("ALICE123@YAHOO.COM")


def test_sm2_nonce_is_fresh_per_signature() -> None:
    key = crypto_gm.sm2_private_key(SM2_D)
    first = crypto_gm.sm2_sign(key, b"m")
    second = crypto_gm.sm2_sign(key, b"m")
    assert first[:32] != second[:32]  # r differs: k differs (Tongsuo's DRBG)
    assert crypto_gm.sm2_verify(key.public, b"m", first)
    assert crypto_gm.sm2_verify(key.public, b"m", second)
    assert "random" not in vars(crypto_gm)


def test_sm2_rejects_bad_keys_points_and_signatures() -> None:
    with pytest.raises(ValueError):
        crypto_gm.sm2_private_key(0)
    with pytest.raises(ValueError):
        crypto_gm.sm2_private_key(crypto_gm.SM2_N - 1)
    public = bytes.fromhex(SM2_PUBLIC)
    off_curve = public[:-1] + bytes([public[-1] ^ 1])
    signature = bytes.fromhex(SM2_R + SM2_S)
    assert crypto_gm.sm2_verify(public, b"message digest", signature)
    assert not crypto_gm.sm2_verify(off_curve, b"message digest", signature)
    assert not crypto_gm.sm2_verify(public[:10], b"message digest", signature)
    assert not crypto_gm.sm2_verify(public, b"message digest", bytes(64))
    assert not crypto_gm.sm2_verify(public, b"message digest", signature + b"\x00")
    n = crypto_gm.SM2_N.to_bytes(32, "big")
    assert not crypto_gm.sm2_verify(public, b"message digest", n + signature[32:])
    assert not crypto_gm.sm2_verify(public, b"message digest", signature[:32] + n)


def test_sm2_keys_serialise_to_pem_and_load_back() -> None:
    key = crypto_gm.sm2_private_key(SM2_D)
    pem = crypto_gm.sm2_private_pem(key)
    assert pem.startswith(b"-----BEGIN PRIVATE KEY-----")
    loaded, public = crypto_gm.sm2_load_pem(pem)
    assert loaded is not None and public == key.public
    assert crypto_gm.sm2_verify(public, b"m", crypto_gm.sm2_sign(loaded, b"m"))
    # The SPKI form onex publishes (PublicKey.pem) loads back too.
    published = crypto.PublicKey("id", "SM2", key.public, current=True).pem().encode()
    assert crypto_gm.sm2_load_pem(published) == (None, key.public)
    ed_pem = crypto.PublicKey("id", "Ed25519", bytes(32), current=True).pem().encode()
    with pytest.raises(ValueError):
        crypto_gm.sm2_load_pem(ed_pem)


def test_an_sm2_pem_private_key_signs_as_onex_signing_key() -> None:
    pem = crypto_gm.sm2_private_pem(crypto_gm.sm2_private_key(SM2_D)).decode()
    with override_settings(ONEX_CRYPTO_SUITE="gm", ONEX_DATA_KEY=KEY, ONEX_SIGNING_KEY=pem):
        key_id, signature = crypto.sign(b"data")
        current = crypto.public_keys()[0]
        assert current.public_bytes.hex().upper() == SM2_PUBLIC and current.key_id == key_id
        assert sm2_reference.sm2_verify(current.public_bytes, b"data", signature)


# --- the suite ----------------------------------------------------------------------------------


def test_gm_suite_seals_sm4_gcm_with_version_2_header() -> None:
    with override_settings(ONEX_CRYPTO_SUITE="gm", ONEX_DATA_KEY=KEY, ONEX_DATA_KEYS_OLD=""):
        blob = crypto.encrypt("110101199003070011", context="t")
        assert blob[0] == 0x02
        assert len(blob) == 1 + 4 + 12 + 18 + 16
        assert b"110101199003070011" not in blob
        assert crypto.decrypt(blob, context="t") == b"110101199003070011"
        with pytest.raises(crypto.DecryptionError):
            crypto.decrypt(blob, context="other")
        # The key id names the gm derivation of the key: an edited header does not open.
        with pytest.raises(crypto.DecryptionError):
            crypto.decrypt(bytes([0x01]) + blob[1:], context="t")
        key = crypto._derived("gm", KEY.encode(), b"onex/encrypt")[:16]
        assert crypto_gm.sm4_gcm_open(key, blob[5:17], blob[17:], blob[:5] + b"\x00t") == (
            b"110101199003070011"
        )


def test_gm_keyed_hash_is_hmac_sm3() -> None:
    with override_settings(ONEX_CRYPTO_SUITE="gm", ONEX_DATA_KEY=KEY, ONEX_DATA_KEYS_OLD=""):
        digest = crypto.keyed_hash("v", purpose="p")
        key = crypto._derived("gm", KEY.encode(), b"onex/hash/p")
        assert digest == crypto_gm.hmac_sm3(key, b"v").hex()
    with override_settings(ONEX_CRYPTO_SUITE="intl", ONEX_DATA_KEY=KEY, ONEX_DATA_KEYS_OLD=""):
        assert crypto.keyed_hash("v", purpose="p") != digest


def test_gm_signatures_are_sm2_and_publish_sm2_forms() -> None:
    with override_settings(ONEX_CRYPTO_SUITE="gm", ONEX_DATA_KEY=KEY, ONEX_SIGNING_KEY=""):
        key_id, signature = crypto.sign(b"data")
        assert key_id == crypto.signing_key_id()
        current = crypto.public_keys()[0]
        assert current.algorithm == "SM2" and current.current and current.key_id == key_id
        assert crypto_gm.sm2_verify(current.public_bytes, b"data", signature)
        assert sm2_reference.sm2_verify(current.public_bytes, b"data", signature)
        assert current.jwk()["crv"] == "SM2"
        assert current.pem().startswith("-----BEGIN PUBLIC KEY-----\nMFkwEwYHKoZIzj0CAQYIKoEcz1UB")
        assert current.multibase.startswith("z")
        # The Ed25519 signer stays available for the W3C credential proof.
        ed_id, ed_signature = crypto.sign(b"data", algorithm="Ed25519")
        assert ed_id != key_id and len(ed_signature) == 64
        assert crypto.verify(b"data", ed_signature, key_id=ed_id)


def test_unknown_or_unusable_suite_is_refused_at_startup(monkeypatch: pytest.MonkeyPatch) -> None:
    with override_settings(ONEX_CRYPTO_SUITE="sm4"):
        errors = [e for e in run_checks() if e.id == "onex.E010"]
        assert len(errors) == 1 and "ONEX_CRYPTO_SUITE='sm4'" in errors[0].msg
    monkeypatch.setattr(crypto.GmSuite, "usable", lambda self: False)
    with pytest.raises(ImproperlyConfigured, match="SM4-GCM"):
        crypto.get_suite("gm")
    with override_settings(ONEX_CRYPTO_SUITE="gm"):
        assert [e for e in run_checks() if e.id == "onex.E010"]


@pytest.mark.parametrize("suite", ["intl", "gm"])
def test_round_trip_under_each_suite(suite: str) -> None:
    with override_settings(ONEX_CRYPTO_SUITE=suite, ONEX_DATA_KEY=KEY, ONEX_SIGNING_KEY=""):
        blob = crypto.encrypt("张三 110101", context="c")
        assert blob[0] == crypto.get_suite(suite).version
        assert crypto.decrypt(blob, context="c") == "张三 110101".encode()
        assert not crypto.needs_reencrypt(blob)
        key_id, signature = crypto.sign(b"token")
        assert crypto.verify(b"token", signature, key_id=key_id)
        assert not crypto.verify(b"token!", signature, key_id=key_id)
        digest = crypto.keyed_hash("110101199003070011", purpose="id_number")
        assert digest == crypto.keyed_hash("110101199003070011", purpose="id_number")
        assert crypto.keyed_hash_candidates("110101199003070011", purpose="id_number")[0] == digest


# --- switching suites --------------------------------------------------------------------------


def test_switching_suites_keeps_old_blobs_signatures_and_lookups() -> None:
    with override_settings(ONEX_CRYPTO_SUITE="intl", ONEX_DATA_KEY=KEY, ONEX_SIGNING_KEY=""):
        intl_blob = crypto.encrypt("secret", context="t")
        intl_id, intl_signature = crypto.sign(b"data")
        intl_hash = crypto.keyed_hash("v", purpose="p")
    with override_settings(ONEX_CRYPTO_SUITE="gm", ONEX_DATA_KEY=KEY, ONEX_SIGNING_KEY=""):
        assert crypto.decrypt(intl_blob, context="t") == b"secret"
        assert crypto.needs_reencrypt(intl_blob)
        assert crypto.verify(b"data", intl_signature, key_id=intl_id)
        gm_id, gm_signature = crypto.sign(b"data")
        assert gm_id != intl_id
        gm_hash = crypto.keyed_hash("v", purpose="p")
        assert crypto.keyed_hash_candidates("v", purpose="p") == [gm_hash, intl_hash]
        gm_blob = crypto.encrypt("secret", context="t")
    with override_settings(ONEX_CRYPTO_SUITE="intl", ONEX_DATA_KEY=KEY, ONEX_SIGNING_KEY=""):
        assert crypto.decrypt(gm_blob, context="t") == b"secret"
        assert crypto.verify(b"data", gm_signature, key_id=gm_id)
        assert crypto.keyed_hash_candidates("v", purpose="p") == [intl_hash, gm_hash]


def test_a_rotated_key_under_the_other_suite_still_decrypts() -> None:
    with override_settings(ONEX_CRYPTO_SUITE="intl", ONEX_DATA_KEY=OLD_KEY, ONEX_DATA_KEYS_OLD=""):
        blob = crypto.encrypt("secret", context="t")
    with override_settings(ONEX_CRYPTO_SUITE="gm", ONEX_DATA_KEY=KEY, ONEX_DATA_KEYS_OLD=OLD_KEY):
        assert crypto.decrypt(blob, context="t") == b"secret"
        assert len(crypto.keyed_hash_candidates("v", purpose="p")) == 4


def test_qr_token_is_sm2_signed_under_gm_and_verifies_after_switching_back() -> None:
    number_in = compose(year=2024, certificate_id=1, level="junior", province_code="11", serial=1)
    with override_settings(ONEX_CRYPTO_SUITE="gm", ONEX_DATA_KEY=KEY, ONEX_SIGNING_KEY=""):
        token = pdf.verification_token(number_in)
        number, key_id, signature = token.split(".")
        key = crypto.public_keys()[0]
        assert key.algorithm == "SM2" and key_id == key.key_id == crypto.signing_key_id()
        message = b"onex/certificate-verify/v1:" + number.encode()
        assert sm2_reference.sm2_verify(key.public_bytes, message, pdf._unb64(signature))
        assert pdf.number_from_token(token) == number_in
    with override_settings(ONEX_CRYPTO_SUITE="intl", ONEX_DATA_KEY=KEY, ONEX_SIGNING_KEY=""):
        assert key_id not in {key.key_id for key in crypto.public_keys()}  # published: Ed25519
        # The QR code printed under gm still opens the verification page.
        assert pdf.number_from_token(token) == number_in
        assert pdf.number_from_token(token[:-2] + "AA") is None


@pytest.mark.django_db
def test_credentials_keep_their_ed25519_proof_under_gm(settings: Any) -> None:
    settings.ONEX_CRYPTO_SUITE = "gm"
    settings.ONEX_SIGNING_KEY = ""
    document = {
        "@context": ["https://www.w3.org/ns/credentials/v2"],
        "type": ["VerifiableCredential"],
        "issuer": credentials.issuer_did(),
        "validFrom": "2024-01-01T00:00:00Z",
        "credentialSubject": {"id": "urn:uuid:0b9f4e8a-0000-4000-8000-000000000001"},
    }
    signed = credentials.sign_document(document)
    # A proof set: Ed25519 for international verifiers, SM2 beside it (tests/certificates/
    # test_vc_gm.py checks the SM2 proof in detail).
    assert [p["cryptosuite"] for p in signed["proof"]] == ["eddsa-rdfc-2022", "onex-sm2-rdfc-2026"]
    assert signed["issuer"].startswith("did:key:z6Mk")  # an Ed25519 did:key
    assert credentials.verify_credential(signed, check_status=False).verified


# --- crypto_reencrypt -------------------------------------------------------------------------


def test_every_personal_id_model_and_the_identity_salt_are_registered() -> None:
    names = {spec.name for spec in field_specs()}
    assert {
        "assessment.candidate.id_number_enc",
        "catalog.orgfiling.id_number_enc",
        "certificates.issuedcertificate.id_number_enc",
        "certificates.credentialrecord.identity_salt_enc",
    } <= names


def test_crypto_reencrypt_moves_blobs_and_hashes_to_the_new_suite(
    personas: Personas, settings: Any
) -> None:
    settings.ONEX_CRYPTO_SUITE = "intl"
    world = build_world(personas)
    certificate = world.enter(name="王小明", id_number=ID_A)
    intl_blob = bytes(certificate.id_number_enc)
    intl_hash = certificate.id_number_hash
    assert intl_blob[0] == 0x01

    settings.ONEX_CRYPTO_SUITE = "gm"
    # Before the re-encryption, lookups find the intl hash through the candidates.
    assert [c.number for c in public_query(name="王小明", id_number=ID_A)] == [certificate.number]

    out = io.StringIO()
    call_command("crypto_reencrypt", batch_size=1, stdout=out)
    assert "certificates.issuedcertificate.id_number_enc: 1 checked, rewrote 1" in out.getvalue()
    certificate.refresh_from_db()
    assert bytes(certificate.id_number_enc)[0] == 0x02
    assert certificate.id_number_hash == crypto.keyed_hash(ID_A, purpose=ID_NUMBER_HASH_PURPOSE)
    assert certificate.id_number_hash != intl_hash
    assert certificate.reveal_id_number(actor=Actor.system()) == ID_A
    assert [c.number for c in public_query(name="王小明", id_number=ID_A)] == [certificate.number]
    events = AuditEvent.objects.filter(action=AUDIT_ACTION)
    assert events.filter(target_type="certificates.issuedcertificate").count() == 1
    assert str(intl_blob.hex()) not in str(list(events.values_list("new", flat=True)))

    # Idempotent: a second run rewrites nothing and audits nothing more.
    before = events.count()
    out = io.StringIO()
    call_command("crypto_reencrypt", stdout=out)
    assert "rewrote 0" in out.getvalue() and "rewrote 1" not in out.getvalue()
    assert AuditEvent.objects.filter(action=AUDIT_ACTION).count() == before

    # Dry run after switching back: counts, writes nothing.
    settings.ONEX_CRYPTO_SUITE = "intl"
    out = io.StringIO()
    call_command("crypto_reencrypt", dry_run=True, stdout=out)
    assert "would rewrite 1" in out.getvalue()
    certificate.refresh_from_db()
    assert bytes(certificate.id_number_enc)[0] == 0x02


def test_crypto_reencrypt_reseals_stored_import_files(
    personas: Personas, submit: Callable[..., ImportJob], settings: Any
) -> None:
    settings.ONEX_CRYPTO_SUITE = "intl"
    content = xlsx_bytes(HEADERS, GOOD_ROWS)
    job = submit(personas.ministry, content)
    old_path = Path(job.file.path)
    assert old_path.read_bytes()[0] == 0x01

    settings.ONEX_CRYPTO_SUITE = "gm"
    out = io.StringIO()
    call_command("crypto_reencrypt", stdout=out)
    assert "core.importjob.file: 1 checked, rewrote 1" in out.getvalue()
    job.refresh_from_db()
    assert Path(job.file.path).read_bytes()[0] == 0x02
    assert not old_path.exists() or Path(job.file.path) == old_path
    assert job_file_bytes(job) == content
    assert AuditEvent.objects.filter(action=AUDIT_ACTION, target_type="core.importjob").exists()


def test_retired_sm2_public_key_listed_as_pem_keeps_verifying() -> None:
    with override_settings(ONEX_CRYPTO_SUITE="gm", ONEX_DATA_KEY=OLD_KEY, ONEX_SIGNING_KEY=""):
        old_id, old_signature = crypto.sign(b"data")
        old_pem = crypto.public_keys()[0].pem()
    # The old data secret is gone for good; its SM2 public key stays as a PEM.
    with override_settings(
        ONEX_CRYPTO_SUITE="gm",
        ONEX_DATA_KEY=KEY,
        ONEX_DATA_KEYS_OLD="",
        ONEX_SIGNING_KEY="",
        ONEX_SIGNING_KEYS_OLD=old_pem,
    ):
        assert crypto.verify(b"data", old_signature, key_id=old_id)
        assert [key.current for key in crypto.public_keys()] == [True, False]
    with override_settings(
        ONEX_CRYPTO_SUITE="gm", ONEX_DATA_KEY=KEY, ONEX_DATA_KEYS_OLD="", ONEX_SIGNING_KEYS_OLD=""
    ):
        assert not crypto.verify(b"data", old_signature, key_id=old_id)


def _public_candidate(name: str, id_number: str) -> Candidate:
    candidate = Candidate(name=name, gender=Gender.MALE)
    candidate.set_id_number(id_type="resident", value=id_number)
    candidate.save()
    return candidate


@pytest.mark.django_db
def test_crypto_reencrypt_reports_a_hash_conflict_and_rewrites_the_other_rows(
    settings: Any,
) -> None:
    settings.ONEX_CRYPTO_SUITE = "intl"
    first = _public_candidate("甲", ID_A)
    other = _public_candidate("乙", ID_B)
    intl_hash = first.id_number_hash
    settings.ONEX_CRYPTO_SUITE = "gm"
    # A duplicate written without the candidate lookup (services check the candidates first).
    _public_candidate("甲", ID_A)

    err = io.StringIO()
    with pytest.raises(CommandError, match="not rewritten"):
        call_command("crypto_reencrypt", batch_size=10, stdout=io.StringIO(), stderr=err)
    assert f"pk={first.pk}: new hash conflicts" in err.getvalue()
    first.refresh_from_db()
    other.refresh_from_db()
    assert first.id_number_hash == intl_hash and bytes(first.id_number_enc)[0] == 0x01
    assert bytes(other.id_number_enc)[0] == 0x02
    assert other.id_number_hash == crypto.keyed_hash(ID_B, purpose=ID_NUMBER_HASH_PURPOSE)


def test_crypto_public_keys_prints_pems_that_load_back_as_retired_keys() -> None:
    with override_settings(ONEX_CRYPTO_SUITE="gm", ONEX_DATA_KEY=OLD_KEY, ONEX_SIGNING_KEY=""):
        out = io.StringIO()
        call_command("crypto_public_keys", stdout=out)
        old_sm2 = crypto.signing_key_id()
        old_ed = crypto.signing_key_id(algorithm="Ed25519")
    text = out.getvalue()
    assert f"# SM2 key id {old_sm2} (current)" in text
    assert f"# Ed25519 key id {old_ed} (current)" in text
    with override_settings(
        ONEX_CRYPTO_SUITE="gm",
        ONEX_DATA_KEY=KEY,
        ONEX_DATA_KEYS_OLD="",
        ONEX_SIGNING_KEY="",
        ONEX_SIGNING_KEYS_OLD=text,
    ):
        ids = {key.key_id for key in crypto.public_keys(algorithm="SM2")}
        ids |= {key.key_id for key in crypto.public_keys(algorithm="Ed25519")}
        assert {old_sm2, old_ed} <= ids
