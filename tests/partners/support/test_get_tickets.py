"""GET and POST /api/v1/get_tickets/<userId>[/<status>[/<assigned_admin>]]."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from tests.factories import ResidentFactory, TicketFactory, UserFactory
from tests.partners.support.contract import SupportContract
from tickets.choices import TicketStatus
from tickets.models import Ticket

pytestmark = pytest.mark.django_db

AMSTERDAM = ZoneInfo("Europe/Amsterdam")


def ids(response):
    assert response.status_code == 200, response.content
    body = response.json()
    assert (body["status"], body["errorCode"]) == ("success", 200)
    return {int(row["Ticket"]["id"]) for row in body["data"]}


class TestGetTickets(SupportContract):
    method = "get"
    bad_inputs = (
        ("userId", "six", 400),
        ("status", "someday", 400),
        ("userId", "999999", 404),
        ("assigned_admin", "nobody", 404),
        ("page", "0", 400),
        ("page", "first", 400),
        ("page", "10000001", 400),
        ("per_page", "0", 400),
        ("per_page", "501", 400),
    )

    def url(self, ticket):
        return f"/api/v1/get_tickets/{ticket.resident_id}"

    def bad_request(self, tenant, ticket, field, value):
        segments = {"userId": str(ticket.resident_id), "status": "unresolved", "assigned_admin": tenant.staff.username}
        if field in ("page", "per_page"):
            return "/api/v1/get_tickets/{userId}/{status}/{assigned_admin}".format(**segments) + f"?{field}={value}", {}
        segments[field] = value
        return "/api/v1/get_tickets/{userId}/{status}/{assigned_admin}".format(**segments), {}

    def test_documented_row_shape(self, api, tenant, ticket, admin):
        created = datetime(2016, 11, 21, 17, 1, 51, tzinfo=AMSTERDAM)
        Ticket.objects.filter(pk=ticket.pk).update(
            created_at=created, due_at=created + timedelta(hours=12), assignee=admin
        )
        response = api.get(f"/api/v1/get_tickets/{tenant.resident.pk}")
        assert response.json() == {
            "status": "success",
            "errorCode": 200,
            "data": [
                {
                    "Ticket": {
                        "id": str(ticket.pk),
                        "account_id": "sunny-meadows",
                        "user": str(tenant.resident.pk),
                        "subject": "Unable to pay online",
                        "type": "Payment",
                        "priority": "medium",
                        "due": "2016-11-22 05:01:51",
                        "status": "open",
                        "assigned_to": "jdoe@sunny.example",
                        "group_name": "Payment",
                        "created": "2016-11-21 17:01:51",
                    }
                }
            ],
        }

    def test_unassigned_shows_the_string_null(self, api, tenant, ticket):
        row = api.get("/api/v1/get_tickets/0").json()["data"][0]["Ticket"]
        assert row["assigned_to"] == "NULL"

    @pytest.mark.parametrize(
        ("status", "word"),
        [(TicketStatus.NEW, "open"), (TicketStatus.IN_PROGRESS, "open"), (TicketStatus.REOPENED, "open"),
         (TicketStatus.ON_HOLD, "onhold"), (TicketStatus.CLOSED, "closed")],
    )
    def test_status_words(self, api, tenant, status, word):
        TicketFactory(organisation=tenant.organisation, resident=tenant.resident, status=status)
        assert api.get("/api/v1/get_tickets/0").json()["data"][0]["Ticket"]["status"] == word

    def test_user_zero_means_every_requester_and_a_user_id_only_theirs(self, api, tenant):
        mine = TicketFactory(organisation=tenant.organisation, resident=tenant.resident)
        someone_else = TicketFactory(organisation=tenant.organisation)
        assert ids(api.get("/api/v1/get_tickets/0")) == {mine.pk, someone_else.pk}
        assert ids(api.get(f"/api/v1/get_tickets/{tenant.resident.pk}")) == {mine.pk}

    def test_another_organisations_tickets_never_show(self, api, tenant, ticket, other_ticket):
        assert ids(api.get("/api/v1/get_tickets/0")) == {ticket.pk}

    def test_status_filters_around_their_edges(self, api, tenant, admin):
        """The derived filters as the organisation sees its day (Amsterdam), late in the evening."""
        now = timezone.now()
        local_midnight = datetime.combine(now.astimezone(AMSTERDAM).date() + timedelta(days=1), datetime.min.time(),
                                          tzinfo=AMSTERDAM)

        def make(**fields):
            return TicketFactory(organisation=tenant.organisation, resident=tenant.resident, **fields).pk

        minute_ago = make(due_at=now - timedelta(minutes=1))
        tomorrow = make(due_at=now + timedelta(days=1, hours=1))
        closed_overdue = make(due_at=now - timedelta(hours=1), status=TicketStatus.CLOSED)
        late_today = make(due_at=local_midnight - timedelta(seconds=1))
        just_after_midnight = make(due_at=local_midnight)
        on_hold = make(due_at=now + timedelta(days=3), status=TicketStatus.ON_HOLD)
        assigned = make(due_at=now + timedelta(days=3), assignee=admin)

        def get(status):
            return ids(api.get(f"/api/v1/get_tickets/0/{status}"))

        everything = {minute_ago, tomorrow, closed_overdue, late_today, just_after_midnight, on_hold, assigned}
        assert get("overdue") == {minute_ago}
        today_local = now.astimezone(AMSTERDAM).date()
        expected_today = {late_today}
        if (now - timedelta(minutes=1)).astimezone(AMSTERDAM).date() == today_local:
            expected_today.add(minute_ago)
        assert get("duetoday") == expected_today
        assert get("unresolved") == everything - {closed_overdue}
        assert get("unassigned") == everything - {closed_overdue, assigned}
        assert get("open") == everything - {closed_overdue, on_hold}
        assert get("onhold") == {on_hold}
        assert get("closed") == {closed_overdue}

    def test_assigned_admin_filters_by_username(self, api, tenant, admin):
        theirs = TicketFactory(organisation=tenant.organisation, resident=tenant.resident, assignee=admin)
        TicketFactory(organisation=tenant.organisation, resident=tenant.resident, assignee=tenant.staff)
        assert ids(api.get("/api/v1/get_tickets/0/unresolved/jdoe")) == {theirs.pk}

    def test_another_organisations_admin_is_not_found(self, api, other_tenant):
        response = api.get(f"/api/v1/get_tickets/0/unresolved/{other_tenant.staff.username}")
        assert response.status_code == 404
        assert response.json()["field"] == "assigned_admin"

    def test_date_range_is_inclusive_and_in_the_organisations_time_zone(self, api, tenant):
        def at(text):
            return datetime.strptime(text, "%Y-%m-%d %H:%M:%S").replace(tzinfo=AMSTERDAM)

        created = {
            "before": at("2016-11-21 16:59:59"),
            "first_minute": at("2016-11-21 17:00:00"),
            "last_minute": at("2016-11-21 18:30:59"),
            "after": at("2016-11-21 18:31:00"),
        }
        tickets = {}
        for name, moment in created.items():
            tickets[name] = TicketFactory(organisation=tenant.organisation, resident=tenant.resident).pk
            Ticket.objects.filter(pk=tickets[name]).update(created_at=moment)

        response = api.post("/api/v1/get_tickets/0", {"fromDate": "21-11-2016 17:00", "toDate": "21-11-2016 18:30"})
        assert ids(response) == {tickets["first_minute"], tickets["last_minute"]}
        # The same range as form data and with single-digit hours and minutes; in UTC it would miss both.
        response = api.post("/api/v1/get_tickets/0/unresolved", {"fromDate": "21-11-2016 17:0",
                                                                 "toDate": "21-11-2016 18:30"}, form=True)
        assert ids(response) == {tickets["first_minute"], tickets["last_minute"]}
        assert ids(api.post("/api/v1/get_tickets/0", {"fromDate": "21-11-2016"})) == set(tickets.values())
        assert ids(api.post("/api/v1/get_tickets/0", {"toDate": "21-11-2016 16:59"})) == {tickets["before"]}

    @pytest.mark.parametrize(
        ("body", "field"),
        [({"fromDate": "2016-11-21 17:00"}, "fromDate"), ({"toDate": "yesterday"}, "toDate"),
         ({"fromDate": "22-11-2016 00:00", "toDate": "21-11-2016 00:00"}, "toDate"),
         ({"fromDate": "01-01-0001 00:00"}, "fromDate"), ({"toDate": "31-12-9999"}, "toDate")],
    )
    def test_bad_range_is_named(self, api, tenant, body, field):
        response = api.post("/api/v1/get_tickets/0", body)
        assert response.status_code == 400
        assert response.json()["field"] == field

    @pytest.mark.parametrize(
        ("url", "listed"),
        [("/api/v1/get_tickets/0", 21), ("/api/v1/get_tickets/0/unresolved/jdoe", 21),
         ("/api/v1/get_tickets/0?page=1&per_page=500", 21), ("/api/v1/get_tickets/0/unresolved/jdoe?per_page=5", 5),
         ("/api/v1/get_tickets/0/unresolved?page=2&per_page=20", 1)],
    )
    def test_query_count_is_the_same_for_one_and_many_rows(self, api, tenant, admin, url, listed):
        """Counted with the streamed body read inside the count, as an app reads it."""

        def count():
            with CaptureQueriesContext(connection) as queries:
                assert api.get(url).status_code == 200
            return len(queries)

        def add(n):
            for _ in range(n):
                resident = ResidentFactory(organisation=tenant.organisation)
                TicketFactory(organisation=tenant.organisation, resident=resident, assignee=admin)

        add(1)
        count()  # the first request also stamps the client's last use
        one = count()
        add(20)
        many = count()
        assert len(api.get(url).json()["data"]) == listed
        assert one == many

    def test_unknown_url_under_the_prefix_answers_in_shape(self, api):
        response = api.get("/api/v1/get_tickets")
        assert response.status_code == 404
        assert response.json()["errorCode"] == 404


def test_a_user_of_another_organisation_is_not_found(api, other_tenant):
    UserFactory(organisation=other_tenant.organisation)
    response = api.get(f"/api/v1/get_tickets/{other_tenant.resident.pk}")
    assert response.status_code == 404
    assert response.json()["field"] == "userId"


@pytest.mark.parametrize("raw", ["[1, 2]", '["fromDate"]', "{"])
def test_a_range_body_that_is_not_a_json_object_is_a_400(api, tenant, raw):
    response = api.post_raw("/api/v1/get_tickets/0", raw)
    assert response.status_code == 400
    assert response.json()["errorCode"] == 400


def test_lean_rows_equal_the_serializer_field_for_field(api, tenant, admin):
    """ticket_row is what the wire sends; TicketRow is what the schema documents: the two agree on every kind of
    row (each status, assignee with and without an email, none, no group, no due time)."""
    from healthdesk.partners.support import serializers as s
    from tickets.selectors import ticket_list

    no_email = UserFactory(organisation=tenant.organisation, username="noemail", email="")
    TicketFactory(organisation=tenant.organisation, resident=tenant.resident, assignee=admin,
                  ticket_type="Payment", group_name="", due_at=timezone.now() - timedelta(hours=3))
    TicketFactory(organisation=tenant.organisation, resident=tenant.resident, status="closed", due_at=None,
                  group_name="Billing")
    TicketFactory(organisation=tenant.organisation, assignee=no_email, status=TicketStatus.ON_HOLD, ticket_type="")
    for status in (TicketStatus.NEW, TicketStatus.IN_PROGRESS, TicketStatus.REOPENED):
        TicketFactory(organisation=tenant.organisation, status=status, priority="urgent")
    tickets = ticket_list(organisation=tenant.organisation)
    documented = s.TicketRow(list(tickets), many=True, context={"organisation": tenant.organisation}).data
    organisation = tenant.organisation
    lean = [s.ticket_row(values, zone=organisation.zone, slug=organisation.slug)
            for values in tickets.values(*s.TICKET_COLUMNS)]
    assert lean == documented
    assert api.get("/api/v1/get_tickets/0").json()["data"] == documented
    assert {row["Ticket"]["assigned_to"] for row in lean} == {"jdoe@sunny.example", "noemail", "NULL"}


class TestGetTicketsPaging:
    """page/per_page, a healthdesk extension: additive, so an app that sends neither sees the documented shape."""

    @pytest.fixture
    def five(self, tenant):
        made = [TicketFactory(organisation=tenant.organisation, resident=tenant.resident) for _ in range(5)]
        for age, made_ticket in enumerate(made):
            Ticket.objects.filter(pk=made_ticket.pk).update(created_at=timezone.now() - timedelta(hours=age))
        return [t.pk for t in made]

    def test_without_paging_the_envelope_is_the_documented_one(self, api, five):
        response = api.get("/api/v1/get_tickets/0")
        assert response.streaming
        assert list(response.json()) == ["status", "errorCode", "data"]
        assert len(response.json()["data"]) == 5

    @pytest.mark.parametrize("method", ["get", "post"])
    def test_pages_walk_the_list_newest_first(self, api, five, method):
        def page(query):
            response = api.call(method, f"/api/v1/get_tickets/0/unresolved?{query}")
            assert response.status_code == 200, response.content
            return response.json()

        first = page("per_page=2")
        assert [first[k] for k in ("status", "errorCode", "page", "per_page", "next_page")] == [
            "success", 200, 1, 2, 2]
        assert list(first)[-1] == "data"
        last = page("page=3&per_page=2")
        assert (last["next_page"], len(last["data"])) == (None, 1)
        walked = [int(row["Ticket"]["id"]) for n in (1, 2, 3) for row in page(f"page={n}&per_page=2")["data"]]
        assert walked == five
        beyond = page("page=4&per_page=2")
        assert (beyond["data"], beyond["next_page"]) == ([], None)

    def test_page_alone_means_100_per_page(self, api, five):
        body = api.get("/api/v1/get_tickets/0?page=1").json()
        assert (body["page"], body["per_page"], body["next_page"], len(body["data"])) == (1, 100, None, 5)

    def test_paging_keeps_the_range_of_a_post(self, api, tenant, five):
        old = TicketFactory(organisation=tenant.organisation, resident=tenant.resident)
        Ticket.objects.filter(pk=old.pk).update(created_at=datetime(2016, 11, 21, 17, 0, tzinfo=AMSTERDAM))
        response = api.post("/api/v1/get_tickets/0?page=1&per_page=10", {"toDate": "21-11-2016 23:59"})
        assert ids(response) == {old.pk}
        assert response.json()["next_page"] is None

    def test_another_organisations_tickets_are_on_no_page(self, api, other_api, tenant, other_tenant, five):
        theirs = {TicketFactory(organisation=other_tenant.organisation).pk for _ in range(3)}
        mine = set()
        for n in (1, 2, 3, 4):
            mine |= ids(api.get(f"/api/v1/get_tickets/0?page={n}&per_page=2"))
        assert mine == set(five)
        assert ids(other_api.get("/api/v1/get_tickets/0?page=1&per_page=500")) == theirs | {
            t.pk for t in Ticket.objects.filter(organisation=other_tenant.organisation)}
