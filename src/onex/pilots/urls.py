from django.urls import URLPattern, path

from onex.pilots import views

app_name = "pilots"
urlpatterns: list[URLPattern] = [
    path("schools/", views.school_list, name="school_list"),
    path("schools/new/", views.school_register, name="school_register"),
    path("schools/<int:pk>/", views.school_detail, name="school_detail"),
]
