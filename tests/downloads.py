"""Checks shared by the stored-file download tests (docs/adr/0004-stored-files.md)."""

from __future__ import annotations

from django.test import Client

from tests.personas import Persona


def client_of(persona: Persona) -> Client:
    client = Client()
    client.force_login(persona.user)
    return client


def assert_private_download(
    url: str, *, allowed: list[Persona], refused: list[Persona], content: bytes | None = None
) -> None:
    """Allowed actors get the file as a non-cached attachment; anyone else a 404."""
    for persona in allowed:
        response = client_of(persona).get(url)
        assert response.status_code == 200, persona.user.username
        assert response["Content-Disposition"].startswith("attachment;")
        assert response["Cache-Control"] == "no-store"
        if content is not None:
            assert b"".join(response.streaming_content) == content  # type: ignore[attr-defined]
    for persona in refused:
        assert client_of(persona).get(url).status_code == 404, persona.user.username
    assert Client().get(url).status_code == 404  # anonymous: no login redirect either
