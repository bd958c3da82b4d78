"""What every partner API shares: the base view, authentication by API client, and error classification.

A request's path: the partner's authentication finds the `ApiClient` and its organisation → the view validates
input and makes one domain call with `organisation=` and `actor=` → an output serializer → the partner's
renderer. Any exception is classified once, here, into a `Problem`; each partner renders problems in its own
error shape. The root `handler404`/`handler500` go through the same path, so an unknown URL under a partner's
prefix answers in that partner's shape too.
"""

import dataclasses
import hashlib
import logging
import math
import re
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import caches
from django.core.exceptions import (
    BadRequest,
    RequestDataTooBig,
    SuspiciousOperation,
    TooManyFieldsSent,
)
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import DatabaseError, DataError, IntegrityError, InterfaceError, OperationalError, ProgrammingError
from django.http import Http404, JsonResponse
from redis.exceptions import RedisError
from rest_framework import exceptions as drf
from rest_framework.authentication import BaseAuthentication
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.throttling import SimpleRateThrottle
from rest_framework.views import APIView

from directory import audit, credentials
from directory import services as directory_services
from directory.actors import Actor
from healthdesk import exceptions as domain
from healthdesk import redact

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Problem:
    """A classified failure: HTTP status, a machine kind, a human message, and the input field at fault."""

    status: int
    kind: str
    message: str
    field: str | None = None
    headers: dict = dataclasses.field(default_factory=dict)


class RequestLineTooLong(Exception):
    """A request line past HEALTHDESK_MAX_REQUEST_LINE_BYTES (gunicorn's own limit is off, see gunicorn.py)."""


class PayloadTooLarge(drf.APIException):
    status_code = 413
    default_detail = "Request body too large."
    default_code = "too_large"


def _first_error(detail, path=()):
    """The first (field, message) of a DRF ValidationError detail, with nested fields dotted."""
    if isinstance(detail, dict):
        for key, value in detail.items():
            name = None if key == "non_field_errors" else key
            found_field, message = _first_error(value, (*path, name) if name else path)
            return found_field, message
    if isinstance(detail, list) and detail:
        if all(not isinstance(item, (dict, list)) for item in detail):
            return ".".join(str(p) for p in path) or None, str(detail[0])
        for index, item in enumerate(detail):
            if item:
                return _first_error(item, (*path, str(index)) if path else path)
    return ".".join(str(p) for p in path) or None, str(detail)


# PostgreSQL's undefined_table and undefined_column: the schema is behind the code (not migrated yet, or an
# upgrade between checkout and migrate). SQLite says the same as an OperationalError.
_SCHEMA_BEHIND_SQLSTATES = {"42P01", "42703"}


def _schema_behind(exc):
    return isinstance(exc, ProgrammingError) and getattr(exc.__cause__, "sqlstate", None) in _SCHEMA_BEHIND_SQLSTATES


def classify(exc, request=None):
    """Turn any exception into a Problem; the one place where failures get their status.

    A 503 logs its cause here, in one line: Django's own log line says only "Service Unavailable: <path>".
    """
    if isinstance(exc, domain.Gone):
        return Problem(410, "gone", exc.message, exc.field)
    if isinstance(exc, domain.NotFound):
        return Problem(404, "not_found", exc.message, exc.field)
    if isinstance(exc, domain.Invalid):
        return Problem(400, "invalid", exc.message, exc.field)
    if isinstance(exc, domain.Conflict):
        return Problem(409, "conflict", exc.message, exc.field)
    if isinstance(exc, domain.PermissionDenied):
        return Problem(403, "forbidden", exc.message, exc.field)
    if isinstance(exc, drf.ValidationError):
        name, message = _first_error(exc.detail)
        return Problem(400, "invalid", f"{name}: {message}" if name else message, name)
    if isinstance(exc, DjangoValidationError):
        # A model's full_clean() inside a service: the first field it names, or none.
        if hasattr(exc, "error_dict"):
            name, messages = next(iter(exc.message_dict.items()))
            name = None if name == "__all__" else name
            return Problem(400, "invalid", f"{name}: {messages[0]}" if name else messages[0], name)
        return Problem(400, "invalid", exc.messages[0])
    if isinstance(exc, drf.ParseError):
        return Problem(400, "malformed", f"Malformed request body: {exc.detail}")
    if isinstance(exc, (drf.NotAuthenticated, drf.AuthenticationFailed)):
        auth_header = getattr(exc, "auth_header", None)
        headers = {"WWW-Authenticate": auth_header} if auth_header else {}
        return Problem(exc.status_code, "unauthenticated", str(exc.detail), headers=headers)
    if isinstance(exc, drf.Throttled):
        wait = int(exc.wait or 1)
        return Problem(429, "throttled", "Too many requests.", headers={"Retry-After": str(wait)})
    if isinstance(exc, (drf.NotFound, Http404)):
        return Problem(404, "not_found", "Not found.")
    if isinstance(exc, drf.MethodNotAllowed):
        return Problem(405, "method_not_allowed", str(exc.detail))
    if isinstance(exc, drf.UnsupportedMediaType):
        return Problem(415, "unsupported_media_type", str(exc.detail))
    if isinstance(exc, drf.NotAcceptable):
        return Problem(406, "not_acceptable", str(exc.detail))
    if isinstance(exc, (PayloadTooLarge, RequestDataTooBig)):
        return Problem(413, "too_large", "Request body too large.")
    if isinstance(exc, RequestLineTooLong):
        return Problem(414, "too_long", "Request line too long.")
    if isinstance(exc, (drf.PermissionDenied, DjangoPermissionDenied)):
        return Problem(403, "forbidden", "Not allowed.")
    if isinstance(exc, (TooManyFieldsSent, BadRequest, SuspiciousOperation)):
        return Problem(400, "malformed", "Malformed request.")
    if isinstance(exc, drf.APIException):
        return Problem(exc.status_code, "error", str(exc.detail))
    if isinstance(exc, DataError):
        # A value the database cannot store (a NUL byte in text on PostgreSQL, a number out of range): bad input.
        return Problem(400, "invalid", "A value cannot be stored: it contains characters or a size not accepted.")
    if isinstance(exc, IntegrityError):
        # A constraint caught what validation did not (usually a concurrent duplicate): a conflict, never a 500.
        return Problem(409, "conflict", "The request conflicts with existing data.")
    if isinstance(exc, (OperationalError, InterfaceError)) or type(exc) is DatabaseError or _schema_behind(exc):
        # The database went away (restart, failover), or the schema is behind the code: partners retry on 503.
        retry = str(settings.HEALTHDESK_DB_RETRY_AFTER_SECONDS)
        cause = " ".join(str(exc).split())  # PostgreSQL's messages span lines (LINE 1: …, HINT: …)
        path = getattr(request, "path", "-")
        logger.error("Service unavailable (503) on %s: %s: %s", path, type(exc).__name__, cause)
        return Problem(503, "unavailable", "Service temporarily unavailable.", headers={"Retry-After": retry})
    if isinstance(exc, RedisError):
        # The shared cache (rate limits) is down: every worker would fail the same way, so partners retry on 503.
        logger.error("shared cache unreachable, answering 503: %s: %s", type(exc).__name__, exc)
        retry = str(settings.HEALTHDESK_DB_RETRY_AFTER_SECONDS)
        return Problem(503, "unavailable", "Service temporarily unavailable.", headers={"Retry-After": retry})
    logger.error("Unhandled error in partner API", exc_info=exc)
    return Problem(500, "server_error", "Internal server error.")


class Partner:
    """One partner API's wire conventions that the shared plumbing needs: its name, the paths it owns, and
    its error shape. Each partner package subclasses this once and registers the instance."""

    name = ""
    path_pattern = r"^$"
    # The OpenAPI component of this partner's error body, attached to every operation for the shared
    # plumbing's statuses (healthdesk.partners.openapi).
    error_component = ""

    def __init__(self):
        self.path_regex = re.compile(self.path_pattern)

    def problem_body(self, problem, request=None):
        return {"detail": problem.message}

    def problem_status(self, problem):
        return problem.status

    def problem_response(self, problem, request=None):
        return Response(
            self.problem_body(problem, request), status=self.problem_status(problem), headers=problem.headers
        )

    def problem_json_response(self, problem, request=None):
        """The same problem outside DRF (root 404/500 handlers)."""
        response = JsonResponse(self.problem_body(problem, request), status=self.problem_status(problem))
        for name, value in problem.headers.items():
            response[name] = value
        return response


_registry: list[Partner] = []


def register(partner):
    if all(existing.name != partner.name for existing in _registry):
        _registry.append(partner)
    return partner


def registered_partners():
    return tuple(_registry)


def partner_for_path(path):
    for partner in _registry:
        if partner.path_regex.search(path):
            return partner
    return None


def exception_handler(exc, context):
    """DRF exception handler: classify, then render in the shape of the view's partner."""
    view = context.get("view")
    request = context.get("request")
    problem = classify(exc, request)
    partner = getattr(view, "partner", None) or (partner_for_path(request.path) if request else None)
    if partner is None:
        return Response({"detail": problem.message}, status=problem.status, headers=problem.headers)
    return partner.problem_response(problem, request)


@dataclass(frozen=True)
class ApiPrincipal:
    """An authenticated partner request: which client, for which organisation."""

    client: object
    organisation: object
    is_authenticated: bool = True

    @property
    def pk(self):
        return self.client.pk


def name_client_in_access_log(request, client):
    """The access log (healthdesk.gunicorn_logging) names the client by its key prefix, never its secret."""
    request.META[redact.CLIENT_ENVIRON_KEY] = client.key[: redact.KEY_PREFIX_LENGTH]


class ApiClientAuthentication(BaseAuthentication):
    """Authenticates by an API client's secret (the single token of Webcamconsult, support and Cliniko).

    Subclasses say where the secret is (`get_secret`) and what `WWW-Authenticate` says, so 401 stays 401.
    """

    www_authenticate = "Token"
    missing_message = "Authentication credentials were not provided."
    invalid_message = "Invalid token."

    def get_secret(self, request):
        raise drf.NotAuthenticated(self.missing_message)

    def presented_key(self, request):
        # Only the lookup prefix: the secret itself never becomes a cache key.
        return credentials.prefix(self.get_secret(request) or "")

    def authenticate(self, request):
        secret = self.get_secret(request)
        if not secret:
            raise drf.NotAuthenticated(self.missing_message)
        client = directory_services.api_client_authenticate(secret=secret)
        if client is None:
            raise drf.AuthenticationFailed(self.invalid_message)
        principal = ApiPrincipal(client=client, organisation=client.organisation)
        return principal, principal

    def authenticate_header(self, request):
        return self.www_authenticate


def count_in_window(cache, key, timeout):
    """Add one to `key` in the shared cache and return the new count; the key expires `timeout` seconds on.

    On Redis, INCR and EXPIRE go in one pipeline: one round trip, and no moment when the key exists without an
    expiry. (Django's `RedisCache.incr` is EXISTS then INCRBY; a key expiring between the two was recreated
    without expiry and locked its client out for good, #21.) On the database cache, incr is a read and a write,
    not atomic: concurrent workers may under-count a little. The key carries its window number,
    so a key that somehow outlives its window is never read again.
    """
    redis_client = getattr(getattr(cache, "_cache", None), "get_client", None)
    if redis_client is not None:
        cache_key = cache.make_and_validate_key(key)
        pipe = redis_client(cache_key, write=True).pipeline(transaction=False)
        pipe.incr(cache_key)
        pipe.expire(cache_key, timeout)
        count, _ = pipe.execute()
        return count
    # Raise first, open only when missing: the window's later requests (nearly all of them) cost one read and one
    # write; the database cache's add() is itself a count, a read and a write.
    try:
        return cache.incr(key)
    except ValueError:  # the window's first request opens its counter; a concurrent opener makes it incr
        if cache.add(key, 1, timeout=timeout):
            return 1
        return cache.incr(key)


class SharedWindowThrottle(SimpleRateThrottle):
    """`rate` requests per client in fixed windows (a minute for `…/min`), counted in the shared cache (Redis, or
    the database) so that every worker process counts together: a per-process count lets workers × the limit
    through.

    One counter per client and window (the window's number is in the key), raised by `count_in_window`,
    instead of DRF's list of timestamps: that list is read and rewritten whole on every request (up to `rate`
    entries), and two workers rewriting it at once lose one of the two requests. The counter expires when its
    window ends.
    """

    # Not DRF's key: during a rolling deploy, workers still running DRF's throttle keep their lists apart.
    cache_format = "throttle_%(scope)s_%(ident)s_window"

    @property
    def cache(self):
        return caches["shared"]

    def allow_request(self, request, view):
        if self.rate is None:
            return True
        self.key = self.get_cache_key(request, view)
        if self.key is None:
            return True
        now = self.timer()
        window = int(now // self.duration)
        window_end = (window + 1) * self.duration
        self.wait_seconds = window_end - now
        timeout = max(1, math.ceil(window_end - now))
        count = count_in_window(self.cache, f"{self.key}_{window}", timeout)
        return count <= self.num_requests

    def wait(self):
        return self.wait_seconds


class ApiClientRateThrottle(SharedWindowThrottle):
    """Requests per API client across every partner API (HEALTHDESK_API_RATE)."""

    scope = "api_client"

    def get_rate(self):
        return settings.HEALTHDESK_API_RATE

    def get_cache_key(self, request, view):
        principal = request.auth
        if principal is None or not getattr(principal, "client", None):
            return None
        return self.cache_format % {"scope": self.scope, "ident": principal.client.pk}


class AuthFailureLimit(SharedWindowThrottle):
    """Failed authentications per source address or per presented key, in fixed windows of the shared cache.

    Checked before credentials are looked at, so once over the limit even a correct guess waits: a lockout
    that still said yes to the right secret would not slow a guesser down.
    """

    def __init__(self, scope, rate):
        self.scope, self.rate = scope, rate
        self.num_requests, self.duration = self.parse_rate(rate)

    def _key(self, ident):
        now = self.timer()
        window = int(now // self.duration)
        self.wait_seconds = (window + 1) * self.duration - now
        # Hashed: a presented key or address is arbitrary client text, and cache keys have a length limit.
        digest = hashlib.sha256(ident.encode("utf-8", "surrogatepass")).hexdigest()[:32]
        return f"throttle_{self.scope}_{digest}_window_{window}"

    def exceeded(self, ident, counts):
        """Whether `ident` is over the limit, given the counts read for every limit at once (`counts`)."""
        return (counts.get(self._key(ident)) or 0) >= self.num_requests

    def record(self, ident):
        count_in_window(self.cache, self._key(ident), max(1, math.ceil(self.wait_seconds)))


def presented_key(request):
    """The public part of the credentials a request presents (key, or a secret's lookup prefix), or ''."""
    for authenticator in request.authenticators:
        try:
            presented = getattr(authenticator, "presented_key", lambda _request: "")(request)
        # Malformed credentials count per address only; a malformed body (ParseError) stays the 400 it was.
        except (drf.AuthenticationFailed, drf.NotAuthenticated):
            presented = ""
        if presented:
            return str(presented)
    return ""


class PartnerAPIView(APIView):
    """Base of every partner view: partner-shaped errors, organisation scoping, no default authentication.

    Subclasses set `partner` and `authentication_classes`; without them every request is refused.
    """

    partner: Partner | None = None
    authentication_classes = ()
    permission_classes = (IsAuthenticated,)
    throttle_classes = (ApiClientRateThrottle,)

    def initial(self, request, *args, **kwargs):
        self.check_body_size(request)
        super().initial(request, *args, **kwargs)

    def perform_authentication(self, request):
        """Authenticates, refusing (429) a source address or presented key over its failure limit.

        The address is REMOTE_ADDR as gunicorn sets it (the peer); no client-sent header is trusted for it.
        """
        limits = [
            (AuthFailureLimit("auth_failures_address", settings.HEALTHDESK_AUTH_FAILURES_PER_ADDRESS),
             request.META.get("REMOTE_ADDR", "")),
            (AuthFailureLimit("auth_failures_key", settings.HEALTHDESK_AUTH_FAILURES_PER_KEY),
             presented_key(request)),
        ]
        limits = [(limit, ident) for limit, ident in limits if ident]
        # Both counters in one round trip (one query on the database cache): every request pays this check.
        counts = caches["shared"].get_many([limit._key(ident) for limit, ident in limits]) if limits else {}
        for limit, ident in limits:
            if limit.exceeded(ident, counts):
                raise drf.Throttled(wait=limit.wait())
        try:
            super().perform_authentication(request)
        except drf.AuthenticationFailed:
            for limit, ident in limits:
                limit.record(ident)
            raise
        client = getattr(request.auth, "client", None)
        if client is not None:
            name_client_in_access_log(request, client)

    def check_body_size(self, request):
        length = request.META.get("CONTENT_LENGTH") or 0
        try:
            length = int(length)
        except (TypeError, ValueError):
            raise drf.ParseError("Invalid Content-Length.") from None
        content_type = request.META.get("CONTENT_TYPE", "")
        limit = (
            settings.HEALTHDESK_MAX_REQUEST_UPLOAD_BYTES
            if content_type.startswith("multipart/")
            else settings.DATA_UPLOAD_MAX_MEMORY_SIZE
        )
        if length > limit:
            raise PayloadTooLarge()

    @property
    def principal(self):
        return self.request.auth

    @property
    def organisation(self):
        return self.request.auth.organisation

    @property
    def actor(self):
        return Actor.api(self.request.auth.client, channel=self.partner.name)

    def get_exception_handler(self):
        return exception_handler

    def audit_read(self, model, *, ids=None):
        """Record that this request read personal records: these ids, or (without ids) the list it asked for."""
        query = None if ids is not None else dict(self.request.query_params.lists())
        audit.record_read(actor=self.actor, organisation=self.organisation, model=model, ids=ids, query=query)


def problem_view_response(request, problem):
    partner = partner_for_path(request.path)
    if partner is None:
        return None
    return partner.problem_json_response(problem, request)
