"""Settings for benchmark servers: the product's settings plus the baselines' URLs and DRF.

The baselines share the server process, the worker count and the database with the product, so
a ratio between them measures only the code path.
"""

from onex.settings import *  # noqa: F403

INSTALLED_APPS = [*INSTALLED_APPS, "rest_framework"]  # noqa: F405
ROOT_URLCONF = "bench_urls"
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [],
    "DEFAULT_PERMISSION_CLASSES": [],
    "UNAUTHENTICATED_USER": None,
}
# Pages render {% static %} without a collectstatic run: the manifest's hashed names are a
# deployment step, not part of a request's cost.
STORAGES = {
    **STORAGES,  # noqa: F405
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
