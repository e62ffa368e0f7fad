"""Domain errors. Services raise these; views show them at the field, the API as JSON.

Every error carries a stable machine code; rule violations also carry the policy rule ID
of the rule catalogue (``onex.core.rules``, data in ``core/data/rules.json``) so officials can
trace a refusal to its clause.
"""

from __future__ import annotations

from typing import Any

from django.utils.functional import Promise

from onex.core.rule_catalogue import rule_title


class DomainError(Exception):
    code = "domain_error"
    status = 400

    def __init__(
        self,
        message: str | Promise,
        *,
        code: str | None = None,
        field: str | None = None,
        details: dict[str, Any] | None = None,
        rule: str | None = None,
    ) -> None:
        super().__init__(str(message))
        self.message = message
        if code:
            self.code = code
        self.field = field
        self.details = details or {}
        self.rule = rule

    def as_dict(self) -> dict[str, Any]:
        return {
            "code": self.code,
            "rule": self.rule,
            "message": str(self.message),
            "details": {**self.details, **({"field": self.field} if self.field else {})},
        }


class RuleViolation(DomainError):
    """A policy rule refused the action.

    Example: ``RuleViolation("R26", "双师型教师比例 42% 低于 50%")``. The rule's catalogue
    title (``onex.core.rule_catalogue``) goes into ``details["rule_title"]``, so every refusal names
    the rule in words as well as by ID, on pages and in the API body alike.
    """

    code = "rule_violation"
    status = 422

    def __init__(
        self,
        rule_id: str,
        message: str | Promise,
        *,
        field: str | None = None,
        details: dict[str, Any] | None = None,
    ) -> None:
        title = rule_title(rule_id)
        details = {**(details or {}), **({"rule_title": title} if title else {})}
        super().__init__(message, field=field, details=details, rule=rule_id)
        self.rule_id = rule_id

    @property
    def rule_title(self) -> str | None:
        title = self.details.get("rule_title")
        return str(title) if title else None


class InvalidInput(DomainError):
    code = "invalid"
    status = 422


class NotFound(DomainError):
    """The object does not exist or lies outside the actor's jurisdiction (never say which)."""

    code = "not_found"
    status = 404


class Forbidden(DomainError):
    """The object is visible to the actor but the action is not allowed."""

    code = "forbidden"
    status = 403


class Conflict(DomainError):
    """The object's state does not allow the transition (stale or illegal state change)."""

    code = "conflict"
    status = 409
