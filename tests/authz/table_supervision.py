"""Authorization expectations for the supervision app (see tests/authz/profiles.py)."""

from __future__ import annotations

PAGES: dict[str, str] = {
    "supervision/evaluation/": "business",
    "supervision/monitoring-coverage/": "business",
    "supervision/monitoring-points/": "business",
    "supervision/monitoring-points/<int:pk>/": "missing",
    "supervision/proceedings/": "business",
    "supervision/proceedings/<int:pk>/": "missing",
    "supervision/proceedings/new/org/": "business",
    "supervision/proceedings/new/school/": "business",
    "supervision/rectifications/": "business",
    "supervision/rectifications/<int:pk>/": "missing",
    "supervision/spot-check-items/<int:pk>/": "missing",
    "supervision/spot-checks/": "business",
    "supervision/spot-checks/<int:pk>/": "missing",
}

API: dict[str, str] = {
    "GET /api/v1/supervision/evaluations": "business",
    "GET /api/v1/supervision/monitoring-coverage": "business",
    "GET /api/v1/supervision/monitoring-points": "business",
    "GET /api/v1/supervision/monitoring-points/{pk}": "missing",
    "GET /api/v1/supervision/proceedings": "business",
    "GET /api/v1/supervision/proceedings/{pk}": "missing",
    "GET /api/v1/supervision/proceedings/{pk}/frozen-plans": "business",
    "GET /api/v1/supervision/rectifications": "business",
    "GET /api/v1/supervision/rectifications/{pk}": "missing",
    "GET /api/v1/supervision/spot-check-items/{pk}": "missing",
    "GET /api/v1/supervision/spot-checks": "business",
    "GET /api/v1/supervision/spot-checks/{pk}": "missing",
    "POST /api/v1/supervision/monitoring-points": "business",
    "POST /api/v1/supervision/monitoring-points/{pk}/withdraw": "business",
    "POST /api/v1/supervision/proceedings/orgs": "business",
    "POST /api/v1/supervision/proceedings/schools": "business",
    "POST /api/v1/supervision/proceedings/{pk}/answer": "business",
    "POST /api/v1/supervision/proceedings/{pk}/dismiss": "business",
    "POST /api/v1/supervision/proceedings/{pk}/disqualify": "business",
    "POST /api/v1/supervision/proceedings/{pk}/reinstate": "business",
    "POST /api/v1/supervision/rectifications/{pk}/accept": "business",
    "POST /api/v1/supervision/rectifications/{pk}/return": "business",
    "POST /api/v1/supervision/rectifications/{pk}/submit": "business",
    "POST /api/v1/supervision/spot-check-items/{pk}/finding": "business",
    "POST /api/v1/supervision/spot-check-items/{pk}/rectifications": "business",
    "POST /api/v1/supervision/spot-checks": "business",
    "POST /api/v1/supervision/spot-checks/{pk}/close": "business",
}
