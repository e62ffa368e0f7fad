"""The API's orjson renderer writes every value as ninja's json encoder did."""

from __future__ import annotations

import datetime as dt
import json
import uuid
from decimal import Decimal

import pytest
from django.db import models
from django.test import Client
from django.utils.translation import gettext_lazy
from ninja.responses import NinjaJSONEncoder

from onex.core.api.renderers import OrjsonRenderer


class Colour(models.TextChoices):
    RED = "red", "红"


def test_values_read_as_with_the_json_encoder() -> None:
    payload = {
        "at": dt.datetime(2026, 1, 2, 3, 4, 5, 123456, tzinfo=dt.UTC),
        "naive": dt.datetime(2026, 1, 2, 3, 4, 5),
        "on": dt.date(2026, 1, 2),
        "time": dt.time(8, 30, 0, 250000),
        "span": dt.timedelta(days=1, seconds=5),
        "amount": Decimal("400.50"),
        "whole": Decimal("300"),
        "id": uuid.UUID("12345678-1234-5678-1234-567812345678"),
        "label": gettext_lazy("初级"),
        "choice": Colour.RED,
        "by_year": {2025: 1, 2026: 2},
        "text": "物流管理",
        "none": None,
        "nested": [{"amount": Decimal("0.10")}],
    }
    ours = OrjsonRenderer().render(None, payload, response_status=200)  # type: ignore[arg-type]
    theirs = json.dumps(payload, cls=NinjaJSONEncoder)
    assert json.loads(ours) == json.loads(theirs)
    assert json.loads(ours)["at"] == "2026-01-02T03:04:05.123Z"
    assert json.loads(ours)["amount"] == "400.50"
    # Text as UTF-8, not \\u escapes.
    assert "物流管理".encode() in ours


@pytest.mark.django_db
def test_api_answers_are_utf8_json() -> None:
    response = Client().get("/api/v1/catalog/certificates")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/json")
    assert response.json()["items"] == []
