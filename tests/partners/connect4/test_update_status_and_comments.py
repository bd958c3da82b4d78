"""update_status and create_comment: changes only through the domain services, only on the provider's tickets."""

import pytest

from tests.partners.connect4.conftest import Connect4Contract
from tickets import services as ticket_services
from tickets.choices import EventKind, TicketStatus
from tickets.models import Message, Ticket, TicketEvent

pytestmark = pytest.mark.django_db


def state(ticket):
    ticket.refresh_from_db()
    return ticket.status, TicketEvent.objects.count(), Message.objects.count()


class TestUpdateStatus(Connect4Contract):
    endpoint = "update_status"
    method = "post"

    def params(self, world):
        return {"id": world.ticket.pk, "status": "In Progress"}

    def test_document_example_query_string(self, world):
        ticket_services.ticket_close(ticket=world.ticket, actor=world.tenant.actor)
        response = world.caller.post("update_status", query=f"id={world.ticket.pk}&status=Reopen")
        assert response.status_code == 200
        assert response.json() == {"status": True, "message": "Status Updated Successfully!!"}
        world.ticket.refresh_from_db()
        assert world.ticket.status == TicketStatus.REOPENED
        assert world.ticket.events.filter(kind=EventKind.REOPENED, actor_client=world.tenant.client).exists()
        listed = world.caller.get("ticket_detail", {"id": world.ticket.pk}).json()
        assert listed["ticket_with_details"]["ticket"]["ticket_status"] == "Reopen"

    @pytest.mark.parametrize(
        ("word", "status"),
        [("In Progress", TicketStatus.IN_PROGRESS), ("closed", TicketStatus.CLOSED), ("ON HOLD", TicketStatus.ON_HOLD),
         ("New", TicketStatus.NEW)],
    )
    def test_every_word_maps_to_the_canonical_status_and_back(self, world, word, status):
        response = world.caller.post("update_status", {"id": world.ticket.pk, "status": word},
                                     content_type="application/json")
        assert response.status_code == 200
        world.ticket.refresh_from_db()
        assert world.ticket.status == status
        (listed,) = world.caller.get("tickets").json()["ticket"]
        assert listed["ticket_status"].lower() == word.lower()

    def test_closing_goes_through_close(self, world):
        world.caller.post("update_status", {"id": world.ticket.pk, "status": "Closed"})
        world.ticket.refresh_from_db()
        assert world.ticket.closed_at is not None

    @pytest.mark.parametrize("which", ["unknown", "other"])
    def test_unknown_or_other_organisations_ticket(self, world, which):
        pk = world.other_ticket.pk if which == "other" else 999_999
        before = state(world.other_ticket)
        response = world.caller.post("update_status", {"id": pk, "status": "Closed"})
        assert response.status_code == 404
        assert response.json() == {"status": False, "message": "Invalid Ticket ID"}
        assert state(world.other_ticket) == before

    @pytest.mark.parametrize(
        ("data", "message"),
        [
            ({"status": "Lost"}, "Invalid Ticket ID/ status: Unknown ticket status 'Lost'."),
            ({"status": "Reopen"}, "Invalid Ticket ID/ status: Only a closed ticket can be reopened."),
            ({"status": None}, "Invalid Ticket ID/ status: This field is required."),
            ({"id": "abc"}, "Invalid Ticket ID/ id: A valid integer is required."),
        ],
    )
    def test_bad_input_is_named_and_writes_nothing(self, world, data, message):
        data = {k: v for k, v in {"id": world.ticket.pk, **data}.items() if v is not None}
        before = state(world.ticket)
        response = world.caller.post("update_status", data)
        assert response.status_code == 400
        assert response.json() == {"status": False, "message": message}
        assert state(world.ticket) == before


class TestCreateComment(Connect4Contract):
    endpoint = "create_comment"
    method = "post"

    def params(self, world):
        return {"ticket_id": world.ticket.pk, "comment": "Hi! Welcome!"}

    def test_document_example_general_comment(self, world):
        response = world.caller.post("create_comment", {"ticket_id": world.ticket.pk, "comment": "Hi! Welcome!"})
        assert response.json() == {"status": True, "message": "Comment created Successfully!!"}
        message = world.ticket.messages.latest("id")
        assert (message.body, message.category, message.author_client) == ("Hi! Welcome!", None, world.tenant.client)

    def test_document_example_category_comment_shows_in_the_detail(self, world):
        category = world.categories[0]
        response = world.caller.post(
            "create_comment", {"ticket_id": world.ticket.pk, "comment": "Hi! Welcome!", "category_id": category.pk},
            content_type="application/json",
        )
        assert response.status_code == 200
        detail = world.caller.get("ticket_detail", {"id": world.ticket.pk}).json()["ticket_with_details"]
        titles = [v["title"] for k, v in detail["categories"][str(category.pk)].items() if k.startswith("comment")]
        assert titles == ["comment 1", "Hi! Welcome!"]
        assert detail["ticket"]["updated_at"]

    @pytest.mark.parametrize("which", ["unknown", "other"])
    def test_unknown_or_other_organisations_ticket(self, world, which):
        pk = world.other_ticket.pk if which == "other" else 999_999
        before = Message.objects.count()
        response = world.caller.post("create_comment", {"ticket_id": pk, "comment": "sneaky"})
        assert response.status_code == 404
        assert response.json() == {"status": False, "message": "Invalid Ticket ID"}
        assert Message.objects.count() == before

    @pytest.mark.parametrize(
        ("data", "field"),
        [
            ({"comment": None}, "comment"),
            ({"comment": "   "}, "comment"),
            ({"ticket_id": None}, "ticket_id"),
            ({"ticket_id": "x"}, "ticket_id"),
            ({"category_id": 999_999}, "category_id"),
            ({"category_id": "other"}, "category_id"),
        ],
    )
    def test_bad_input_is_named_and_writes_nothing(self, world, data, field):
        if data.get("category_id") == "other":
            data = {"category_id": Ticket.objects.get(pk=world.other_ticket.pk).organisation.categories.first().pk}
        data = {k: v for k, v in {"ticket_id": world.ticket.pk, "comment": "ok", **data}.items() if v is not None}
        before = Message.objects.count()
        response = world.caller.post("create_comment", data)
        assert response.status_code == 400
        body = response.json()
        assert body["status"] is False
        assert body["message"].startswith(f"{field}: ")
        assert Message.objects.count() == before
