"""Authorization expectations for the funding app (see tests/authz/profiles.py)."""

from __future__ import annotations

PAGES: dict[str, str] = {
    "funding/": "business",
    "funding/<int:pk>/": "missing",
    "funding/<int:pk>/<slug:action>/": "post_only",
    "funding/expenditures/<int:pk>/evidence/": "missing",
    "funding/flow/": "business",
    "funding/new/": "business",
    "funding/settlements/": "business",
    "funding/settlements/<int:pk>/": "missing",
    "funding/settlements/<int:pk>/<slug:action>/": "post_only",
    "funding/settlements/new/<int:plan>/": "missing",
}

API: dict[str, str] = {
    "GET /api/v1/funding/allocations": "business",
    "GET /api/v1/funding/allocations/{pk}": "missing",
    "GET /api/v1/funding/allocations/{pk}/expenditures": "business",
    "GET /api/v1/funding/flow": "business",
    "GET /api/v1/funding/settlements/due": "business",
    "GET /api/v1/funding/settlements/{pk}": "missing",
    "POST /api/v1/funding/allocations": "business",
    "POST /api/v1/funding/allocations/{pk}/expenditures": "business",
    "POST /api/v1/funding/allocations/{pk}/mark_for_recovery": "business",
    "POST /api/v1/funding/allocations/{pk}/recover": "business",
    "POST /api/v1/funding/allocations/{pk}/restore": "business",
    "POST /api/v1/funding/settlements": "business",
    "POST /api/v1/funding/settlements/{pk}/confirm": "business",
    "POST /api/v1/funding/settlements/{pk}/dispute": "business",
    "POST /api/v1/funding/settlements/{pk}/resubmit": "business",
}
