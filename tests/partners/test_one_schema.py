"""One schema: what one partner API writes, every other partner API and the back office read as the same rows."""

import base64
import json

import pytest

from directory.services import access_token_issue
from healthdesk.partners.webcamconsult.fields import decode_id, encode_id
from tests.factories import UserFactory
from tests.streaming import consumed

pytestmark = pytest.mark.django_db


class Partners:
    """One organisation's client, speaking each partner API its own way."""

    def __init__(self, client, tenant):
        self.client, self.tenant = client, tenant

    def webcamconsult(self, method, path, body=None):
        call = getattr(self.client, method)
        headers = {"HTTP_AUTHORIZATION": f"Token token={self.tenant.secret}"}
        if body is None:
            return call(path, **headers)
        return call(path, json.dumps(body), content_type="application/json", **headers)

    def connect4(self, name, params=None):
        token = access_token_issue(client=self.tenant.client)
        return consumed(self.client.get(f"/api/{token}/{name}", params or {}, HTTP_API_KEY=self.tenant.key,
                                        HTTP_API_SECRET=self.tenant.secret))

    def cliniko(self, path):
        basic = base64.b64encode(f"{self.tenant.secret}:".encode()).decode()
        return self.client.get(f"/v1/{path}", HTTP_AUTHORIZATION=f"Basic {basic}",
                               HTTP_USER_AGENT="one schema (test@example.com)")

    def support(self, path, body):
        return consumed(self.client.post(f"/api/v1/{path}", json.dumps(body), content_type="application/json",
                                         HTTP_AUTHORIZATION=f"Token {self.tenant.secret}"))

    def updox(self, items):
        auth = {"applicationId": self.tenant.key, "applicationPassword": self.tenant.secret,
                "accountId": self.tenant.organisation.slug}
        return self.client.post("/io/syncAppointments", json.dumps({"appointments": items, "auth": auth}),
                                content_type="application/json")


@pytest.fixture
def partners(client, tenant):
    return Partners(client, tenant)


def test_a_webcamconsult_client_and_appointment_are_connect4_cliniko_and_admin_rows(partners, tenant, client):
    created = partners.webcamconsult("post", "/clients.json", {"client": {
        "email": "urias@example.com", "titles": "Dr.", "initials": "T", "surname_prefix": "de",
        "last_name": "Ester", "gender": "male", "date_of_birth": "1937-01-21T00:00:00.000+01:00",
    }})
    assert created.status_code == 200, created.content
    resident_id = decode_id("client", created.json()["client"]["id"])
    residents = partners.connect4("all_residents").json()["residents"]
    assert resident_id in {r["id"] for r in residents}
    assert partners.cliniko(f"patients/{resident_id}").json()["last_name"] == "Ester"

    practitioner = UserFactory(organisation=tenant.organisation)
    booked = partners.webcamconsult("post", "/appointments.json", {"appointment": {
        "user_id": encode_id("user", practitioner.pk), "client_id": created.json()["client"]["id"],
        "date": "2030-07-01T15:41:24.306+02:00", "duration": 100,
    }})
    assert booked.status_code == 200, booked.content
    appointment_id = decode_id("appointment", booked.json()["appointment"]["id"])
    attendees = partners.cliniko(f"individual_appointments/{appointment_id}/attendees").json()["attendees"]
    assert [a["patient"]["links"]["self"].rsplit("/", 1)[1] for a in attendees] == [str(resident_id)]

    staff = UserFactory(organisation=tenant.organisation, is_superuser=True)
    client.force_login(staff)
    page = client.get(f"/admin/scheduling/appointment/{appointment_id}/change/").content.decode()
    assert "Ester" in page


def test_an_updox_sync_is_a_cliniko_booking_and_a_webcamconsult_appointment(partners):
    answer = partners.updox([{"id": "3456", "patientId": "789", "date": "2030-12-30T09:00:00", "duration": 30,
                              "summary": "Check-up"}])
    assert answer.json()["statuses"][0]["success"] in (True, "true")
    bookings = partners.cliniko("bookings").json()["bookings"]
    assert len(bookings) == 1
    appointment_id = bookings[0]["id"]
    listed = b"".join(partners.webcamconsult("get", "/appointments.json").streaming_content)
    assert encode_id("appointment", appointment_id) in {a["id"] for a in json.loads(listed)}


def test_a_support_ticket_is_in_connect4s_tickets(partners, tenant):
    raised = partners.support("raise_ticket", {"type": "Care", "subject": "Fell in the garden",
                                               "userId": tenant.resident.pk, "comments": "Bruised knee"})
    ticket_id = int(raised.json()["ticketId"])
    tickets = partners.connect4("tickets").json()["ticket"]
    assert {t["id"]: t["title"] for t in tickets}[ticket_id] == "Fell in the garden"
    detail = partners.connect4("ticket_detail", {"id": ticket_id}).json()
    assert detail["ticket_with_details"]["ticket"]["resident_id"] == tenant.resident.pk
