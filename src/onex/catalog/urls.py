from django.urls import URLPattern, path

from onex.catalog.views import catalogue, filings, notices

app_name = "catalog"
urlpatterns: list[URLPattern] = [
    path("", catalogue.catalog_list, name="list"),
    path("certificates/<str:code>/", catalogue.certificate_detail, name="certificate_detail"),
    path(
        "certificates/<str:code>/standards/<int:pk>/pdf/",
        catalogue.standard_pdf,
        name="standard_pdf",
    ),
    path("orgs/", catalogue.org_list, name="org_list"),
    path("orgs/<int:pk>/", catalogue.org_detail, name="org_detail"),
    path("filings/", filings.filing_list, name="filing_list"),
    path("filings/new/", filings.filing_new, name="filing_new"),
    path("filings/<int:pk>/", filings.filing_detail, name="filing_detail"),
    path("filings/<int:pk>/edit/", filings.filing_edit, name="filing_edit"),
    path("filings/<int:pk>/submit/", filings.filing_submit, name="filing_submit"),
    path("filings/<int:pk>/accept/", filings.filing_accept, name="filing_accept"),
    path("filings/<int:pk>/return/", filings.filing_return, name="filing_return"),
    path("filings/<int:pk>/letter/", filings.filing_letter, name="filing_letter"),
    path("notices/", notices.notice_list, name="notice_list"),
    path("notices/new/", notices.notice_new, name="notice_new"),
    path("phrases/", notices.phrase_list, name="phrase_list"),
]
