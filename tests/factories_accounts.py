"""Builders of the accounts tests: invitations with their secrets, claim codes, learners."""

from __future__ import annotations

import re

from django.core import mail

from onex.accounts.services import accounts as account_services
from onex.accounts.services.accounts import Invited
from onex.core.models import Role, Unit
from tests.personas import PASSWORD, Persona

LINK_RE = re.compile(r"/accounts/link/([A-Za-z0-9_\-]+)/")
NEW_PASSWORD = "a-long-and-unusual-passphrase"


def invite(
    admin: Persona,
    unit: Unit | None = None,
    username: str = "new-user",
    role: str = Role.STAFF,
    email: str = "new.user@example.cn",
) -> Invited:
    return account_services.user_invite(
        actor=admin.actor,
        unit=unit or admin.unit,
        username=username,
        display_name="新用户",
        email=email,
        role=role,
    )


def secret_of(url: str) -> str:
    match = LINK_RE.search(url)
    assert match, url
    return match.group(1)


def mailed_secret(index: int = -1) -> str:
    """The secret of the link in the last (or ``index``-th) mail sent."""
    return secret_of(mail.outbox[index].body)


__all__ = ["NEW_PASSWORD", "PASSWORD", "invite", "mailed_secret", "secret_of"]
