"""Masking of secrets and tokens before text reaches a log line or an audit row (#16.2).

Credentials travel in three visible places: Connect4's access token in the path (`/api/<token>/…`), query
parameters such as Webcamconsult's `authentication_token`, and the HTTP Basic user name (Cliniko's secret).
The access log never prints the Basic user (it names the client by its key prefix); paths and queries pass here.
"""

import logging
import re

MASK = "[redacted]"

# Query or payload names whose value is a credential: authentication_token, token, api_secret, password, ….
SECRET_NAME = re.compile(r"token|secret|password|passwd|pwd|credential|authoriz|api_?key|signature", re.I)
# Connect4: every path under /api/ except authorize and the support API's v1 carries the access token first.
_CONNECT4_PATH = re.compile(r"(/api/)(?!authorize\b|v1\b)([^/?\s\"]+)")
_QUERY_PAIR = re.compile(r"(?P<name>[^&=?\s\"]+)=(?P<value>[^&\s\"]*)")

# The key prefix that names an authenticated API client in the access log, set on the WSGI environ by the
# partner view (gunicorn's access log reads the same environ dict after the response).
CLIENT_ENVIRON_KEY = "healthdesk.api_client"
KEY_PREFIX_LENGTH = 8


def mask_query(query):
    def one(match):
        if SECRET_NAME.search(match["name"]):
            return f"{match['name']}={MASK}"
        return match.group(0)

    return _QUERY_PAIR.sub(one, query)


def mask_path(path):
    return _CONNECT4_PATH.sub(lambda m: f"{m[1]}{MASK}", path)


def mask_target(text):
    """A path, a path?query or a whole request line ("GET /api/<token>/x?token=… HTTP/1.1"), masked."""
    path, sep, query = text.partition("?")
    return mask_path(path) + (sep + mask_query(query) if sep else "")


# What the services themselves write for a credential that changed: a fact to keep, not a secret to hide.
CREDENTIAL_EVENTS = frozenset({"changed", "rotated", "set", "removed"})


def _masked(value):
    return value if isinstance(value, str) and value in CREDENTIAL_EVENTS else MASK


def scrub(value):
    """A JSON-like value with every credential-named entry's value replaced (for audit payloads); the words the
    services record for a credential ("password": "changed", "secret": "rotated") stay readable."""
    if isinstance(value, dict):
        return {
            k: (_masked(v) if isinstance(k, str) and SECRET_NAME.search(k) else scrub(v)) for k, v in value.items()
        }
    if isinstance(value, list | tuple):
        return [scrub(v) for v in value]
    return value


class RedactFilter(logging.Filter):
    """Masks paths and queries in any record (Django's "Not Found: /api/<token>/…", runserver's request lines)."""

    def filter(self, record):
        message = record.getMessage()
        masked = mask_target_anywhere(message)
        if masked != message:
            record.msg, record.args = masked, ()
        return True


_URLISH = re.compile(r"/[^\s\"']*")


def mask_target_anywhere(text):
    return _URLISH.sub(lambda m: mask_target(m.group(0)), text)
