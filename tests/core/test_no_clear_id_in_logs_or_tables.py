"""An ID number typed at login or sent in a query string reaches no table and no log in clear."""

from __future__ import annotations

import io
import logging
from collections.abc import Iterator
from urllib.parse import quote

import pytest
from axes.models import AccessAttempt
from django.apps import apps
from django.core.servers.basehttp import WSGIRequestHandler
from django.db import models
from django.test import Client

from tests.factories import ID_NUMBER
from tests.personas import Personas

# Every logger that writes a request line or a login name, and the root for the rest.
CAPTURED = ("", "django.server", "granian.access", "axes", "django.request", "onex")


@pytest.fixture
def log_output() -> Iterator[io.StringIO]:
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setLevel(logging.DEBUG)
    loggers = [logging.getLogger(name) for name in CAPTURED]
    levels = [logger.level for logger in loggers]
    for logger in loggers:
        logger.addHandler(handler)
        logger.setLevel(logging.DEBUG)
    yield stream
    for logger, level in zip(loggers, levels, strict=True):
        logger.removeHandler(handler)
        logger.setLevel(level)


def text_values() -> Iterator[tuple[str, str]]:
    """(table.column, value) of every text-like column of every model."""
    for model in apps.get_models():
        fields = [
            f
            for f in model._meta.concrete_fields
            if isinstance(f, models.CharField | models.TextField | models.JSONField)
        ]
        for field in fields:
            for value in model._default_manager.values_list(field.attname, flat=True):
                if value:
                    yield f"{model._meta.db_table}.{field.column}", str(value)


def dev_server_access_log(request_line: str) -> None:
    """What ``manage.py runserver`` (``make run``) logs for one request."""
    handler = WSGIRequestHandler.__new__(WSGIRequestHandler)
    handler.request = None  # type: ignore[assignment]
    handler.log_message('"%s" %s %s', request_line, "200", "512")


def granian_access_log(path: str, query: str) -> None:
    logging.getLogger("granian.access").info(
        '"%(method)s %(path)s?%(query_string)s" %(status)d',
        {"method": "GET", "path": path, "query_string": query, "status": 200},
    )


def test_id_number_as_login_name_and_in_a_query_is_in_no_table_and_no_log(
    personas: Personas, log_output: io.StringIO
) -> None:
    client = Client()
    query = f"id_number={ID_NUMBER}"
    for _attempt in range(2):
        client.post(
            "/accounts/login/?next=" + quote(f"/verify/?{query}"),
            {"username": ID_NUMBER, "password": "wrong-password-123"},
        )
    client.get(f"/verify/?{query}")
    client.get(f"/api/v1/certificates/query?{query}")
    dev_server_access_log(f"GET /verify/?{query} HTTP/1.1")
    granian_access_log("/verify/", query)

    attempt = AccessAttempt.objects.get()
    assert attempt.failures_since_start == 2  # still counted under one (hashed) name
    leaks = [where for where, value in text_values() if ID_NUMBER in value.upper()]
    assert leaks == []
    output = log_output.getvalue()
    assert "/verify/?id_number=1101**********002X" in output  # the lines are there, masked
    assert ID_NUMBER not in output.upper()


def test_ordinary_login_names_are_kept_for_the_lockout(personas: Personas) -> None:
    Client().post("/accounts/login/", {"username": "gd-admin", "password": "wrong-password"})
    assert AccessAttempt.objects.get().username == "gd-admin"
