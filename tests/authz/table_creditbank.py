"""Authorization expectations for the creditbank app (see tests/authz/profiles.py)."""

from __future__ import annotations

PAGES: dict[str, str] = {
    "creditbank/": "business",
    "creditbank/accounts/": "business",
    "creditbank/record/": "business",
    "creditbank/record/download/": "business",
    "creditbank/accounts/<int:pk>/": "missing",
    "creditbank/plans/": "business",
    "creditbank/plans/<int:pk>/": "missing",
    "creditbank/plans/<int:pk>/edit/": "missing",
    "creditbank/plans/new/": "business",
    "creditbank/plans/overdue/": "business",
    "creditbank/report/": "business",
    "creditbank/requests/": "business",
    "creditbank/requests/<int:pk>/": "missing",
    "creditbank/rules/": "business",
    "creditbank/rules/<int:pk>/deactivate/": "post_only",
}

API: dict[str, str] = {
    "GET /api/v1/creditbank/account": "business",
    "GET /api/v1/creditbank/account/clr": "business",
    "GET /api/v1/creditbank/account/clr/identity-code": "business",
    "GET /api/v1/creditbank/accounts": "business",
    "GET /api/v1/creditbank/accounts/{account_id}": "missing",
    "GET /api/v1/creditbank/plans": "business",
    "GET /api/v1/creditbank/plans/overdue": "business",
    "GET /api/v1/creditbank/plans/{plan_id}": "missing",
    "GET /api/v1/creditbank/report": "business",
    "GET /api/v1/creditbank/requests": "business",
    "GET /api/v1/creditbank/requests/{request_id}": "missing",
    "GET /api/v1/creditbank/rules": "business",
    "POST /api/v1/creditbank/account/claim": "business",
    "POST /api/v1/creditbank/outcomes/courses": "business",
    "POST /api/v1/creditbank/plans": "business",
    "POST /api/v1/creditbank/plans/{plan_id}/{action}": "business",
    "POST /api/v1/creditbank/requests": "business",
    "POST /api/v1/creditbank/requests/{request_id}/{action}": "business",
    "POST /api/v1/creditbank/rules": "business",
    "POST /api/v1/creditbank/rules/{rule_id}/deactivate": "business",
    "PUT /api/v1/creditbank/plans/{plan_id}": "business",
}
