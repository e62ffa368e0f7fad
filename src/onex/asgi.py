import os

from django.core.asgi import get_asgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "onex.settings")
application = get_asgi_application()

# As in wsgi.py: validate the settings at start (errors refuse, warnings are logged).
from onex.core.checks import enforce_at_startup  # noqa: E402
from onex.core.runtime import prepare_to_serve  # noqa: E402

enforce_at_startup()
prepare_to_serve()
