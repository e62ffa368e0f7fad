from django.urls import URLPattern

app_name = "assessment"
urlpatterns: list[URLPattern] = []
