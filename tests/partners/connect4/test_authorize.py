"""POST /api/authorize: api_key and api_secret give an access token that works on every other endpoint."""

from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from directory.models import AccessToken

pytestmark = pytest.mark.django_db
URL = "/api/authorize"


def headers(tenant):
    return {"HTTP_API_KEY": tenant.key, "HTTP_API_SECRET": tenant.secret}


def test_document_example_headers_give_a_token_that_works(tenant):
    http = Client()
    response = http.post(URL, **headers(tenant))
    assert response.status_code == 200
    body = response.json()
    assert set(body) == {"status", "message", "access_token"}
    assert body["status"] is True
    assert body["message"].startswith("Authorized Successfully, Use the Provided Access Token for Future Requests.")
    assert body["message"].endswith(f"Thanks for connecting with {tenant.organisation.name}")
    listed = http.get(f"/api/{body['access_token']}/provider_categories", **headers(tenant))
    assert listed.status_code == 200


@pytest.mark.parametrize("where", ["form", "query", "json"])
def test_key_and_secret_as_parameters(tenant, where):
    pair = {"api_key": tenant.key, "api_secret": tenant.secret}
    http = Client()
    if where == "form":
        response = http.post(URL, pair)
    elif where == "json":
        response = http.post(URL, pair, content_type="application/json")
    else:
        response = http.post(f"{URL}?api_key={tenant.key}&api_secret={tenant.secret}")
    assert response.status_code == 200
    assert response.json()["status"] is True


def test_token_is_stored_only_as_a_digest_and_expires(tenant, settings):
    token = Client().post(URL, **headers(tenant)).json()["access_token"]
    stored = AccessToken.objects.get(client=tenant.client)
    assert token not in (stored.token_digest, stored.token_prefix)
    expected = timezone.now() + settings.HEALTHDESK_CONNECT4_TOKEN_TTL
    assert abs((stored.expires_at - expected).total_seconds()) < 60


def test_a_client_may_hold_several_tokens(tenant):
    http = Client()
    first = http.post(URL, **headers(tenant)).json()["access_token"]
    second = http.post(URL, **headers(tenant)).json()["access_token"]
    assert first != second
    for token in (first, second):
        assert http.get(f"/api/{token}/tickets", **headers(tenant)).status_code == 200


@pytest.mark.parametrize(
    "sent",
    [
        {},
        {"HTTP_API_KEY": "8eb68e28cda407158cf9a8064bdd5351", "HTTP_API_SECRET": "b19fszzt9e2z4wpu87r09zy58"},
        "wrong-secret",
        "key-only",
    ],
)
def test_wrong_pair_is_refused_and_issues_nothing(tenant, sent):
    if sent == "wrong-secret":
        sent = {"HTTP_API_KEY": tenant.key, "HTTP_API_SECRET": tenant.secret + "x"}
    elif sent == "key-only":
        sent = {"HTTP_API_KEY": tenant.key}
    response = Client().post(URL, **sent)
    assert response.status_code == 401
    assert response.json() == {"status": False, "message": "Invalid API key or API secret"}
    assert AccessToken.objects.count() == 0


def test_revoked_client_gets_no_token(tenant):
    from directory.services import api_client_revoke

    api_client_revoke(client=tenant.client)
    response = Client().post(URL, **headers(tenant))
    assert response.status_code == 401
    assert AccessToken.objects.count() == 0


def test_token_ttl_is_configurable(tenant, settings):
    settings.HEALTHDESK_CONNECT4_TOKEN_TTL = timedelta(minutes=5)
    Client().post(URL, **headers(tenant))
    stored = AccessToken.objects.get(client=tenant.client)
    assert stored.expires_at <= timezone.now() + timedelta(minutes=5)


def test_get_is_not_allowed_in_the_documents_shape(tenant):
    response = Client().get(URL, **headers(tenant))
    assert response.status_code == 405
    assert response.json()["status"] is False


def test_xml_answer_when_asked(tenant):
    response = Client().post(f"{URL}?format=xml", **headers(tenant))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/xml")
    assert b"<status>true</status>" in response.content
    assert b"<access_token>" in response.content


def test_rotating_the_secret_ends_every_token(tenant):
    from directory.services import api_client_rotate

    http = Client()
    token = http.post(URL, **headers(tenant)).json()["access_token"]
    issued = api_client_rotate(client=tenant.client)
    fresh = {"HTTP_API_KEY": tenant.key, "HTTP_API_SECRET": issued.secret}
    response = http.get(f"/api/{token}/tickets", **fresh)
    assert response.status_code == 401
    assert response.json() == {"status": False, "message": "Invalid Credentials"}
