"""Authorization expectations for the catalog app (see tests/authz/profiles.py)."""

from __future__ import annotations

PAGES: dict[str, str] = {
    "catalog/": "public",
    "catalog/certificates/<str:code>/": "missing",
    "catalog/certificates/<str:code>/standards/<int:pk>/pdf/": "missing",
    "catalog/filings/": "business",
    "catalog/filings/<int:pk>/": "missing",
    "catalog/filings/<int:pk>/accept/": "post_only",
    "catalog/filings/<int:pk>/edit/": "missing",
    "catalog/filings/<int:pk>/letter/": "missing",
    "catalog/filings/<int:pk>/return/": "post_only",
    "catalog/filings/<int:pk>/submit/": "post_only",
    "catalog/filings/new/": "missing",
    "catalog/notices/": "public",
    "catalog/notices/new/": "missing",
    "catalog/orgs/": "public",
    "catalog/orgs/<int:pk>/": "missing",
    "catalog/phrases/": "business",
}

API: dict[str, str] = {
    "GET /api/v1/catalog/certificates": "public",
    "GET /api/v1/catalog/certificates/{code}": "missing",
    "GET /api/v1/catalog/filings": "business",
    "GET /api/v1/catalog/filings/{filing_id}": "missing",
    "GET /api/v1/catalog/orgs": "public",
    "GET /api/v1/catalog/orgs/{org_id}": "missing",
    "GET /api/v1/catalog/orgs/{org_id}/notices": "missing",
    "GET /api/v1/catalog/phrases": "signed_in",
    "POST /api/v1/catalog/filings/{filing_id}/accept": "business",
    "POST /api/v1/catalog/filings/{filing_id}/letter": "business",
    "POST /api/v1/catalog/filings/{filing_id}/return": "business",
    "POST /api/v1/catalog/filings/{filing_id}/submit": "business",
    "POST /api/v1/catalog/orgs/{org_id}/filings": "business",
    "POST /api/v1/catalog/orgs/{org_id}/notices": "business",
    "POST /api/v1/catalog/phrases": "business",
    "POST /api/v1/catalog/phrases/{phrase_id}/active": "business",
}
