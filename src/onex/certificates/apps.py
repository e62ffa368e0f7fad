from django.apps import AppConfig


class CertificatesConfig(AppConfig):
    name = "onex.certificates"
    label = "certificates"
    default_auto_field = "django.db.models.BigAutoField"
