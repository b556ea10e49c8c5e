import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "nhsit.settings")
# This process answers web requests: their queries are bounded by DATABASE_STATEMENT_TIMEOUT (nhsit/settings.py).
os.environ["NHSIT_SERVING_WEB_REQUESTS"] = "1"

application = get_wsgi_application()
