"""Nothing public lets anyone learn more of a holder's ID number than the verification page shows.

The outside review's attack: the verification page shows ``4401**********001X``; the hidden
ten digits are two region digits and a birth date, so a SHA-256 of the number with a published
salt is reversed by trying every candidate (docs/adr/0003-credential-privacy.md). These tests
run that brute force against everything the public surface returns for a certificate, and
against the same surface with the old-style identity claim, where it must succeed.
"""

from __future__ import annotations

import copy
import datetime as dt
import hashlib
import json
import re
from collections.abc import Iterator
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from onex.certificates.models import CredentialShareLink, IssuedCertificate, StatusList
from onex.certificates.services import credentials, sharing
from onex.certificates.services.pdf import verification_url
from onex.core.models import AuditEvent
from tests.factories_certificates import ID_A, World, client_for, second_learner

HOLDER = "王小明"
# ID_A's birth year. The search below covers it only (366 days × 100 region digits): an attacker
# who knows the year (a class, a graduation date) is the strongest case and keeps the test fast;
# all birth years 1930–2010 are ~3 million candidates, still seconds on one core.
BIRTH_YEAR = 1998
_HEX_DIGEST = re.compile(r"\b[0-9a-f]{64}\b")
# Salt-like words of an HTML page: random strings of 8+ characters (with a digit, as random
# strings that long practically always have one).
_TOKENISH = re.compile(r"\b(?=[A-Za-z_\-]*[0-9])[0-9A-Za-z_\-]{8,128}\b")


def _strings(value: Any) -> Iterator[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for key, item in value.items():
            yield key
            yield from _strings(item)
    elif isinstance(value, list):
        for item in value:
            yield from _strings(item)


_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)


def _check_char(body17: str) -> str:
    # GB 11643 check character, written out so the attack needs nothing from the platform.
    return "10X98765432"[sum(int(c) * w for c, w in zip(body17, _WEIGHTS, strict=True)) % 11]


def brute_force(masked: str, bodies: list[str], *, year: int = BIRTH_YEAR) -> str | None:
    """Every resident ID consistent with ``masked`` (first 4 and last 4 shown) and born in
    ``year``, hashed as the old credential did (SHA-256 of number + salt, and salt + number)
    with every string the bodies contain as the salt; the candidate whose hash appears.

    Only candidates whose check character matches the shown one are hashed (1 in 11)."""
    prefix, suffix = masked[:4], masked[-4:]
    targets = {match.group(0) for body in bodies for match in _HEX_DIGEST.finditer(body)}
    if not targets:
        return None
    salts = {""}
    for body in bodies:
        try:
            salts.update(s for s in _strings(json.loads(body)) if len(s) <= 128)
        except ValueError:
            salts.update(match.group(0) for match in _TOKENISH.finditer(body))
    encoded = [salt.encode() for salt in salts]
    day = dt.date(year, 1, 1)
    while day.year == year:
        for region in range(100):
            body17 = f"{prefix}{region:02d}{day:%Y%m%d}{suffix[:3]}"
            if _check_char(body17) != suffix[3]:
                continue
            candidate = (body17 + suffix[3]).encode()
            head = hashlib.sha256(candidate)
            for salt in encoded:
                forward = head.copy()
                forward.update(salt)
                if forward.hexdigest() in targets:
                    return candidate.decode()
                if hashlib.sha256(salt + candidate).hexdigest() in targets:
                    return candidate.decode()
        day += dt.timedelta(days=1)
    return None


def public_surface(client: Client, certificate: IssuedCertificate, *extra: str) -> list[str]:
    """Every public answer about ``certificate``: the verification API and page, the QR page,
    the status lists, the DID document, the former public credential endpoint."""
    number = certificate.number
    bodies = [
        client.get(
            "/api/v1/public/certificates/verify", {"number": number, "name": HOLDER}
        ).content.decode(),
        client.post(
            "/verify/", {"form": "verify", "v-number": number, "v-name": HOLDER}
        ).content.decode(),
        client.get(verification_url(number).split("8000", 1)[1]).content.decode(),
        client.get(
            f"/api/v1/public/certificates/{number}/credential", {"name": HOLDER}
        ).content.decode(),
        client.get("/.well-known/did.json").content.decode(),
    ]
    for status_list in StatusList.objects.all():
        list_id = credentials.status_list_id(status_list.purpose, status_list.sequence)
        bodies.append(client.get(f"/api/v1/public/status/{list_id}").content.decode())
    return bodies + list(extra)


def _masked(client: Client, certificate: IssuedCertificate) -> str:
    response = client.get(
        "/api/v1/public/certificates/verify", {"number": certificate.number, "name": HOLDER}
    )
    masked: str = response.json()["id_number_masked"]
    assert masked == ID_A[:4] + "*" * 10 + ID_A[-4:]
    return masked


def _path(url: str) -> str:
    return url.split("8000", 1)[1]


@pytest.mark.django_db(transaction=True)
def test_brute_force_over_the_public_surface_does_not_recover_the_id_number(
    world: World,
) -> None:
    certificate = world.enter(holder_unit=world.p.learner.unit)
    credentials.credential_for(certificate)  # the holder has fetched it: the hash exists
    new = sharing.share_link_create(actor=world.p.learner.actor, certificate=certificate)
    client = Client()
    # The worst case too: the holder's share link leaked and was posted publicly.
    leaked = [
        client.get(_path(new.credential_url)).content.decode(),
        client.get(_path(new.url)).content.decode(),
    ]
    bodies = public_surface(client, certificate, *leaked)
    assert json.loads(leaked[0])["credentialSubject"]["identifier"][0]["identityHash"]
    assert brute_force(_masked(client, certificate), bodies) is None
    assert not any(ID_A in body for body in bodies)


@pytest.mark.django_db(transaction=True)
def test_the_same_brute_force_recovers_the_number_from_the_old_published_salt(
    world: World,
) -> None:
    """The attack is real: with the old IdentityObject (hash and salt published) it succeeds."""
    certificate = world.enter()
    client = Client()
    old_style = copy.deepcopy(credentials.credential_for(certificate))
    salt = credentials.new_salt()
    old_style["credentialSubject"]["identifier"][0].update(
        identityHash=credentials.identity_hash(ID_A, salt), salt=salt
    )
    bodies = public_surface(client, certificate, json.dumps(old_style))
    assert brute_force(_masked(client, certificate), bodies) == ID_A


@pytest.mark.django_db(transaction=True)
def test_identity_hash_checks_out_with_the_holders_code_and_carries_no_salt(
    world: World,
) -> None:
    certificate = world.enter(holder_unit=world.p.learner.unit)
    code = sharing.holder_identity_code(actor=world.p.learner.actor, certificate=certificate)
    document = credentials.credential_for(certificate)
    identity = document["credentialSubject"]["identifier"][0]
    assert "salt" not in identity and identity["hashed"] is True
    assert len(code) == 32  # 128 bits: the hash alone is out of reach of any search
    assert identity["identityHash"] == credentials.identity_hash(ID_A, code)
    assert code not in json.dumps(document)


@pytest.mark.django_db(transaction=True)
def test_no_public_credential_by_certificate_number(world: World) -> None:
    certificate = world.enter()
    response = Client().get(
        f"/api/v1/public/certificates/{certificate.number}/credential", {"name": HOLDER}
    )
    assert response.status_code == 404
    assert "identityHash" not in response.content.decode()


# --- the holder's credential ---------------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_holder_downloads_the_credential_and_the_download_is_audited(world: World) -> None:
    certificate = world.enter(holder_unit=world.p.learner.unit)
    client = client_for(world.p.learner)
    page = client.get(f"/certificates/{certificate.pk}/credential/")
    assert page.status_code == 200
    code = credentials.identity_salt(credentials.holder_record(certificate))
    assert code in page.content.decode()
    download = client.get(f"/certificates/{certificate.pk}/credential/download/")
    assert download.status_code == 200
    assert "attachment" in download["Content-Disposition"]
    document = json.loads(download.content)
    assert credentials.verify_credential(document).verified
    api = client.get(f"/api/v1/certificates/credentials/{certificate.number}")
    assert api.status_code == 200
    assert api.json() == document
    assert document["id"].endswith(f"/api/v1/certificates/credentials/{certificate.number}")
    assert (
        AuditEvent.objects.filter(
            action="certificates.credential_download", target_id=str(certificate.pk)
        ).count()
        == 2
    )


@pytest.mark.django_db(transaction=True)
def test_other_learner_gets_404_and_the_issuing_org_403_for_the_holders_credential(
    world: World,
) -> None:
    certificate = world.enter(holder_unit=world.p.learner.unit)
    other = client_for(second_learner())
    for path in (
        f"/certificates/{certificate.pk}/credential/",
        f"/certificates/{certificate.pk}/credential/download/",
        f"/api/v1/certificates/credentials/{certificate.number}",
        f"/api/v1/certificates/{certificate.pk}/share-links",
        f"/api/v1/certificates/{certificate.pk}/identity-code",
    ):
        assert other.get(path).status_code == 404, path
        assert client_for(world.p.org).get(path).status_code == 403, path
    assert Client().get(f"/api/v1/certificates/credentials/{certificate.number}").status_code in (
        401,
        404,
    )
    created = other.post(
        f"/api/v1/certificates/{certificate.pk}/share-links", {}, "application/json"
    )
    assert created.status_code == 404
    assert not CredentialShareLink.objects.exists()


# --- share links ---------------------------------------------------------------------------------


def _create(world: World, certificate: IssuedCertificate, **payload: Any) -> dict[str, Any]:
    response = client_for(world.p.learner).post(
        f"/api/v1/certificates/{certificate.pk}/share-links",
        {"days": 7, "label": "某物流公司人事部", **payload},
        "application/json",
    )
    assert response.status_code == 201, response.content
    body: dict[str, Any] = response.json()
    return body


@pytest.mark.django_db(transaction=True)
def test_share_link_serves_the_credential_to_anyone_holding_it_and_each_use_is_audited(
    world: World,
) -> None:
    certificate = world.enter(holder_unit=world.p.learner.unit)
    created = _create(world, certificate)
    link = CredentialShareLink.objects.get()
    assert created["token"] not in link.token_hash and len(created["token"]) >= 43
    assert link.token_hash == hashlib.sha256(created["token"].encode()).hexdigest()
    outsider = Client()
    document = outsider.get(_path(created["credential_url"]))
    assert document.status_code == 200
    assert document["Cache-Control"] == "private, no-store"
    assert credentials.verify_credential(document.json()).verified
    page = outsider.get(_path(created["url"]))
    assert page.status_code == 200
    assert certificate.id_number_masked in page.content.decode()
    link.refresh_from_db()
    assert link.views == 2 and link.last_viewed_at is not None
    actions = list(
        AuditEvent.objects.filter(target_id=str(link.pk)).values_list("action", flat=True)
    )
    assert actions.count("certificates.credential_share_create") == 1
    assert actions.count("certificates.credential_share_view") == 2


@pytest.mark.django_db(transaction=True)
def test_expired_share_link_gets_404(world: World) -> None:
    certificate = world.enter(holder_unit=world.p.learner.unit)
    created = _create(world, certificate, days=1)
    CredentialShareLink.objects.update(expires_at=timezone.now() - dt.timedelta(seconds=1))
    client = Client()
    assert client.get(_path(created["credential_url"])).status_code == 404
    assert client.get(_path(created["url"])).status_code == 404


@pytest.mark.django_db(transaction=True)
def test_revoked_share_link_gets_404_at_once_and_the_revocation_is_audited(
    world: World,
) -> None:
    certificate = world.enter(holder_unit=world.p.learner.unit)
    created = _create(world, certificate)
    client = Client()
    assert client.get(_path(created["credential_url"])).status_code == 200
    holder = client_for(world.p.learner)
    revoked = holder.post(
        f"/certificates/{certificate.pk}/credential/share/{created['link']['id']}/revoke/",
        HTTP_HX_REQUEST="true",
    )
    assert revoked.status_code == 200
    assert "已撤销" in revoked.content.decode()
    assert client.get(_path(created["credential_url"])).status_code == 404
    assert client.get(_path(created["url"])).status_code == 404
    assert AuditEvent.objects.filter(
        action="certificates.credential_share_revoke", target_id=str(created["link"]["id"])
    ).exists()
    listed = holder.get(f"/api/v1/certificates/{certificate.pk}/share-links").json()
    assert [(item["id"], item["active"]) for item in listed] == [(created["link"]["id"], False)]


@pytest.mark.django_db(transaction=True)
def test_unknown_share_token_gets_the_same_404_as_a_revoked_one(world: World) -> None:
    certificate = world.enter(holder_unit=world.p.learner.unit)
    created = _create(world, certificate)
    client_for(world.p.learner).post(
        f"/api/v1/certificates/{certificate.pk}/share-links/{created['link']['id']}/revoke"
    )
    client = Client()
    revoked = client.get(_path(created["credential_url"]))
    unknown = client.get("/api/v1/public/credentials/shared/" + "A" * 43)
    assert revoked.status_code == unknown.status_code == 404
    assert revoked.content == unknown.content


@pytest.mark.django_db(transaction=True)
def test_other_learner_cannot_list_or_revoke_the_holders_share_links(world: World) -> None:
    certificate = world.enter(holder_unit=world.p.learner.unit)
    created = _create(world, certificate)
    other = client_for(second_learner())
    assert other.get(f"/api/v1/certificates/{certificate.pk}/share-links").status_code == 404
    revoke = other.post(
        f"/api/v1/certificates/{certificate.pk}/share-links/{created['link']['id']}/revoke"
    )
    assert revoke.status_code == 404
    page_revoke = other.post(
        f"/certificates/{certificate.pk}/credential/share/{created['link']['id']}/revoke/"
    )
    assert page_revoke.status_code == 404
    assert CredentialShareLink.objects.get().revoked_at is None


@pytest.mark.django_db(transaction=True)
def test_share_link_lifetime_is_bounded(world: World) -> None:
    certificate = world.enter(holder_unit=world.p.learner.unit)
    response = client_for(world.p.learner).post(
        f"/api/v1/certificates/{certificate.pk}/share-links",
        {"days": sharing.SHARE_MAX_DAYS + 1},
        "application/json",
    )
    assert response.status_code == 422
    page = client_for(world.p.learner).post(
        f"/certificates/{certificate.pk}/credential/share/",
        {"days": "0", "label": ""},
        HTTP_HX_REQUEST="true",
    )
    assert page.status_code == 422
    assert not CredentialShareLink.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_holder_creates_a_share_link_on_the_page_and_sees_it_once(world: World) -> None:
    certificate = world.enter(holder_unit=world.p.learner.unit)
    holder = client_for(world.p.learner)
    response = holder.post(
        f"/certificates/{certificate.pk}/credential/share/",
        {"days": "14", "label": "某物流公司"},
        HTTP_HX_REQUEST="true",
    )
    assert response.status_code == 200
    body = response.content.decode()
    match = re.search(r"/verify/s/([A-Za-z0-9_\-]+)/", body)
    assert match is not None
    link = CredentialShareLink.objects.get()
    assert link.label == "某物流公司"
    assert abs(link.expires_at - link.created_at - dt.timedelta(days=14)) < dt.timedelta(seconds=5)
    assert (
        match.group(1)
        not in holder.get(f"/certificates/{certificate.pk}/credential/").content.decode()
    )
    assert Client().get(f"/verify/s/{match.group(1)}/").status_code == 200


@pytest.mark.django_db(transaction=True)
def test_shared_page_reports_a_revoked_certificate(world: World) -> None:
    from django.db import transaction

    from onex.certificates.services.status import certificate_revoke

    certificate = world.enter(holder_unit=world.p.learner.unit)
    created = _create(world, certificate)
    with transaction.atomic():
        certificate_revoke(actor=world.p.org.actor, certificate=certificate, reason="考试作弊")
    page = Client().get(_path(created["url"]))
    assert page.status_code == 200
    assert "已被撤销" in page.content.decode()


@pytest.mark.django_db
def test_certificate_page_links_the_credential_for_the_holder_only(world: World) -> None:
    certificate = world.enter(holder_unit=world.p.learner.unit)
    link = f"/certificates/{certificate.pk}/credential/"
    assert (
        link in client_for(world.p.learner).get(f"/certificates/{certificate.pk}/").content.decode()
    )
    assert (
        link not in client_for(world.p.org).get(f"/certificates/{certificate.pk}/").content.decode()
    )
