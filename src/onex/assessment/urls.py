from django.urls import URLPattern

from onex.assessment.views import exams as exam_views
from onex.assessment.views import sites as site_views

app_name = "assessment"
urlpatterns: list[URLPattern] = []
urlpatterns += site_views.urlpatterns
urlpatterns += exam_views.urlpatterns
