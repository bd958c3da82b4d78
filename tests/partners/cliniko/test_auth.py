"""Transport: HTTP Basic with the API key, the shard suffix, the User-Agent rule and the rate limit."""

import time

import pytest
from django.test import Client

from directory.services import api_client_revoke
from tests.partners.cliniko.conftest import USER_AGENT, ClinikoClient, basic

pytestmark = pytest.mark.django_db


def test_documented_request_works(api):
    assert api.get("/v1/attendees").status_code == 200


@pytest.mark.parametrize("suffix", ["-au1", "-uk2", "-AU4", "-ca10"])
def test_shard_suffix_is_accepted_and_ignored(tenant, suffix):
    assert ClinikoClient(tenant.secret + suffix).get("/v1/attendees").status_code == 200


def test_a_secret_that_itself_ends_like_a_shard_still_works(tenant):
    # Secrets are URL-safe base64 and may contain "-": the full value is tried before any suffix is stripped.
    from directory import credentials

    secret = "abcdefghij0123456789ABCDEFGHIJ01234-uk1"
    tenant.client.secret_prefix = credentials.prefix(secret)
    tenant.client.secret_digest = credentials.digest(secret)
    tenant.client.save()
    assert ClinikoClient(secret).get("/v1/attendees").status_code == 200
    assert ClinikoClient(secret + "-au1").get("/v1/attendees").status_code == 200
    assert ClinikoClient(secret[:-4]).get("/v1/attendees").status_code == 401


def test_password_is_ignored(tenant):
    import base64

    header = "Basic " + base64.b64encode(f"{tenant.secret}:whatever".encode()).decode()
    assert Client(headers={"Authorization": header, "User-Agent": USER_AGENT}).get("/v1/attendees").status_code == 200


@pytest.mark.parametrize(
    "authorization",
    [None, "", "Basic", "Basic !!!not-base64!!!", basic("wrong-key"), basic(""), "Bearer abc", "Token abc"],
)
def test_missing_or_wrong_credentials_are_401_json(authorization):
    headers = {"User-Agent": USER_AGENT}
    if authorization is not None:
        headers["Authorization"] = authorization
    response = Client(headers=headers).get("/v1/attendees")
    assert response.status_code == 401
    assert response["WWW-Authenticate"].startswith("Basic")
    assert list(response.json()) == ["message"]


def test_email_as_user_and_key_as_password_is_401(tenant):
    import base64

    header = "Basic " + base64.b64encode(f"me@example.com:{tenant.secret}".encode()).decode()
    assert Client(headers={"Authorization": header, "User-Agent": USER_AGENT}).get("/v1/attendees").status_code == 401


def test_revoked_key_is_401(api, tenant):
    api_client_revoke(client=tenant.client)
    assert api.get("/v1/attendees").status_code == 401


@pytest.mark.parametrize("user_agent", [None, "", "   "])
def test_missing_user_agent_is_400_with_a_json_message(tenant, user_agent):
    headers = {"Authorization": basic(tenant.secret)}
    if user_agent is not None:
        headers["User-Agent"] = user_agent
    response = Client(headers=headers).get("/v1/attendees")
    assert response.status_code == 400
    assert "user agent" in response.json()["message"].lower()


def test_rate_limit_is_per_client_with_reset_headers(api, other_api, settings):
    settings.HEALTHDESK_CLINIKO_RATE_LIMIT = "3/min"
    for _ in range(3):
        assert api.get("/v1/attendees").status_code == 200
    response = api.get("/v1/attendees")
    assert response.status_code == 429
    assert "message" in response.json()
    retry_after = int(response["Retry-After"])
    assert 0 < retry_after <= 60
    reset = int(response["X-RateLimit-Reset"])
    assert time.time() < reset <= time.time() + 61
    assert other_api.get("/v1/attendees").status_code == 200


def test_rate_limit_is_counted_in_the_shared_cache(api, tenant, settings):
    from django.core.cache import caches

    settings.HEALTHDESK_CLINIKO_RATE_LIMIT = "2/min"
    api.get("/v1/attendees")
    window = int(time.time() // 60)  # the key carries its window's number, so no count outlives its window
    assert caches["shared"].get(f"throttle_cliniko_{tenant.client.pk}_window_{window}") == 1  # this window's count
    # Another worker process sees the same count: a fresh client object shares nothing but the cache.
    assert ClinikoClient(tenant.secret).get("/v1/attendees").status_code == 200
    assert ClinikoClient(tenant.secret).get("/v1/attendees").status_code == 429


def test_default_rate_limit_is_200_a_minute():
    from django.conf import settings

    assert settings.HEALTHDESK_CLINIKO_RATE_LIMIT == "200/min"
