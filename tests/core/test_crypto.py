"""onex.core.crypto: the one interface for encryption, keyed hashes and signatures."""

from __future__ import annotations

import base64
from pathlib import Path
from typing import Any

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from django.core.exceptions import ImproperlyConfigured
from django.test import override_settings

from onex.core import crypto
from onex.settings import env_secret

OLD_KEY = "old-data-key-" + "a" * 40
NEW_KEY = "new-data-key-" + "b" * 40
OTHER_KEY = "other-data-key-" + "c" * 40


@pytest.fixture(autouse=True)
def _intl_suite(settings: Any) -> None:
    # These tests describe the intl suite (version byte, Ed25519 forms, deterministic Ed25519
    # signatures) even when the run is made with ONEX_CRYPTO_SUITE=gm; the gm suite and the
    # switch between suites are tested in test_crypto_gm.py.
    settings.ONEX_CRYPTO_SUITE = "intl"


def _pem(private: Ed25519PrivateKey) -> str:
    return private.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    ).decode()


def _public_pem(private: Ed25519PrivateKey) -> str:
    return (
        private.public_key()
        .public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
        .decode()
    )


# --- encryption --------------------------------------------------------------------------------


def test_encrypt_round_trip_for_text_and_bytes() -> None:
    assert crypto.decrypt(crypto.encrypt("张三 110101", context="t"), context="t") == (
        "张三 110101".encode()
    )
    assert crypto.decrypt(crypto.encrypt(b"\x00\xff", context="t"), context="t") == b"\x00\xff"


def test_decrypt_accepts_the_memoryview_a_database_driver_returns() -> None:
    blob = crypto.encrypt("x", context="t")
    assert crypto.decrypt(memoryview(blob), context="t") == b"x"


def test_ciphertext_has_version_key_id_random_nonce_and_hides_the_plaintext() -> None:
    first = crypto.encrypt("110101199003070011", context="t")
    second = crypto.encrypt("110101199003070011", context="t")
    assert first != second  # random 96-bit nonce
    assert first[0] == 0x01  # intl suite
    assert first[1:5] == second[1:5]  # same key id
    assert b"110101199003070011" not in first
    assert len(first) == 1 + 4 + 12 + 18 + 16


@pytest.mark.parametrize("position", [0, 2, 8, 20, -1])
def test_tampered_ciphertext_does_not_decrypt(position: int) -> None:
    blob = bytearray(crypto.encrypt("secret", context="t"))
    blob[position] ^= 0x01
    with pytest.raises(crypto.DecryptionError):
        crypto.decrypt(bytes(blob), context="t")


def test_truncated_ciphertext_does_not_decrypt() -> None:
    blob = crypto.encrypt("secret", context="t")
    for cut in (0, 3, 5, 20, len(blob) - 1):
        with pytest.raises(crypto.DecryptionError):
            crypto.decrypt(blob[:cut], context="t")


def test_ciphertext_under_another_context_does_not_decrypt() -> None:
    blob = crypto.encrypt("secret", context="learner.id_number")
    with pytest.raises(crypto.DecryptionError):
        crypto.decrypt(blob, context="orgfiling.id_number")


def test_empty_context_is_refused() -> None:
    with pytest.raises(ValueError):
        crypto.encrypt("secret", context="")


def test_data_encrypted_with_an_old_key_decrypts_after_rotation() -> None:
    with override_settings(ONEX_DATA_KEY=OLD_KEY, ONEX_DATA_KEYS_OLD=""):
        old_blob = crypto.encrypt("secret", context="t")
    with override_settings(ONEX_DATA_KEY=NEW_KEY, ONEX_DATA_KEYS_OLD=f"{OTHER_KEY},{OLD_KEY}"):
        assert crypto.decrypt(old_blob, context="t") == b"secret"
        new_blob = crypto.encrypt("secret", context="t")
        assert new_blob[1:5] != old_blob[1:5]  # new data uses the new key
    # Without the retired key listed, old data is unreadable (and says nothing about why).
    with (
        override_settings(ONEX_DATA_KEY=NEW_KEY, ONEX_DATA_KEYS_OLD=""),
        pytest.raises(crypto.DecryptionError),
    ):
        crypto.decrypt(old_blob, context="t")


def test_old_keys_may_be_listed_one_per_line() -> None:
    with override_settings(ONEX_DATA_KEY=OLD_KEY, ONEX_DATA_KEYS_OLD=""):
        old_blob = crypto.encrypt("secret", context="t")
    with override_settings(ONEX_DATA_KEY=NEW_KEY, ONEX_DATA_KEYS_OLD=f"\n{OTHER_KEY}\n{OLD_KEY}\n"):
        assert crypto.decrypt(old_blob, context="t") == b"secret"


def test_old_keys_come_from_a_file(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    key_file = tmp_path / "old_keys"
    key_file.write_text(f"{OLD_KEY}\n{OTHER_KEY}\n", encoding="utf-8")
    monkeypatch.delenv("ONEX_DATA_KEYS_OLD", raising=False)
    monkeypatch.setenv("ONEX_DATA_KEYS_OLD_FILE", str(key_file))
    assert env_secret("ONEX_DATA_KEYS_OLD", dev_file=None, required=False).split() == [
        OLD_KEY,
        OTHER_KEY,
    ]
    monkeypatch.delenv("ONEX_DATA_KEYS_OLD_FILE")
    assert env_secret("ONEX_DATA_KEYS_OLD", dev_file=None, required=False) == ""


def test_a_short_data_key_is_a_configuration_error() -> None:
    with override_settings(ONEX_DATA_KEY="too-short"), pytest.raises(ImproperlyConfigured):
        crypto.encrypt("x", context="t")
    with override_settings(ONEX_DATA_KEYS_OLD="short"), pytest.raises(ImproperlyConfigured):
        crypto.encrypt("x", context="t")


def test_an_unknown_suite_is_a_configuration_error() -> None:
    with override_settings(ONEX_CRYPTO_SUITE="rot13"), pytest.raises(ImproperlyConfigured):
        crypto.encrypt("x", context="t")
    with pytest.raises(ImproperlyConfigured, match="known crypto suite"):
        crypto.get_suite("sm")


# --- keyed hash --------------------------------------------------------------------------------


def test_keyed_hash_is_stable_hex_and_depends_on_value_and_purpose() -> None:
    digest = crypto.keyed_hash("110101199003070011", purpose="id_number")
    assert digest == crypto.keyed_hash("110101199003070011", purpose="id_number")
    assert len(digest) == 64
    int(digest, 16)
    assert digest != crypto.keyed_hash("110101199003070029", purpose="id_number")
    assert digest != crypto.keyed_hash("110101199003070011", purpose="phone")


def test_keyed_hash_depends_on_the_key() -> None:
    with override_settings(ONEX_DATA_KEY=OLD_KEY, ONEX_DATA_KEYS_OLD=""):
        old = crypto.keyed_hash("v", purpose="p")
    with override_settings(ONEX_DATA_KEY=NEW_KEY, ONEX_DATA_KEYS_OLD=OLD_KEY):
        new = crypto.keyed_hash("v", purpose="p")
        # During a rotation, lookups try the hash under every configured key, current first
        # (then the same under the other suites, for a suite switch).
        assert crypto.keyed_hash_candidates("v", purpose="p")[:2] == [new, old]
    assert old != new


def test_keyed_hash_needs_a_purpose() -> None:
    with pytest.raises(ValueError):
        crypto.keyed_hash("v", purpose="")


# --- signatures --------------------------------------------------------------------------------


def test_sign_and_verify() -> None:
    key_id, signature = crypto.sign(b"certificate 2024-0001")
    assert key_id == crypto.signing_key_id()
    assert len(signature) == 64
    assert crypto.verify(b"certificate 2024-0001", signature, key_id=key_id)
    assert not crypto.verify(b"certificate 2024-0002", signature, key_id=key_id)
    # Flip a bit rather than overwrite a byte: a signature may already end in 0x00.
    tampered = signature[:-1] + bytes([signature[-1] ^ 0x01])
    assert not crypto.verify(b"certificate 2024-0001", tampered, key_id=key_id)
    assert not crypto.verify(b"certificate 2024-0001", signature, key_id="unknown")


def test_public_keys_publish_the_current_key_first_in_standard_forms() -> None:
    key_id, signature = crypto.sign(b"data")
    keys = crypto.public_keys()
    current = keys[0]
    assert current.current and current.key_id == key_id
    assert current.algorithm == "Ed25519"
    assert current.multibase.startswith("z6Mk")  # did:key form of an Ed25519 key
    jwk = current.jwk()
    assert base64.urlsafe_b64decode(jwk["x"] + "=") == current.public_bytes
    loaded = serialization.load_pem_public_key(current.pem().encode())
    loaded.verify(signature, b"data")  # type: ignore[union-attr,call-arg]


def test_derived_signing_key_is_deterministic_and_old_signatures_verify_after_rotation() -> None:
    with override_settings(ONEX_DATA_KEY=OLD_KEY, ONEX_DATA_KEYS_OLD="", ONEX_SIGNING_KEY=""):
        old_id, old_signature = crypto.sign(b"data")
        assert crypto.sign(b"data") == (old_id, old_signature)
    with override_settings(ONEX_DATA_KEY=NEW_KEY, ONEX_DATA_KEYS_OLD=OLD_KEY, ONEX_SIGNING_KEY=""):
        new_id, _signature = crypto.sign(b"data")
        assert new_id != old_id
        assert crypto.verify(b"data", old_signature, key_id=old_id)
        keys = crypto.public_keys()
        assert [key.key_id for key in keys] == [new_id, old_id]
        assert [key.current for key in keys] == [True, False]


def test_configured_pem_signing_key_signs_and_retired_pem_keys_verify() -> None:
    first, second = Ed25519PrivateKey.generate(), Ed25519PrivateKey.generate()
    with override_settings(ONEX_DATA_KEY=NEW_KEY, ONEX_DATA_KEYS_OLD="", ONEX_SIGNING_KEY=""):
        derived_id, derived_signature = crypto.sign(b"data")
    with override_settings(
        ONEX_DATA_KEY=NEW_KEY, ONEX_SIGNING_KEY=_pem(first), ONEX_SIGNING_KEYS_OLD=""
    ):
        first_id, first_signature = crypto.sign(b"data")
        first.public_key().verify(first_signature, b"data")
        # Moving from the derived key to a PEM keeps what the derived key signed verifiable.
        assert crypto.verify(b"data", derived_signature, key_id=derived_id)
    with override_settings(
        ONEX_DATA_KEY=NEW_KEY,
        ONEX_SIGNING_KEY=_pem(second),
        ONEX_SIGNING_KEYS_OLD=_public_pem(first),
    ):
        second_id, _signature = crypto.sign(b"data")
        assert second_id != first_id
        assert crypto.verify(b"data", first_signature, key_id=first_id)
        assert crypto.public_keys()[0].key_id == second_id


def test_a_public_key_cannot_be_the_signing_key() -> None:
    pem = _public_pem(Ed25519PrivateKey.generate())
    with override_settings(ONEX_SIGNING_KEY=pem), pytest.raises(ImproperlyConfigured):
        crypto.sign(b"data")
