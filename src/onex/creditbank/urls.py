from django.urls import URLPattern, path

from onex.creditbank.views import pages as views

app_name = "creditbank"
urlpatterns: list[URLPattern] = [
    path("", views.mine, name="mine"),
    path("record/", views.record, name="record"),
    path("record/download/", views.record_download, name="record_download"),
    path("accounts/", views.accounts, name="accounts"),
    path("accounts/<int:pk>/", views.account_detail, name="account_detail"),
    path("plans/", views.plans, name="plans"),
    path("plans/new/", views.plan_new, name="plan_new"),
    path("plans/overdue/", views.overdue, name="overdue"),
    path("plans/<int:pk>/", views.plan_detail, name="plan_detail"),
    path("plans/<int:pk>/edit/", views.plan_edit, name="plan_edit"),
    path("rules/", views.rules, name="rules"),
    path("rules/<int:pk>/deactivate/", views.rule_deactivate, name="rule_deactivate"),
    path("requests/", views.requests, name="requests"),
    path("requests/<int:pk>/", views.request_detail, name="request_detail"),
    path("report/", views.report, name="report"),
]
