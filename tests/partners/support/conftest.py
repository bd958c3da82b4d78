"""Fixtures every support API test uses: an authenticated client per organisation, a ticket on each side, and a
snapshot of everything a request could write."""

import json

import pytest

from tests.factories import UserFactory
from tests.streaming import consumed
from tickets import services as ticket_services
from tickets.choices import SenderKind
from tickets.models import Message, Ticket, TicketEvent


class SupportApi:
    """A test client that sends `Authorization: Token <secret>` (or none, or a wrong one)."""

    def __init__(self, client, secret):
        self.client = client
        self.secret = secret

    def headers(self):
        return {"HTTP_AUTHORIZATION": f"Token {self.secret}"} if self.secret else {}

    def get(self, path):
        return consumed(self.client.get(path, **self.headers()))

    def post(self, path, data=None, *, form=False):
        """JSON by default; `form=True` sends the document's "POST data" as a urlencoded form."""
        if form:
            return consumed(self.client.post(path, data or {}, **self.headers()))
        return consumed(
            self.client.post(path, json.dumps(data or {}), content_type="application/json", **self.headers())
        )

    def post_raw(self, path, body, content_type="application/json"):
        return consumed(self.client.post(path, body, content_type=content_type, **self.headers()))

    def call(self, method, path, data=None):
        return self.get(path) if method == "get" else self.post(path, data)


@pytest.fixture
def api(client, tenant):
    return SupportApi(client, tenant.secret)


@pytest.fixture
def other_api(client, other_tenant):
    """Organisation B's own valid token."""
    return SupportApi(client, other_tenant.secret)


@pytest.fixture
def anonymous(client):
    return SupportApi(client, None)


@pytest.fixture
def wrong_token(client):
    return SupportApi(client, "not-a-real-secret-at-all")


def raise_ticket(tenant, **fields):
    values = {
        "organisation": tenant.organisation, "actor": tenant.api_actor, "title": "Unable to pay online",
        "resident": tenant.resident, "ticket_type": "Payment", "group_name": "Payment",
        "first_message": "connection timeout", "sender_kind": SenderKind.USER, "sender_name": "max",
    }
    return ticket_services.ticket_create(**{**values, **fields})


@pytest.fixture
def ticket(tenant):
    """Organisation A's open ticket, raised by its resident, with one message."""
    return raise_ticket(tenant)


@pytest.fixture
def other_ticket(other_tenant):
    return raise_ticket(other_tenant)


@pytest.fixture
def admin(tenant):
    return UserFactory(organisation=tenant.organisation, username="jdoe", email="jdoe@sunny.example")


@pytest.fixture
def snapshot():
    """Everything a support request can write, to assert that a refused one wrote nothing."""

    def take():
        tickets = list(
            Ticket.objects.order_by("pk").values_list(
                "pk", "status", "assignee_id", "rating", "closed_at", "due_at", "resolution_type"
            )
        )
        return tickets, Message.objects.count(), TicketEvent.objects.count()

    return take
