from django.urls import URLPattern, path

from onex.reporting import views

app_name = "reporting"
urlpatterns: list[URLPattern] = [
    path("", views.my_reports, name="my_reports"),
    path("file/", views.report_file_view, name="report_file"),
    path("reports/<int:pk>/", views.report_detail, name="report_detail"),
    path("compliance/", views.compliance_view, name="compliance"),
    path("gaps/", views.gaps_view, name="gaps"),
    path("watchlist/", views.watchlist, name="watchlist"),
    path("overview/", views.overview_view, name="overview"),
]
