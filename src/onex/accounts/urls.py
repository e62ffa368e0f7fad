from django.urls import URLPattern

from onex.accounts.views import accounts

app_name = "accounts"
urlpatterns: list[URLPattern] = accounts.urlpatterns
