from django.urls import URLPattern, path

from onex.catalog import views

app_name = "catalog"
urlpatterns: list[URLPattern] = [
    path("", views.catalog_list, name="list"),
    path("certificates/<str:code>/", views.certificate_detail, name="certificate_detail"),
    path(
        "certificates/<str:code>/standards/<int:pk>/pdf/",
        views.standard_pdf,
        name="standard_pdf",
    ),
    path("orgs/", views.org_list, name="org_list"),
    path("orgs/<int:pk>/", views.org_detail, name="org_detail"),
    path("filings/", views.filing_list, name="filing_list"),
    path("filings/new/", views.filing_new, name="filing_new"),
    path("filings/<int:pk>/", views.filing_detail, name="filing_detail"),
    path("filings/<int:pk>/edit/", views.filing_edit, name="filing_edit"),
    path("filings/<int:pk>/submit/", views.filing_submit, name="filing_submit"),
    path("filings/<int:pk>/accept/", views.filing_accept, name="filing_accept"),
    path("filings/<int:pk>/return/", views.filing_return, name="filing_return"),
    path("filings/<int:pk>/letter/", views.filing_letter, name="filing_letter"),
    path("notices/", views.notice_list, name="notice_list"),
    path("notices/new/", views.notice_new, name="notice_new"),
    path("phrases/", views.phrase_list, name="phrase_list"),
]
