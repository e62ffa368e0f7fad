"""Every /api/ error answers JSON ``{code, rule, message, details}``, never an HTML page, in
the request's language; bodies that cannot be parsed are a 4xx, never a 500."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from onex.api import api
from tests.personas import Personas


def assert_error_shape(response: Any, status: int) -> dict[str, Any]:
    assert response.status_code == status, response.content[:300]
    assert response["Content-Type"].startswith("application/json"), response["Content-Type"]
    body = response.json()
    assert set(body) == {"code", "rule", "message", "details"}, body
    assert body["message"]
    return body


@pytest.mark.parametrize("path", ["/api/v1/no-such-thing", "/api/v1/catalog/nope/1", "/api/x"])
def test_api_unknown_path_is_json_404(client: Client, settings: Any, path: str) -> None:
    settings.DEBUG = False
    assert_error_shape(client.get(path), 404)


def test_api_wrong_method_is_json_405(client: Client, settings: Any) -> None:
    settings.DEBUG = False
    response = client.delete("/api/v1/catalog/certificates")
    body = assert_error_shape(response, 405)
    assert body["code"] == "method_not_allowed"
    assert "GET" in response["Allow"]


def test_api_unhandled_exception_is_json_500(
    personas: Personas, settings: Any, monkeypatch: Any
) -> None:
    settings.DEBUG = False

    def broken(**kwargs: Any) -> None:
        raise RuntimeError("boom")

    monkeypatch.setattr("onex.core.api.reference.holiday_notice_list", broken)
    client = Client(raise_request_exception=False)
    client.force_login(personas.gd.user)
    body = assert_error_shape(client.get("/api/v1/reference/calendar/holiday-notices"), 500)
    assert body["code"] == "server_error"
    assert "boom" not in str(body)


def test_pages_keep_their_html_404(client: Client, settings: Any) -> None:
    settings.DEBUG = False
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    assert response["Content-Type"].startswith("text/html")


BAD_NOTICE = {"date": "2027-02-30", "kind": "workday", "name": "x" * 65}


def test_api_422_messages_in_chinese_by_default(personas: Personas, client: Client) -> None:
    client.force_login(personas.ministry.user)
    response = client.post(
        "/api/v1/reference/calendar/holiday-notices", BAD_NOTICE, content_type="application/json"
    )
    body = assert_error_shape(response, 422)
    assert body["message"] == "请求数据无效。"
    messages = {e["loc"][-1]: e["msg"] for e in body["details"]["errors"]}
    assert messages["date"] == "请输入有效日期（YYYY-MM-DD）。"
    assert messages["name"] == "最多 64 个字符。"


def test_api_422_messages_in_english_with_accept_language_en(
    personas: Personas, client: Client
) -> None:
    client.force_login(personas.ministry.user)
    response = client.post(
        "/api/v1/reference/calendar/holiday-notices",
        BAD_NOTICE,
        content_type="application/json",
        headers={"Accept-Language": "en"},
    )
    body = assert_error_shape(response, 422)
    assert body["message"] == "Invalid request data."
    messages = {e["loc"][-1]: e["msg"] for e in body["details"]["errors"]}
    assert messages["date"] == "Enter a valid date (YYYY-MM-DD)."
    assert messages["name"] == "At most 64 characters."


# --- uploads: a multipart body without a boundary --------------------------------------------

NO_BOUNDARY = "multipart/form-data"


def _upload_operations() -> list[str]:
    """Every API path taking a multipart body, path parameters filled with placeholders."""
    paths = []
    for path, operations in api.get_openapi_schema()["paths"].items():
        for method, operation in operations.items():
            content = operation.get("requestBody", {}).get("content", {})
            if method == "post" and "multipart/form-data" in content:
                paths.append(path.replace("{spec}", "schools").replace("{", "").replace("}", ""))
    return paths


def _fill(path: str) -> str:
    import re

    return re.sub(r"/[a-z_]+_id(?=/|$)", "/1", path)


def test_upload_operations_are_found() -> None:
    assert len(_upload_operations()) >= 4


@pytest.mark.parametrize("path", [_fill(p) for p in _upload_operations()])
def test_api_upload_without_boundary_is_json_400(
    personas: Personas, settings: Any, path: str
) -> None:
    settings.DEBUG = False
    client = Client(raise_request_exception=False)
    client.force_login(personas.ministry.user)
    response = client.post(path, data=b"--x\r\n", content_type=NO_BOUNDARY)
    assert_error_shape(response, 400)


PAGE_UPLOADS = [
    ("catalog:filing_new", {}),
    ("catalog:filing_edit", {"pk": 1}),
    ("pilots:application_attach", {"pk": 1}),
    ("pilots:summary", {}),
    ("assessment:complaint_new", {}),
    ("assessment:fee_action", {"pk": 1, "version": 1, "action": "approve"}),
    ("import_spec", {"spec_name": "schools"}),
]


@pytest.mark.parametrize(("name", "kwargs"), PAGE_UPLOADS)
def test_page_upload_without_boundary_is_4xx(
    personas: Personas, settings: Any, name: str, kwargs: dict[str, Any]
) -> None:
    settings.DEBUG = False
    client = Client(raise_request_exception=False)
    client.force_login(personas.ministry.user)
    response = client.post(reverse(name, kwargs=kwargs), data=b"--x\r\n", content_type=NO_BOUNDARY)
    assert 400 <= response.status_code < 500
