"""Password validators whose messages exist in Chinese.

Django 5.2 changed the minimum-length message id to a ``%d`` form that its zh_Hans catalog does
not translate yet, so users were told "This password is too short" in English. The rule is
Django's; only the wording is ours, as a Chinese msgid like the rest of the UI.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth import password_validation
from django.core.exceptions import ValidationError
from django.utils.translation import ngettext

from onex.core.models import SecurityPolicy


class MinimumLengthValidator(password_validation.MinimumLengthValidator):
    """The configured minimum, raised (never lowered) by the security policy's."""

    def effective_min_length(self) -> int:
        # The validator instance is cached process-wide: compute, never store, the policy's.
        stored = SecurityPolicy.objects.filter(pk=SecurityPolicy.SINGLETON_PK).first()
        if stored is None:
            return int(self.min_length)
        return max(int(self.min_length), int(stored.password_min_length))

    def validate(self, password: str, user: Any = None) -> None:
        min_length = self.effective_min_length()
        if len(password) < min_length:
            raise ValidationError(
                self.message_for(min_length),
                code="password_too_short",
                params={"min_length": min_length},
            )

    @staticmethod
    def message_for(min_length: int) -> str:
        return ngettext(
            "密码太短，至少需要 %(min_length)d 个字符。",
            "密码太短，至少需要 %(min_length)d 个字符。",
            min_length,
        ) % {"min_length": min_length}

    def get_error_message(self) -> str:
        return self.message_for(int(self.min_length))

    def get_help_text(self) -> str:
        return ngettext(
            "密码至少需要 %(min_length)d 个字符。",
            "密码至少需要 %(min_length)d 个字符。",
            self.min_length,
        ) % {"min_length": self.min_length}
