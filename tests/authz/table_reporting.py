"""Authorization expectations for the reporting app (see tests/authz/profiles.py)."""

from __future__ import annotations

PAGES: dict[str, str] = {
    "reporting/": "business",
    "reporting/compliance/": "business",
    "reporting/file/": "moved",  # without a period a filer is sent to its reports
    "reporting/gaps/": "business",
    "reporting/overview/": "business",
    "reporting/reports/<int:pk>/": "missing",
    "reporting/watchlist/": "business",
}

API: dict[str, str] = {
    "GET /api/v1/reporting/alarms": "business",
    "GET /api/v1/reporting/compliance": "business",
    "GET /api/v1/reporting/gaps": "business",
    "GET /api/v1/reporting/overview": "business",
    "GET /api/v1/reporting/overview/cities": "business",
    "GET /api/v1/reporting/reports": "business",
    "GET /api/v1/reporting/reports/{report_id}": "missing",
    "POST /api/v1/reporting/reports": "business",
}
