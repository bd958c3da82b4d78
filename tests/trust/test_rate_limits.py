"""The shared rate-limit counter: a key that can never outlive its window, one round trip to Redis, and every
limit that applies to a request counted (issues #21 and #16)."""

import pytest
import redis
from django.core.cache import caches
from django.test import RequestFactory

from healthdesk.partners.base import ApiClientRateThrottle, ApiPrincipal

REDIS_URL = "redis://127.0.0.1:6379/3"


@pytest.fixture
def redis_cache(settings):
    settings.CACHES = {**settings.CACHES, "shared": {
        "BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL,
        "KEY_PREFIX": "test-rate-limits",
    }}
    server = redis.Redis.from_url(REDIS_URL)
    server.flushdb()
    yield server
    server.flushdb()


def _throttled_request(tenant):
    request = RequestFactory().get("/")
    request.auth = ApiPrincipal(client=tenant.client, organisation=tenant.organisation)
    return request


def _at(throttle, now):
    throttle.timer = lambda: now
    return throttle


@pytest.mark.django_db
def test_a_counter_left_without_expiry_never_locks_the_client_out(redis_cache, tenant, settings):
    # What EXISTS-then-INCRBY leaves when the key expires in between: a count with TTL -1 that never resets.
    settings.HEALTHDESK_API_RATE = "2/min"
    request = _throttled_request(tenant)
    first = _at(ApiClientRateThrottle(), 600.0)
    assert first.allow_request(request, None)
    for key in redis_cache.keys("*"):
        redis_cache.persist(key)
        redis_cache.set(key, 10**6)
    # The next window counts afresh, whatever the previous window's key became.
    assert _at(ApiClientRateThrottle(), 660.0).allow_request(request, None)


@pytest.mark.django_db
def test_every_counter_key_in_redis_has_an_expiry(redis_cache, tenant, settings):
    settings.HEALTHDESK_API_RATE = "5/min"
    request = _throttled_request(tenant)
    for now in (600.0, 601.0, 659.9, 660.0, 700.0):
        _at(ApiClientRateThrottle(), now).allow_request(request, None)
        keys = redis_cache.keys("*throttle*")
        assert keys
        assert all(0 < redis_cache.ttl(key) <= 61 for key in keys), {k: redis_cache.ttl(k) for k in keys}


@pytest.mark.django_db
def test_counting_a_request_costs_one_round_trip_to_redis(redis_cache, tenant, settings, monkeypatch):
    settings.HEALTHDESK_API_RATE = "5/min"
    request = _throttled_request(tenant)
    _at(ApiClientRateThrottle(), 600.0).allow_request(request, None)  # connection opened outside the count
    sent = []
    original = redis.connection.AbstractConnection.send_packed_command

    def counting(self, command, check_health=True):
        sent.append(command)
        return original(self, command, check_health)

    monkeypatch.setattr(redis.connection.AbstractConnection, "send_packed_command", counting)
    assert _at(ApiClientRateThrottle(), 601.0).allow_request(request, None)
    assert len(sent) == 1


@pytest.mark.django_db
def test_the_database_cache_counts_per_window_too(tenant, settings):
    settings.HEALTHDESK_API_RATE = "2/min"
    caches["shared"].clear()
    request = _throttled_request(tenant)
    assert [_at(ApiClientRateThrottle(), 600.0 + i).allow_request(request, None) for i in range(3)] == [
        True, True, False]
    assert _at(ApiClientRateThrottle(), 660.0).allow_request(request, None)  # a new window, a new count


@pytest.fixture
def one_window(monkeypatch):
    """A clock that stays inside one window, so a slow machine's minute boundary cannot reset a count mid-test."""
    from healthdesk.partners.base import SharedWindowThrottle

    monkeypatch.setattr(SharedWindowThrottle, "timer", lambda self: 1_800_000_030.0)


@pytest.mark.django_db
def test_cliniko_limit_adds_to_the_per_client_limit(tenant, settings, one_window):
    from tests.partners.cliniko.conftest import ClinikoClient

    caches["shared"].clear()
    settings.HEALTHDESK_API_RATE = "2/min"
    settings.HEALTHDESK_CLINIKO_RATE_LIMIT = "200/min"
    api = ClinikoClient(tenant.secret)
    assert [api.get("/v1/attendees").status_code for _ in range(3)] == [200, 200, 429]


@pytest.mark.django_db
def test_an_unreachable_redis_is_a_503_with_retry_after_in_the_partners_shape(tenant, settings, caplog):
    from tests.partners.cliniko.conftest import ClinikoClient

    # Port 9139 is ours and nothing listens on it: a real connection refused, not a mock.
    settings.CACHES = {**settings.CACHES, "shared": {
        "BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": "redis://127.0.0.1:9139/3",
    }}
    response = ClinikoClient(tenant.secret).get("/v1/attendees")
    assert response.status_code == 503
    assert int(response["Retry-After"]) > 0
    assert "message" in response.json()  # Cliniko's error shape
    causes = [r for r in caplog.records if "shared cache unreachable" in r.getMessage()]
    assert len(causes) == 1 and "\n" not in causes[0].getMessage()
    assert "9139" in causes[0].getMessage() or "Connection" in causes[0].getMessage()


def _wrong_authorize(address, key="not-a-key"):
    from django.test import Client

    return Client(REMOTE_ADDR=address).post("/api/authorize", HTTP_API_KEY=key, HTTP_API_SECRET="wrong-secret")


@pytest.mark.django_db
def test_failed_credentials_are_throttled_per_source_address(tenant, settings, one_window):
    caches["shared"].clear()
    settings.HEALTHDESK_AUTH_FAILURES_PER_ADDRESS = "5/min"
    settings.HEALTHDESK_AUTH_FAILURES_PER_KEY = "100/min"
    statuses = [_wrong_authorize("203.0.113.7", key=f"key-{i}").status_code for i in range(7)]
    assert statuses == [401] * 5 + [429] * 2
    throttled = _wrong_authorize("203.0.113.7")
    assert int(throttled["Retry-After"]) > 0
    assert throttled.json()["status"] is False  # Connect4's error shape
    # Once locked out, even the right pair waits: a correct guess must not be told apart from a wrong one.
    from django.test import Client

    right = Client(REMOTE_ADDR="203.0.113.7").post(
        "/api/authorize", HTTP_API_KEY=tenant.key, HTTP_API_SECRET=tenant.secret)
    assert right.status_code == 429
    assert _wrong_authorize("198.51.100.1").status_code == 401  # another address is not slowed down


@pytest.mark.django_db
def test_failed_credentials_are_throttled_per_key_across_addresses(settings, one_window):
    caches["shared"].clear()
    settings.HEALTHDESK_AUTH_FAILURES_PER_ADDRESS = "100/min"
    settings.HEALTHDESK_AUTH_FAILURES_PER_KEY = "3/min"
    statuses = [_wrong_authorize(f"203.0.113.{i}", key="guessed-key").status_code for i in range(5)]
    assert statuses == [401] * 3 + [429] * 2
    assert _wrong_authorize("203.0.113.99", key="another-key").status_code == 401


@pytest.mark.django_db
def test_failed_tokens_are_throttled_for_the_token_partners_too(settings, one_window):
    from tests.partners.cliniko.conftest import ClinikoClient

    caches["shared"].clear()
    settings.HEALTHDESK_AUTH_FAILURES_PER_ADDRESS = "3/min"
    api = ClinikoClient("wrong-token-0123456789")
    statuses = [api.get("/v1/attendees").status_code for _ in range(4)]
    assert statuses == [401, 401, 401, 429]


def test_auth_failure_limits_have_defaults():
    from healthdesk import settings  # the production defaults; the test settings raise them for the suite

    assert settings.HEALTHDESK_AUTH_FAILURES_PER_ADDRESS == "30/min"
    assert settings.HEALTHDESK_AUTH_FAILURES_PER_KEY == "10/min"
