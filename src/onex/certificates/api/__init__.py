"""The certificates app's routers, as onex/api.py mounts them."""

from onex.certificates.api.certificates import router
from onex.certificates.api.credentials import router as credentials_router
from onex.certificates.api.public import router as public_router

__all__ = ["credentials_router", "public_router", "router"]
