"""Authorization expectations for the feedback app (see tests/authz/profiles.py)."""

from __future__ import annotations

PAGES: dict[str, str] = {
    "feedback/": "business",
    "feedback/<int:pk>/": "missing",
    "feedback/evaluations/": "business",
    "feedback/evaluations/new/": "business",
    "feedback/follow/": "public",
    "feedback/issues/": "business",
    "feedback/issues/<int:pk>/": "missing",
    "feedback/issues/<int:pk>/<slug:action>/": "post_only",
    "feedback/new/": "public",
    "feedback/reports/": "business",
    "feedback/reports/<int:pk>/": "missing",
    "feedback/reports/new/": "business",
    "feedback/reports/status/": "business",
}

API: dict[str, str] = {
    "GET /api/v1/feedback/evaluations": "business",
    "GET /api/v1/feedback/issues": "business",
    "GET /api/v1/feedback/issues/{pk}": "missing",
    "GET /api/v1/feedback/items": "business",
    "GET /api/v1/feedback/items/{pk}": "missing",
    "GET /api/v1/feedback/reports": "business",
    "GET /api/v1/feedback/reports/periods": "business",
    "GET /api/v1/feedback/reports/status": "business",
    "GET /api/v1/feedback/reports/{pk}": "missing",
    "POST /api/v1/feedback/evaluations": "business",
    "POST /api/v1/feedback/issues/{pk}/accept": "business",
    "POST /api/v1/feedback/issues/{pk}/report": "business",
    "POST /api/v1/feedback/issues/{pk}/return": "business",
    "POST /api/v1/feedback/items/{pk}/answer": "business",
    "POST /api/v1/feedback/reports": "business",
    "POST /api/v1/public/feedback": "public",
    "POST /api/v1/public/feedback/follow": "public",
}
