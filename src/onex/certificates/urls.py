from django.urls import URLPattern, path

from onex.certificates import views

app_name = "certificates"
urlpatterns: list[URLPattern] = [
    path("", views.certificate_list, name="list"),
    path("compliance/", views.compliance, name="compliance"),
    path("issue/", views.issue, name="issue"),
    path("pdf-batch/", views.pdf_batch, name="pdf_batch"),
    path("jobs/<int:pk>/", views.job, name="job"),
    path("<int:pk>/", views.certificate_detail, name="detail"),
    path("<int:pk>/pdf/", views.certificate_pdf, name="pdf"),
]

# Public pages, mounted at /verify/ under the "verify" namespace (no login).
verify_urlpatterns: list[URLPattern] = [
    path("", views.verify_page, name="index"),
    path("t/<str:token>/", views.verify_token, name="token"),
]
