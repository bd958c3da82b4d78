"""The shared partner plumbing, proven through a probe partner before any real partner stands on it."""

import pytest
from django.test import Client

from directory.models import Resident

pytestmark = [pytest.mark.django_db, pytest.mark.urls("tests.partners.testpartner.urls")]


def auth(tenant):
    return {"HTTP_AUTHORIZATION": f"Token {tenant.secret}"}


def test_missing_credentials_answer_401_in_the_partners_shape(client, tenant):
    response = client.get(f"/probe/residents/{tenant.resident.pk}")
    assert response.status_code == 401
    assert response["WWW-Authenticate"] == 'Token realm="probe"'
    assert response.json()["error"]["kind"] == "unauthenticated"


def test_wrong_secret_answers_401(client, tenant):
    response = client.get(f"/probe/residents/{tenant.resident.pk}", HTTP_AUTHORIZATION="Token not-a-secret")
    assert response.status_code == 401
    assert response.json()["ok"] is False


def test_revoked_client_answers_401(client, tenant):
    from directory.services import api_client_revoke

    api_client_revoke(client=tenant.client)
    assert client.get(f"/probe/residents/{tenant.resident.pk}", **auth(tenant)).status_code == 401


def test_own_resident_is_shown(client, tenant):
    response = client.get(f"/probe/residents/{tenant.resident.pk}", **auth(tenant))
    assert response.status_code == 200
    assert response.json() == {"ok": True, "id": tenant.resident.pk, "first_name": tenant.resident.first_name}


def test_other_organisations_resident_is_not_found(client, tenant, other_tenant):
    response = client.get(f"/probe/residents/{other_tenant.resident.pk}", **auth(tenant))
    assert response.status_code == 404
    assert response.json()["error"] == {"kind": "not_found", "field": "id", "message": "Unknown resident."}


def test_bad_field_is_named_and_nothing_is_written(client, tenant):
    before = Resident.objects.count()
    response = client.post(
        "/probe/residents", {"first_name": "Ann", "date_of_birth": "yesterday"}, content_type="application/json",
        **auth(tenant),
    )
    assert response.status_code == 400
    assert response.json()["error"]["field"] == "date_of_birth"
    assert Resident.objects.count() == before


def test_malformed_json_is_a_400_in_shape(client, tenant):
    before = Resident.objects.count()
    response = client.post("/probe/residents", "{not json", content_type="application/json", **auth(tenant))
    assert response.status_code == 400
    assert response.json()["error"]["kind"] == "malformed"
    assert Resident.objects.count() == before


def test_valid_create_writes_for_the_callers_organisation(client, tenant):
    response = client.post(
        "/probe/residents", {"first_name": "Ann"}, content_type="application/json", **auth(tenant)
    )
    assert response.status_code == 201
    created = Resident.objects.get(pk=response.json()["id"])
    assert created.organisation == tenant.organisation
    assert created.created_via == "probe"


def test_oversize_body_is_a_413_in_shape_and_writes_nothing(client, tenant, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 100
    before = Resident.objects.count()
    body = '{"first_name": "' + "A" * 200 + '"}'
    response = client.post("/probe/residents", body, content_type="application/json", **auth(tenant))
    assert response.status_code == 413
    assert response.json()["error"]["kind"] == "too_large"
    assert Resident.objects.count() == before


def test_constraint_violation_is_a_conflict_not_a_500(client, tenant):
    response = client.get("/probe/fail/integrity", **auth(tenant))
    assert response.status_code == 409
    assert response.json()["error"]["kind"] == "conflict"


def test_lost_database_connection_is_a_503_with_retry_after(client, tenant):
    response = client.get("/probe/fail/connection", **auth(tenant))
    assert response.status_code == 503
    assert int(response["Retry-After"]) > 0
    assert response.json()["error"]["kind"] == "unavailable"


def test_a_503_logs_its_cause_in_one_line(client, tenant, caplog):
    # The server log used to say only "Service Unavailable: /probe/fail/connection": nothing a deployer could act on.
    with caplog.at_level("ERROR", logger="healthdesk.partners.base"):
        response = client.get("/probe/fail/connection", **auth(tenant))
    assert response.status_code == 503
    [record] = [r for r in caplog.records if r.name == "healthdesk.partners.base"]
    line = record.getMessage()
    assert "OperationalError: server closed the connection unexpectedly" in line
    assert "/probe/fail/connection" in line
    assert "\n" not in line and record.exc_info is None


def test_a_table_the_schema_lacks_is_a_503_on_postgresql_as_on_sqlite(client, tenant):
    # SQLite says "no such table" as an OperationalError; PostgreSQL's undefined_table is a ProgrammingError.
    # Either way the site is not migrated yet (or mid-upgrade): 503 with Retry-After, and the cause logged.
    response = client.get("/probe/fail/unmigrated", **auth(tenant))
    assert response.status_code == 503
    assert int(response["Retry-After"]) > 0


def test_other_sql_errors_stay_500(client, tenant):
    response = client.get("/probe/fail/bad_sql", **auth(tenant))
    assert response.status_code == 500


def test_a_bug_is_a_500_in_shape_without_details(client, tenant):
    response = client.get("/probe/fail/bug", **auth(tenant))
    assert response.status_code == 500
    assert response.json()["error"] == {"kind": "server_error", "field": None, "message": "Internal server error."}


def test_view_without_authentication_refuses_everything(client, tenant):
    response = client.get("/probe/unguarded", **auth(tenant))
    assert response.status_code in (401, 403)
    assert "secret" not in response.json()


def test_unknown_url_under_the_partner_prefix_answers_in_its_shape(tenant):
    response = Client().get("/probe/no/such/thing")
    assert response.status_code == 404
    assert response.json()["error"]["kind"] == "not_found"


def test_unknown_url_elsewhere_keeps_djangos_page(tenant):
    response = Client().get("/no/such/page")
    assert response.status_code == 404
    assert response["Content-Type"].startswith("text/html")


def test_wrong_method_is_a_405_in_shape(client, tenant):
    response = client.delete(f"/probe/residents/{tenant.resident.pk}", **auth(tenant))
    assert response.status_code == 405
    assert response.json()["ok"] is False


def test_each_client_is_throttled_in_the_partners_shape_with_retry_after(client, tenant, other_tenant, settings):
    from django.core.cache import caches

    caches["shared"].clear()
    settings.HEALTHDESK_API_RATE = "3/min"
    url = f"/probe/residents/{tenant.resident.pk}"
    assert [client.get(url, **auth(tenant)).status_code for _ in range(3)] == [200, 200, 200]
    throttled = client.get(url, **auth(tenant))
    assert throttled.status_code == 429
    assert throttled.json()["error"]["kind"] == "throttled"
    assert 0 < int(throttled["Retry-After"]) <= 60
    # Counted per client: another organisation's client is not slowed down by this one.
    assert client.get(f"/probe/residents/{other_tenant.resident.pk}", **auth(other_tenant)).status_code == 200


def test_the_throttle_counts_in_the_shared_cache_not_per_process(client, tenant, settings):
    from django.core.cache import caches

    from healthdesk.partners.base import ApiClientRateThrottle

    caches["shared"].clear()
    client.get(f"/probe/residents/{tenant.resident.pk}", **auth(tenant))
    import time

    key = f"throttle_api_client_{tenant.client.pk}_window_{int(time.time() // 60)}"
    assert caches["shared"].get(key) == 1  # what another worker process would read
    assert ApiClientRateThrottle().cache is caches["shared"]


def test_a_model_validation_error_from_a_service_is_a_400_naming_the_field():
    from django.core.exceptions import ValidationError

    from healthdesk.partners.base import classify

    problem = classify(ValidationError({"email": ["Enter a valid email address."]}))
    assert (problem.status, problem.kind, problem.field) == (400, "invalid", "email")
    assert problem.message == "email: Enter a valid email address."
    assert classify(ValidationError("Something is off.")).status == 400


def redis_available():
    import socket

    with socket.socket() as probe:
        probe.settimeout(0.2)
        return probe.connect_ex(("127.0.0.1", 6379)) == 0


@pytest.mark.skipif(not redis_available(), reason="no Redis server on 127.0.0.1:6379")
def test_with_redis_url_the_throttle_counts_in_redis(client, tenant, settings):
    import redis

    settings.CACHES = {**settings.CACHES, "shared": {
        "BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": "redis://127.0.0.1:6379/15",
        "KEY_PREFIX": f"test-{tenant.client.pk}",
    }}
    settings.HEALTHDESK_API_RATE = "2/min"
    server = redis.Redis.from_url("redis://127.0.0.1:6379/15")
    server.flushdb()
    url = f"/probe/residents/{tenant.resident.pk}"
    statuses = [client.get(url, **auth(tenant)).status_code for _ in range(3)]
    assert statuses == [200, 200, 429]
    assert any(b"throttle_api_client" in key for key in server.keys("*"))  # the count lives in Redis
    server.flushdb()


def test_a_value_the_database_cannot_store_is_a_400_not_a_500():
    from django.db import DataError

    from healthdesk.partners.base import classify

    problem = classify(DataError("invalid byte sequence for encoding \"UTF8\": 0x00"))
    assert (problem.status, problem.kind) == (400, "invalid")


@pytest.mark.skipif(not redis_available(), reason="no Redis server on 127.0.0.1:6379")
def test_concurrent_workers_never_let_more_than_the_limit_through(settings):
    """Eight threads stand in for worker processes: a read-modify-write count would let extra requests in."""
    import threading
    from types import SimpleNamespace

    import redis

    from healthdesk.partners.base import ApiClientRateThrottle

    settings.CACHES = {**settings.CACHES, "shared": {
        "BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": "redis://127.0.0.1:6379/15",
        "KEY_PREFIX": "test-concurrent-throttle",
    }}
    settings.HEALTHDESK_API_RATE = "100/min"
    server = redis.Redis.from_url("redis://127.0.0.1:6379/15")
    server.flushdb()
    request = SimpleNamespace(auth=SimpleNamespace(client=SimpleNamespace(pk=7)))
    allowed, lock, start = [], threading.Lock(), threading.Barrier(8)

    def worker():
        start.wait()
        for _ in range(40):
            ok = ApiClientRateThrottle().allow_request(request, None)
            with lock:
                allowed.append(ok)

    threads = [threading.Thread(target=worker) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    server.flushdb()
    # 320 requests inside one window (the test takes well under a minute, but may straddle a boundary).
    assert sum(allowed) in (100, 200)
    assert len(allowed) == 320
