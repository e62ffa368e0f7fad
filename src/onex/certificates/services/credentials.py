"""Every issued certificate as a W3C Verifiable Credential 2.0 / Open Badges 3.0 credential.

What a credential is:
- an ``OpenBadgeCredential`` (contexts: VC 2.0, OB 3.0.3) whose ``credentialSubject`` is an
  ``AchievementSubject`` naming the holder by the printed name and an Open Badges
  ``IdentityObject``: ``identityHash = "sha256$" + hex(sha256(normalized ID number + salt))``
  with a random 128-bit salt per certificate that is **not** in the document. The salt is the
  holder's "identity check code" (身份核验码): shown only to the logged-in holder, who hands it
  with the ID card to a verifier wanting to bind the credential to the person. A copy of the
  credential (a share link that leaked) carries no salt, so the hash cannot be brute-forced
  (docs/adr/0003-credential-privacy.md: the ID number has only ~2 million candidates once its
  masked form is known, so a published salt made the hash a public ID number);
- served only to the logged-in holder and to whoever holds a share link the holder created
  (``certificates.services.sharing``); nothing public carries more than the verification page;
- issued by the platform's DID: ``did:key`` of the current signing key (``ONEX_VC_ISSUER_DID
  = "key"``, the default: any verifier resolves it offline) or ``did:web`` of the host of
  ``ONEX_PUBLIC_URL`` (``"web"``: one stable identifier whose DID document, served at
  ``/.well-known/did.json``, lists every current and retired key);
- with two ``BitstringStatusListEntry`` (revocation, suspension) pointing at status-list
  credentials this module keeps and re-signs when a certificate's status changes;
- secured by a Data Integrity proof with the ``eddsa-rdfc-2022`` cryptosuite: RDFC-1.0
  (URDNA2015, by PyLD, offline contexts only) of the proof options and of the document,
  SHA-256 of each, concatenated (options first), signed with Ed25519 through
  :mod:`onex.core.crypto` (never a cipher here), ``proofValue`` multibase base58btc. The
  Ed25519 proof is there under either crypto suite, for international verifiers;
- under ``ONEX_CRYPTO_SUITE=gm``, with a second proof beside it (a Data Integrity *proof set*:
  ``proof`` is a list, each proof over the document without ``proof``): cryptosuite
  ``onex-sm2-rdfc-2026``, **onex's own, non-standard** identifier (no SM2 cryptosuite is
  specified by the W3C or its community group; docs/commercial-crypto.md says why the npm
  package "sm2-2023" was not followed): the same RDFC-1.0 canonical forms, each hashed with
  SM3 instead of SHA-256, concatenated, signed with SM2 (GB/T 32918, SM3 over ``Z_A`` with the
  default user ID), ``proofValue`` multibase base58btc of ``r || s``. The verification
  method is the SM2 key as a Multikey (multicodec ``sm2-pub`` 0x1206, compressed point): with
  ``did:web`` listed in the DID document beside the Ed25519 keys, with ``did:key`` its own
  ``did:key``. Verifiers that do not know the cryptosuite skip that proof (VC Data
  Integrity); :func:`verify_credential` checks every proof.

Rotation: ``verificationMethod`` names the key (``did:key:z6Mk…#z6Mk…`` or
``did:web:host#<key id>``); :func:`verify_credential` checks it against every key
``crypto.public_keys()`` knows, so credentials signed before a rotation keep verifying.
With ``did:key`` the issuer changes with the key, and a status list can only be re-signed by
the current key, so after a rotation verifiers that require the status list's issuer to equal
the credential's (the Bitstring Status List spec does) can no longer check the status of
older credentials: deployments that rotate keys should use ``did:web``.
"""

from __future__ import annotations

import base64
import datetime as dt
import gzip
import hashlib
import secrets
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any
from urllib.parse import quote, urlsplit

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import IntegrityError, transaction
from django.utils import timezone
from pyld import jsonld

from onex.certificates import contexts
from onex.certificates.models.credentials import (
    CredentialRecord,
    StatusList,
    StatusPurpose,
)
from onex.certificates.models.issued import CertificateStatus
from onex.core import crypto
from onex.core.actors import Actor
from onex.core.personal import normalize

if TYPE_CHECKING:
    from onex.certificates.models.issued import IssuedCertificate

__all__ = [
    "CRYPTOSUITE",
    "SM2_CRYPTOSUITE",
    "CredentialSubjectData",
    "VerifyResult",
    "build_credential",
    "credential_for",
    "credential_url",
    "did_document",
    "holder_record",
    "identity_hash",
    "identity_salt",
    "issuer_did",
    "on_status_change",
    "sign_document",
    "status_list_credential",
    "status_list_url",
    "verify_credential",
]

CRYPTOSUITE = "eddsa-rdfc-2022"
# The Ed25519 proof stays under ONEX_CRYPTO_SUITE=gm: international verifiers (and the
# did:key / Multikey forms) need it. The SM2 proof is added beside it under gm.
PROOF_ALGORITHM = "Ed25519"
# Non-standard, onex's own: see the module docstring and docs/commercial-crypto.md.
SM2_CRYPTOSUITE = "onex-sm2-rdfc-2026"
SM2_ALGORITHM = "SM2"
# cryptosuite → (signature algorithm, digest of each canonical form).
_CRYPTOSUITES = {
    CRYPTOSUITE: (PROOF_ALGORITHM, "SHA-256"),
    SM2_CRYPTOSUITE: (SM2_ALGORITHM, "SM3"),
}
PROOF_TYPE = "DataIntegrityProof"
CREDENTIAL_CONTEXT = [contexts.CREDENTIALS_V2, contexts.OB_V3P0]
STATUS_LIST_CONTEXT = [contexts.CREDENTIALS_V2]
DID_CONTEXT = [contexts.DID_V1, contexts.MULTIKEY_V1]
# Fixed, not translated: a credential's content must not depend on the request's language.
ISSUER_NAME = "1+X 证书制度试点管理平台"
# Open Badges 3.0 IdentifierTypeEnum value for a government identity document number.
IDENTITY_TYPE = "nationalIdentityNumber"
# Certificate dates are Beijing dates; validFrom must carry an offset (xsd:dateTimeStamp).
_CHINA_OFFSET = "+08:00"


# --- input -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class CredentialSubjectData:
    """Everything one credential says, independent of how certificates are stored."""

    number: str
    holder_name: str
    certificate_code: str
    certificate_name: str
    level: str  # code (junior / intermediate / senior)
    level_label: str  # 初级 / 中级 / 高级
    org_id: int
    org_name: str
    issued_on: dt.date
    identity_hash: str
    status_sequence: int
    status_index: int


@dataclass
class VerifyResult:
    verified: bool  # the proof holds (whatever the status)
    errors: list[str] = field(default_factory=list)
    key_id: str | None = None  # of the first proof (the Ed25519 one)
    # The cryptosuites whose proofs verified, in the document's order.
    cryptosuites: list[str] = field(default_factory=list)
    # purpose → bit set, for the status entries this platform keeps (checked locally).
    status: dict[str, bool] = field(default_factory=dict)

    @property
    def revoked(self) -> bool:
        return self.status.get(StatusPurpose.REVOCATION.value, False)

    @property
    def suspended(self) -> bool:
        return self.status.get(StatusPurpose.SUSPENSION.value, False)


# --- identifiers and URLs -----------------------------------------------------------------------


def _public_url() -> str:
    return str(settings.ONEX_PUBLIC_URL).rstrip("/")


def _mode() -> str:
    mode = settings.ONEX_VC_ISSUER_DID
    if mode not in ("key", "web"):
        raise ImproperlyConfigured('ONEX_VC_ISSUER_DID must be "key" or "web"')
    return mode


def did_web() -> str:
    """``did:web`` of the host of ONEX_PUBLIC_URL (the port's colon percent-encoded)."""
    parts = urlsplit(_public_url())
    if not parts.hostname:
        raise ImproperlyConfigured("ONEX_PUBLIC_URL has no host")
    host = parts.hostname + (f"%3A{parts.port}" if parts.port else "")
    # A path (https://host/onex) becomes further colon-separated segments (did:web spec).
    path = ":".join(quote(segment, safe="") for segment in parts.path.split("/") if segment)
    return f"did:web:{host}" + (f":{path}" if path else "")


def _did_key(key: crypto.PublicKey) -> str:
    return f"did:key:{key.multibase}"


def _current_key(algorithm: str = PROOF_ALGORITHM) -> crypto.PublicKey:
    current = crypto.public_keys(algorithm=algorithm)[0]
    assert current.current and current.key_id == crypto.signing_key_id(algorithm=algorithm)
    return current


def _keys(algorithm: str) -> list[crypto.PublicKey]:
    """Every key of ``algorithm``; none when this installation cannot use it (SM2 without
    tongsuopy), so such proofs fail as an unknown verification method."""
    try:
        return crypto.public_keys(algorithm=algorithm)
    except ImproperlyConfigured:
        return []


def _proof_cryptosuites() -> list[str]:
    """The proofs a document gets now: Ed25519 always, SM2 beside it under the gm suite."""
    if crypto.current_suite_name() == "gm":
        return [CRYPTOSUITE, SM2_CRYPTOSUITE]
    return [CRYPTOSUITE]


def _controller(algorithm: str) -> str:
    """The DID controlling the current ``algorithm`` key's verification method."""
    return did_web() if _mode() == "web" else _did_key(_current_key(algorithm))


def issuer_did() -> str:
    return did_web() if _mode() == "web" else _did_key(_current_key())


def _verification_method(key: crypto.PublicKey) -> str:
    if _mode() == "web":
        return f"{did_web()}#{key.key_id}"
    return f"{_did_key(key)}#{key.multibase}"


def credential_url(number: str) -> str:
    """The credential's ``id``: the holder's endpoint (login required; 404 for anyone else)."""
    return f"{_public_url()}/api/v1/certificates/credentials/{quote(number, safe='')}"


def status_list_id(purpose: str, sequence: int) -> str:
    return f"{purpose}-{sequence}"


def status_list_url(purpose: str, sequence: int) -> str:
    return f"{_public_url()}/api/v1/public/status/{status_list_id(purpose, sequence)}"


def identity_hash(id_number: str, salt: str) -> str:
    """Open Badges IdentityHash: ``sha256$`` + hex SHA-256 of the normalized number + salt.

    Safe to publish only while ``salt`` is secret: with the salt, the ~2 million ID numbers
    that fit a masked number are tried in seconds.
    """
    digest = hashlib.sha256((normalize(id_number) + salt).encode("utf-8")).hexdigest()
    return f"sha256${digest}"


def new_salt() -> str:
    # 128 bits: the hash alone, without the salt, must be out of reach of any search.
    return secrets.token_hex(16)


_SALT_CONTEXT = "certificates.credentialrecord.identity_salt"
SALT_CONTEXT = _SALT_CONTEXT  # for the registry of encrypted fields (shell.py)


def identity_salt(record: CredentialRecord) -> str:
    """The holder's identity check code (the secret salt); "" before the first credential."""
    if not record.identity_salt_enc:
        return ""
    return crypto.decrypt(record.identity_salt_enc, context=_SALT_CONTEXT).decode("ascii")


# --- building ----------------------------------------------------------------------------------


def _date_time(value: dt.date) -> str:
    return f"{value.isoformat()}T00:00:00{_CHINA_OFFSET}"


def _now() -> str:
    return timezone.now().astimezone(dt.timezone.utc).replace(microsecond=0).isoformat()[:-6] + "Z"


def build_credential(data: CredentialSubjectData) -> dict[str, Any]:
    """The unsigned credential for ``data``."""
    base = _public_url()
    name = f"{data.certificate_name}（{data.level_label}）"
    issuer = {
        "id": issuer_did(),
        "type": ["Profile"],
        "name": ISSUER_NAME,
        "url": f"{base}/",
    }
    credential_id = credential_url(data.number)
    return {
        "@context": list(CREDENTIAL_CONTEXT),
        "id": credential_id,
        "type": ["VerifiableCredential", "OpenBadgeCredential"],
        "issuer": issuer,
        "validFrom": _date_time(data.issued_on),
        "name": name,
        "credentialSubject": {
            "type": ["AchievementSubject"],
            # The name as printed on the certificate (public on the verification page too).
            "name": data.holder_name,
            "identifier": [
                {
                    "type": "IdentityObject",
                    "identityHash": data.identity_hash,
                    "identityType": IDENTITY_TYPE,
                    "hashed": True,
                    # No "salt": the holder gives it to a verifier (see the module docstring).
                }
            ],
            "achievement": {
                "id": f"{base}/catalog/certificates/{quote(data.certificate_code)}/#{data.level}",
                "type": ["Achievement"],
                "achievementType": "Certificate",
                "name": name,
                "description": f"1+X 职业技能等级证书：{name}，证书编号 {data.number}。",
                "criteria": {"narrative": f"通过{data.org_name}组织的{name}考核，经公示后颁发。"},
                "humanCode": data.certificate_code,
                "creator": {
                    "id": f"{base}/catalog/orgs/{data.org_id}/",
                    "type": ["Profile"],
                    "name": data.org_name,
                },
            },
        },
        "credentialStatus": [
            {
                "id": f"{credential_id}#{purpose}",
                "type": "BitstringStatusListEntry",
                "statusPurpose": purpose,
                "statusListIndex": str(data.status_index),
                "statusListCredential": status_list_url(purpose, data.status_sequence),
            }
            for purpose in (StatusPurpose.REVOCATION.value, StatusPurpose.SUSPENSION.value)
        ],
    }


# --- Data Integrity: eddsa-rdfc-2022 ---------------------------------------------------------


def _canonize(document: Mapping[str, Any]) -> bytes:
    nquads = jsonld.normalize(
        dict(document),
        {
            "algorithm": "URDNA2015",
            "format": "application/n-quads",
            "documentLoader": contexts.document_loader,
        },
    )
    return str(nquads).encode("utf-8")


def _hash_data(
    document: Mapping[str, Any], proof_options: Mapping[str, Any], *, digest: str = "SHA-256"
) -> bytes:
    unsecured = {key: value for key, value in document.items() if key != "proof"}
    config = {"@context": document["@context"], **proof_options}
    config_hash = crypto.digest(_canonize(config), algorithm=digest)
    return config_hash + crypto.digest(_canonize(unsecured), algorithm=digest)


def _proof(document: Mapping[str, Any], cryptosuite: str, created: str) -> dict[str, Any]:
    algorithm, digest = _CRYPTOSUITES[cryptosuite]
    key = _current_key(algorithm)
    options = {
        "type": PROOF_TYPE,
        "cryptosuite": cryptosuite,
        "created": created,
        "verificationMethod": _verification_method(key),
        "proofPurpose": "assertionMethod",
    }
    data = _hash_data(document, options, digest=digest)
    key_id, signature = crypto.sign(data, algorithm=algorithm)
    if key_id != key.key_id:  # the configuration changed between the two reads
        raise RuntimeError("signing key changed while signing; retry")
    return {**options, "proofValue": "z" + _b58encode(signature)}


def sign_document(document: Mapping[str, Any]) -> dict[str, Any]:
    """``document`` with an ``eddsa-rdfc-2022`` proof by the current signing key, and under
    the gm suite a proof set: that proof and an ``onex-sm2-rdfc-2026`` one (SM2 key)."""
    unsecured = {key: value for key, value in document.items() if key != "proof"}
    created = _now()
    proofs = [_proof(unsecured, suite, created) for suite in _proof_cryptosuites()]
    return {**unsecured, "proof": proofs[0] if len(proofs) == 1 else proofs}


def _proofs(document: Mapping[str, Any]) -> list[Mapping[str, Any]]:
    """The proof set (a single proof is a set of one); [] when malformed."""
    proof = document.get("proof")
    proofs = [proof] if isinstance(proof, dict) else proof
    if not isinstance(proofs, list) or not all(isinstance(p, dict) for p in proofs):
        return []
    return proofs


def _key_for_method(method: str, algorithm: str) -> tuple[crypto.PublicKey | None, str]:
    """(our ``algorithm`` key named by a verificationMethod, the DID controlling it)."""
    controller, _sep, fragment = method.partition("#")
    keys = _keys(algorithm)
    if controller.startswith("did:key:"):
        multibase = controller.removeprefix("did:key:")
        if fragment != multibase:
            return None, controller
        return next((key for key in keys if key.multibase == multibase), None), controller
    if controller == did_web():
        return next((key for key in keys if key.key_id == fragment), None), controller
    return None, controller


def _verify_proof(
    document: Mapping[str, Any], proof: Mapping[str, Any]
) -> tuple[str | None, crypto.PublicKey | None]:
    """(error or None, the key that verified)."""
    options = {key: value for key, value in proof.items() if key != "proofValue"}
    suite = options.get("cryptosuite")
    if options.get("type") != PROOF_TYPE or suite not in _CRYPTOSUITES:
        return "unsupported proof type", None
    algorithm, digest = _CRYPTOSUITES[str(suite)]
    if options.get("proofPurpose") != "assertionMethod":
        return "wrong proof purpose", None
    key, controller = _key_for_method(str(options.get("verificationMethod", "")), algorithm)
    if key is None:
        return "unknown verification method", None
    issuer = document.get("issuer")
    issuer_id = issuer.get("id") if isinstance(issuer, dict) else issuer
    # An Ed25519 did:key is the issuer itself; the SM2 key of a did:key issuer is its own
    # did:key (one did:key names one key), trusted because it is one of ours.
    sm2_did_key = algorithm == SM2_ALGORITHM and controller.startswith("did:key:")
    if issuer_id != controller and not sm2_did_key:
        return "issuer does not control the verification method", None
    proof_value = str(proof.get("proofValue", ""))
    try:
        if not proof_value.startswith("z"):
            raise ValueError("not base58btc")
        signature = _b58decode(proof_value[1:])
        data = _hash_data(document, options, digest=digest)
    except (ValueError, jsonld.JsonLdError) as exc:
        return f"malformed: {exc.__class__.__name__}", None
    if not crypto.verify(data, signature, key_id=key.key_id):
        return "invalid signature", None
    return None, key


def verify_credential(document: Mapping[str, Any], *, check_status: bool = True) -> VerifyResult:
    """Check every proof of a credential this platform signed, then (optionally) its status.

    Only our own keys are trusted: a credential signed by any other DID does not verify. A
    proof set (Ed25519 and SM2 under gm) verifies only when each of its proofs does; a
    credential signed under the intl suite (Ed25519 alone) keeps verifying after a switch.
    """
    result = VerifyResult(verified=False)
    proofs = _proofs(document)
    if not proofs:
        result.errors.append("no proof")
        return result
    for proof in proofs:
        error, key = _verify_proof(document, proof)
        if error is not None or key is None:
            result.errors.append(error or "invalid signature")
            return result
        result.key_id = result.key_id or key.key_id
        result.cryptosuites.append(str(proof["cryptosuite"]))
    result.verified = True
    if check_status:
        result.status = _local_status(document)
    return result


def _local_status(document: Mapping[str, Any]) -> dict[str, bool]:
    entries = document.get("credentialStatus") or []
    if isinstance(entries, dict):
        entries = [entries]
    status: dict[str, bool] = {}
    for entry in entries:
        url = str(entry.get("statusListCredential", ""))
        for status_list in StatusList.objects.filter(purpose=entry.get("statusPurpose")):
            if status_list_url(status_list.purpose, status_list.sequence) == url:
                status[status_list.purpose] = _get_bit(
                    bytes(status_list.bits), int(entry["statusListIndex"])
                )
    return status


# --- multibase base58btc (an encoding, not a cipher) ------------------------------------------

_B58 = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz"


def _b58encode(data: bytes) -> str:
    number = int.from_bytes(data, "big")
    out = ""
    while number:
        number, rest = divmod(number, 58)
        out = _B58[rest] + out
    return "1" * (len(data) - len(data.lstrip(b"\x00"))) + out


def _b58decode(text: str) -> bytes:
    number = 0
    for char in text:
        index = _B58.find(char)
        if index < 0:
            raise ValueError("invalid base58 character")
        number = number * 58 + index
    body = number.to_bytes((number.bit_length() + 7) // 8, "big") if number else b""
    return b"\x00" * (len(text) - len(text.lstrip("1"))) + body


# --- status lists -------------------------------------------------------------------------------


def _get_bit(bits: bytes, index: int) -> bool:
    # Index 0 is the left-most (most significant) bit of the first byte (spec §3.1).
    return bool(bits[index // 8] & (0x80 >> (index % 8)))


def _with_bit(bits: bytes, index: int, value: bool) -> bytes:
    data = bytearray(bits)
    if value:
        data[index // 8] |= 0x80 >> (index % 8)
    else:
        data[index // 8] &= ~(0x80 >> (index % 8)) & 0xFF
    return bytes(data)


def encode_list(bits: bytes) -> str:
    """Multibase base64url (no padding) of the GZIP-compressed bitstring."""
    compressed = gzip.compress(bits, mtime=0)  # mtime 0: equal lists encode equally
    return "u" + base64.urlsafe_b64encode(compressed).rstrip(b"=").decode("ascii")


def decode_list(encoded: str) -> bytes:
    if not encoded.startswith("u"):
        raise ValueError("encodedList must be multibase base64url")
    body = encoded[1:]
    return gzip.decompress(base64.urlsafe_b64decode(body + "=" * (-len(body) % 4)))


def _build_status_list(status_list: StatusList) -> dict[str, Any]:
    url = status_list_url(status_list.purpose, status_list.sequence)
    return {
        "@context": list(STATUS_LIST_CONTEXT),
        "id": url,
        "type": ["VerifiableCredential", "BitstringStatusListCredential"],
        "issuer": issuer_did(),
        "validFrom": _now(),
        "credentialSubject": {
            "id": f"{url}#list",
            "type": "BitstringStatusList",
            "statusPurpose": status_list.purpose,
            "encodedList": encode_list(bytes(status_list.bits)),
        },
    }


def _signed_is_current(signed: Mapping[str, Any] | None) -> bool:
    """A stored signed document still fits the configuration (issuer DID, public URL, the
    proofs the crypto suite asks for: after a switch to gm it gets its SM2 proof)."""
    if not signed:
        return False
    issuer = signed.get("issuer")
    issuer_id = issuer.get("id") if isinstance(issuer, dict) else issuer
    if issuer_id != issuer_did():
        return False
    have = [
        (proof.get("cryptosuite"), str(proof.get("verificationMethod", "")).partition("#")[0])
        for proof in _proofs(signed)
    ]
    want = [(suite, _controller(_CRYPTOSUITES[suite][0])) for suite in _proof_cryptosuites()]
    return have == want


def status_list_credential(list_id: str) -> dict[str, Any] | None:
    """The signed status-list credential ``<purpose>-<sequence>``, re-signed when stale."""
    purpose, _sep, sequence = list_id.partition("-")
    if purpose not in StatusPurpose.values or not sequence.isdigit():
        return None
    status_list = StatusList.objects.filter(purpose=purpose, sequence=int(sequence)).first()
    if status_list is None:
        return None
    if status_list.signed_version == status_list.version and _signed_is_current(
        status_list.signed_credential
    ):
        return dict(status_list.signed_credential or {})
    with transaction.atomic():
        status_list = StatusList.objects.select_for_update().get(pk=status_list.pk)
        return _resign(status_list)


def _resign(status_list: StatusList) -> dict[str, Any]:
    signed = sign_document(_build_status_list(status_list))
    status_list.signed_credential = signed
    status_list.signed_version = status_list.version
    status_list.save(update_fields=["signed_credential", "signed_version", "updated_at"])
    return signed


def _allocate() -> tuple[int, int]:
    """The next (sequence, index), opening a new pair of lists when the last one is full."""
    lists = list(
        StatusList.objects.select_for_update().order_by("-sequence", "purpose")[
            : len(StatusPurpose.values)
        ]
    )
    if not lists or lists[0].allocated >= lists[0].length:
        sequence = lists[0].sequence + 1 if lists else 1
        lists = [StatusList.objects.create(purpose=p, sequence=sequence) for p in StatusPurpose]
    index = lists[0].allocated
    for status_list in lists:
        # Both purposes advance together, so one index is free in both lists.
        assert status_list.allocated == index and status_list.sequence == lists[0].sequence
        status_list.allocated = index + 1
        status_list.save(update_fields=["allocated", "updated_at"])
    return lists[0].sequence, index


def _ensure_record(certificate: IssuedCertificate) -> CredentialRecord:
    """The certificate's record with its status-list index (allocated on first use)."""
    record = CredentialRecord.objects.filter(certificate=certificate).first()
    if record is not None:
        return record
    for _attempt in range(3):
        try:
            with transaction.atomic():
                type(certificate).objects.select_for_update().filter(pk=certificate.pk).first()
                record = CredentialRecord.objects.filter(certificate=certificate).first()
                if record is not None:
                    return record
                sequence, index = _allocate()
                return CredentialRecord.objects.create(
                    certificate=certificate, sequence=sequence, status_index=index
                )
        except IntegrityError:
            # Two first requests opened the same new list; the loser retries with it.
            continue
    raise RuntimeError("could not allocate a status list index")


def _ensure_identity(certificate: IssuedCertificate, record: CredentialRecord) -> CredentialRecord:
    """``record`` with its secret salt and identity hash, computed once per certificate."""
    if record.identity_hash:
        return record
    # Outside the transaction: the decrypt is audited once, by the platform itself.
    number = certificate.reveal_id_number(actor=Actor.system())
    salt = new_salt()
    with transaction.atomic():
        locked = CredentialRecord.objects.select_for_update().get(pk=record.pk)
        if not locked.identity_hash:  # a concurrent first request may have set it
            locked.identity_salt_enc = crypto.encrypt(salt, context=_SALT_CONTEXT)
            locked.identity_hash = identity_hash(number, salt)
            locked.signed_credential = None
            locked.save(update_fields=["identity_salt_enc", "identity_hash", "signed_credential"])
        return locked


def holder_record(certificate: IssuedCertificate) -> CredentialRecord:
    """The record with its identity claim ready (for the holder's page: the check code)."""
    return _ensure_identity(certificate, _ensure_record(certificate))


def subject_data(certificate: IssuedCertificate, record: CredentialRecord) -> CredentialSubjectData:
    catalog_certificate = certificate.certificate
    return CredentialSubjectData(
        number=certificate.number,
        holder_name=certificate.holder_name,
        certificate_code=catalog_certificate.code,
        certificate_name=catalog_certificate.name,
        level=certificate.level,
        level_label=str(certificate.get_level_display()),
        org_id=certificate.org_id,
        org_name=certificate.org.name,
        issued_on=certificate.issued_on,
        identity_hash=record.identity_hash,
        status_sequence=record.sequence,
        status_index=record.status_index,
    )


def credential_for(certificate: IssuedCertificate) -> dict[str, Any]:
    """The signed credential of ``certificate``: the stored one while its content is current.

    It is the holder's document: callers serve it only to the holder and to share links
    (:mod:`onex.certificates.services.sharing`), never on a public, unauthenticated path.
    """
    record = holder_record(certificate)
    unsigned = build_credential(subject_data(certificate, record))
    stored = record.signed_credential
    content = {k: v for k, v in (stored or {}).items() if k != "proof"}
    if stored and content == unsigned and _signed_is_current(stored):
        return dict(stored)
    signed = sign_document(unsigned)
    CredentialRecord.objects.filter(pk=record.pk).update(signed_credential=signed)
    return signed


def on_status_change(certificate: IssuedCertificate) -> None:
    """Set the certificate's bits from its status and re-sign the lists that changed.

    Called by the certificates services on commit after a suspension, revocation or
    reinstatement; idempotent, so calling it twice (or for an unchanged status) is harmless.
    """
    record = _ensure_record(certificate)
    status = type(certificate).objects.values_list("status", flat=True).get(pk=certificate.pk)
    wanted = {
        StatusPurpose.REVOCATION.value: status == CertificateStatus.REVOKED,
        StatusPurpose.SUSPENSION.value: status == CertificateStatus.SUSPENDED,
    }
    with transaction.atomic():
        for status_list in StatusList.objects.select_for_update().filter(sequence=record.sequence):
            bits = bytes(status_list.bits)
            value = wanted[status_list.purpose]
            if _get_bit(bits, record.status_index) == value:
                continue
            status_list.bits = _with_bit(bits, record.status_index, value)
            status_list.version += 1
            status_list.save(update_fields=["bits", "version", "updated_at"])
            _resign(status_list)


# --- DID document -------------------------------------------------------------------------------


def did_document() -> dict[str, Any]:
    """The ``did:web`` document: every key, current and retired, as a Multikey.

    Retired keys stay listed (and in ``assertionMethod``) so credentials they signed keep
    verifying after a rotation. Under the gm suite the SM2 keys follow the Ed25519 ones
    (multicodec ``sm2-pub``), for the ``onex-sm2-rdfc-2026`` proofs.
    """
    did = did_web()
    algorithms = [PROOF_ALGORITHM]
    if SM2_CRYPTOSUITE in _proof_cryptosuites():
        algorithms.append(SM2_ALGORITHM)
    methods = [
        {
            "id": f"{did}#{key.key_id}",
            "type": "Multikey",
            "controller": did,
            "publicKeyMultibase": key.multibase,
        }
        for algorithm in algorithms
        for key in crypto.public_keys(algorithm=algorithm)
    ]
    return {
        "@context": list(DID_CONTEXT),
        "id": did,
        "verificationMethod": methods,
        "assertionMethod": [method["id"] for method in methods],
    }
