from django.apps import AppConfig


class ReportingConfig(AppConfig):
    name = "onex.reporting"
    label = "reporting"
    default_auto_field = "django.db.models.BigAutoField"
