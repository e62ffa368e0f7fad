"""The credit bank's API (/api/v1/creditbank)."""

from onex.creditbank.api.creditbank import router

__all__ = ["router"]
