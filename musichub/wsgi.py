"""WSGI entry point: `gunicorn musichub.wsgi`."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "musichub.settings")

application = get_wsgi_application()
