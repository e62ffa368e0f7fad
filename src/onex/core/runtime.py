"""What an app process does once it has loaded and before it serves (``onex.wsgi``, ``onex.asgi``).

A full garbage collection walks every object the collector tracks. After start-up that is about
300,000 (modules, models, URL patterns, the API's schemas, translation catalogues) that live as
long as the process. Under load CPython runs a full collection every few thousand requests, and
each stalls every request queued on that worker for 150-250 ms (measured with granian on this
code: it was the p95/p99 tail of the list APIs, more often the more a page allocates).
``gc.freeze()`` moves what start-up loaded into a permanent generation the collector no longer
walks, so a full collection only walks what requests left behind: a few milliseconds.
"""

from __future__ import annotations

import gc

from django.urls import get_resolver


def prepare_to_serve() -> None:
    """Load what Django builds lazily on the first request, then freeze the loaded objects."""
    resolver = get_resolver()
    # Imports every URLconf (and with it the API, its routers and schemas) and builds the
    # reverse tables, so they are frozen with the rest instead of walked by every collection.
    resolver.reverse_dict  # noqa: B018 (the attribute's side effect is the point)
    gc.collect()
    gc.freeze()
