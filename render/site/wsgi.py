"""Turn the configured settings into the WSGI application waitress (or any WSGI server) serves."""

from django.core.wsgi import get_wsgi_application

application = get_wsgi_application()
