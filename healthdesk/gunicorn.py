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

# Request lines up to 16 KiB (the nginx site allows `large_client_header_buffers 4 16k`): long Cliniko q[]
# filters are normal. gunicorn itself caps its limit at 8190 and answers beyond it in its own HTML, so it is
# unlimited here and healthdesk.middleware.RequestLineLimit answers a longer line 414 in the partner's shape.
MAX_REQUEST_LINE_BYTES = 16 * 1024
limit_request_line = 0
os.environ.setdefault("HEALTHDESK_MAX_REQUEST_LINE_BYTES", str(MAX_REQUEST_LINE_BYTES))

# The access log names the API client by its key prefix, never the Basic user (Cliniko's secret), and masks
# tokens in paths and queries (healthdesk.redact).
logger_class = "healthdesk.gunicorn_logging.RedactingLogger"
access_log_format = '%(h)s client=%(u)s %(t)s "%(r)s" %(s)s %(b)s "%(f)s" "%(a)s" %(M)sms'
