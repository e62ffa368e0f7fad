"""The longest text the platform accepts, one constant per kind of field.

Every ninja input schema and every form text field takes its maximum from here (or from the
model field it fills); a test walks the API schema and every form and fails on a text field
without one. The API answers a too-long value with a 422, a form with its field error
("确保该值不超过 … 个字符").
"""

# No `from __future__ import annotations`: ninja resolves the schema annotations at import time.

from typing import Annotated

from django.db import models
from pydantic import Field

CODE_MAX = 64  # codes and choices: certificate, level, status, division, school code, …
PHONE_MAX = 32
ID_NUMBER_MAX = 32  # identity document numbers (18 for a resident ID card)
EMAIL_MAX = 254  # RFC 5321
SEARCH_MAX = 100  # a search box or filter
PERSON_NAME_MAX = 64  # a person's name, as the models store it
NAME_MAX = 200  # names, titles, addresses, short labels
REASON_MAX = 2_000  # reasons, notes, answers, conclusions
DOCUMENT_MAX = 20_000  # plans, profiles, descriptions, notice bodies

CodeText = Annotated[str, Field(max_length=CODE_MAX)]
PhoneText = Annotated[str, Field(max_length=PHONE_MAX)]
IdNumberText = Annotated[str, Field(max_length=ID_NUMBER_MAX)]
EmailText = Annotated[str, Field(max_length=EMAIL_MAX)]
SearchText = Annotated[str, Field(max_length=SEARCH_MAX)]
PersonNameText = Annotated[str, Field(max_length=PERSON_NAME_MAX)]
NameText = Annotated[str, Field(max_length=NAME_MAX)]
ReasonText = Annotated[str, Field(max_length=REASON_MAX)]
DocumentText = Annotated[str, Field(max_length=DOCUMENT_MAX)]


def model_max_length(model: type[models.Model], field: str) -> int:
    """The length ``model.field`` stores: a schema field that fills it accepts no more (a longer
    value would fail on PostgreSQL). Use as ``Annotated[str, Field(max_length=…)]``."""
    column = model._meta.get_field(field)
    assert isinstance(column, models.Field) and column.max_length, f"{model.__name__}.{field}"
    return int(column.max_length)
