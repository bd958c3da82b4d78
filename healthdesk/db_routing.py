"""Reads from a PostgreSQL streaming replica when `DATABASE_REPLICA_URL` is set, writes always to the primary.

A request sees its own writes: an unsafe method (POST, PUT, PATCH, DELETE) or an open transaction pins its reads
to the primary. A safe request may still write (a partner read's audit row, a client's last-used time) without
being pinned: nothing it reads depends on those rows. A browser whose unsafe request wrote is pinned for a few
seconds more by a cookie, so the page it is redirected to shows the change (the admin's save-then-redirect).
State that guards security or is counted must never be stale, so its tables are read from the primary only.
"""

import contextvars

from django.conf import settings
from django.db import connections

PRIMARY = "default"
REPLICA = "replica"
PIN_COOKIE = "healthdesk_primary"
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})

# Rate-limit counters (database cache), the task queue, sessions, lockouts and second factors.
PRIMARY_ONLY_APPS = frozenset({"django_cache", "django_tasks_database", "sessions", "axes", "otp_totp"})

_pinned = contextvars.ContextVar("healthdesk_read_primary", default=False)
_wrote = contextvars.ContextVar("healthdesk_wrote", default=False)


class ReplicaRouter:
    """Sends reads to the replica unless this request must read the primary; migrations run on the primary."""

    def db_for_read(self, model, **hints):
        if _pinned.get() or model._meta.app_label in PRIMARY_ONLY_APPS or connections[PRIMARY].in_atomic_block:
            return PRIMARY
        return REPLICA

    def db_for_write(self, model, **hints):
        _wrote.set(True)
        return PRIMARY

    def allow_relation(self, obj1, obj2, **hints):
        return True  # the replica is the primary's copy: the same rows

    def allow_migrate(self, db, app_label, **hints):
        return db == PRIMARY


class ReadYourWritesMiddleware:
    """Decides per request whether reads may go to the replica, and pins a browser that wrote for a moment."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        unsafe = request.method not in SAFE_METHODS
        _pinned.set(unsafe or PIN_COOKIE in request.COOKIES)
        _wrote.set(False)
        response = self.get_response(request)
        if unsafe and _wrote.get():
            response.set_cookie(
                PIN_COOKIE,
                "1",
                max_age=settings.HEALTHDESK_REPLICA_PIN_SECONDS,
                secure=settings.SESSION_COOKIE_SECURE,
                httponly=True,
                samesite="Lax",
            )
        return response
