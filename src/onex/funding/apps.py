from django.apps import AppConfig


class FundingConfig(AppConfig):
    name = "onex.funding"
    label = "funding"
    default_auto_field = "django.db.models.BigAutoField"
