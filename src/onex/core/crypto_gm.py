"""Chinese commercial cryptography primitives (商用密码): SM2 signatures, SM3, SM4-GCM.

Only :mod:`onex.core.crypto` uses this module (its ``GmSuite``); nothing else calls a cipher.

- SM3 (GB/T 32905-2016) and SM4 (GB/T 32907-2016) come from the ``cryptography`` package
  (OpenSSL). SM4 runs in GCM mode (authenticated encryption, as AES-GCM in the intl suite).
  :func:`available` tells whether the OpenSSL build has them; the suite refuses to start
  without them rather than fall back silently.
- SM2 (GB/T 32918-2016) signatures come from ``tongsuopy``, the Tongsuo project's maintained
  fork of pyca/cryptography over the Tongsuo (BabaSSL) library: ``cryptography`` exposes no SM2
  signing, and the pure-Python ``gmssl`` package draws its nonce from :mod:`random`. Tongsuo
  signs ``e = SM3(Z_A || M)`` with the default user ID ``1234567812345678`` (GM/T 0009) and
  draws the nonce k from its DRBG (``BN_priv_rand_range``), in constant-time C. The standard's
  example signature verifies under it (tests/core/test_crypto_gm.py), and every signature it
  makes is checked there by an independent pure-Python implementation (tests/core/sm2_reference.py,
  the implementation onex used before, whose signatures keep verifying: same keys, same
  ``r || s`` encoding).

Signature encoding: ``r || s`` (2 × 32 bytes, big-endian; Tongsuo's DER is converted).
Public key: ``04 || x || y``.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass, field
from typing import Any

from cryptography.exceptions import UnsupportedAlgorithm
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives import hmac as crypto_hmac
from cryptography.hazmat.primitives.asymmetric.utils import (
    decode_dss_signature,
    encode_dss_signature,
)
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes

try:
    from tongsuopy.crypto import hashes as ts_hashes
    from tongsuopy.crypto import serialization as ts_serialization
    from tongsuopy.crypto.asymciphers import ec as ts_ec
    from tongsuopy.crypto.exceptions import InternalError as TsInternalError
    from tongsuopy.crypto.exceptions import InvalidSignature as TsInvalidSignature
    from tongsuopy.crypto.exceptions import UnsupportedAlgorithm as TsUnsupportedAlgorithm
except ImportError:  # pragma: no cover - the gm suite then refuses to start (available())
    ts_hashes = ts_serialization = ts_ec = None
    TsInternalError = TsInvalidSignature = TsUnsupportedAlgorithm = ValueError

__all__ = [
    "DEFAULT_USER_ID",
    "SM2_N",
    "Sm2PrivateKey",
    "available",
    "hmac_sm3",
    "sm2_load_pem",
    "sm2_private_key",
    "sm2_private_key_from_seed",
    "sm2_sign",
    "sm2_verify",
    "sm3",
    "sm4_gcm_open",
    "sm4_gcm_seal",
]

# The user ID Tongsuo puts into Z_A (GM/T 0009 default); onex signs with no other.
DEFAULT_USER_ID = b"1234567812345678"
SM4_KEY_LENGTH = 16
GCM_TAG_LENGTH = 16
_COORD = 32  # bytes per coordinate / scalar on the 256-bit curve


# --- SM3 / SM4 (OpenSSL via cryptography) ----------------------------------------------------


def sm3(data: bytes) -> bytes:
    digest = hashes.Hash(hashes.SM3())
    digest.update(data)
    return digest.finalize()


def hmac_sm3(key: bytes, data: bytes) -> bytes:
    mac = crypto_hmac.HMAC(key, hashes.SM3())
    mac.update(data)
    return mac.finalize()


def sm4_gcm_seal(key: bytes, nonce: bytes, plaintext: bytes, aad: bytes) -> bytes:
    """``ciphertext || tag`` (16-byte tag)."""
    encryptor = Cipher(algorithms.SM4(key), modes.GCM(nonce)).encryptor()
    encryptor.authenticate_additional_data(aad)
    body = encryptor.update(plaintext) + encryptor.finalize()
    return body + encryptor.tag


def sm4_gcm_open(key: bytes, nonce: bytes, sealed: bytes, aad: bytes) -> bytes:
    """Inverse of :func:`sm4_gcm_seal`; raises ``cryptography.exceptions.InvalidTag``."""
    body, tag = sealed[:-GCM_TAG_LENGTH], sealed[-GCM_TAG_LENGTH:]
    decryptor = Cipher(algorithms.SM4(key), modes.GCM(nonce, tag)).decryptor()
    decryptor.authenticate_additional_data(aad)
    return decryptor.update(body) + decryptor.finalize()


# --- SM2 (Tongsuo via tongsuopy) ---------------------------------------------------------------

# Order n of the base point of the recommended curve (GB/T 32918.5-2017, sm2p256v1).
SM2_N = 0xFFFFFFFEFFFFFFFFFFFFFFFFFFFFFFFF7203DF6B21C6052B53BBF40939D54123

# GB/T 32918 (part 5, annex A) example on the recommended curve: a known answer the
# installation must verify before the gm suite starts.
_KAT_PUBLIC = bytes.fromhex(
    "0409F9DF311E5421A150DD7D161E4BC5C672179FAD1833FC076BB08FF356F35020"
    "CCEA490CE26775A52DC6EA718CC1AA600AED05FBF35E084A6632F6072DA9AD13"
)
_KAT_SIGNATURE = bytes.fromhex(
    "F5A03B0648D2C4630EEAC513E1BB81A15944DA3827D5B74143AC7EACEEE720B3"
    "B1B6AA29DF212FD8763182BC0D421CA1BB9038FD1F7F42D4840B69C485BBC1AA"
)


@dataclass(frozen=True)
class Sm2PrivateKey:
    """An SM2 signing key held by Tongsuo (the scalar never leaves the library after loading)."""

    handle: Any = field(repr=False)  # tongsuopy EllipticCurvePrivateKey
    public: bytes  # 04 || x || y


def _require_tongsuo() -> None:
    if ts_ec is None:
        raise UnsupportedAlgorithm("SM2 needs the tongsuopy package")


def _public_raw(public_key: Any) -> bytes:
    return bytes(
        public_key.public_bytes(
            ts_serialization.Encoding.X962, ts_serialization.PublicFormat.UncompressedPoint
        )
    )


def _is_sm2(key: Any) -> bool:
    return isinstance(getattr(key, "curve", None), ts_ec.SM2)


def sm2_private_key(d: int) -> Sm2PrivateKey:
    """The key with private scalar ``d`` (keys derived from the data secret, test vectors)."""
    _require_tongsuo()
    if not 1 <= d <= SM2_N - 2:
        raise ValueError("SM2 private key out of range [1, n-2]")
    handle = ts_ec.derive_private_key(d, ts_ec.SM2())
    return Sm2PrivateKey(handle=handle, public=_public_raw(handle.public_key()))


def sm2_private_key_from_seed(seed: bytes) -> Sm2PrivateKey:
    """A key derived deterministically from (at least) 32 uniformly random bytes.

    Unchanged since the pure-Python implementation, so the derived keys (and their key ids)
    did not change with the library.
    """
    if len(seed) < _COORD:
        raise ValueError("seed too short")
    # Reduce 48 bytes (the seed, stretched by SM3) rather than 32, so the modular reduction adds
    # no measurable bias (as FIPS 186-5 A.2.1 asks for extra bits).
    wide = seed + sm3(b"onex/sm2-seed-extension" + seed)[:16]
    return sm2_private_key(int.from_bytes(wide, "big") % (SM2_N - 2) + 1)


def sm2_private_pem(key: Sm2PrivateKey) -> bytes:
    """PKCS#8 PEM of ``key`` (unencrypted: it goes into ``ONEX_SIGNING_KEY``, a secret)."""
    return bytes(
        key.handle.private_bytes(
            ts_serialization.Encoding.PEM,
            ts_serialization.PrivateFormat.PKCS8,
            ts_serialization.NoEncryption(),
        )
    )


def sm2_load_pem(pem: bytes) -> tuple[Sm2PrivateKey | None, bytes]:
    """``(private key or None, raw public key)`` from an SM2 PKCS#8 or SPKI PEM block.

    Raises ``ValueError`` for anything else (another algorithm, another curve, garbage).
    """
    _require_tongsuo()
    try:
        if b"PRIVATE KEY" in pem:
            private = ts_serialization.load_pem_private_key(pem, password=None)
            if not _is_sm2(private):
                raise ValueError("not an SM2 private key")
            public = _public_raw(private.public_key())
            return Sm2PrivateKey(handle=private, public=public), public
        loaded = ts_serialization.load_pem_public_key(pem)
    except (TsUnsupportedAlgorithm, TsInternalError, TypeError) as exc:
        raise ValueError(f"not an SM2 key: {exc.__class__.__name__}") from exc
    if not _is_sm2(loaded):
        raise ValueError("not an SM2 public key")
    return None, _public_raw(loaded)


@functools.lru_cache(maxsize=64)
def _public_key(raw: bytes) -> Any | None:
    """The Tongsuo public key of ``04 || x || y``, or None when it is not a curve point."""
    if len(raw) != 1 + 2 * _COORD or raw[0] != 0x04:
        return None
    try:
        return ts_ec.EllipticCurvePublicKey.from_encoded_point(ts_ec.SM2(), raw)
    except (ValueError, TsInternalError, TsUnsupportedAlgorithm):
        return None


def sm2_sign(key: Sm2PrivateKey, message: bytes) -> bytes:
    """SM2 signature ``r || s`` of ``message`` (GB/T 32918.2 §6.1, default user ID).

    Tongsuo computes ``Z_A`` and ``e = SM3(Z_A || M)`` and draws k from its DRBG.
    """
    der = key.handle.sign(bytes(message), ts_ec.ECDSA(ts_hashes.SM3()))
    r, s = decode_dss_signature(bytes(der))
    return r.to_bytes(_COORD, "big") + s.to_bytes(_COORD, "big")


def sm2_verify(public: bytes, message: bytes, signature: bytes) -> bool:
    """GB/T 32918.2 §7.1 (default user ID); False for any malformed input, never an exception."""
    if ts_ec is None or len(signature) != 2 * _COORD:
        return False
    r = int.from_bytes(signature[:_COORD], "big")
    s = int.from_bytes(signature[_COORD:], "big")
    if not (1 <= r < SM2_N and 1 <= s < SM2_N):
        return False
    key = _public_key(bytes(public))
    if key is None:
        return False
    try:
        key.verify(encode_dss_signature(r, s), bytes(message), ts_ec.ECDSA(ts_hashes.SM3()))
    except (TsInvalidSignature, TsInternalError, ValueError):
        return False
    return True


@functools.cache
def available() -> bool:
    """True when SM3, SM4-GCM (OpenSSL) and SM2 (Tongsuo) work, checked against known answers."""
    try:
        if sm3(b"abc").hex()[:16] != "66c7f0f462eeedd9":
            return False
        key = bytes(SM4_KEY_LENGTH)
        sealed = sm4_gcm_seal(key, bytes(12), b"onex", b"")
        if sm4_gcm_open(key, bytes(12), sealed, b"") != b"onex":
            return False
    except (UnsupportedAlgorithm, ValueError):
        return False
    return ts_ec is not None and sm2_verify(_KAT_PUBLIC, b"message digest", _KAT_SIGNATURE)
