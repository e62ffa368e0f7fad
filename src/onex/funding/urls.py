from django.urls import URLPattern

from onex.funding.views import urlpatterns as funding_urlpatterns

app_name = "funding"
urlpatterns: list[URLPattern] = list(funding_urlpatterns)
