"""The one cryptography interface of onex: encrypt, decrypt, keyed hash, sign, verify.

No other module calls a cipher directly, so the algorithm suite is a setting
(``ONEX_CRYPTO_SUITE``): ``"intl"`` (AES-256-GCM, HMAC-SHA-256, Ed25519) or ``"gm"``, the
Chinese commercial suite (SM4-GCM, HMAC-SM3, SM2; primitives in :mod:`onex.core.crypto_gm`,
see docs/commercial-crypto.md).

Suite switch. Every suite's keys are derived from the same secrets, so after a switch blobs
sealed by the other suite still decrypt (the version byte names the suite), signatures by the
other suite's keys still verify (the key id names the key, hence the algorithm), and
:func:`keyed_hash_candidates` includes the other suite's hashes; ``manage.py
crypto_reencrypt`` then moves stored data to the current suite and key. The W3C credentials
keep an Ed25519 proof under either suite (``sign(..., algorithm="Ed25519")``), with an SM2
proof beside it under gm.

Keys. One secret, ``ONEX_DATA_KEY``, configures everything: per-purpose keys (encryption,
keyed hashing per purpose, the Ed25519 signing seed, the key id) are derived from it with HKDF,
so a leak of one derived key reveals neither the secret nor the other keys.

Rotation. Every ciphertext starts with a header ``version byte (suite) + 4-byte key id`` so it
names the key that sealed it. Retired secrets listed in ``ONEX_DATA_KEYS_OLD`` (comma-separated
or one per line, or in the file ``ONEX_DATA_KEYS_OLD_FILE``) still decrypt; new data always uses
the current key. Signatures carry a key id too; retired signing keys (PEM, private or public, in
``ONEX_SIGNING_KEYS_OLD`` or its ``_FILE``) and the keys derived from every configured data
secret stay verifiable, so credentials issued before a rotation keep verifying.

Ciphertext layout (intl): ``0x01 | key id (4) | nonce (12) | AES-GCM ciphertext + tag (16)``.
The associated data is ``header | 0x00 | context``: a blob moved to another context (another
field or table) or with an edited header fails to decrypt.
"""

from __future__ import annotations

import abc
import base64
import functools
import hashlib
import hmac
import os
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, ClassVar

from cryptography.exceptions import InvalidSignature, InvalidTag, UnsupportedAlgorithm
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

from onex.core import crypto_gm

__all__ = [
    "DecryptionError",
    "PublicKey",
    "current_suite_name",
    "decrypt",
    "digest",
    "encrypt",
    "encrypter",
    "keyed_hash",
    "keyed_hash_candidates",
    "keyed_hasher",
    "mac",
    "mac_verify",
    "needs_reencrypt",
    "public_keys",
    "sign",
    "signing_key_id",
    "verify",
]

KEY_ID_LENGTH = 4
HEADER_LENGTH = 1 + KEY_ID_LENGTH
# A data secret shorter than this is a configuration mistake, not a key (the generated
# development secret has 64 characters).
MIN_SECRET_LENGTH = 32
# Fixed application salt for HKDF: the secret is already high-entropy; the salt only separates
# onex's derivations from any other use of the same secret.
_HKDF_SALT = b"onex/1+x/hkdf-salt/v1"


class DecryptionError(Exception):
    """A blob did not decrypt: tampered, wrong context, or sealed by a key no longer configured.

    Deliberately carries no data: the message may reach a log.
    """


@dataclass(frozen=True)
class PublicKey:
    """A verification key as published (DID document, JWKS, verification page)."""

    key_id: str
    algorithm: str  # "Ed25519" (intl) / "SM2" (gm)
    public_bytes: bytes  # raw public key
    current: bool  # the key that signs now; the others only verify

    @property
    def multibase(self) -> str:
        """``publicKeyMultibase`` of a Multikey / did:key (multicodec ed25519-pub, base58btc)."""
        if self.algorithm == "SM2":
            # multicodec sm2-pub (0x1206, varint 0x86 0x24), compressed point.
            return "z" + _base58btc(b"\x86\x24" + _compress_sm2(self.public_bytes))
        if self.algorithm != "Ed25519":
            raise NotImplementedError(f"no multicodec for {self.algorithm}")
        return "z" + _base58btc(b"\xed\x01" + self.public_bytes)

    def jwk(self) -> dict[str, str]:
        if self.algorithm == "SM2":
            coords = self.public_bytes[1:]
            return {
                "kty": "EC",
                "crv": "SM2",
                "x": _b64url(coords[:32]),
                "y": _b64url(coords[32:]),
                "kid": self.key_id,
            }
        if self.algorithm != "Ed25519":
            raise NotImplementedError(f"no JWK mapping for {self.algorithm}")
        x = base64.urlsafe_b64encode(self.public_bytes).rstrip(b"=").decode("ascii")
        return {"kty": "OKP", "crv": "Ed25519", "x": x, "kid": self.key_id}

    def pem(self) -> str:
        if self.algorithm == "SM2":
            der = _SM2_SPKI_PREFIX + self.public_bytes
            body = base64.encodebytes(der).decode("ascii").replace("\n", "")
            lines = [body[i : i + 64] for i in range(0, len(body), 64)]
            return "\n".join(["-----BEGIN PUBLIC KEY-----", *lines, "-----END PUBLIC KEY-----", ""])
        if self.algorithm != "Ed25519":
            raise NotImplementedError(f"no PEM mapping for {self.algorithm}")
        key = Ed25519PublicKey.from_public_bytes(self.public_bytes)
        return key.public_bytes(
            serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
        ).decode("ascii")


# SubjectPublicKeyInfo header of an SM2 public key: id-ecPublicKey with the curve
# sm2p256v1 (1.2.156.10197.1.301), then the uncompressed point in a BIT STRING.
_SM2_SPKI_PREFIX = bytes.fromhex("3059301306072a8648ce3d020106082a811ccf5501822d034200")


def _b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def _compress_sm2(public: bytes) -> bytes:
    return bytes([0x02 + (public[-1] & 1)]) + public[1:33]


# --- suites --------------------------------------------------------------------------------


class Suite(abc.ABC):
    """One algorithm family. Add the SM suite by subclassing and registering in ``_SUITES``."""

    name: ClassVar[str]
    version: ClassVar[int]  # first byte of every ciphertext sealed by this suite
    signature_algorithm: ClassVar[str]

    @abc.abstractmethod
    def derive(self, secret: bytes, *, info: bytes, length: int) -> bytes:
        """Derive a key for one purpose (HKDF; SM: an SM3-based KDF)."""

    @abc.abstractmethod
    def seal(self, key: bytes, plaintext: bytes, aad: bytes) -> bytes:
        """Authenticated encryption; returns ``nonce | ciphertext | tag``."""

    def sealer(self, key: bytes, aad: bytes) -> Callable[[bytes], bytes]:
        """:meth:`seal` for many plaintexts under one key and associated data."""
        return lambda plaintext: self.seal(key, plaintext, aad)

    @abc.abstractmethod
    def open(self, key: bytes, sealed: bytes, aad: bytes) -> bytes:
        """Inverse of :meth:`seal`; raises :class:`DecryptionError`."""

    @abc.abstractmethod
    def mac(self, key: bytes, data: bytes) -> str:
        """Keyed hash as lowercase hex."""

    def macer(self, key: bytes) -> Callable[[bytes], str]:
        """:meth:`mac` for many values under one key."""
        return lambda data: self.mac(key, data)

    @abc.abstractmethod
    def signing_key_from_seed(self, seed: bytes) -> Any:
        """A private signing key derived deterministically from 32 bytes."""

    @abc.abstractmethod
    def load_pem(self, pem: bytes) -> tuple[Any | None, bytes]:
        """``(private key or None, raw public key)`` from one PEM block."""

    @abc.abstractmethod
    def public_raw(self, private_key: Any) -> bytes: ...

    @abc.abstractmethod
    def sign_raw(self, private_key: Any, data: bytes) -> bytes: ...

    @abc.abstractmethod
    def verify_raw(self, public_raw: bytes, data: bytes, signature: bytes) -> bool: ...

    def usable(self) -> bool:
        """False when this installation's libraries lack the suite's algorithms."""
        return True

    def data_key_id(self, secret: bytes) -> bytes:
        return self.derive(secret, info=b"onex/key-id", length=KEY_ID_LENGTH)

    def signing_key_id(self, public_raw: bytes) -> str:
        # A fingerprint of the public key: stable, public, safe in URLs and DID fragments.
        return hashlib.sha256(public_raw).hexdigest()[:16]


class IntlSuite(Suite):
    name = "intl"
    version = 0x01
    signature_algorithm = "Ed25519"
    _NONCE_LENGTH = 12  # 96-bit random nonce, the GCM recommendation

    def derive(self, secret: bytes, *, info: bytes, length: int) -> bytes:
        return HKDF(algorithm=hashes.SHA256(), length=length, salt=_HKDF_SALT, info=info).derive(
            secret
        )

    def seal(self, key: bytes, plaintext: bytes, aad: bytes) -> bytes:
        nonce = os.urandom(self._NONCE_LENGTH)
        return nonce + AESGCM(key).encrypt(nonce, plaintext, aad)

    def sealer(self, key: bytes, aad: bytes) -> Callable[[bytes], bytes]:
        cipher = AESGCM(key)  # the key schedule once, not per value
        size = self._NONCE_LENGTH

        def seal(plaintext: bytes) -> bytes:
            nonce = os.urandom(size)
            return nonce + cipher.encrypt(nonce, plaintext, aad)

        return seal

    def macer(self, key: bytes) -> Callable[[bytes], str]:
        keyed = hmac.new(key, digestmod=hashlib.sha256)  # the padded key hashed once

        def mac(data: bytes) -> str:
            each = keyed.copy()
            each.update(data)
            return each.hexdigest()

        return mac

    def open(self, key: bytes, sealed: bytes, aad: bytes) -> bytes:
        if len(sealed) < self._NONCE_LENGTH + 16:
            raise DecryptionError("ciphertext too short")
        nonce, body = sealed[: self._NONCE_LENGTH], sealed[self._NONCE_LENGTH :]
        try:
            return AESGCM(key).decrypt(nonce, body, aad)
        except InvalidTag as exc:
            raise DecryptionError("authentication failed") from exc

    def mac(self, key: bytes, data: bytes) -> str:
        return hmac.new(key, data, hashlib.sha256).hexdigest()

    def signing_key_from_seed(self, seed: bytes) -> Ed25519PrivateKey:
        return Ed25519PrivateKey.from_private_bytes(seed)

    def load_pem(self, pem: bytes) -> tuple[Ed25519PrivateKey | None, bytes]:
        if b"PRIVATE KEY" in pem:
            private = serialization.load_pem_private_key(pem, password=None)
            if not isinstance(private, Ed25519PrivateKey):
                raise ImproperlyConfigured("The signing key PEM is not an Ed25519 private key")
            return private, self.public_raw(private)
        public = serialization.load_pem_public_key(pem)
        if not isinstance(public, Ed25519PublicKey):
            raise ImproperlyConfigured("A signing key PEM is not an Ed25519 public key")
        return None, public.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)

    def public_raw(self, private_key: Any) -> bytes:
        return bytes(
            private_key.public_key().public_bytes(
                serialization.Encoding.Raw, serialization.PublicFormat.Raw
            )
        )

    def sign_raw(self, private_key: Any, data: bytes) -> bytes:
        return bytes(private_key.sign(data))

    def verify_raw(self, public_raw: bytes, data: bytes, signature: bytes) -> bool:
        try:
            Ed25519PublicKey.from_public_bytes(public_raw).verify(signature, data)
        except (InvalidSignature, ValueError):
            return False
        return True


class GmSuite(Suite):
    """商用密码: SM4-GCM (GB/T 32907), HMAC-SM3 and HKDF-SM3 (GB/T 32905), SM2 (GB/T 32918).

    Ciphertext layout: ``0x02 | key id (4) | nonce (12) | SM4-GCM ciphertext + tag (16)``.
    """

    name = "gm"
    version = 0x02
    signature_algorithm = "SM2"
    _NONCE_LENGTH = 12

    def usable(self) -> bool:
        return crypto_gm.available()

    def derive(self, secret: bytes, *, info: bytes, length: int) -> bytes:
        return HKDF(algorithm=hashes.SM3(), length=length, salt=_HKDF_SALT, info=info).derive(
            secret
        )

    @staticmethod
    def _sm4_key(key: bytes) -> bytes:
        # SM4 keys are 128 bits: the first 16 bytes of the 32-byte HKDF output, which equal an
        # HKDF output of length 16 (HKDF-Expand does not depend on the length asked for).
        return key[: crypto_gm.SM4_KEY_LENGTH]

    def seal(self, key: bytes, plaintext: bytes, aad: bytes) -> bytes:
        nonce = os.urandom(self._NONCE_LENGTH)
        return nonce + crypto_gm.sm4_gcm_seal(self._sm4_key(key), nonce, plaintext, aad)

    def open(self, key: bytes, sealed: bytes, aad: bytes) -> bytes:
        if len(sealed) < self._NONCE_LENGTH + crypto_gm.GCM_TAG_LENGTH:
            raise DecryptionError("ciphertext too short")
        nonce, body = sealed[: self._NONCE_LENGTH], sealed[self._NONCE_LENGTH :]
        try:
            return crypto_gm.sm4_gcm_open(self._sm4_key(key), nonce, body, aad)
        except InvalidTag as exc:
            raise DecryptionError("authentication failed") from exc

    def mac(self, key: bytes, data: bytes) -> str:
        return crypto_gm.hmac_sm3(key, data).hex()

    def signing_key_from_seed(self, seed: bytes) -> crypto_gm.Sm2PrivateKey:
        return crypto_gm.sm2_private_key_from_seed(seed)

    def load_pem(self, pem: bytes) -> tuple[Any | None, bytes]:
        # SM2 private keys (PKCS#8, e.g. ``openssl genpkey -algorithm EC -pkeyopt
        # ec_paramgen_curve:SM2``) sign as ONEX_SIGNING_KEY; public ones (SPKI, as
        # :meth:`PublicKey.pem` writes them) verify as ONEX_SIGNING_KEYS_OLD.
        try:
            return crypto_gm.sm2_load_pem(pem)
        except (ValueError, UnsupportedAlgorithm) as exc:
            raise ImproperlyConfigured(f"A signing key PEM is not an SM2 key ({exc})") from exc

    def public_raw(self, private_key: Any) -> bytes:
        return bytes(private_key.public)

    def sign_raw(self, private_key: Any, data: bytes) -> bytes:
        return crypto_gm.sm2_sign(private_key, data)

    def verify_raw(self, public_raw: bytes, data: bytes, signature: bytes) -> bool:
        return crypto_gm.sm2_verify(public_raw, data, signature)

    def signing_key_id(self, public_raw: bytes) -> str:
        return crypto_gm.sm3(public_raw).hex()[:16]


_SUITES: dict[str, Suite] = {suite.name: suite for suite in (IntlSuite(), GmSuite())}
_SUITES_BY_VERSION: dict[int, Suite] = {suite.version: suite for suite in _SUITES.values()}


def get_suite(name: str | None = None) -> Suite:
    name = name if name is not None else getattr(settings, "ONEX_CRYPTO_SUITE", "intl")
    try:
        suite = _SUITES[name]
    except KeyError:
        known = ", ".join(sorted(_SUITES))
        raise ImproperlyConfigured(
            f"ONEX_CRYPTO_SUITE={name!r} is not a known crypto suite (known: {known})"
        ) from None
    if not suite.usable():
        raise ImproperlyConfigured(
            f"ONEX_CRYPTO_SUITE={name!r}: the installed libraries lack its algorithms (gm needs "
            "SM3 and SM4-GCM from cryptography/OpenSSL and SM2 from the tongsuopy package)"
        )
    return suite


def current_suite_name() -> str:
    """The configured suite's name, validated (unknown or unusable suites raise)."""
    return get_suite().name


def _usable_suites() -> list[Suite]:
    return [suite for suite in _SUITES.values() if suite.usable()]


# --- key ring ------------------------------------------------------------------------------


@dataclass(frozen=True)
class _SigningEntry:
    key_id: str
    public_raw: bytes
    private: Any | None
    suite: Suite


@dataclass(frozen=True)
class _KeyRing:
    suite: Suite
    secrets: tuple[bytes, ...]  # current first, then retired
    # The current suite's keys first (its signer first), then the other suites' keys (each
    # suite's signer first among its own): every key verifies, one per algorithm signs.
    signing: tuple[_SigningEntry, ...]

    @functools.cached_property
    def _data_keys(self) -> dict[tuple[int, bytes], bytes]:
        """(suite version, key id) → secret, for every suite, so a suite switch keeps old data."""
        table: dict[tuple[int, bytes], bytes] = {}
        for suite in _usable_suites():
            for secret in self.secrets:
                ident = (suite.version, suite.data_key_id(secret))
                if ident in table and table[ident] != secret:
                    raise ImproperlyConfigured(
                        "Two configured data keys share a key id; replace one of them"
                    )
                table.setdefault(ident, secret)
        return table

    def secret_for(self, suite: Suite, key_id: bytes) -> bytes | None:
        return self._data_keys.get((suite.version, key_id))

    def signer(self, algorithm: str | None) -> _SigningEntry:
        wanted = algorithm or self.suite.signature_algorithm
        for entry in self.signing:
            if entry.private is not None and entry.suite.signature_algorithm == wanted:
                return entry
        raise ImproperlyConfigured(f"no {wanted} signing key is configured")


def _split_secrets(raw: str) -> list[str]:
    return [item.strip() for item in re.split(r"[,\n]", raw) if item.strip()]


_PEM_BLOCK = re.compile(rb"-----BEGIN [A-Z ]+-----.+?-----END [A-Z ]+-----", re.DOTALL)


def _check_secret(secret: str, name: str) -> bytes:
    if len(secret) < MIN_SECRET_LENGTH:
        raise ImproperlyConfigured(
            f"{name} must be at least {MIN_SECRET_LENGTH} characters of random data"
        )
    return secret.encode("utf-8")


def _add_signing_entry(
    entries: list[_SigningEntry], suite: Suite, private: Any | None, public_raw: bytes
) -> None:
    key_id = suite.signing_key_id(public_raw)
    if all(entry.key_id != key_id for entry in entries):
        entries.append(
            _SigningEntry(key_id=key_id, public_raw=public_raw, private=private, suite=suite)
        )


def _load_any_pem(pem: bytes, suites: list[Suite]) -> tuple[Suite, Any | None, bytes]:
    """``(suite, private key or None, raw public key)``: the first suite that reads the PEM."""
    first_error: Exception | None = None
    for suite in suites:
        try:
            private, public_raw = suite.load_pem(pem)
        except (ImproperlyConfigured, ValueError, UnsupportedAlgorithm) as exc:
            first_error = first_error or exc
            continue
        return suite, private, public_raw
    if isinstance(first_error, ImproperlyConfigured):
        raise first_error
    raise ImproperlyConfigured("A signing key PEM could not be read") from first_error


@functools.lru_cache(maxsize=8)
def _build_keyring(
    suite_name: str, data_key: str, old_keys: str, signing_pem: str, old_signing: str
) -> _KeyRing:
    suite = get_suite(suite_name)
    if not data_key:
        raise ImproperlyConfigured("ONEX_DATA_KEY is required")
    secrets: list[bytes] = [_check_secret(data_key, "ONEX_DATA_KEY")]
    for old in _split_secrets(old_keys):
        encoded = _check_secret(old, "Each key in ONEX_DATA_KEYS_OLD")
        if encoded not in secrets:
            secrets.append(encoded)

    # Signing: the configured PEM, else a key derived from the data secret. Keys derived from
    # every configured secret stay verifiable either way, so moving from a derived key to a PEM
    # (or rotating the data secret) does not invalidate what was signed before. Every usable
    # suite gets its keys (the current suite's first), so a suite switch keeps old signatures
    # verifiable and the Ed25519 credential proof signable under the gm suite.
    suites = [suite, *(other for other in _usable_suites() if other is not suite)]
    signing_key: tuple[Suite, Any | None, bytes] | None = None
    if signing_pem:
        blocks = _PEM_BLOCK.findall(signing_pem.encode("utf-8"))
        if len(blocks) != 1:
            raise ImproperlyConfigured("ONEX_SIGNING_KEY must hold exactly one PEM private key")
        signing_key = _load_any_pem(blocks[0], suites)
        if signing_key[1] is None:
            raise ImproperlyConfigured("ONEX_SIGNING_KEY must be a private key, not a public one")
    retired: list[tuple[Suite, Any | None, bytes]] = []
    if old_signing:
        blocks = _PEM_BLOCK.findall(old_signing.encode("utf-8"))
        if not blocks:
            raise ImproperlyConfigured("ONEX_SIGNING_KEYS_OLD holds no PEM key")
        retired = [_load_any_pem(block, suites) for block in blocks]

    entries: list[_SigningEntry] = []
    for each in suites:
        first = len(entries)
        if signing_key is not None and signing_key[0] is each:
            _add_signing_entry(entries, each, signing_key[1], signing_key[2])
        for secret in secrets:
            seed = each.derive(secret, info=b"onex/signing-seed", length=32)
            private = each.signing_key_from_seed(seed)
            # Only the current derived key may sign, and only when no PEM is configured.
            signs = len(entries) == first
            _add_signing_entry(entries, each, private if signs else None, each.public_raw(private))
        for owner, _private, public_raw in retired:
            if owner is each:
                _add_signing_entry(entries, each, None, public_raw)  # retired keys only verify
    return _KeyRing(suite=suite, secrets=tuple(secrets), signing=tuple(entries))


def _keyring() -> _KeyRing:
    # Read the settings on every call (cheap) so override_settings and rotation in tests work;
    # the expensive derivations are cached per distinct configuration.
    return _build_keyring(
        str(getattr(settings, "ONEX_CRYPTO_SUITE", "intl")),
        str(getattr(settings, "ONEX_DATA_KEY", "")),
        str(getattr(settings, "ONEX_DATA_KEYS_OLD", "")),
        str(getattr(settings, "ONEX_SIGNING_KEY", "")),
        str(getattr(settings, "ONEX_SIGNING_KEYS_OLD", "")),
    )


@functools.lru_cache(maxsize=256)
def _derived(suite_name: str, secret: bytes, info: bytes) -> bytes:
    return get_suite(suite_name).derive(secret, info=info, length=32)


def _aad(header: bytes, context: str) -> bytes:
    if not context:
        raise ValueError("context is required: it binds a ciphertext to its field")
    return header + b"\x00" + context.encode("utf-8")


# --- public interface ----------------------------------------------------------------------


def encrypt(plaintext: bytes | str, *, context: str) -> bytes:
    """Seal ``plaintext`` with the current key; ``context`` (e.g. "learner.id_number") must be
    given again to decrypt, so a blob copied to another field does not open there."""
    ring = _keyring()
    suite = ring.suite
    secret = ring.secrets[0]
    header = bytes([suite.version]) + suite.data_key_id(secret)
    data = plaintext.encode("utf-8") if isinstance(plaintext, str) else bytes(plaintext)
    key = _derived(suite.name, secret, b"onex/encrypt")
    return header + suite.seal(key, data, _aad(header, context))


def encrypter(*, context: str) -> Callable[[bytes | str], bytes]:
    """``encrypt`` for many values under one context: the key ring is read, the key id and the
    key derived once, not per value (bench/generate.py seals millions of ID numbers; per value
    those cost ten times the cipher). Every blob still gets its own random nonce. Like
    :func:`keyed_hasher`, it keeps the key of the moment: make one per batch."""
    ring = _keyring()
    suite = ring.suite
    secret = ring.secrets[0]
    header = bytes([suite.version]) + suite.data_key_id(secret)
    seal = suite.sealer(_derived(suite.name, secret, b"onex/encrypt"), _aad(header, context))

    def sealed(plaintext: bytes | str) -> bytes:
        data = plaintext.encode("utf-8") if isinstance(plaintext, str) else bytes(plaintext)
        return header + seal(data)

    return sealed


def decrypt(blob: bytes | bytearray | memoryview, *, context: str) -> bytes:
    """Open a blob sealed by :func:`encrypt` under the current or a retired key.

    Accepts the ``memoryview`` some database drivers return for binary columns.
    """
    data = bytes(blob)
    if len(data) <= HEADER_LENGTH:
        raise DecryptionError("ciphertext too short")
    suite = _SUITES_BY_VERSION.get(data[0])
    if suite is None:
        raise DecryptionError("unknown ciphertext version")
    header, sealed = data[:HEADER_LENGTH], data[HEADER_LENGTH:]
    secret = _keyring().secret_for(suite, header[1:])
    if secret is None:
        raise DecryptionError("sealed by a key that is not configured (see ONEX_DATA_KEYS_OLD)")
    key = _derived(suite.name, secret, b"onex/encrypt")
    return suite.open(key, sealed, _aad(header, context))


def needs_reencrypt(blob: bytes | bytearray | memoryview) -> bool:
    """True when ``blob`` was sealed by another suite or a retired key (``crypto_reencrypt``)."""
    data = bytes(blob)
    if len(data) <= HEADER_LENGTH:
        return False  # empty or not a blob: nothing to move
    ring = _keyring()
    current = bytes([ring.suite.version]) + ring.suite.data_key_id(ring.secrets[0])
    return data[:HEADER_LENGTH] != current


def keyed_hash(value: str, *, purpose: str) -> str:
    """HMAC (hex) of ``value`` under a key derived for ``purpose`` from the current secret.

    For lookups of sensitive values (``.filter(id_number_hash=keyed_hash(...))``): equal
    inputs give equal hashes, but without the key nobody can test guesses against the table.
    """
    return _keyed_hash(_keyring(), 0, value, purpose)


def keyed_hasher(*, purpose: str) -> Callable[[str], str]:
    """``keyed_hash`` for many values: the settings are read and the key derived once.

    An import checks 100,000 ID numbers; reading the key ring per value cost more than the
    HMAC itself. The hasher keeps the key of the moment: make one per batch, not per process.
    """
    ring = _keyring()
    suite = ring.suite
    key = _derived(suite.name, ring.secrets[0], b"onex/hash/" + purpose.encode("utf-8"))
    mac = suite.macer(key)

    def hasher(value: str) -> str:
        return mac(value.encode("utf-8"))

    return hasher


def keyed_hash_candidates(value: str, *, purpose: str) -> list[str]:
    """The hash under the current and every retired secret (current first), then the same
    under every other usable suite.

    During a rotation or after a suite switch, before ``crypto_reencrypt`` has recomputed the
    stored hashes, query with ``__in=`` these.
    """
    ring = _keyring()
    suites = [ring.suite, *(other for other in _usable_suites() if other is not ring.suite)]
    return [
        _keyed_hash(ring, index, value, purpose, suite=suite)
        for suite in suites
        for index in range(len(ring.secrets))
    ]


def _keyed_hash(
    ring: _KeyRing, index: int, value: str, purpose: str, *, suite: Suite | None = None
) -> str:
    if not purpose:
        raise ValueError("purpose is required: hashes of different kinds must not be comparable")
    suite = suite or ring.suite
    key = _derived(suite.name, ring.secrets[index], b"onex/hash/" + purpose.encode("utf-8"))
    return suite.mac(key, value.encode("utf-8"))


def mac(data: bytes, *, purpose: str) -> tuple[str, str]:
    """Authenticate ``data`` with the current secret; returns ``(key_id, mac hex)``.

    Unlike :func:`keyed_hash` the result names its key (``key_id``: suite version byte and
    data-key id, as hex), so a MAC made before a rotation still verifies with the retired
    secret in ``ONEX_DATA_KEYS_OLD``. The audit chain keys its events with it.
    """
    if not purpose:
        raise ValueError("purpose is required: MACs of different kinds must not be comparable")
    ring = _keyring()
    suite, secret = ring.suite, ring.secrets[0]
    key_id = (bytes([suite.version]) + suite.data_key_id(secret)).hex()
    key = _derived(suite.name, secret, b"onex/mac/" + purpose.encode("utf-8"))
    return key_id, suite.mac(key, bytes(data))


def mac_verify(data: bytes, tag: str, *, purpose: str, key_id: str) -> bool:
    """True when ``tag`` is the MAC of ``data`` under the configured key named ``key_id``.

    False (never an exception) for an unknown suite or a key that is no longer configured.
    """
    try:
        header = bytes.fromhex(key_id)
    except ValueError:
        return False
    if len(header) != HEADER_LENGTH or not purpose:
        return False
    suite = _SUITES_BY_VERSION.get(header[0])
    if suite is None:
        return False
    secret = _keyring().secret_for(suite, header[1:])
    if secret is None:
        return False
    key = _derived(suite.name, secret, b"onex/mac/" + purpose.encode("utf-8"))
    return hmac.compare_digest(suite.mac(key, bytes(data)), tag)


def data_key_ids() -> list[str]:
    """Ids (as in :func:`mac`) of the configured data keys, current first: public fingerprints
    a backup records so a restore can tell whether the right keys are configured."""
    ring = _keyring()
    return [
        (bytes([suite.version]) + suite.data_key_id(secret)).hex()
        for secret in ring.secrets
        for suite in (ring.suite,)
    ]


def known_suites() -> list[str]:
    """Names accepted by ``ONEX_CRYPTO_SUITE`` (settings validation)."""
    return sorted(_SUITES)


def digest(data: bytes, *, algorithm: str) -> bytes:
    """Plain (unkeyed) hash: "SHA-256" or "SM3" (the hash that goes with an SM2 signature)."""
    if algorithm == "SHA-256":
        return hashlib.sha256(bytes(data)).digest()
    if algorithm == "SM3":
        return crypto_gm.sm3(bytes(data))
    raise ValueError(f"unknown digest algorithm {algorithm!r}")


def sign(data: bytes, *, algorithm: str | None = None) -> tuple[str, bytes]:
    """Sign with the current signing key; returns ``(key_id, signature)``.

    ``algorithm`` ("Ed25519", "SM2") picks another suite's signer: the W3C credential proof
    stays Ed25519 under the gm suite. Default: the configured suite's algorithm.
    """
    ring = _keyring()
    current = ring.signer(algorithm)
    return current.key_id, current.suite.sign_raw(current.private, bytes(data))


def signing_key_id(*, algorithm: str | None = None) -> str:
    """The key id :func:`sign` will use now (proofs name their key before signing)."""
    return _keyring().signer(algorithm).key_id


def verify(data: bytes, signature: bytes, *, key_id: str) -> bool:
    """True when ``signature`` over ``data`` is valid under the current or a retired key.

    The key id names the key and so its algorithm: signatures made under another suite
    before a switch keep verifying.
    """
    ring = _keyring()
    for entry in ring.signing:
        if hmac.compare_digest(entry.key_id, key_id):
            return entry.suite.verify_raw(entry.public_raw, bytes(data), bytes(signature))
    return False


def public_keys(*, algorithm: str | None = None) -> list[PublicKey]:
    """Every verification key of one algorithm (default: the configured suite's), the current
    signing key first, for publication."""
    ring = _keyring()
    wanted = algorithm or ring.suite.signature_algorithm
    signer = ring.signer(wanted)
    return [
        PublicKey(
            key_id=entry.key_id,
            algorithm=wanted,
            public_bytes=entry.public_raw,
            current=entry is signer,
        )
        for entry in ring.signing
        if entry.suite.signature_algorithm == wanted
    ]


_B58_ALPHABET = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz"


def _base58btc(data: bytes) -> str:
    number = int.from_bytes(data, "big")
    out = ""
    while number:
        number, rest = divmod(number, 58)
        out = _B58_ALPHABET[rest] + out
    leading_zeros = len(data) - len(data.lstrip(b"\x00"))
    return "1" * leading_zeros + out
