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
