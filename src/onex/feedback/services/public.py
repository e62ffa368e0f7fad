"""The public follow-up's rate limit: a fixed one-minute window per IP in the shared cache."""

from __future__ import annotations

import time

from django.conf import settings
from django.core.cache import cache

from onex.certificates.selectors.certificates import RateLimited


def follow_rate_check(*, ip: str | None) -> None:
    """Count one follow-up lookup for ``ip``; RateLimited (429) over the public limit."""
    limit = int(settings.ONEX_PUBLIC_RATE_PER_MINUTE)
    if limit <= 0:
        return
    now = time.time()
    key = f"onex:feedback:follow-rate:{ip or '-'}:{int(now // 60)}"
    cache.add(key, 0, timeout=90)
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, timeout=90)
        count = 1
    if count > limit:
        raise RateLimited(retry_after=max(1, 60 - int(now % 60)))
