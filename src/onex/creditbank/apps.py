from django.apps import AppConfig


class CreditbankConfig(AppConfig):
    name = "onex.creditbank"
    label = "creditbank"
    default_auto_field = "django.db.models.BigAutoField"
