from django.urls import URLPattern

app_name = "pilots"
urlpatterns: list[URLPattern] = []
