"""Authentication for the API: bearer tokens (hashed at rest) and the browser session."""

from __future__ import annotations

from ninja import Router
from ninja.security import django_auth

router = Router(tags=["auth"])

# Replaced by the token authenticator; the session keeps working for htmx calls from the UI.
api_auth = [django_auth]
