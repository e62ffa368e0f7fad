import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "onex.settings")
application = get_wsgi_application()

# Production servers do not run manage.py check: validate the settings here (errors refuse to
# start, warnings such as demo accounts in the database are logged loudly).
from onex.core.checks import enforce_at_startup  # noqa: E402
from onex.core.runtime import prepare_to_serve  # noqa: E402

enforce_at_startup()
prepare_to_serve()
