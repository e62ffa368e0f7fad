"""Public endpoints of the verifiable credentials: shared credential, status lists, DID."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import transaction
from django.test import Client

from onex.certificates import contexts
from onex.certificates.services import credentials, sharing
from onex.certificates.services.status import certificate_revoke
from tests.factories_certificates import World


@pytest.mark.django_db(transaction=True)
def test_status_list_endpoint_serves_the_revocation_at_once(world: World) -> None:
    certificate = world.enter()
    client = Client()
    document = credentials.credential_for(certificate)
    url = document["credentialStatus"][0]["statusListCredential"]
    path = url.removeprefix("http://127.0.0.1:8000")
    before = client.get(path)
    assert before.status_code == 200
    assert before["Cache-Control"] == "public, max-age=60"
    assert before.json()["type"] == ["VerifiableCredential", "BitstringStatusListCredential"]
    with transaction.atomic():
        certificate_revoke(actor=world.p.org.actor, certificate=certificate, reason="考试作弊")
    after = client.get(path).json()
    bits = credentials.decode_list(after["credentialSubject"]["encodedList"])
    index = int(document["credentialStatus"][0]["statusListIndex"])
    assert credentials._get_bit(bits, index)
    assert credentials.verify_credential(after, check_status=False).verified


@pytest.mark.django_db(transaction=True)
def test_share_link_fetches_share_the_public_per_ip_limit(world: World, settings: Any) -> None:
    settings.ONEX_PUBLIC_RATE_PER_MINUTE = 2
    certificate = world.enter(holder_unit=world.p.learner.unit)
    new = sharing.share_link_create(actor=world.p.learner.actor, certificate=certificate)
    client = Client()
    path = f"/api/v1/public/credentials/shared/{new.token}"
    assert [client.get(path).status_code for _ in range(2)] == [200, 200]
    limited = client.get(path)
    assert limited.status_code == 429
    assert int(limited["Retry-After"]) >= 1
    assert limited.json()["code"] == "rate_limited"


@pytest.mark.django_db
def test_unknown_status_list_gets_404(world: World) -> None:
    assert Client().get("/api/v1/public/status/revocation-42").status_code == 404
    assert Client().get("/api/v1/public/status/other-1").status_code == 404


@pytest.mark.parametrize("source", list(contexts.CONTEXTS.values()), ids=lambda s: s.name)
def test_every_bundled_context_is_served_under_its_name(source: contexts.ContextSource) -> None:
    response = Client().get(f"/api/v1/public/contexts/{source.name}")
    assert response.status_code == 200
    assert response.json() == contexts.load(source.url)


def test_unknown_context_gets_404() -> None:
    assert Client().get("/api/v1/public/contexts/evil").status_code == 404


def test_did_document_is_served_at_well_known(settings: Any) -> None:
    settings.ONEX_PUBLIC_URL = "https://onex.example.cn"
    response = Client().get("/.well-known/did.json")
    assert response.status_code == 200
    document = response.json()
    assert document["id"] == "did:web:onex.example.cn"
    assert document == credentials.did_document()


def test_credential_endpoints_are_in_the_openapi_schema() -> None:
    paths = Client().get("/api/v1/openapi.json").json()["paths"]
    assert "/api/v1/public/certificates/{number}/credential" not in paths
    assert "/api/v1/public/credentials/shared/{token}" in paths
    assert "/api/v1/certificates/credentials/{number}" in paths
    assert "/api/v1/certificates/{certificate_id}/share-links" in paths
    assert "/api/v1/public/status/{list_id}" in paths
    assert "/api/v1/public/contexts/{name}" in paths
