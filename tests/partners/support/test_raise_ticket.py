"""POST /api/v1/raise_ticket."""

import pytest

from tests.partners.nesting import MAX_JSON_DEPTH, TOO_DEEP, depth, with_deep_extra
from tests.partners.support.contract import SupportPostContract
from tickets import selectors as ticket_selectors
from tickets.choices import TicketStatus
from tickets.models import Ticket

pytestmark = pytest.mark.django_db

URL = "/api/v1/raise_ticket"


def documented_body(tenant):
    return {
        "type": "Payment", "subject": "Unable to pay online", "priority": "high", "userId": str(tenant.resident.pk),
        "comments": "connection timeout",
    }


class TestRaiseTicket(SupportPostContract):
    bad_inputs = (
        ("type", None, 400),
        ("subject", "", 400),
        ("userId", None, 400),
        ("userId", "six", 400),
        ("comments", None, 400),
        ("priority", "whenever", 400),
        ("closeTicketImmediately", "perhaps", 400),
        ("userId", "999999", 404),
    )

    def url(self, ticket):
        return URL

    def body(self, tenant, ticket):
        return documented_body(tenant)

    @pytest.mark.parametrize("form", [True, False], ids=["post-data", "json"])
    def test_documented_request_gives_the_documented_answer(self, api, tenant, form):
        response = api.post(URL, documented_body(tenant), form=form)
        assert response.status_code == 200, response.content
        body = response.json()
        ticket = Ticket.objects.get()
        assert body == {
            "status": "success",
            "errorCode": 200,
            "message": f"Your ticket with the ID {ticket.pk} has been raised. Please wait for the response and "
                       "note the ticket Id for future reference.",
            "ticketId": str(ticket.pk),
        }
        assert ticket.organisation == tenant.organisation
        assert (ticket.title, ticket.ticket_type, ticket.group_name) == ("Unable to pay online", "Payment", "Payment")
        assert ticket.priority == "high"
        assert ticket.resident == tenant.resident
        assert ticket.status == TicketStatus.NEW
        assert ticket.created_by_client == tenant.client
        hours = tenant.organisation.due_hours_high
        assert abs((ticket.due_at - ticket.created_at).total_seconds() - hours * 3600) < 5
        message = ticket.messages.get()
        assert (message.body, message.sender_kind) == ("connection timeout", "user")
        assert message.sender_name == tenant.resident.full_name

    def test_a_long_resident_name_still_signs_the_first_message(self, api, tenant):
        tenant.resident.first_name, tenant.resident.last_name = "A" * 255, "B" * 255
        tenant.resident.save()
        assert api.post(URL, documented_body(tenant)).status_code == 200
        assert Ticket.objects.get().messages.get().sender_name == "A" * 200

    def test_priority_defaults_to_medium(self, api, tenant):
        body = documented_body(tenant)
        del body["priority"]
        assert api.post(URL, body).status_code == 200
        assert Ticket.objects.get().priority == "medium"

    @pytest.mark.parametrize("flag", ["true", True])
    def test_close_immediately_closes_with_the_resolution(self, api, tenant, flag):
        body = {**documented_body(tenant), "closeTicketImmediately": flag, "resolutionType": "Solved",
                "resolutionSubject": "Card re-entered"}
        response = api.post(URL, body)
        assert response.status_code == 200, response.content
        ticket = Ticket.objects.get(pk=response.json()["ticketId"])
        assert ticket.status == TicketStatus.CLOSED
        assert (ticket.resolution_type, ticket.resolution_subject) == ("Solved", "Card re-entered")
        assert ticket.messages.count() == 1

    def test_close_immediately_false_leaves_it_open(self, api, tenant):
        body = {**documented_body(tenant), "closeTicketImmediately": "false", "resolutionType": ""}
        assert api.post(URL, body, form=True).status_code == 200
        assert Ticket.objects.get().status == TicketStatus.NEW

    @pytest.mark.parametrize(
        ("missing", "field"), [("resolutionType", "resolutionType"), ("resolutionSubject", "resolutionSubject")]
    )
    def test_close_immediately_needs_the_resolution_and_writes_nothing(self, api, tenant, snapshot, missing,
                                                                       field):
        body = {**documented_body(tenant), "closeTicketImmediately": "true", "resolutionType": "Solved",
                "resolutionSubject": "Card re-entered"}
        body[missing] = ""
        before = snapshot()
        response = api.post(URL, body)
        assert response.status_code == 400
        assert response.json()["field"] == field
        assert response.json()["message"].startswith(f"{field}: ")
        assert snapshot() == before

    def test_oversize_body_is_a_413_in_shape(self, api, tenant, snapshot, settings):
        settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 200
        before = snapshot()
        response = api.post(URL, {**documented_body(tenant), "comments": "x" * 500})
        assert response.status_code == 413
        assert response.json()["errorCode"] == 413
        assert snapshot() == before

    def test_too_deeply_nested_json_is_a_400_in_shape_and_writes_nothing(self, api, snapshot):
        # Issue #16 finding 2: 1,000 levels of brackets raised RecursionError inside the JSON parser (a 500).
        before = snapshot()
        response = api.post_raw(URL, TOO_DEEP)
        assert response.status_code == 400, response.content
        assert response.json()["errorCode"] == 400
        assert snapshot() == before

    def test_json_nested_to_the_limit_still_parses(self, api, tenant):
        body = with_deep_extra(documented_body(tenant))
        assert depth(body) == MAX_JSON_DEPTH
        response = api.post_raw(URL, body)
        assert response.status_code == 200, response.content
        assert response.json()["ticketId"] == str(Ticket.objects.get().pk)

    def test_get_is_not_allowed_in_shape(self, api):
        response = api.get(URL)
        assert response.status_code == 405
        assert response.json()["errorCode"] == 405

    def test_a_ticket_raised_here_is_the_one_every_channel_reads(self, api, tenant):
        """Connect4 `tickets` and the admin read through tickets.selectors: the same row, with its conversation."""
        response = api.post(URL, documented_body(tenant))
        ticket_id = int(response.json()["ticketId"])
        listed = ticket_selectors.ticket_list(organisation=tenant.organisation)
        assert [t.pk for t in listed] == [ticket_id]
        detail = ticket_selectors.ticket_get(organisation=tenant.organisation, pk=ticket_id, for_detail=True)
        assert [(m.sender_kind, m.body) for m in detail.messages.all()] == [("user", "connection timeout")]
        assert [t.pk for t in ticket_selectors.ticket_list(organisation=tenant.organisation, derived="open")] == [
            ticket_id
        ]
