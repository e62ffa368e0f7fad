from django.apps import AppConfig
from django.utils.module_loading import autodiscover_modules
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "onex.core"
    label = "core"
    verbose_name = _("平台核心")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        # Huey only discovers modules named tasks.py; the audit purge lives beside the audit code.
        from onex.core import audit_tasks, checks, mfa, security  # noqa: F401
        from onex.core.logging import install_record_redaction

        install_record_redaction()
        # Every app (core included) contributes its menu entries, to-dos, dashboard cards,
        # demo steps and policy settings from its shell.py, the way the admin finds admin.py.
        autodiscover_modules("shell")
