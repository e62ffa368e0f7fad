from django.urls import URLPattern, path

from onex.pilots import application_views, views

app_name = "pilots"
urlpatterns: list[URLPattern] = [
    path("schools/", views.school_list, name="school_list"),
    path("schools/new/", views.school_register, name="school_register"),
    path("schools/<int:pk>/", views.school_detail, name="school_detail"),
    path("schools/<int:pk>/specialties/", views.specialty_edit, name="specialty_edit"),
    path("schools/<int:pk>/working-body/", views.working_body_file, name="working_body_file"),
    path("schools/<int:pk>/remind/", views.working_body_remind, name="working_body_remind"),
    path("working-bodies/", views.working_body_list, name="working_body_list"),
    path("coordination/", views.coordination, name="coordination"),
]

# Pilot applications, public list, summary table and distribution (application_views).
urlpatterns += application_views.urlpatterns
