"""R36: public query and verification without login."""

from __future__ import annotations

import logging
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from onex.certificates.services.pdf import number_from_token, verification_token
from onex.certificates.services.status import certificate_revoke
from tests.factories_certificates import ID_A, ID_B, World

VERIFY = "/api/v1/public/certificates/verify"
QUERY = "/api/v1/public/certificates/query"


def _query(client: Client, name: str, id_number: str) -> Any:
    return client.post(
        QUERY, {"name": name, "id_number": id_number}, content_type="application/json"
    )


def test_r36_verify_by_number_and_name_without_login(world: World) -> None:
    issued = world.enter()
    response = Client().get(VERIFY, {"number": issued.number, "name": "王小明"})
    assert response.status_code == 200
    body = response.json()
    assert body["number"] == issued.number
    assert body["holder_name"] == "王小明"
    assert body["id_number_masked"] == issued.id_number_masked
    assert (body["certificate_name"], body["level_label"]) == ("物流管理", "中级")
    assert body["org_name"] == world.p.org_obj.name
    assert body["issued_on"] == "2020-06-01"
    assert body["status"] == "valid"
    assert ID_A not in response.content.decode()


def test_r36_mistyped_number_is_caught_by_the_check_character(world: World) -> None:
    issued = world.enter()
    typo = issued.number[:-2] + ("1" if issued.number[-2] != "1" else "2") + issued.number[-1]
    response = Client().get(VERIFY, {"number": typo, "name": "王小明"})
    assert response.status_code == 422
    assert response.json()["message"] == "号码格式或校验位错误"


def test_r36_every_mismatch_gives_the_same_not_found(world: World) -> None:
    issued = world.enter()
    other = world.enter(name="李四", id_number=ID_B)
    client = Client()
    wrong_name = client.get(VERIFY, {"number": issued.number, "name": "王大明"})
    others_number = client.get(VERIFY, {"number": other.number, "name": "王小明"})
    unknown = issued.number[:12] + "000099"
    from onex.certificates.services.numbering import check_character

    unknown_number = client.get(
        VERIFY, {"number": unknown + check_character(unknown), "name": "王小明"}
    )
    q_wrong_id = client.post(
        QUERY, {"name": "王小明", "id_number": ID_B}, content_type="application/json"
    )
    q_wrong_name = client.post(
        QUERY, {"name": "王大明", "id_number": ID_A}, content_type="application/json"
    )
    q_malformed = client.post(
        QUERY, {"name": "王小明", "id_number": "123"}, content_type="application/json"
    )
    answers = [wrong_name, others_number, unknown_number, q_wrong_id, q_wrong_name, q_malformed]
    assert {r.status_code for r in answers} == {404}
    assert len({r.content for r in answers}) == 1


def test_r36_query_by_name_and_id_number_lists_that_persons_certificates(world: World) -> None:
    first = world.enter()
    second = world.enter(level="junior")
    world.enter(name="李四", id_number=ID_B)
    response = Client().post(
        QUERY, {"name": "王小明", "id_number": ID_A.lower()}, content_type="application/json"
    )
    assert response.status_code == 200
    numbers = {c["number"] for c in response.json()["certificates"]}
    assert numbers == {first.number, second.number}


def test_r36_revocation_is_visible_at_once_with_its_reason(world: World) -> None:
    issued = world.enter()
    certificate_revoke(actor=world.p.ministry.actor, certificate=issued, reason="考核舞弊")
    body = Client().get(VERIFY, {"number": issued.number, "name": "王小明"}).json()
    assert (body["status"], body["status_label"], body["status_reason"]) == (
        "revoked",
        "已撤销",
        "考核舞弊",
    )


def test_r36_rate_limit_answers_429_with_retry_after(world: World, settings: Any) -> None:
    settings.ONEX_PUBLIC_RATE_PER_MINUTE = 3
    issued = world.enter()
    client = Client()
    codes = [
        client.get(VERIFY, {"number": issued.number, "name": "王小明"}).status_code
        for _ in range(4)
    ]
    assert codes == [200, 200, 200, 429]
    limited = client.post(QUERY, {"name": "x", "id_number": ID_A}, content_type="application/json")
    assert limited.status_code == 429
    assert int(limited["Retry-After"]) >= 1
    assert limited.json()["code"] == "rate_limited"
    assert "频繁" in limited.json()["message"]
    page = client.post(
        reverse("verify:index"), {"form": "verify", "v-number": issued.number, "v-name": "王小明"}
    )
    assert page.status_code == 429


def test_r36_rate_limit_is_per_ip(world: World, settings: Any) -> None:
    settings.ONEX_PUBLIC_RATE_PER_MINUTE = 1
    issued = world.enter()
    params = {"number": issued.number, "name": "王小明"}
    assert Client(REMOTE_ADDR="10.0.0.1").get(VERIFY, params).status_code == 200
    assert Client(REMOTE_ADDR="10.0.0.1").get(VERIFY, params).status_code == 429
    assert Client(REMOTE_ADDR="10.0.0.2").get(VERIFY, params).status_code == 200


def test_r36_id_number_never_in_a_log_line(world: World, caplog: pytest.LogCaptureFixture) -> None:
    world.enter()
    client = Client()
    with caplog.at_level(logging.DEBUG):
        client.post(QUERY, {"name": "王小明", "id_number": ID_A}, content_type="application/json")
        client.post(QUERY, {"name": "错名", "id_number": ID_A}, content_type="application/json")
        client.post(
            reverse("verify:index"), {"form": "query", "q-name": "错名", "q-id_number": ID_A}
        )
        client.post(
            reverse("verify:index"), {"form": "query", "q-name": "王小明", "q-id_number": ID_A}
        )
    assert caplog.records  # the 404s were logged, so the assertion below means something
    text = "\n".join(r.getMessage() for r in caplog.records)
    assert ID_A not in text
    assert ID_A[:6] + ID_A[6:14] not in text


def test_r36_public_page_query_shows_masked_results_and_no_id_in_url_or_page(
    world: World,
) -> None:
    issued = world.enter()
    response = Client().post(
        reverse("verify:index"), {"form": "query", "q-name": "王小明", "q-id_number": ID_A}
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert issued.number in html and issued.id_number_masked in html
    assert ID_A not in html  # the form is not refilled with the number
    assert 'method="post"' in html


def test_r36_public_page_in_english(world: World) -> None:
    issued = world.enter()
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.cookies["django_language"] = "en"
    response = client.post(
        reverse("verify:index"),
        {"form": "verify", "v-number": issued.number, "v-name": "王小明"},
    )
    assert response.status_code == 200
    assert 'lang="en"' in response.content.decode()


def test_r36_page_verify_mismatch_is_the_generic_not_found(world: World) -> None:
    issued = world.enter()
    response = Client().post(
        reverse("verify:index"), {"form": "verify", "v-number": issued.number, "v-name": "别人"}
    )
    assert response.status_code == 404
    assert "未查询到匹配的证书信息" in response.content.decode()


def test_r36_signed_qr_token_verifies_without_typing(world: World) -> None:
    issued = world.enter()
    token = verification_token(issued.number)
    assert number_from_token(token) == issued.number
    response = Client().get(reverse("verify:token", kwargs={"token": token}))
    assert response.status_code == 200
    html = response.content.decode()
    assert issued.number in html and "王小明" in html and "当前有效" in html


def test_r36_forged_or_altered_token_is_refused(world: World) -> None:
    issued = world.enter()
    other = world.enter(name="李四", id_number=ID_B)
    token = verification_token(issued.number)
    _number, key_id, signature = token.split(".")
    swapped = f"{other.number}.{key_id}.{signature}"
    assert number_from_token(swapped) is None
    assert number_from_token("garbage") is None
    response = Client().get(reverse("verify:token", kwargs={"token": swapped}))
    assert response.status_code == 404
    assert "李四" not in response.content.decode()
