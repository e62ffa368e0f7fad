from django.urls import URLPattern, path

from onex.certificates.views import certificates as views
from onex.certificates.views import credentials as vc_views
from onex.certificates.views import verify

app_name = "certificates"
urlpatterns: list[URLPattern] = [
    path("", views.certificate_list, name="list"),
    path("compliance/", views.compliance, name="compliance"),
    path("issue/", views.issue, name="issue"),
    path("pdf-batch/", views.pdf_batch, name="pdf_batch"),
    path("jobs/<int:pk>/", views.job, name="job"),
    path("jobs/<int:pk>/result.zip", views.job_result, name="job_result"),
    path("<int:pk>/", views.certificate_detail, name="detail"),
    path("<int:pk>/pdf/", views.certificate_pdf, name="pdf"),
    path("<int:pk>/credential/", vc_views.credential_page, name="credential"),
    path(
        "<int:pk>/credential/download/",
        vc_views.credential_download,
        name="credential_download",
    ),
    path("<int:pk>/credential/share/", vc_views.share_create, name="share_create"),
    path(
        "<int:pk>/credential/share/<int:link_id>/revoke/",
        vc_views.share_revoke,
        name="share_revoke",
    ),
]

# Public pages, mounted at /verify/ under the "verify" namespace (no login).
verify_urlpatterns: list[URLPattern] = [
    path("", verify.verify_page, name="index"),
    path("t/<str:token>/", verify.verify_token, name="token"),
    path("s/<str:token>/", vc_views.shared_page, name="shared"),
]
