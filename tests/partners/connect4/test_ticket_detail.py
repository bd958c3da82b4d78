"""GET ticket_detail?id= and the attachment download it links to."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.factories import CategoryFactory, MessageFactory
from tests.partners.connect4.conftest import PNG, Connect4Contract, xml_of
from tests.partners.connect4.test_tickets import DOCUMENTED_KEYS
from tickets import services as ticket_services

pytestmark = pytest.mark.django_db
DATETIME = re.compile(r"^\d{4}/\d{2}/\d{2} \d{2}:\d{2}:\d{2} [+-]\d{4}$")


class TestTicketDetail(Connect4Contract):
    endpoint = "ticket_detail"

    def params(self, world):
        return {"id": world.ticket.pk}

    def test_document_example_shape(self, world):
        body = world.caller.get("ticket_detail", {"id": world.ticket.pk}).json()
        assert body["status"] is True
        details = body["ticket_with_details"]
        assert set(details) >= {"ticket_attachments", "ticket", "categories"}
        assert set(details["ticket"]) == DOCUMENTED_KEYS
        assert details["ticket"]["id"] == world.ticket.pk
        first, second = world.categories[0], world.categories[1]
        assert set(details["categories"]) == {str(first.pk), str(second.pk)}
        no_issue = details["categories"][str(first.pk)]
        assert no_issue["status"] == "no issue"
        assert no_issue["title"] == first.name
        (comment_key,) = [k for k in no_issue if k.startswith("comment")]
        assert re.match(r"^comment\d+$", comment_key)
        comment = no_issue[comment_key]
        assert set(comment) == {"commented_by", "commented_on", "title"}
        assert comment["title"] == "comment 1"
        assert comment["commented_by"] == world.tenant.staff.username
        assert DATETIME.match(comment["commented_on"])
        assert details["categories"][str(second.pk)]["status"] == "issue"
        (general,) = details["general_comments"].values()
        assert general["title"] == "General remark"

    def test_attachments_have_name_type_size_and_a_working_url(self, world):
        details = world.caller.get("ticket_detail", {"id": world.ticket.pk}).json()["ticket_with_details"]
        (attachment,) = details["ticket_attachments"]
        assert attachment["name"] == "scan.png"
        assert attachment["content_type"] == "image/png"
        assert attachment["size"] == len(PNG)
        assert attachment["url"].startswith("http://testserver/api/")
        path = attachment["url"].removeprefix("http://testserver")
        download = world.caller.http.get(path, **world.caller.headers())
        assert download.status_code == 200
        assert download["Content-Type"] == "image/png"
        assert b"".join(download.streaming_content) == PNG
        assert "attachment" in download["Content-Disposition"]

    def test_attachment_url_needs_the_headers(self, world):
        details = world.caller.get("ticket_detail", {"id": world.ticket.pk}).json()["ticket_with_details"]
        path = details["ticket_attachments"][0]["url"].removeprefix("http://testserver")
        response = world.caller.http.get(path)
        assert response.status_code == 401
        assert response.json() == {"status": False, "message": "Invalid Credentials"}

    def test_other_organisations_attachment_is_not_found(self, world):
        other_attachment = world.other_ticket.attachments.get()
        response = world.caller.get(f"attachment/{other_attachment.pk}")
        assert response.status_code == 404
        assert response.json() == {"status": False, "message": "attachment_id: Unknown attachment."}
        assert b"PNG" not in response.content

    def test_category_comment_without_assessment_is_shown_with_null_status(self, world):
        unassessed = world.categories[3]
        ticket_services.ticket_message_add(
            ticket=world.ticket, actor=world.tenant.api_actor, body="later", category=unassessed
        )
        categories = world.caller.get("ticket_detail", {"id": world.ticket.pk}).json()["ticket_with_details"][
            "categories"
        ]
        entry = categories[str(unassessed.pk)]
        assert entry["status"] is None and entry["title"] == unassessed.name
        assert [v["title"] for k, v in entry.items() if k.startswith("comment")] == ["later"]

    @pytest.mark.parametrize("which", ["unknown", "other"])
    def test_unknown_or_other_organisations_ticket_is_invalid_ticket_id(self, world, which):
        pk = world.other_ticket.pk if which == "other" else 999_999
        response = world.caller.get("ticket_detail", {"id": pk})
        assert response.status_code == 404
        assert response.json() == {"status": False, "message": "Invalid Ticket ID"}
        assert b"Oak ticket" not in response.content

    @pytest.mark.parametrize("params", [{}, {"id": "abc"}])
    def test_missing_or_malformed_id_is_named(self, world, params):
        response = world.caller.get("ticket_detail", params)
        assert response.status_code == 400
        assert response.json()["message"].startswith("id: ")

    def test_xml_keeps_category_ids_as_attributes(self, world):
        root = xml_of(world.caller.get("ticket_detail", {"id": world.ticket.pk, "format": "xml"}))
        entries = root.findall("./ticket_with_details/categories/entry")
        assert {e.get("key") for e in entries} == {str(world.categories[0].pk), str(world.categories[1].pk)}
        assert root.find("./ticket_with_details/ticket/sms").get("nil") == "true"

    def test_errors_answer_in_xml_when_asked(self, world):
        response = world.caller.get("ticket_detail", {"id": world.other_ticket.pk}, HTTP_ACCEPT="application/xml")
        assert response.status_code == 404
        root = xml_of(response)
        assert (root.findtext("status"), root.findtext("message")) == ("false", "Invalid Ticket ID")

    def test_fixed_query_count_however_many_comments(self, world):
        def count():
            with CaptureQueriesContext(connection) as ctx:
                assert world.caller.get("ticket_detail", {"id": world.ticket.pk}).status_code == 200
            return len(ctx.captured_queries)

        world.caller.get("tickets")
        before = count()
        extra = CategoryFactory(organisation=world.tenant.organisation)
        MessageFactory.create_batch(30, ticket=world.ticket, category=extra)
        MessageFactory.create_batch(30, ticket=world.ticket)
        assert count() == before


class TestAttachment(Connect4Contract):
    endpoint = "attachment"

    def call(self, world, caller=None, **kwargs):
        caller = caller or world.caller
        return caller.get(f"attachment/{world.ticket.attachments.get().pk}", **kwargs)

    def test_valid_credentials_answer_200_with_status_true(self, world):
        response = self.call(world)
        assert response.status_code == 200
        assert b"".join(response.streaming_content) == PNG

    def test_an_unknown_format_falls_back_to_json(self, world):
        # A download is the file itself, whatever format is asked for.
        response = world.caller.get(f"attachment/{world.ticket.attachments.get().pk}", {"format": "AAA"})
        assert response.status_code == 200
        assert b"".join(response.streaming_content) == PNG

    def test_xml_has_the_same_structure(self, world):
        response = self.call(world, HTTP_ACCEPT="application/xml")
        assert response.status_code == 200
        assert response["Content-Type"] == "image/png"
