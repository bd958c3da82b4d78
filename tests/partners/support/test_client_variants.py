"""What support-API clients in the field send beside the documented calls: HTTP Basic `key:secret`, and
`get_ticket_details/<ticketId>/<dontShowToUser>`."""

import base64

import pytest

from tickets import services as ticket_services
from tickets.choices import SenderKind

pytestmark = pytest.mark.django_db


def basic(key, secret):
    return {"HTTP_AUTHORIZATION": "Basic " + base64.b64encode(f"{key}:{secret}".encode()).decode()}


def test_http_basic_with_key_and_secret_authenticates(client, tenant, ticket):
    answer = client.get(f"/api/v1/get_ticket_details/{ticket.pk}", **basic(tenant.key, tenant.secret))
    assert answer.status_code == 200, answer.content
    assert answer.json()["status"] == "success"


@pytest.mark.parametrize("credentials", [("key", "secret"), ("", ""), ("own-key", "wrong")])
def test_wrong_basic_credentials_are_refused_in_the_support_shape(client, tenant, ticket, credentials):
    key, secret = (tenant.key if credentials[0] == "own-key" else credentials[0]), credentials[1]
    answer = client.get(f"/api/v1/get_ticket_details/{ticket.pk}", **basic(key, secret))
    assert answer.status_code == 401
    assert answer.json()["status"] == "error" and answer.json()["errorCode"] == 401


def test_another_organisations_basic_credentials_do_not_find_the_ticket(client, other_tenant, ticket):
    answer = client.get(f"/api/v1/get_ticket_details/{ticket.pk}", **basic(other_tenant.key, other_tenant.secret))
    assert answer.status_code == 404


def test_dont_show_to_user_gives_the_requesters_view_of_the_conversation(api, tenant, ticket):
    ticket_services.ticket_message_add(
        ticket=ticket, actor=tenant.actor, body="internal note", sender_kind=SenderKind.ADMIN,
        visible_to_requester=False,
    )
    whole = api.get(f"/api/v1/get_ticket_details/{ticket.pk}/0").json()["message"]["ticket_conversation"]
    requester = api.get(f"/api/v1/get_ticket_details/{ticket.pk}/1").json()["message"]["ticket_conversation"]
    assert "internal note" in [m["ticket_message"] for m in whole]
    assert "internal note" not in [m["ticket_message"] for m in requester]
    assert all(m["show_to_user"] == "1" for m in requester) and len(requester) == len(whole) - 1
    bad = api.get(f"/api/v1/get_ticket_details/{ticket.pk}/maybe")
    assert bad.status_code == 400 and bad.json()["field"] == "dontShowToUser"
