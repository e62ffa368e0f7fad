from django.urls import URLPattern

from onex.feedback.views import urlpatterns as feedback_urlpatterns

app_name = "feedback"
urlpatterns: list[URLPattern] = list(feedback_urlpatterns)
