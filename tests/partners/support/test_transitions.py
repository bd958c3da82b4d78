"""close_ticket, reopen_ticket, assign_ticket_to_admin and ticket_rating."""

import pytest

from tests.factories import ResidentFactory, UserFactory
from tests.partners.support.contract import SupportContract, SupportPostContract
from tickets.choices import EventKind, TicketStatus
from tickets.models import Ticket

pytestmark = pytest.mark.django_db


def success(response, message):
    assert response.status_code == 200, response.content
    assert response.json() == {"status": "success", "errorCode": 200, "message": message}


class TestCloseTicket(SupportContract):
    method = "get"
    bad_inputs = (("ticketId", "abc", 400), ("ticketId", "999999", 404))

    def url(self, ticket):
        return f"/api/v1/close_ticket/{ticket.pk}"

    def bad_request(self, tenant, ticket, field, value):
        return f"/api/v1/close_ticket/{value}", {}

    @pytest.mark.parametrize("method", ["get", "post"])
    def test_documented_close(self, api, tenant, ticket, method):
        success(api.call(method, self.url(ticket)), "The ticket has been closed")
        ticket.refresh_from_db()
        assert ticket.status == TicketStatus.CLOSED
        assert ticket.closed_at is not None
        assert ticket.events.filter(kind=EventKind.CLOSED, actor_client=tenant.client, channel="support").exists()

    def test_closing_a_closed_ticket_is_a_conflict_and_writes_nothing(self, api, ticket, snapshot):
        api.get(self.url(ticket))
        before = snapshot()
        response = api.get(self.url(ticket))
        assert response.status_code == 409
        assert response.json() == {"status": "error", "errorCode": 409, "message": "The ticket is already closed."}
        assert snapshot() == before


class TestReopenTicket(SupportPostContract):
    bad_inputs = (
        ("ticketId", None, 400),
        ("userId", "x", 400),
        ("comments", "", 400),
        ("ticketId", "999999", 404),
        ("userId", "999999", 404),
    )

    def url(self, ticket):
        return "/api/v1/reopen_ticket"

    def body(self, tenant, ticket):
        return {"ticketId": str(ticket.pk), "userId": str(tenant.resident.pk), "comments": "Still failing"}

    @pytest.fixture
    def ticket(self, ticket, tenant):
        """The ticket under test starts closed, so a valid reopen request would succeed."""
        Ticket.objects.filter(pk=ticket.pk).update(status=TicketStatus.CLOSED)
        return ticket

    def test_close_reopen_close(self, api, tenant, ticket):
        success(api.post(self.url(ticket), self.body(tenant, ticket), form=True),
                "Ticket has been reopened successfully")
        ticket.refresh_from_db()
        assert ticket.status == TicketStatus.REOPENED
        assert ticket.closed_at is None
        reason = ticket.messages.last()
        assert (reason.body, reason.sender_kind, reason.sender_name) == (
            "Still failing", "user", tenant.resident.full_name
        )
        assert api.get("/api/v1/get_tickets/0/open").json()["data"][0]["Ticket"]["status"] == "open"
        success(api.get(f"/api/v1/close_ticket/{ticket.pk}"), "The ticket has been closed")
        ticket.refresh_from_db()
        assert ticket.status == TicketStatus.CLOSED

    def test_reopening_an_open_ticket_is_a_conflict_and_writes_nothing(self, api, tenant, ticket, snapshot):
        Ticket.objects.filter(pk=ticket.pk).update(status=TicketStatus.IN_PROGRESS)
        before = snapshot()
        response = api.post(self.url(ticket), self.body(tenant, ticket))
        assert response.status_code == 409
        assert response.json() == {
            "status": "error", "errorCode": 409, "message": "Only a closed ticket can be reopened."
        }
        assert snapshot() == before


class TestAssignTicketToAdmin(SupportPostContract):
    bad_inputs = (
        ("ticketId", None, 400),
        ("admin", "", 400),
        ("admin", "nobody", 404),
        ("ticketId", "999999", 404),
    )

    def url(self, ticket):
        return "/api/v1/assign_ticket_to_admin"

    def body(self, tenant, ticket):
        return {"ticketId": str(ticket.pk), "admin": tenant.staff.username}

    def test_documented_assign_answers_success(self, api, tenant, ticket, admin):
        response = api.post(self.url(ticket), {"ticketId": str(ticket.pk), "admin": "jdoe"}, form=True)
        # The document shows "status": "error" here; healthdesk answers success (COMPATIBILITY.md).
        success(response, "Admin assigned to the ticket successfully")
        ticket.refresh_from_db()
        assert ticket.assignee == admin
        assert api.get("/api/v1/get_tickets/0").json()["data"][0]["Ticket"]["assigned_to"] == "jdoe@sunny.example"

    @pytest.mark.parametrize("who", ["other_organisation", "inactive"])
    def test_another_organisations_or_inactive_admin_is_refused(self, api, tenant, other_tenant, ticket,
                                                                snapshot, who):
        if who == "other_organisation":
            username = other_tenant.staff.username
        else:
            username = UserFactory(organisation=tenant.organisation, is_active=False).username
        before = snapshot()
        response = api.post(self.url(ticket), {"ticketId": str(ticket.pk), "admin": username})
        assert response.status_code == 404
        assert response.json()["field"] == "admin"
        assert response.json()["message"] == f"admin: Unknown staff user {username!r}."
        assert snapshot() == before


class TestTicketRating(SupportPostContract):
    bad_inputs = (
        ("ratingValue", "0", 400),
        ("ratingValue", "6", 400),
        ("ratingValue", "five", 400),
        ("ratingValue", None, 400),
        ("userId", None, 400),
        ("ticketId", "999999", 404),
    )

    def url(self, ticket):
        return "/api/v1/ticket_rating"

    def body(self, tenant, ticket):
        return {"ticketId": str(ticket.pk), "userId": str(tenant.resident.pk), "ratingValue": "5"}

    def test_documented_rating_and_a_new_one_replaces_it(self, api, tenant, ticket):
        success(api.post(self.url(ticket), self.body(tenant, ticket), form=True),
                f"Thanks for your feedback, your rating has been saved for the ticket ID{ticket.pk}")
        api.post(self.url(ticket), {**self.body(tenant, ticket), "ratingValue": 2})
        ticket.refresh_from_db()
        assert ticket.rating == 2
        assert ticket.events.filter(kind=EventKind.RATED).count() == 2

    def test_out_of_range_names_the_field_and_the_rule(self, api, tenant, ticket):
        response = api.post(self.url(ticket), {**self.body(tenant, ticket), "ratingValue": "9"})
        assert response.json()["message"] == "ratingValue: The rating must be a whole number from 1 to 5."

    def test_rating_by_someone_else_is_forbidden_and_writes_nothing(self, api, tenant, ticket, snapshot):
        someone_else = ResidentFactory(organisation=tenant.organisation)
        before = snapshot()
        response = api.post(self.url(ticket), {**self.body(tenant, ticket), "userId": str(someone_else.pk)})
        assert response.status_code == 403
        assert response.json() == {
            "status": "error", "errorCode": 403, "message": "userId: Only the ticket's requester can rate it.",
            "field": "userId",
        }
        assert snapshot() == before
