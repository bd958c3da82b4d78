"""Production settings plus what the benchmark needs: a query-count header and the raw-SQL baseline URLs.

Everything else is healthdesk's production configuration (DEBUG off, manifest static files, persistent
connections). Only the cookies lose their Secure flag: the bench speaks plain HTTP on 127.0.0.1, where a
production deployment terminates TLS in front of gunicorn; the flag has no cost on the server side.
"""

from healthdesk.settings import *  # noqa: F403
from healthdesk.settings import MIDDLEWARE

ROOT_URLCONF = "bench.urls"
# First, so it counts every query of the request, the session and authentication middleware's included.
MIDDLEWARE = ["bench.middleware.QueryCountMiddleware", *MIDDLEWARE]
SESSION_COOKIE_SECURE = False
CSRF_COOKIE_SECURE = False
