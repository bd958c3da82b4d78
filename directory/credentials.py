"""Secrets for API clients and access tokens: generated, digested, verified.

Secrets are 40+ random URL-safe characters, so a keyed SHA-256 (HMAC with a server pepper, as knox and GitHub do)
is enough: brute force is hopeless and a check costs microseconds. Django's password hashers (~0.6 s a check)
would make every partner request slow and hand attackers a cheap denial of service.
"""

import hashlib
import hmac
import secrets

from django.conf import settings

PREFIX_LENGTH = 8


def new_secret(nbytes=30):
    return secrets.token_urlsafe(nbytes)


def new_key():
    return secrets.token_hex(16)


def digest(secret):
    return hmac.new(settings.HEALTHDESK_SECRET_PEPPER.encode(), secret.encode(), hashlib.sha256).hexdigest()


def prefix(secret):
    return secret[:PREFIX_LENGTH]


def matches(secret, stored_digest):
    return hmac.compare_digest(digest(secret), stored_digest)


JOIN_TOKEN_LENGTH = 20
_BASE62 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"


def resident_join_token(resident_pk):
    """A resident's 20-character join token for a video consult: an HMAC of the id with the server pepper.

    Derived, never stored, so a database leak reveals no tokens; rotating the pepper rotates every token.
    """
    mac = hmac.new(
        settings.HEALTHDESK_SECRET_PEPPER.encode(), f"resident-join:{resident_pk}".encode(), hashlib.sha256
    ).digest()
    number = int.from_bytes(mac, "big")
    chars = []
    for _ in range(JOIN_TOKEN_LENGTH):
        number, index = divmod(number, len(_BASE62))
        chars.append(_BASE62[index])
    return "".join(chars)
