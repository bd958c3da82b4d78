"""GET /api/<access_token>/tickets: the provider's tickets with exactly the documented keys."""

import re
from datetime import UTC, datetime, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from tests.factories import TicketFactory
from tests.partners.connect4.conftest import Connect4Contract
from tickets import services as ticket_services
from tickets.choices import TicketStatus
from tickets.models import Ticket

pytestmark = pytest.mark.django_db

DOCUMENTED_KEYS = {
    "start_date", "sentsent_to_primary", "urgency_status_id", "ticket_type", "resident_id", "updated_at",
    "created_at", "email", "sent_to_healthcare_pro", "state", "sms", "id", "end_date", "ticket_status",
    "sent_to_family", "title", "employee_id",
}
DATETIME = re.compile(r"^\d{4}/\d{2}/\d{2} \d{2}:\d{2}:\d{2} [+-]\d{4}$")


class TestTickets(Connect4Contract):
    endpoint = "tickets"

    def test_document_example_shape(self, world):
        body = world.caller.get("tickets").json()
        assert set(body) == {"status", "ticket"}
        (ticket,) = body["ticket"]
        assert set(ticket) == DOCUMENTED_KEYS
        assert ticket["id"] == world.ticket.pk
        assert ticket["title"] == "Ticket  commment"
        assert ticket["ticket_status"] == "New"
        assert ticket["urgency_status_id"] == world.urgencies[2].pk
        assert ticket["resident_id"] == world.tenant.resident.pk
        assert ticket["employee_id"] == world.tenant.staff.pk
        assert ticket["state"] is False
        assert ticket["ticket_type"] is None
        for key in ("sms", "email", "start_date", "end_date", "sent_to_family", "sent_to_healthcare_pro",
                    "sentsent_to_primary"):
            assert ticket[key] is None
        assert DATETIME.match(ticket["created_at"]) and DATETIME.match(ticket["updated_at"])

    def test_dates_in_the_organisations_zone(self, world):
        sent = datetime(2016, 2, 12, 11, 0, 34, tzinfo=UTC)
        Ticket.objects.filter(pk=world.ticket.pk).update(sent_to_primary_at=sent, sent_to_family_at=sent)
        world.tenant.organisation.time_zone = "America/Los_Angeles"
        world.tenant.organisation.save()
        (ticket,) = world.caller.get("tickets").json()["ticket"]
        assert ticket["sentsent_to_primary"] == "2016/02/12 03:00:34 -0800"
        assert ticket["sent_to_family"] == "2016/02/12 03:00:34 -0800"

    def test_flags_and_employee(self, world):
        Ticket.objects.filter(pk=world.ticket.pk).update(notify_sms=True, notify_email=False, state=True)
        ticket_services.ticket_assign(ticket=world.ticket, actor=world.tenant.actor, assignee=world.tenant.staff)
        (ticket,) = world.caller.get("tickets").json()["ticket"]
        assert (ticket["sms"], ticket["email"], ticket["state"]) == (True, False, True)
        assert ticket["employee_id"] == world.tenant.staff.pk

    def test_other_organisations_tickets_are_never_listed(self, world):
        ids = [t["id"] for t in world.caller.get("tickets").json()["ticket"]]
        assert world.other_ticket.pk not in ids
        assert ids == [world.ticket.pk]

    def test_status_filter_in_connect4_words(self, world):
        closed = TicketFactory(organisation=world.tenant.organisation, resident=world.tenant.resident)
        ticket_services.ticket_close(ticket=closed, actor=world.tenant.actor)
        body = world.caller.get("tickets", {"status": "closed"}).json()
        assert [(t["id"], t["ticket_status"]) for t in body["ticket"]] == [(closed.pk, "Closed")]
        both = world.caller.get("tickets", {"status": "New,Closed"}).json()["ticket"]
        assert {t["id"] for t in both} == {closed.pk, world.ticket.pk}

    def test_resident_and_updated_since_filters(self, world):
        other_resident_ticket = TicketFactory(organisation=world.tenant.organisation)
        by_resident = world.caller.get("tickets", {"resident_id": world.tenant.resident.pk}).json()["ticket"]
        assert [t["id"] for t in by_resident] == [world.ticket.pk]
        Ticket.objects.filter(pk=world.ticket.pk).update(updated_at=timezone.now() - timedelta(days=3))
        since = (timezone.now() - timedelta(days=1)).astimezone(world.tenant.organisation.zone)
        recent = world.caller.get("tickets", {"updated_since": since.strftime("%Y/%m/%d %H:%M:%S %z")}).json()
        assert [t["id"] for t in recent["ticket"]] == [other_resident_ticket.pk]

    def test_paging(self, world):
        TicketFactory.create_batch(4, organisation=world.tenant.organisation)
        first = world.caller.get("tickets", {"per_page": 2}).json()
        assert (first["page"], first["per_page"], first["next_page"]) == (1, 2, 2)
        assert len(first["ticket"]) == 2
        last = world.caller.get("tickets", {"per_page": 2, "page": 3}).json()
        assert len(last["ticket"]) == 1 and last["next_page"] is None
        seen = {t["id"] for page in (1, 2, 3)
                for t in world.caller.get("tickets", {"per_page": 2, "page": page}).json()["ticket"]}
        assert len(seen) == 5

    @pytest.mark.parametrize(
        ("params", "field"),
        [
            ({"status": "Lost"}, "status"),
            ({"resident_id": "abc"}, "resident_id"),
            ({"updated_since": "yesterday"}, "updated_since"),
            ({"per_page": "0"}, "per_page"),
            ({"per_page": "100000"}, "per_page"),
            ({"page": "-1"}, "page"),
        ],
    )
    def test_bad_filter_is_named(self, world, params, field):
        response = world.caller.get("tickets", params)
        assert response.status_code == 400
        body = response.json()
        assert body["status"] is False
        assert body["message"].startswith(f"{field}: ")

    @pytest.mark.parametrize("params", [{}, {"per_page": 500}])
    def test_fixed_query_count_for_1_or_200_rows(self, world, params):
        def count():
            with CaptureQueriesContext(connection) as ctx:
                response = world.caller.get("tickets", params)
            assert response.status_code == 200
            return len(ctx.captured_queries), len(response.json()["ticket"])

        world.caller.get("tickets")  # the client's first use of the minute also records last_used_at
        one_queries, one_rows = count()
        TicketFactory.create_batch(199, organisation=world.tenant.organisation, status=TicketStatus.IN_PROGRESS)
        many_queries, many_rows = count()
        assert (one_rows, many_rows) == (1, 200)
        assert one_queries == many_queries

    def test_the_list_reads_the_ticket_table_alone(self, world):
        # Every key of a row is a ticket column: joining residents, staff or urgencies would only cost.
        with CaptureQueriesContext(connection) as ctx:
            assert world.caller.get("tickets").status_code == 200
        ticket_reads = [q["sql"] for q in ctx.captured_queries if 'FROM "tickets_ticket"' in q["sql"]]
        assert len(ticket_reads) == 1
        assert "JOIN" not in ticket_reads[0]


def test_updated_since_with_an_offset_postgresql_refuses_is_read_in_utc(world):
    response = world.caller.get("tickets", {"updated_since": "0978-10-21T03:26:45.378+16:17"})
    assert response.status_code == 200
    assert response.json()["status"] is True
