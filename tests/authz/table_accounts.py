"""Authorization expectations for the accounts app (see tests/authz/profiles.py)."""

from __future__ import annotations

PAGES: dict[str, str] = {
    "accounts/claim-codes/": "business",
    "accounts/claim-codes/<int:pk>/revoke/": "post_only",
    "accounts/claim/": "public",
    "accounts/link/<str:secret>/": "public_missing",
    "accounts/links/<int:pk>/revoke/": "post_only",
    "accounts/password-reset/": "public",
    "accounts/register/": "public",
    "accounts/units/": "account_admin",
    "accounts/units/<int:pk>/": "missing",
    "accounts/units/<int:pk>/invite/": "missing",
    "accounts/units/new/": "account_admin",
    "accounts/users/": "account_admin",
    "accounts/users/<int:pk>/": "missing",
    "accounts/users/<int:pk>/<slug:action>/": "post_only",
}

API: dict[str, str] = {
    "GET /api/v1/accounts/claim-codes": "business",
    "GET /api/v1/accounts/claim-codes/{code_id}": "missing",
    "GET /api/v1/accounts/links": "account_admin",
    "GET /api/v1/accounts/links/{link_id}": "missing",
    "GET /api/v1/accounts/units": "account_admin",
    "GET /api/v1/accounts/units/creatable-kinds": "account_admin",
    "GET /api/v1/accounts/units/{unit_id}": "missing",
    "GET /api/v1/accounts/users": "account_admin",
    "GET /api/v1/accounts/users/{user_id}": "missing",
    "POST /api/v1/accounts/claim-codes": "business",
    "POST /api/v1/accounts/claim-codes/{code_id}/revoke": "business",
    "POST /api/v1/accounts/links/{link_id}/revoke": "account_admin",
    "POST /api/v1/accounts/public/learners/claim": "public",
    "POST /api/v1/accounts/public/learners/register": "public",
    "POST /api/v1/accounts/public/links/{secret}": "public",
    "POST /api/v1/accounts/public/password-reset": "public",
    "POST /api/v1/accounts/units": "account_admin",
    "POST /api/v1/accounts/units/{unit_id}/users": "account_admin",
    "POST /api/v1/accounts/users/{user_id}/disable": "account_admin",
    "POST /api/v1/accounts/users/{user_id}/enable": "account_admin",
    "POST /api/v1/accounts/users/{user_id}/reset": "account_admin",
    "POST /api/v1/accounts/users/{user_id}/role": "account_admin",
}
