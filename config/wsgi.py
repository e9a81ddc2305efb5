import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
application = get_wsgi_application()

# WeasyPrint takes about a second to import. Importing it here means the web server
# pays it when it loads the application -- once, in gunicorn's master, with
# ``--preload`` -- and never in a request. (Management commands do not load this module.)
# Freezing what is loaded for the garbage collector is gunicorn's job: gunicorn.conf.py.
import weasyprint  # noqa: E402, F401
