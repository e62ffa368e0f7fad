from django.apps import AppConfig


class GeoConfig(AppConfig):
    name = "onex.geo"
    label = "geo"
    default_auto_field = "django.db.models.BigAutoField"
