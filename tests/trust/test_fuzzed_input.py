"""Property-based fuzzing of every parser a partner reaches: whatever arrives, the answer is the partner's own
4xx or a success — never a 500 — and a refused request writes nothing."""

import json

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from scheduling.models import Appointment
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
    return client.post(url, json.dumps(body), content_type="application/json", **headers)


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
    from urllib.parse import quote

    response = client.get(f"/client/{quote(wire_id, safe='')}.json", HTTP_AUTHORIZATION=f"Token token={tenant.secret}")
    assert response.status_code in (200, 404), response.content
