"""Property-based fuzzing of every parser a partner reaches: whatever arrives, the answer is the partner's own
4xx or a success — never a 500 — and a refused request writes nothing."""

import json
from urllib.parse import quote

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from scheduling.models import Appointment
from tests.streaming import consumed
from tickets.models import Ticket

pytestmark = pytest.mark.django_db

FUZZ = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
scalars = st.one_of(st.none(), st.booleans(), st.integers(), st.floats(allow_nan=True), st.text(max_size=40))
json_values = st.recursive(scalars, lambda inner: st.lists(inner, max_size=3) | st.dictionaries(
    st.text(max_size=10), inner, max_size=3), max_leaves=8)
dateish = st.one_of(
    st.text(max_size=30),
    st.from_regex(r"\A[0-9]{1,4}-[0-9]{1,2}-[0-9]{1,4}( [0-9]{1,2}:[0-9]{1,2})?\Z"),
    st.datetimes().map(lambda d: d.strftime("%d-%m-%Y %H:%M")),
    st.datetimes().map(lambda d: d.isoformat()),
)


def post_json(client, url, body, **headers):
    return consumed(client.post(url, json.dumps(body), content_type="application/json", **headers))


@FUZZ
@given(from_date=dateish, to_date=dateish, status=st.sampled_from(
    ["unresolved", "overdue", "duetoday", "open", "onhold", "unassigned", "closed", "bogus", "", "%00"]))
def test_support_ticket_filters(client, tenant, from_date, to_date, status):
    response = post_json(client, f"/api/v1/get_tickets/0/{status or 'open'}",
                         {"fromDate": from_date, "toDate": to_date}, HTTP_AUTHORIZATION=f"Token {tenant.secret}")
    assert response.status_code in (200, 400, 404), response.content
    assert response.json()["status"] in ("success", "error")


@FUZZ
@given(body=st.dictionaries(st.sampled_from(
    ["type", "subject", "userId", "comments", "priority", "closeTicketImmediately", "resolutionType",
     "resolutionSubject"]), json_values, max_size=8))
def test_support_raise_ticket_bodies(client, tenant, body):
    before = Ticket.objects.count()
    response = post_json(client, "/api/v1/raise_ticket", body, HTTP_AUTHORIZATION=f"Token {tenant.secret}")
    assert response.status_code in (200, 400, 404), response.content
    if response.status_code != 200:
        assert Ticket.objects.count() == before


updox_item = st.dictionaries(st.sampled_from(
    ["id", "updoxId", "patientId", "date", "duration", "cancelled", "blocked", "summary", "details", "typeId",
     "locationId", "calendarId"]), json_values, max_size=12)


@FUZZ
@given(items=st.lists(updox_item, max_size=5))
def test_updox_items(client, tenant, items):
    auth = {"applicationId": tenant.key, "applicationPassword": tenant.secret,
            "accountId": tenant.organisation.slug}
    response = post_json(client, "/io/syncAppointments", {"appointments": items, "auth": auth})
    assert response.status_code in (200, 400), response.content
    body = response.json()
    if response.status_code == 200:
        assert len(body["statuses"]) == len(items)


@FUZZ
@given(body=json_values)
def test_updox_whole_bodies(client, tenant, body):
    before = Appointment.objects.count()
    response = post_json(client, "/io/syncAppointments", body)
    assert response.status_code in (200, 400, 401, 403), response.content
    assert response.json()["successful"] in (True, False)
    if response.status_code != 200:
        assert Appointment.objects.count() == before


webcam_fields = st.sampled_from(
    ["user_id", "client_id", "created_by_user_id", "date", "division_id", "duration", "external_participant_ids",
     "inloop_json", "id", "state"])


@FUZZ
@given(fields=st.dictionaries(webcam_fields, json_values, max_size=8))
def test_webcamconsult_appointment_bodies(client, tenant, fields):
    before = Appointment.objects.count()
    response = post_json(client, "/appointments.json", {"appointment": fields},
                         HTTP_AUTHORIZATION=f"Token token={tenant.secret}")
    assert response.status_code in (200, 400, 422), response.content
    assert "errors" in response.json() or "appointment" in response.json()
    if response.status_code != 200:
        assert Appointment.objects.count() == before


@FUZZ
@given(wire_id=st.one_of(st.text(max_size=30), st.from_regex(r"\A[0-9a-f]{24}\Z")))
def test_webcamconsult_ids(client, tenant, wire_id):
    response = client.get(f"/client/{quote(wire_id, safe='')}.json", HTTP_AUTHORIZATION=f"Token token={tenant.secret}")
    assert response.status_code in (200, 404), response.content


cliniko_fields = st.sampled_from(["booking_id", "created_at", "id", "patient_id", "updated_at", "deleted_at",
                                  "cancelled_at", "notes", "bogus", ""])
cliniko_ops = st.sampled_from(["=", "!=", ">", ">=", "<", "<=", "?", "!?", "*", "~", "", ":", "=="])
cliniko_values = st.one_of(st.text(max_size=25), st.integers().map(str),
                           st.datetimes().map(lambda d: d.strftime("%Y-%m-%dT%H:%M:%SZ")),
                           st.lists(st.integers(min_value=-5, max_value=10**12), max_size=4).map(
                               lambda xs: ",".join(map(str, xs))))


@FUZZ
@given(filters=st.lists(st.tuples(cliniko_fields, cliniko_ops, cliniko_values), max_size=3),
       sort=st.one_of(st.none(), st.text(max_size=20), st.sampled_from(["created_at:desc", "id,updated_at:desc"])),
       page=st.one_of(st.none(), st.text(max_size=5), st.integers(min_value=-3, max_value=10**6).map(str)),
       per_page=st.one_of(st.none(), st.text(max_size=5), st.integers(min_value=-3, max_value=500).map(str)))
def test_cliniko_list_queries(client, tenant, filters, sort, page, per_page):
    import base64

    params = [("q[]", f"{field}:{op}{value}") for field, op, value in filters]
    params += [(name, value) for name, value in (("sort", sort), ("page", page), ("per_page", per_page)) if value]
    query = "&".join(f"{name}={quote(value)}" for name, value in params)
    response = client.get(
        f"/v1/attendees?{query}",
        HTTP_AUTHORIZATION="Basic " + base64.b64encode(f"{tenant.secret}:".encode()).decode(),
        HTTP_USER_AGENT="fuzz (fuzz@example.com)",
    )
    assert response.status_code in (200, 400), response.content
    assert "attendees" in response.json() or "message" in response.json()


@FUZZ
@given(extra=st.dictionaries(
    st.one_of(st.from_regex(r"\Acategory_[0-9a-z_-]{0,12}\Z"), st.from_regex(r"\Acategory_comments_[0-9a-z]{0,8}\Z")),
    st.text(max_size=20), max_size=5),
    urgency=st.one_of(st.text(max_size=15), st.sampled_from(["No Issue", "issue", "1", "999999"])),
    status=st.one_of(st.text(max_size=12), st.sampled_from(["New", "in progress", "Reopen", "CLOSED"])))
def test_connect4_create_ticket_parameters(client, tenant, extra, urgency, status):
    from directory.services import access_token_issue

    token = access_token_issue(client=tenant.client)
    before = Ticket.objects.count()
    data = {"title": "Fell", "resident_id": str(tenant.resident.pk), "urgency_status": urgency,
            "ticket_status": status, **extra}
    response = client.post(f"/api/{token}/create_ticket", data,
                           HTTP_API_KEY=tenant.key, HTTP_API_SECRET=tenant.secret)
    assert response.status_code in (200, 400, 404), response.content
    assert response.json()["status"] in (True, False)
    if response.json()["status"] is False:
        assert Ticket.objects.count() == before
