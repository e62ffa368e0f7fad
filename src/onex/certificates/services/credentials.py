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
  proof is Ed25519 under either crypto suite (``ONEX_CRYPTO_SUITE=gm`` signs QR tokens with
  SM2, see docs/commercial-crypto.md).

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
# The proof stays Ed25519 under ONEX_CRYPTO_SUITE=gm: international verifiers (and the
# did:key / Multikey forms) need it. No SM2 proof is added beside it yet (no standard SM2 Data
# Integrity cryptosuite exists; docs/commercial-crypto.md): the SM2 signature under gm covers
# the QR verification token, which is what the certificate carries.
PROOF_ALGORITHM = "Ed25519"
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
    key_id: str | None = None
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


def _current_key() -> crypto.PublicKey:
    current = crypto.public_keys(algorithm=PROOF_ALGORITHM)[0]
    assert current.current and current.key_id == crypto.signing_key_id(algorithm=PROOF_ALGORITHM)
    return current


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


def _hash_data(document: Mapping[str, Any], proof_options: Mapping[str, Any]) -> bytes:
    unsecured = {key: value for key, value in document.items() if key != "proof"}
    config = {"@context": document["@context"], **proof_options}
    config_hash = hashlib.sha256(_canonize(config)).digest()
    return config_hash + hashlib.sha256(_canonize(unsecured)).digest()


def sign_document(document: Mapping[str, Any]) -> dict[str, Any]:
    """``document`` with an ``eddsa-rdfc-2022`` proof by the current signing key."""
    key = _current_key()
    options = {
        "type": PROOF_TYPE,
        "cryptosuite": CRYPTOSUITE,
        "created": _now(),
        "verificationMethod": _verification_method(key),
        "proofPurpose": "assertionMethod",
    }
    key_id, signature = crypto.sign(_hash_data(document, options), algorithm=PROOF_ALGORITHM)
    if key_id != key.key_id:  # the configuration changed between the two reads
        raise RuntimeError("signing key changed while signing; retry")
    return {**document, "proof": {**options, "proofValue": "z" + _b58encode(signature)}}


def _key_for_method(method: str) -> tuple[crypto.PublicKey | None, str]:
    """(our key named by a verificationMethod, the DID controlling it)."""
    controller, _sep, fragment = method.partition("#")
    keys = crypto.public_keys(algorithm=PROOF_ALGORITHM)
    if controller.startswith("did:key:"):
        multibase = controller.removeprefix("did:key:")
        if fragment != multibase:
            return None, controller
        return next((key for key in keys if key.multibase == multibase), None), controller
    if controller == did_web():
        return next((key for key in keys if key.key_id == fragment), None), controller
    return None, controller


def verify_credential(document: Mapping[str, Any], *, check_status: bool = True) -> VerifyResult:
    """Check the proof of a credential this platform signed, then (optionally) its status.

    Only our own keys are trusted: a credential signed by any other DID does not verify.
    """
    result = VerifyResult(verified=False)
    proof = document.get("proof")
    if not isinstance(proof, dict):
        result.errors.append("no proof")
        return result
    options = {key: value for key, value in proof.items() if key != "proofValue"}
    if options.get("type") != PROOF_TYPE or options.get("cryptosuite") != CRYPTOSUITE:
        result.errors.append("unsupported proof type")
        return result
    if options.get("proofPurpose") != "assertionMethod":
        result.errors.append("wrong proof purpose")
        return result
    key, controller = _key_for_method(str(options.get("verificationMethod", "")))
    if key is None:
        result.errors.append("unknown verification method")
        return result
    issuer = document.get("issuer")
    issuer_id = issuer.get("id") if isinstance(issuer, dict) else issuer
    if issuer_id != controller:
        result.errors.append("issuer does not control the verification method")
        return result
    proof_value = str(proof.get("proofValue", ""))
    try:
        if not proof_value.startswith("z"):
            raise ValueError("not base58btc")
        signature = _b58decode(proof_value[1:])
        data = _hash_data(document, options)
    except (ValueError, jsonld.JsonLdError) as exc:
        result.errors.append(f"malformed: {exc.__class__.__name__}")
        return result
    if not crypto.verify(data, signature, key_id=key.key_id):
        result.errors.append("invalid signature")
        return result
    result.verified = True
    result.key_id = key.key_id
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
    """A stored signed document still fits the configuration (issuer DID, public URL)."""
    if not signed:
        return False
    issuer = signed.get("issuer")
    issuer_id = issuer.get("id") if isinstance(issuer, dict) else issuer
    method = str(signed.get("proof", {}).get("verificationMethod", ""))
    return issuer_id == issuer_did() and method.partition("#")[0] == issuer_id


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
    verifying after a rotation.
    """
    did = did_web()
    methods = [
        {
            "id": f"{did}#{key.key_id}",
            "type": "Multikey",
            "controller": did,
            "publicKeyMultibase": key.multibase,
        }
        for key in crypto.public_keys(algorithm=PROOF_ALGORITHM)
    ]
    return {
        "@context": list(DID_CONTEXT),
        "id": did,
        "verificationMethod": methods,
        "assertionMethod": [method["id"] for method in methods],
    }
