"""DomainErrorMiddleware maps each refusal of a service to its status, once, for every page."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import AnonymousUser
from django.http import HttpRequest
from django.test import RequestFactory

from onex.core.errors import (
    Conflict,
    DomainError,
    Forbidden,
    InvalidInput,
    NotFound,
    RuleViolation,
)
from onex.core.middleware import DomainErrorMiddleware

pytestmark = pytest.mark.django_db


def _request(*, htmx: bool = False) -> HttpRequest:
    headers = {"HX-Request": "true"} if htmx else {}
    request = RequestFactory().get("/somewhere/", headers=headers)
    request.user = AnonymousUser()
    request.htmx = htmx  # type: ignore[attr-defined]
    return request


def _middleware() -> DomainErrorMiddleware:
    return DomainErrorMiddleware(lambda request: pytest.fail("not called"))


@pytest.mark.parametrize(
    ("error", "status"),
    [
        (NotFound("secret"), 404),
        (Forbidden("只有省级教育行政部门可以确认。"), 403),
        (RuleViolation("R26", "双师型教师比例不足"), 422),
        (InvalidInput("请填写原因。", field="reason"), 422),
        (Conflict("当前状态不能确认。"), 409),
    ],
)
@pytest.mark.parametrize("htmx", [False, True])
def test_each_domain_error_maps_to_its_status(error: DomainError, status: int, htmx: bool) -> None:
    response = _middleware().process_exception(_request(htmx=htmx), error)

    assert response is not None and response.status_code == status
    text = response.content.decode()
    if isinstance(error, NotFound):
        # Never say whether it exists elsewhere: the service's message is not shown.
        assert "secret" not in text and "未找到该记录" in text
    else:
        assert str(error.message) in text
    if isinstance(error, RuleViolation):
        assert "[R26]" in text
    # htmx gets the message fragment alone, a page gets the whole product page.
    assert ("<html" in text) is not htmx


def test_other_exceptions_are_left_alone() -> None:
    assert _middleware().process_exception(_request(), ValueError("x")) is None


def test_the_middleware_is_installed(settings) -> None:  # type: ignore[no-untyped-def]
    assert "onex.core.middleware.DomainErrorMiddleware" in settings.MIDDLEWARE
