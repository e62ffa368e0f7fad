from django.urls import URLPattern, path

from onex.pilots.views import applications, schools

app_name = "pilots"
urlpatterns: list[URLPattern] = [
    path("schools/", schools.school_list, name="school_list"),
    path("schools/new/", schools.school_register, name="school_register"),
    path("schools/<int:pk>/", schools.school_detail, name="school_detail"),
    path("schools/<int:pk>/specialties/", schools.specialty_edit, name="specialty_edit"),
    path("schools/<int:pk>/working-body/", schools.working_body_file, name="working_body_file"),
    path("schools/<int:pk>/remind/", schools.working_body_remind, name="working_body_remind"),
    path("working-bodies/", schools.working_body_list, name="working_body_list"),
    path("coordination/", schools.coordination, name="coordination"),
]

# Pilot applications, public list, summary table and distribution.
urlpatterns += applications.urlpatterns
