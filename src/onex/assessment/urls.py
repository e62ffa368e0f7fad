from django.urls import URLPattern

from onex.assessment import site_views

app_name = "assessment"
urlpatterns: list[URLPattern] = []
urlpatterns += site_views.urlpatterns
