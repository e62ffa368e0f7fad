from django.apps import AppConfig


class SupervisionConfig(AppConfig):
    name = "onex.supervision"
    label = "supervision"
    default_auto_field = "django.db.models.BigAutoField"
