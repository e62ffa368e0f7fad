"""The supervision API at /api/v1/supervision/: the twin of every supervision page."""

from onex.supervision.api.routes import router

__all__ = ["router"]
