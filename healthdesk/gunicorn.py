"""gunicorn settings for healthdesk: `gunicorn -c python:healthdesk.gunicorn healthdesk.wsgi`.

Connect4 apps send their credentials as `api_key` and `api_secret` headers, and gunicorn drops header names
with underscores by default. "dangerous" passes them through (as HTTP_API_KEY, like Api-Key); the front proxy
must then overwrite X-Forwarded-* itself, since a client could otherwise send X_Forwarded_Proto.
"""

import os

bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")
workers = int(os.environ.get("GUNICORN_WORKERS", "2"))
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "60"))  # a 10 000-item sync batch takes seconds
header_map = "dangerous"
accesslog = "-"
