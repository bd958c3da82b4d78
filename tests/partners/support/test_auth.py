"""The support token: `Authorization: Token <secret>` of a live API client, and nothing else."""

import pytest

from directory.services import api_client_revoke
from tests.streaming import consumed

pytestmark = pytest.mark.django_db

URL = "/api/v1/get_tickets/0"


def test_the_token_scheme_is_case_insensitive(client, tenant, ticket):
    response = consumed(client.get(URL, HTTP_AUTHORIZATION=f"token {tenant.secret}"))
    assert response.status_code == 200
    assert [row["Ticket"]["id"] for row in response.json()["data"]] == [str(ticket.pk)]


@pytest.mark.parametrize("header", ["Bearer {secret}", "{secret}", "Token", "Token  ", "Basic {secret}"])
def test_other_schemes_or_an_empty_token_are_401(client, tenant, header):
    response = client.get(URL, HTTP_AUTHORIZATION=header.format(secret=tenant.secret))
    assert response.status_code == 401
    assert response.json()["errorCode"] == 401


def test_a_revoked_client_is_401(api, tenant):
    assert api.get(URL).status_code == 200
    api_client_revoke(client=tenant.client)
    response = api.get(URL)
    assert response.status_code == 401
    assert response.json() == {"status": "error", "errorCode": 401, "message": "Invalid token."}


def test_the_connect4_key_is_not_a_support_token(client, tenant):
    assert client.get(URL, HTTP_AUTHORIZATION=f"Token {tenant.key}").status_code == 401
