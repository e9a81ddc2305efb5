import gc
import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
application = get_wsgi_application()

# WeasyPrint takes about a second to import. Importing it here means the web server
# pays it when it loads the application -- once, in gunicorn's master, with
# ``--preload`` -- and never in a request. (Management commands do not load this module.)
import weasyprint  # noqa: E402, F401

# Everything loaded so far (Django, the apps, WeasyPrint: over 100,000 objects) lives as long
# as the process. Frozen, it is left out of the garbage collector's work: a full collection
# during a request went through all of it (60-80 ms, benchmarks/README.md). With
# ``--preload`` this runs once, in gunicorn's master, before the workers are forked, and the
# collector in a worker no longer writes to the memory pages it shares with the master.
gc.freeze()
