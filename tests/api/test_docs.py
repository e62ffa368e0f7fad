"""The API docs page works offline: every file it loads is served by onex itself."""

from __future__ import annotations

import re

from django.test import Client


def test_api_docs_load_only_local_static_files_that_resolve(client: Client) -> None:
    response = client.get("/api/v1/docs")
    assert response.status_code == 200
    html = response.content.decode()
    urls = re.findall(r'(?:src|href)="([^"]+)"', html)
    assert urls, "the docs page references no script or stylesheet"
    for url in urls:
        assert url.startswith("/static/"), f"{url} is not served locally"
        asset = client.get(url)
        assert asset.status_code == 200, url
