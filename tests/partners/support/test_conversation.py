"""POST /api/v1/send_message and GET /api/v1/get_ticket_details/<ticketId>."""

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.factories import MessageFactory
from tests.partners.support.contract import SupportContract, SupportPostContract
from tickets.models import Message, Ticket

pytestmark = pytest.mark.django_db

AMSTERDAM = ZoneInfo("Europe/Amsterdam")


class TestSendMessage(SupportPostContract):
    bad_inputs = (
        ("ticketId", None, 400),
        ("ticketId", "abc", 400),
        ("ticketMessage", "", 400),
        ("sender", "robot", 400),
        ("sender_name", None, 400),
        ("showToUser", None, 400),
        ("showToUser", "maybe", 400),
        ("ticketId", "999999", 404),
    )

    def url(self, ticket):
        return "/api/v1/send_message"

    def body(self, tenant, ticket):
        return {"ticketId": str(ticket.pk), "ticketMessage": "ok. Looking on it", "sender": "admin",
                "sender_name": "support@example.com", "showToUser": "false"}

    @pytest.mark.parametrize(("sender", "recipient", "show", "visible"),
                             [("admin", "user", "false", False), ("user", "admin", "true", True)])
    def test_documented_request_adds_to_the_conversation(self, api, tenant, ticket, sender, recipient, show,
                                                         visible):
        body = {**self.body(tenant, ticket), "sender": sender, "showToUser": show}
        response = api.post("/api/v1/send_message", body, form=True)
        assert response.status_code == 200, response.content
        assert response.json() == {
            "status": "success", "errorCode": 200, "message": f"The message has been sent to the {recipient}"
        }
        message = ticket.messages.last()
        assert (message.body, message.sender_kind, message.sender_name) == (
            "ok. Looking on it", sender, "support@example.com"
        )
        assert message.visible_to_requester is visible
        assert message.author_client == tenant.client

    def test_a_closed_ticket_still_takes_messages(self, api, tenant, ticket):
        Ticket.objects.filter(pk=ticket.pk).update(status="closed")
        assert api.post("/api/v1/send_message", self.body(tenant, ticket)).status_code == 200


class TestGetTicketDetails(SupportContract):
    method = "get"
    bad_inputs = (("ticketId", "abc", 400), ("ticketId", "0", 400), ("ticketId", "999999", 404))

    def url(self, ticket):
        return f"/api/v1/get_ticket_details/{ticket.pk}"

    def bad_request(self, tenant, ticket, field, value):
        return f"/api/v1/get_ticket_details/{value}", {}

    def test_documented_shape(self, api, tenant, ticket, admin):
        created = datetime(2016, 11, 16, 13, 7, 26, tzinfo=AMSTERDAM)
        Ticket.objects.filter(pk=ticket.pk).update(created_at=created, status="closed", assignee=admin)
        Message.objects.filter(ticket=ticket).update(created_at=created)
        reply = MessageFactory(ticket=ticket, body="issue is solved", sender_kind="admin",
                               sender_name="jdoe@sunny.example", visible_to_requester=False)
        Message.objects.filter(pk=reply.pk).update(created_at=datetime(2016, 11, 21, 19, 7, 11, tzinfo=AMSTERDAM))

        response = api.get(f"/api/v1/get_ticket_details/{ticket.pk}")
        assert response.status_code == 200
        assert response.json() == {
            "status": "success",
            "errorCode": 200,
            "message": {
                "ticket_conversation": [
                    {"sender": "user", "sender_name": "max", "ticket_message": "connection timeout",
                     "created": "2016-11-16 13:07:26", "show_to_user": "1"},
                    {"sender": "admin", "sender_name": "jdoe@sunny.example", "ticket_message": "issue is solved",
                     "created": "2016-11-21 19:07:11", "show_to_user": "0"},
                ],
                "ticket_details": {
                    "status": "closed", "assigned_to": "jdoe@sunny.example", "created": "2016-11-16 13:07:26"
                },
            },
        }

    def test_query_count_does_not_grow_with_the_conversation(self, api, tenant, ticket):
        def count():
            with CaptureQueriesContext(connection) as queries:
                assert api.get(f"/api/v1/get_ticket_details/{ticket.pk}").status_code == 200
            return len(queries)

        count()
        one = count()
        MessageFactory.create_batch(15, ticket=ticket)
        assert count() == one
        assert len(api.get(f"/api/v1/get_ticket_details/{ticket.pk}").json()["message"]["ticket_conversation"]) == 16
