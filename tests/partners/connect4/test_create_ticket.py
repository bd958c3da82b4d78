"""create_ticket: GET or POST (query, form, multipart, JSON), all or nothing."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from tests.partners.connect4.conftest import PNG, Connect4Contract, png
from tests.partners.nesting import MAX_JSON_DEPTH, TOO_DEEP, depth, with_deep_extra
from tickets.choices import AssessmentStatus, TicketStatus
from tickets.models import Attachment, CategoryAssessment, Message, Ticket, TicketEvent

pytestmark = pytest.mark.django_db


def document_example(world):
    """The document's parameter table, with this provider's real category ids."""
    c12, c13, c16 = (c.pk for c in world.categories[:3])
    return {
        "title": "new test ticket", "resident_id": world.tenant.resident.pk, "sms": "true", "email": "true",
        "state": "true", "urgency_status": "No Issue", "ticket_status": "New", "general_comments": "Hi welcome!",
        f"category_{c12}": "Issue", f"category_comments_{c12}": "There are few comments.",
        f"category_{c13}": " No Issue", f"category_comments_{c13}": "There are less comments.",
        f"category_{c16}": "Potential Issue", f"category_comments_{c16}": "There are no comments.",
    }


def counts():
    return tuple(model.objects.count() for model in (Ticket, CategoryAssessment, Message, Attachment, TicketEvent))


class TestCreateTicket(Connect4Contract):
    endpoint = "create_ticket"
    method = "post"

    def params(self, world):
        return document_example(world)

    def assert_created(self, world, response):
        assert response.status_code == 200, response.content
        body = response.json()
        assert set(body) == {"status", "ticket_id", "message"}
        assert body["status"] is True and body["message"] == "Ticket Created Successfully!!"
        ticket = Ticket.objects.get(pk=body["ticket_id"])
        assert ticket.organisation == world.tenant.organisation
        return ticket

    def test_document_example_as_get_query_string(self, world):
        ticket = self.assert_created(world, world.caller.get("create_ticket", document_example(world)))
        assert ticket.title == "new test ticket"
        assert ticket.resident == world.tenant.resident
        assert ticket.urgency == world.urgencies[0]
        assert ticket.status == TicketStatus.NEW
        assert (ticket.notify_sms, ticket.notify_email, ticket.state) == (True, True, True)
        assert ticket.created_by_client == world.tenant.client
        verdicts = {a.category_id: a.status for a in ticket.assessments.all()}
        c12, c13, c16 = (c.pk for c in world.categories[:3])
        assert verdicts == {
            c12: AssessmentStatus.ISSUE, c13: AssessmentStatus.NO_ISSUE, c16: AssessmentStatus.POTENTIAL_ISSUE,
        }
        comments = {m.category_id: m.body for m in ticket.messages.all()}
        assert comments[None] == "Hi welcome!"
        assert comments[c13] == "There are less comments."

    @pytest.mark.parametrize("encoding", ["form", "multipart", "json"])
    def test_post_in_every_encoding(self, world, encoding):
        data = document_example(world)
        if encoding == "json":
            data.update(sms=True, email=False, state=False, resident_id=int(data["resident_id"]))
            response = world.caller.post("create_ticket", data, content_type="application/json")
        elif encoding == "form":
            from urllib.parse import urlencode

            response = world.caller.post(
                "create_ticket", urlencode(data), content_type="application/x-www-form-urlencoded"
            )
        else:
            response = world.caller.post("create_ticket", data)
        ticket = self.assert_created(world, response)
        assert ticket.assessments.count() == 3

    def test_created_ticket_is_listed_with_its_audit_event(self, world):
        ticket = self.assert_created(world, world.caller.post("create_ticket", document_example(world)))
        listed = world.caller.get("tickets").json()["ticket"]
        assert [t["id"] for t in listed if t["title"] == "new test ticket"] == [ticket.pk]
        assert ticket.events.filter(kind="created", actor_client=world.tenant.client, channel="connect4").exists()

    def test_attachments_are_stored_with_the_sniffed_type(self, world):
        data = document_example(world)
        data["attachment_2"] = SimpleUploadedFile("notes.txt", b"plain words", content_type="image/png")
        data["attachment_1"] = png()
        ticket = self.assert_created(world, world.caller.post("create_ticket", data))
        stored = list(ticket.attachments.order_by("id"))
        assert [(a.name, a.content_type, a.size) for a in stored] == [
            ("scan.png", "image/png", len(PNG)), ("notes.txt", "text/plain", 11),
        ]

    def test_urgency_by_id_and_status_in_any_case(self, world):
        data = {**document_example(world), "urgency_status": str(world.urgencies[3].pk), "ticket_status": "in progress"}
        ticket = self.assert_created(world, world.caller.post("create_ticket", data))
        assert ticket.urgency == world.urgencies[3]
        assert ticket.status == TicketStatus.IN_PROGRESS
        listed = world.caller.get("tickets").json()["ticket"]
        assert {t["id"]: t["ticket_status"] for t in listed}[ticket.pk] == "In Progress"

    def test_regarding_stands_in_for_title(self, world):
        data = document_example(world)
        data["regarding"] = data.pop("title")
        assert self.assert_created(world, world.caller.post("create_ticket", data)).title == "new test ticket"

    def test_idempotency_key_makes_a_retry_create_nothing(self, world):
        first = world.caller.post("create_ticket", document_example(world), HTTP_IDEMPOTENCY_KEY="retry-1")
        before = counts()
        second = world.caller.post("create_ticket", document_example(world), HTTP_IDEMPOTENCY_KEY="retry-1")
        assert second.json()["ticket_id"] == first.json()["ticket_id"]
        assert counts() == before

    def test_other_organisations_idempotency_key_is_independent(self, world):
        mine = world.caller.post("create_ticket", document_example(world), HTTP_IDEMPOTENCY_KEY="k")
        theirs_data = {"title": "Oak", "resident_id": world.other.tenant.resident.pk,
                       "urgency_status": "Issue", "ticket_status": "New"}
        theirs = world.other.post("create_ticket", theirs_data, HTTP_IDEMPOTENCY_KEY="k")
        assert theirs.status_code == 200
        assert theirs.json()["ticket_id"] != mine.json()["ticket_id"]

    @pytest.mark.parametrize(
        ("change", "status", "message"),
        [
            ({"title": None}, 400, "title/regarding required"),
            ({"title": "   "}, 400, "title/regarding required"),
            ({"resident_id": None}, 400, "Message cannot be created resident_id: This field is required."),
            ({"resident_id": "abc"}, 400, "Message cannot be created resident_id: "),
            ({"resident_id": 999_999}, 400, "Message cannot be created resident_id: Unknown resident."),
            ({"urgency_status": "Dire"}, 400, "Message cannot be created urgency_status: "),
            ({"ticket_status": "Lost"}, 400, "Message cannot be created ticket_status: Unknown ticket status"),
            ({"ticket_status": "Reopen"}, 400, "Message cannot be created ticket_status: "),
            ({"sms": "perhaps"}, 400, "Message cannot be created sms: "),
            ({"category_999999": "Issue"}, 400, "Message cannot be created category_999999: Unknown category"),
            ({"category_comments_999999": "x"}, 400, "Message cannot be created category_comments_999999: "),
            ({"attachment_1": "not a file"}, 400, "Message cannot be created attachment_1: "),
        ],
    )
    def test_bad_input_is_named_and_writes_nothing(self, world, change, status, message):
        data = {**document_example(world), **change}
        data = {k: v for k, v in data.items() if v is not None}
        before = counts()
        response = world.caller.post("create_ticket", data)
        assert response.status_code == status
        body = response.json()
        assert body["status"] is False
        assert body["message"].startswith(message)
        assert counts() == before

    def test_bad_category_status_is_named_with_its_word(self, world):
        data = document_example(world)
        key = f"category_{world.categories[0].pk}"
        data[key] = "Catastrophe"
        before = counts()
        response = world.caller.post("create_ticket", data)
        assert response.status_code == 400
        assert response.json()["message"] == f"Message cannot be created {key}: Unknown category status 'Catastrophe'."
        assert counts() == before

    def test_rejected_file_writes_nothing(self, world):
        data = document_example(world)
        data["attachment_1"] = png()
        data["attachment_2"] = SimpleUploadedFile("run.exe", b"MZ\x90\x00" + b"\x00" * 200)
        before = counts()
        response = world.caller.post("create_ticket", data)
        assert response.status_code == 400
        assert response.json()["message"].startswith("Message cannot be created attachment_2: ")
        assert counts() == before

    def test_oversize_file_writes_nothing(self, world, settings):
        settings.HEALTHDESK_MAX_UPLOAD_BYTES = 50
        data = {**document_example(world), "attachment_1": png()}
        before = counts()
        response = world.caller.post("create_ticket", data)
        assert response.status_code == 400
        assert "attachment_1" in response.json()["message"]
        assert counts() == before

    def test_oversize_request_writes_nothing(self, world, settings):
        settings.HEALTHDESK_MAX_REQUEST_UPLOAD_BYTES = 100
        data = {**document_example(world), "attachment_1": png()}
        before = counts()
        response = world.caller.post("create_ticket", data)
        assert response.status_code == 413
        assert response.json()["status"] is False
        assert counts() == before

    def test_malformed_json_writes_nothing(self, world):
        before = counts()
        response = world.caller.post("create_ticket", "{not json", content_type="application/json")
        assert response.status_code == 400
        assert response.json()["status"] is False
        assert counts() == before

    def test_too_deeply_nested_json_is_a_400_in_shape_and_writes_nothing(self, world):
        # Issue #16 finding 2: 1,000 levels of brackets raised RecursionError inside the JSON parser (a 500).
        before = counts()
        response = world.caller.post("create_ticket", TOO_DEEP, content_type="application/json")
        assert response.status_code == 400, response.content
        assert response.json()["status"] is False
        assert counts() == before

    def test_json_nested_to_the_limit_still_parses(self, world):
        body = with_deep_extra(document_example(world))
        assert depth(body) == MAX_JSON_DEPTH
        response = world.caller.post("create_ticket", body, content_type="application/json")
        self.assert_created(world, response)

    def test_other_organisations_resident_or_category_creates_nothing(self, world, other_tenant):
        from tests.factories import CategoryFactory

        foreign_category = CategoryFactory(organisation=other_tenant.organisation)
        for change in ({"resident_id": other_tenant.resident.pk}, {f"category_{foreign_category.pk}": "Issue"}):
            before = counts()
            response = world.caller.post("create_ticket", {**document_example(world), **change})
            assert response.status_code == 400
            assert response.json()["message"].startswith("Message cannot be created ")
            assert counts() == before

    def test_too_long_idempotency_key_is_named(self, world):
        before = counts()
        response = world.caller.post("create_ticket", document_example(world), HTTP_IDEMPOTENCY_KEY="k" * 101)
        assert response.status_code == 400
        assert "Idempotency-Key" in response.json()["message"]
        assert counts() == before
