"""Authorization expectations for the certificates app (see tests/authz/profiles.py)."""

from __future__ import annotations

PAGES: dict[str, str] = {
    ".well-known/did.json": "public",
    "certificates/": "business",
    "certificates/<int:pk>/": "missing",
    "certificates/<int:pk>/credential/": "missing",
    "certificates/<int:pk>/credential/download/": "missing",
    "certificates/<int:pk>/credential/share/": "post_only",
    "certificates/<int:pk>/credential/share/<int:link_id>/revoke/": "post_only",
    "certificates/<int:pk>/pdf/": "missing",
    "certificates/compliance/": "business",
    "certificates/issue/": "business",
    "certificates/jobs/<int:pk>/": "missing",
    "certificates/jobs/<int:pk>/result.zip": "missing",
    "certificates/pdf-batch/": "post_only",
    "verify/": "public",
    "verify/s/<str:token>/": "missing",
    "verify/t/<str:token>/": "missing",
}

API: dict[str, str] = {
    "GET /api/v1/certificates": "business",
    "GET /api/v1/certificates/compliance": "business",
    "GET /api/v1/certificates/credentials/{number}": "missing",
    "GET /api/v1/certificates/export.xlsx": "business",
    "GET /api/v1/certificates/jobs/{job_id}": "missing",
    "GET /api/v1/certificates/{certificate_id}": "missing",
    "GET /api/v1/certificates/{certificate_id}/identity-code": "missing",
    "GET /api/v1/certificates/{certificate_id}/pdf": "missing",
    "GET /api/v1/certificates/{certificate_id}/share-links": "missing",
    "GET /api/v1/public/certificates/verify": "public",
    "GET /api/v1/public/contexts/{name}": "public_missing",
    "GET /api/v1/public/credentials/shared/{token}": "public_missing",
    "GET /api/v1/public/status/{list_id}": "public_missing",
    "POST /api/v1/certificates/enter": "business",
    "POST /api/v1/certificates/issue": "business",
    "POST /api/v1/certificates/issue-jobs": "business",
    "POST /api/v1/certificates/pdf-jobs": "business",
    "POST /api/v1/certificates/{certificate_id}/reinstate": "business",
    "POST /api/v1/certificates/{certificate_id}/revoke": "business",
    "POST /api/v1/certificates/{certificate_id}/share-links": "business",
    "POST /api/v1/certificates/{certificate_id}/share-links/{link_id}/revoke": "business",
    "POST /api/v1/certificates/{certificate_id}/suspend": "business",
    "POST /api/v1/public/certificates/query": "public",
}
