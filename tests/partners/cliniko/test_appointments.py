"""Individual and group appointments and the read-only bookings view an attendee's `booking` link points at."""

from datetime import UTC, datetime, timedelta

import pytest

from scheduling import services as scheduling_services
from scheduling.choices import AppointmentKind
from scheduling.models import Appointment, Attendee

pytestmark = pytest.mark.django_db

START = datetime(2016, 7, 1, 9, 0, tzinfo=UTC)
INDIVIDUAL_KEYS = [
    "id", "created_at", "updated_at", "starts_at", "ends_at", "deleted_at", "cancelled_at", "cancellation_note",
    "cancellation_reason", "cancellation_reason_description", "booking_ip_address", "did_not_arrive",
    "patient_arrived", "email_reminder_sent", "sms_reminder_sent", "invoice_status", "treatment_note_status",
    "online_booking_policy_accepted", "notes", "patient_name", "conflicts", "business", "practitioner", "patient",
    "attendees",
    "links",
]
GROUP_KEYS = [
    "id", "created_at", "updated_at", "starts_at", "ends_at", "deleted_at", "max_attendees", "notes", "patient_ids",
    "business", "practitioner", "attendees", "links",
]


def ids(response, key):
    assert response.status_code == 200, response.content
    return [row["id"] for row in response.json()[key]]


# Individual appointments -----------------------------------------------------------------------------------
def test_create_individual_appointment_books_its_patient(api, book, tenant):
    response = api.post("/v1/individual_appointments", {
        "starts_at": "2016-07-01T09:00:00Z", "ends_at": "2016-07-01T09:45:00Z", "patient_id": str(tenant.resident.pk),
        "practitioner_id": str(book.practitioner.pk), "appointment_type_id": "1", "business_id": "1",
        "notes": "First visit",
    })
    assert response.status_code == 201, response.content
    body = response.json()
    assert list(body) == INDIVIDUAL_KEYS
    assert response["Location"] == f"http://testserver/v1/individual_appointments/{body['id']}"
    assert (body["starts_at"], body["ends_at"], body["notes"]) == (
        "2016-07-01T09:00:00Z", "2016-07-01T09:45:00Z", "First visit"
    )
    assert body["patient"] == {"links": {"self": f"http://testserver/v1/patients/{tenant.resident.pk}"}}
    assert body["patient_name"] == tenant.resident.full_name
    appointment = Appointment.objects.get(pk=body["id"])
    assert (appointment.kind, appointment.practitioner_id, appointment.duration_minutes) == (
        AppointmentKind.INDIVIDUAL, book.practitioner.pk, 45
    )
    attendees = api.get(f"/v1/individual_appointments/{body['id']}/attendees").json()["attendees"]
    assert [a["patient"]["links"]["self"] for a in attendees] == [body["patient"]["links"]["self"]]


@pytest.mark.parametrize(
    "body, field",
    [
        ({"patient_id": "1"}, "starts_at"),
        ({"starts_at": "2016-07-01T09:00:00Z"}, "patient_id"),
        ({"starts_at": "soon", "patient_id": "1"}, "starts_at"),
        ({"starts_at": "2016-07-01T09:00:00Z", "patient_id": "999999"}, "patient_id"),
        ({"starts_at": "2016-07-01T09:00:00Z", "ends_at": "2016-07-01T08:00:00Z", "patient_id": "1"}, "ends_at"),
        ({"starts_at": "2016-07-01T09:00:00Z", "patient_id": "1", "practitioner_id": "999999"}, "practitioner_id"),
        ({"starts_at": "9999-12-31T23:50:00Z", "patient_id": "1"}, "starts_at"),
        ({"starts_at": "2016-07-01T09:00:00Z", "ends_at": "9999-12-31T23:50:00Z", "patient_id": "1"}, "ends_at"),
    ],
)
def test_create_individual_bad_input_is_422_and_writes_nothing(api, tenant, body, field):
    if body.get("patient_id") == "1":
        body["patient_id"] = str(tenant.resident.pk)
    before = (Appointment.objects.count(), Attendee.objects.count())
    response = api.post("/v1/individual_appointments", body)
    assert response.status_code == 422, response.content
    assert list(response.json()["errors"]) == [field]
    assert (Appointment.objects.count(), Attendee.objects.count()) == before


@pytest.mark.parametrize("method", ["put", "patch"])
def test_update_individual_appointment(api, book, tenant, method):
    appointment = book.appointment(starts_at=START)
    book.attendee(appointment=appointment)
    other_patient = book.patient()
    response = getattr(api, method)(f"/v1/individual_appointments/{appointment.pk}", {
        "starts_at": "2016-07-02T10:00:00Z", "ends_at": "2016-07-02T11:00:00Z", "patient_id": other_patient.pk,
        "notes": "Moved",
    })
    assert response.status_code == 200, response.content
    body = response.json()
    assert (body["starts_at"], body["ends_at"], body["notes"]) == (
        "2016-07-02T10:00:00Z", "2016-07-02T11:00:00Z", "Moved"
    )
    assert body["patient"]["links"]["self"].endswith(f"/v1/patients/{other_patient.pk}")
    assert api.patch(f"/v1/individual_appointments/{appointment.pk}", {"ends_at": "2016-07-02T10:15:00Z"}).json()[
        "ends_at"
    ] == "2016-07-02T10:15:00Z"


def test_update_individual_bad_value_writes_nothing(api, book):
    appointment = book.appointment(starts_at=START)
    response = api.patch(f"/v1/individual_appointments/{appointment.pk}", {"ends_at": "2016-07-01T08:00:00Z"})
    assert response.status_code == 422 and list(response.json()["errors"]) == ["ends_at"]
    appointment.refresh_from_db()
    assert appointment.duration_minutes == 30


def test_cancel_individual_appointment_cancels_its_attendee(api, book):
    appointment = book.appointment()
    attendee = book.attendee(appointment=appointment)
    response = api.patch(f"/v1/individual_appointments/{appointment.pk}/cancel",
                         {"cancellation_reason": "20", "cancellation_note": "Worse"})
    assert response.status_code == 204 and response.content == b""
    body = api.get(f"/v1/individual_appointments/{appointment.pk}").json()
    assert (body["cancellation_reason"], body["cancellation_reason_description"], body["cancellation_note"]) == (
        20, "Condition worse", "Worse"
    )
    assert body["cancelled_at"] is not None
    assert ids(api.get("/v1/individual_appointments"), "individual_appointments") == []
    assert ids(api.get("/v1/attendees/cancelled"), "attendees") == [attendee.pk]
    assert ids(api.get("/v1/attendees"), "attendees") == []
    again = api.patch(f"/v1/individual_appointments/{appointment.pk}/cancel", {"cancellation_reason": 20})
    assert again.status_code == 422


def test_cancel_individual_needs_a_reason(api, book):
    appointment = book.appointment()
    response = api.patch(f"/v1/individual_appointments/{appointment.pk}/cancel", {})
    assert response.status_code == 422
    assert response.json()["errors"] == {"cancellation_reason": "can’t be blank"}
    appointment.refresh_from_db()
    assert appointment.cancelled_at is None


def test_group_appointments_have_no_individual_cancel(api, book):
    group = book.group()
    assert api.patch(f"/v1/individual_appointments/{group.pk}/cancel", {"cancellation_reason": 50}).status_code == 404


def test_delete_individual_appointment_deletes_its_attendee(api, book):
    appointment = book.appointment()
    attendee = book.attendee(appointment=appointment)
    assert api.delete(f"/v1/individual_appointments/{appointment.pk}").status_code == 204
    assert ids(api.get("/v1/individual_appointments"), "individual_appointments") == []
    assert ids(api.get("/v1/attendees/deleted"), "attendees") == [attendee.pk]
    body = api.get(f"/v1/individual_appointments/{appointment.pk}").json()
    assert body["deleted_at"] is not None
    assert api.delete(f"/v1/individual_appointments/{appointment.pk}").status_code == 404


def test_individual_list_filters_by_patient_and_time(api, book, tenant):
    mine = book.appointment(starts_at=START)
    book.attendee(appointment=mine)
    later = book.appointment(starts_at=START + timedelta(days=1))
    book.attendee(appointment=later, resident=book.patient())
    book.group()
    assert ids(api.get("/v1/individual_appointments"), "individual_appointments") == [mine.pk, later.pk]
    response = api.get("/v1/individual_appointments", {"q[]": f"patient_id:={tenant.resident.pk}"})
    assert ids(response, "individual_appointments") == [mine.pk]
    response = api.get("/v1/individual_appointments", {"q[]": "starts_at:>2016-07-01T12:00:00Z"})
    assert ids(response, "individual_appointments") == [later.pk]
    response = api.get("/v1/individual_appointments", {"q[]": f"practitioner_id:!={book.practitioner.pk}"})
    assert ids(response, "individual_appointments") == []
    assert api.get("/v1/individual_appointments", {"q[]": "ends_at:>2016-07-01T12:00:00Z"}).status_code == 400


# Group appointments ----------------------------------------------------------------------------------------
def test_create_and_read_group_appointment(api, book):
    response = api.post("/v1/group_appointments", {
        "starts_at": "2016-07-01T10:00:00Z", "ends_at": "2016-07-01T11:00:00Z", "practitioner_id": book.practitioner.pk,
        "max_attendees": 2, "notes": "Hydrotherapy",
    })
    assert response.status_code == 201, response.content
    body = response.json()
    assert list(body) == GROUP_KEYS
    assert response["Location"] == f"http://testserver/v1/group_appointments/{body['id']}"
    assert (body["max_attendees"], body["patient_ids"], body["ends_at"]) == (2, [], "2016-07-01T11:00:00Z")
    patients = [book.patient(), book.patient()]
    for patient in patients:
        assert api.post("/v1/attendees", {"booking_id": body["id"], "patient_id": patient.pk}).status_code == 201
    full = api.post("/v1/attendees", {"booking_id": body["id"], "patient_id": book.patient().pk})
    assert full.status_code == 422
    assert api.get(f"/v1/group_appointments/{body['id']}").json()["patient_ids"] == [p.pk for p in patients]


@pytest.mark.parametrize("body, field", [
    ({"starts_at": "2016-07-01T10:00:00Z", "max_attendees": 0}, "max_attendees"),
    ({"starts_at": "2016-07-01T10:00:00Z", "max_attendees": "many"}, "max_attendees"),
    ({"max_attendees": 3}, "starts_at"),
])
def test_create_group_bad_input_is_422(api, body, field):
    before = Appointment.objects.count()
    response = api.post("/v1/group_appointments", body)
    assert response.status_code == 422
    assert list(response.json()["errors"]) == [field]
    assert Appointment.objects.count() == before


def test_update_and_delete_group_appointment(api, book):
    group = book.group(max_attendees=3)
    attendee = book.attendee(appointment=group)
    response = api.put(f"/v1/group_appointments/{group.pk}", {"max_attendees": 5, "notes": "Bigger room"})
    assert response.status_code == 200
    assert (response.json()["max_attendees"], response.json()["notes"]) == (5, "Bigger room")
    assert api.delete(f"/v1/group_appointments/{group.pk}").status_code == 204
    assert ids(api.get("/v1/group_appointments"), "group_appointments") == []
    assert ids(api.get("/v1/attendees/deleted"), "attendees") == [attendee.pk]
    assert api.get(f"/v1/group_appointments/{group.pk}/attendees").status_code == 404


def test_group_list_keeps_cancelled_attendees_out_of_patient_ids(api, book):
    group = book.group()
    stays, leaves = book.attendee(appointment=group), book.attendee(appointment=group, resident=book.patient())
    api.patch(f"/v1/attendees/{leaves.pk}/cancel", {"cancellation_reason": 40})
    rows = api.get("/v1/group_appointments").json()["group_appointments"]
    assert [row["patient_ids"] for row in rows] == [[stays.resident_id]]


# Bookings --------------------------------------------------------------------------------------------------
def test_bookings_show_each_kind_in_its_own_shape_with_a_bookings_self_link(api, book):
    individual = book.appointment(starts_at=START)
    book.attendee(appointment=individual)
    group = book.group(starts_at=START)
    block = book.appointment(kind=AppointmentKind.UNAVAILABLE, starts_at=START)
    rows = api.get("/v1/bookings").json()["bookings"]
    by_id = {row["id"]: row for row in rows}
    assert set(by_id) == {individual.pk, group.pk, block.pk}
    assert list(by_id[individual.pk]) == INDIVIDUAL_KEYS
    assert list(by_id[group.pk]) == GROUP_KEYS
    assert "patient_ids" not in by_id[block.pk] and "max_attendees" not in by_id[block.pk]
    for pk, row in by_id.items():
        assert row["links"] == {"self": f"http://testserver/v1/bookings/{pk}"}
    assert by_id[group.pk]["attendees"]["links"]["self"].endswith(f"/v1/group_appointments/{group.pk}/attendees")


def test_every_attendee_booking_link_resolves(api, book):
    attendees = [book.attendee(), book.attendee(appointment=book.group())]
    deleted = book.attendee()
    api.delete(f"/v1/attendees/{deleted.pk}")
    scheduling_services.appointment_delete(appointment=deleted.appointment, actor=book.tenant.actor)
    for attendee in [*attendees, deleted]:
        link = api.get(f"/v1/attendees/{attendee.pk}").json()["booking"]["links"]["self"]
        response = api.get(link)
        assert response.status_code == 200
        assert response.json()["id"] == attendee.appointment_id


def test_an_appointment_synced_from_another_partner_is_a_booking(api, tenant):
    appointment = scheduling_services.appointment_create(
        organisation=tenant.organisation, actor=tenant.api_actor, starts_at=START, resident=tenant.resident,
        source_system="updox", source_id="A-17",
    )
    response = api.get(f"/v1/bookings/{appointment.pk}")
    assert response.status_code == 200
    assert response.json()["patient"]["links"]["self"].endswith(f"/v1/patients/{tenant.resident.pk}")
    assert appointment.pk in ids(api.get("/v1/bookings"), "bookings")


def test_bookings_leave_out_cancelled_and_deleted(api, book, tenant):
    live, cancelled, deleted = book.appointment(), book.appointment(), book.appointment()
    scheduling_services.appointment_cancel(appointment=cancelled, actor=tenant.actor, reason=10)
    scheduling_services.appointment_delete(appointment=deleted, actor=tenant.actor)
    assert ids(api.get("/v1/bookings"), "bookings") == [live.pk]
    response = api.get("/v1/bookings", {"q[]": f"id:={live.pk}", "sort": "starts_at:desc"})
    assert ids(response, "bookings") == [live.pk]


# Isolation and query counts --------------------------------------------------------------------------------
def test_another_organisations_appointments_are_not_found(api, other_book):
    individual, group = other_book.appointment(), other_book.group()
    other_book.attendee(appointment=individual)
    for response in (
        api.get(f"/v1/individual_appointments/{individual.pk}"),
        api.patch(f"/v1/individual_appointments/{individual.pk}", {"notes": "x"}),
        api.put(f"/v1/individual_appointments/{individual.pk}", {"notes": "x"}),
        api.delete(f"/v1/individual_appointments/{individual.pk}"),
        api.patch(f"/v1/individual_appointments/{individual.pk}/cancel", {"cancellation_reason": 50}),
        api.get(f"/v1/group_appointments/{group.pk}"),
        api.put(f"/v1/group_appointments/{group.pk}", {"notes": "x"}),
        api.delete(f"/v1/group_appointments/{group.pk}"),
        api.get(f"/v1/bookings/{group.pk}"),
        api.get(f"/v1/bookings/{individual.pk}"),
    ):
        assert response.status_code == 404
        assert list(response.json()) == ["message"]
    for url, key in (("/v1/individual_appointments", "individual_appointments"),
                     ("/v1/group_appointments", "group_appointments"), ("/v1/bookings", "bookings")):
        assert ids(api.get(url), key) == []
    individual.refresh_from_db()
    assert (individual.details, individual.deleted_at, individual.cancelled_at) == ("", None, None)


@pytest.mark.parametrize("url", ["/v1/individual_appointments", "/v1/group_appointments", "/v1/bookings"])
def test_appointment_lists_cost_the_same_queries_for_1_and_100_rows(api, book, url):
    def add(n):
        for i in range(n):
            if "group" in url or ("bookings" in url and i % 2):
                group = book.group()
                book.attendee(appointment=group, resident=book.patient())
                book.attendee(appointment=group, resident=book.patient())
            else:
                book.attendee(appointment=book.appointment(), resident=book.patient())

    add(1)
    one = api.count_queries(url, {"per_page": 100})
    add(99)
    hundred = api.count_queries(url, {"per_page": 100})
    assert one == hundred


def test_times_with_an_offset_or_none_are_read_as_the_instant_they_name(api, tenant):
    response = api.post("/v1/individual_appointments", {
        "starts_at": "2016-07-01T11:00:00+02:00", "ends_at": "2016-07-01T09:30:00", "patient_id": tenant.resident.pk,
    })
    assert response.status_code == 201, response.content
    body = response.json()
    assert (body["starts_at"], body["ends_at"]) == ("2016-07-01T09:00:00Z", "2016-07-01T09:30:00Z")
