from django.contrib import admin
from django.urls import URLPattern, URLResolver, include, path

from onex.api import api
from onex.certificates.urls import verify_urlpatterns
from onex.certificates.views import credentials as vc_views
from onex.core.views.not_found import debug_catch_all

urlpatterns: list[URLPattern | URLResolver] = [
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
    path("api/v1/", api.urls),
    path(".well-known/did.json", vc_views.did_json, name="did_json"),
    path("", include("onex.core.urls")),
    path("pilots/", include("onex.pilots.urls")),
    path("assessment/", include("onex.assessment.urls")),
    path("certificates/", include("onex.certificates.urls")),
    path("creditbank/", include("onex.creditbank.urls")),
    path("reporting/", include("onex.reporting.urls")),
    path("verify/", include((verify_urlpatterns, "verify"))),
    path("catalog/", include("onex.catalog.urls")),
    path("accounts/", include("onex.accounts.urls")),
    path("training/", include("onex.training.urls")),
    path("funding/", include("onex.funding.urls")),
    path("feedback/", include("onex.feedback.urls")),
    path("supervision/", include("onex.supervision.urls")),
]
# Stored files (MEDIA_ROOT) are deliberately not served here, not even with DEBUG: each is
# downloaded through its owner's view, which checks the actor's scope (docs/adr/0004).

# Last, so every other pattern wins: under DEBUG, unmatched paths get the product's 404 page.
urlpatterns += debug_catch_all()
