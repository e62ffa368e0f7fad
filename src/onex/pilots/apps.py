from django.apps import AppConfig


class PilotsConfig(AppConfig):
    name = "onex.pilots"
    label = "pilots"
    default_auto_field = "django.db.models.BigAutoField"
