"""The accounts API: ``router`` (units, users, links, claim codes; signed in) and
``public_router`` (accept an invitation, reset a password, claim or open a learner account)."""

from onex.accounts.api.accounts import public_router, router

__all__ = ["public_router", "router"]
