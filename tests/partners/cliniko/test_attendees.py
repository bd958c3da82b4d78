"""Attendees: every endpoint of the document, its example shapes, lifecycle agreement and isolation."""

import pytest

from scheduling.models import Attendee
from scheduling.selectors import appointment_get
from tests.partners.nesting import MAX_JSON_DEPTH, TOO_DEEP, depth, with_deep_extra

pytestmark = pytest.mark.django_db

ATTENDEE_KEYS = [
    "id", "created_at", "updated_at", "arrived", "booking_ip_address", "cancellation_note", "cancellation_reason",
    "cancellation_reason_description", "email_reminder_sent", "invoice_status", "notes",
    "online_booking_policy_accepted", "sms_reminder_sent", "treatment_note_status", "deleted_at", "cancelled_at",
    "booking", "patient", "invoices", "links",
]
TIME = r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$"


def ids(response):
    return [row["id"] for row in response.json()["attendees"]]


# Shapes ----------------------------------------------------------------------------------------------------
def test_get_attendees_gives_the_documents_example_shape(api, book):
    attendee = book.attendee()
    response = api.get("/v1/attendees")
    assert response.status_code == 200
    body = response.json()
    assert list(body) == ["attendees", "total_entries", "links"]
    assert body["total_entries"] == 1
    assert body["links"] == {"self": "http://testserver/v1/attendees?page=1"}
    row = body["attendees"][0]
    assert list(row) == ATTENDEE_KEYS
    assert row["id"] == attendee.pk and isinstance(row["id"], int)
    assert row["booking"] == {"links": {"self": f"http://testserver/v1/bookings/{attendee.appointment_id}"}}
    assert row["patient"] == {"links": {"self": f"http://testserver/v1/patients/{attendee.resident_id}"}}
    assert row["invoices"] == {"links": {"self": f"http://testserver/v1/attendees/{attendee.pk}/invoices"}}
    assert row["links"] == {"self": f"http://testserver/v1/attendees/{attendee.pk}"}
    assert row["cancellation_reason_description"] == ""
    assert row["arrived"] is None and row["email_reminder_sent"] is False and row["deleted_at"] is None


def test_get_attendee_is_the_bare_object_with_utc_times(api, book):
    import re

    attendee = book.attendee()
    response = api.get(f"/v1/attendees/{attendee.pk}")
    assert response.status_code == 200
    body = response.json()
    assert list(body) == ATTENDEE_KEYS
    assert re.match(TIME, body["created_at"]) and re.match(TIME, body["updated_at"])
    assert body["created_at"] == attendee.created_at.strftime("%Y-%m-%dT%H:%M:%SZ")


def test_links_use_the_host_the_partner_called(api, book, settings):
    settings.ALLOWED_HOSTS = ["api.example.org"]
    attendee = book.attendee()
    body = api.get(f"/v1/attendees/{attendee.pk}", HTTP_HOST="api.example.org").json()
    assert body["links"]["self"] == f"http://api.example.org/v1/attendees/{attendee.pk}"


# Create ----------------------------------------------------------------------------------------------------
def test_create_with_the_documents_string_ids_is_201_with_location(api, book, tenant):
    group = book.group(max_attendees=5)
    response = api.post("/v1/attendees", {"booking_id": str(group.pk), "patient_id": str(tenant.resident.pk)})
    assert response.status_code == 201, response.content
    body = response.json()
    assert list(body) == ATTENDEE_KEYS
    assert response["Location"] == f"http://testserver/v1/attendees/{body['id']}"
    # The row the admin and Webcamconsult read: the same Attendee, seen through the appointment too.
    row = Attendee.objects.get(pk=body["id"])
    assert (row.appointment_id, row.resident_id, row.organisation_id) == (
        group.pk, tenant.resident.pk, tenant.organisation.pk
    )
    assert [a.pk for a in appointment_get(organisation=tenant.organisation, pk=group.pk).attendees.all()] == [row.pk]
    assert api.get(f"/v1/attendees/{body['id']}").json() == body


def test_create_accepts_numeric_ids_and_optional_fields(api, book, tenant):
    group = book.group()
    response = api.post(
        "/v1/attendees", {"booking_id": group.pk, "patient_id": tenant.resident.pk, "arrived": True, "notes": "Hi"}
    )
    assert response.status_code == 201
    assert response.json()["arrived"] is True and response.json()["notes"] == "Hi"


@pytest.mark.parametrize(
    "body, field, message",
    [
        ({"patient_id": "1"}, "booking_id", "can’t be blank"),
        ({"booking_id": "1"}, "patient_id", "can’t be blank"),
        ({"booking_id": None, "patient_id": "1"}, "booking_id", "can’t be blank"),
        ({"booking_id": "abc", "patient_id": "1"}, "booking_id", "is not a valid id"),
        ({"booking_id": True, "patient_id": "1"}, "booking_id", "is not a valid id"),
        ({"booking_id": "1", "patient_id": 1.5}, "patient_id", "is not a valid id"),
        ({"booking_id": "99999999", "patient_id": "1"}, "booking_id", None),
        ({"booking_id": "99999999999999999999999", "patient_id": "1"}, "booking_id", "is not a valid id"),
    ],
)
def test_create_bad_input_is_422_naming_the_field_and_writes_nothing(api, book, body, field, message):
    book.group()
    before = Attendee.objects.count()
    response = api.post("/v1/attendees", body)
    assert response.status_code == 422, response.content
    assert response.json()["message"] == "Validation Failed"
    assert list(response.json()["errors"]) == [field]
    if message:
        assert response.json()["errors"][field] == message
    assert Attendee.objects.count() == before


def test_create_with_unknown_patient_is_422(api, book):
    group = book.group()
    before = Attendee.objects.count()
    response = api.post("/v1/attendees", {"booking_id": group.pk, "patient_id": 987654321})
    assert response.status_code == 422
    assert list(response.json()["errors"]) == ["patient_id"]
    assert Attendee.objects.count() == before


def test_create_second_live_attendee_for_the_same_patient_is_422(api, book, tenant):
    group = book.group()
    book.attendee(appointment=group)
    before = Attendee.objects.count()
    response = api.post("/v1/attendees", {"booking_id": group.pk, "patient_id": tenant.resident.pk})
    assert response.status_code == 422
    assert response.json()["errors"] == {"patient_id": "This patient already attends this appointment."}
    assert Attendee.objects.count() == before


def test_create_on_a_full_group_is_422(api, book):
    group = book.group(max_attendees=1)
    book.attendee(appointment=group, resident=book.patient())
    before = Attendee.objects.count()
    response = api.post("/v1/attendees", {"booking_id": group.pk, "patient_id": book.patient().pk})
    assert response.status_code == 422
    assert response.json()["errors"] == {"booking_id": "The group appointment is full."}
    assert Attendee.objects.count() == before


def test_create_with_another_organisations_booking_or_patient_is_422(api, book, other_book, other_tenant, tenant):
    theirs = other_book.group()
    before = Attendee.objects.count()
    response = api.post("/v1/attendees", {"booking_id": theirs.pk, "patient_id": tenant.resident.pk})
    assert response.status_code == 422 and list(response.json()["errors"]) == ["booking_id"]
    response = api.post("/v1/attendees", {"booking_id": book.group().pk, "patient_id": other_tenant.resident.pk})
    assert response.status_code == 422 and list(response.json()["errors"]) == ["patient_id"]
    assert Attendee.objects.count() == before


@pytest.mark.parametrize("body", ["{not json", "[1, 2]", '"text"'])
def test_malformed_or_non_object_body_is_rejected_in_shape(api, book, body):
    before = Attendee.objects.count()
    response = api.post("/v1/attendees", body)
    assert response.status_code in (400, 422)
    assert isinstance(response.json()["message"], str)
    assert Attendee.objects.count() == before


def test_oversize_body_is_413_in_shape(api, book, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 100
    before = Attendee.objects.count()
    response = api.post("/v1/attendees", {"booking_id": "1", "patient_id": "1", "notes": "x" * 500})
    assert response.status_code == 413
    assert "message" in response.json()
    assert Attendee.objects.count() == before


# Update ----------------------------------------------------------------------------------------------------
@pytest.mark.parametrize("method", ["put", "patch"])
def test_update_with_the_documents_body(api, book, method):
    attendee = book.attendee(notes="Keep")
    response = getattr(api, method)(f"/v1/attendees/{attendee.pk}", {"arrived": True})
    assert response.status_code == 200
    assert response.json()["arrived"] is True
    assert response.json()["notes"] == "Keep"
    attendee.refresh_from_db()
    assert attendee.arrived is True


def test_update_notes_and_bad_type_is_422_without_writing(api, book):
    attendee = book.attendee()
    assert api.patch(f"/v1/attendees/{attendee.pk}", {"notes": "Running late"}).json()["notes"] == "Running late"
    response = api.put(f"/v1/attendees/{attendee.pk}", {"arrived": "perhaps", "notes": "changed"})
    assert response.status_code == 422
    assert list(response.json()["errors"]) == ["arrived"]
    attendee.refresh_from_db()
    assert attendee.notes == "Running late" and attendee.arrived is None


# Delete and cancel -----------------------------------------------------------------------------------------
def test_delete_is_204_and_moves_the_attendee_to_deleted(api, book):
    attendee, other = book.attendee(), book.attendee()
    response = api.delete(f"/v1/attendees/{attendee.pk}")
    assert response.status_code == 204 and response.content == b""
    assert ids(api.get("/v1/attendees")) == [other.pk]
    deleted = api.get("/v1/attendees/deleted").json()
    assert [row["id"] for row in deleted["attendees"]] == [attendee.pk]
    assert deleted["attendees"][0]["deleted_at"] is not None
    assert ids(api.get("/v1/attendees/cancelled")) == []
    assert Attendee.objects.filter(pk=attendee.pk).exists()


def test_cancel_a_group_attendee_with_the_documents_body(api, book):
    group = book.group()
    attendee, other = book.attendee(appointment=group), book.attendee(appointment=group, resident=book.patient())
    body = {"cancellation_reason": 50, "cancellation_note": "A note"}
    response = api.patch(f"/v1/attendees/{attendee.pk}/cancel", body)
    assert response.status_code == 204 and response.content == b""
    assert ids(api.get("/v1/attendees")) == [other.pk]
    assert ids(api.get("/v1/attendees/deleted")) == []
    cancelled = api.get("/v1/attendees/cancelled").json()["attendees"]
    assert [row["id"] for row in cancelled] == [attendee.pk]
    row = cancelled[0]
    assert (row["cancellation_reason"], row["cancellation_reason_description"], row["cancellation_note"]) == (
        50, "Other", "A note"
    )
    assert row["cancelled_at"] is not None
    assert ids(api.get(f"/v1/group_appointments/{group.pk}/attendees")) == [other.pk]


@pytest.mark.parametrize(
    "code, description",
    [(10, "Feeling better"), (20, "Condition worse"), (30, "Sick"), (31, "COVID-19 related"), (40, "Away"),
     (50, "Other"), ("60", "Work")],
)
def test_every_cancellation_reason_has_its_description(api, book, code, description):
    attendee = book.attendee(appointment=book.group())
    assert api.patch(f"/v1/attendees/{attendee.pk}/cancel", {"cancellation_reason": code}).status_code == 204
    body = api.get(f"/v1/attendees/{attendee.pk}").json()
    assert body["cancellation_reason"] == int(code)
    assert body["cancellation_reason_description"] == description


@pytest.mark.parametrize("body", [{}, {"cancellation_note": "x"}, {"cancellation_reason": None},
                                  {"cancellation_reason": 70}, {"cancellation_reason": "other"}])
def test_cancel_needs_a_valid_reason_and_writes_nothing(api, book, body):
    attendee = book.attendee(appointment=book.group())
    response = api.patch(f"/v1/attendees/{attendee.pk}/cancel", body)
    assert response.status_code == 422
    assert list(response.json()["errors"]) == ["cancellation_reason"]
    attendee.refresh_from_db()
    assert attendee.cancelled_at is None


def test_cancel_an_individual_appointments_attendee_points_to_the_appointment_cancel(api, book):
    attendee = book.attendee()
    response = api.patch(f"/v1/attendees/{attendee.pk}/cancel", {"cancellation_reason": 50})
    assert response.status_code == 422
    assert f"PATCH /v1/individual_appointments/{attendee.appointment_id}/cancel" in response.json()["message"]
    attendee.refresh_from_db()
    assert attendee.cancelled_at is None


def test_cancel_twice_is_422(api, book):
    attendee = book.attendee(appointment=book.group())
    api.patch(f"/v1/attendees/{attendee.pk}/cancel", {"cancellation_reason": 10})
    response = api.patch(f"/v1/attendees/{attendee.pk}/cancel", {"cancellation_reason": 10})
    assert response.status_code == 422


def test_cancel_only_answers_patch(api, book):
    attendee = book.attendee(appointment=book.group())
    response = api.post(f"/v1/attendees/{attendee.pk}/cancel", {"cancellation_reason": 10})
    assert response.status_code == 405
    assert "message" in response.json()


def test_lists_agree_after_a_mixed_lifecycle(api, book):
    group = book.group()
    live = book.attendee(appointment=group)
    cancelled = book.attendee(appointment=group, resident=book.patient())
    deleted = book.attendee(appointment=group, resident=book.patient())
    cancelled_then_deleted = book.attendee(appointment=group, resident=book.patient())
    for attendee in (cancelled, cancelled_then_deleted):
        api.patch(f"/v1/attendees/{attendee.pk}/cancel", {"cancellation_reason": 30})
    for attendee in (deleted, cancelled_then_deleted):
        api.delete(f"/v1/attendees/{attendee.pk}")
    default, cancelled_ids, deleted_ids = (
        ids(api.get(url)) for url in ("/v1/attendees", "/v1/attendees/cancelled", "/v1/attendees/deleted")
    )
    assert default == [live.pk]
    assert cancelled_ids == [cancelled.pk]
    assert deleted_ids == [deleted.pk, cancelled_then_deleted.pk]
    assert sorted(default + cancelled_ids + deleted_ids) == sorted(a.pk for a in (live, cancelled, deleted,
                                                                               cancelled_then_deleted))
    for row in api.get("/v1/attendees/deleted").json()["attendees"]:
        assert row["deleted_at"] is not None
    for row in api.get("/v1/attendees/cancelled").json()["attendees"]:
        assert row["cancelled_at"] is not None and row["deleted_at"] is None


# Nested lists ----------------------------------------------------------------------------------------------
def test_nested_lists_hold_their_appointments_attendees_of_the_right_kind(api, book):
    group, individual = book.group(), book.appointment()
    in_group = [book.attendee(appointment=group, resident=book.patient()) for _ in range(2)]
    alone = book.attendee(appointment=individual)
    assert ids(api.get(f"/v1/group_appointments/{group.pk}/attendees")) == [a.pk for a in in_group]
    assert ids(api.get(f"/v1/individual_appointments/{individual.pk}/attendees")) == [alone.pk]
    assert api.get(f"/v1/group_appointments/{individual.pk}/attendees").status_code == 404
    assert api.get(f"/v1/individual_appointments/{group.pk}/attendees").status_code == 404


# Isolation -------------------------------------------------------------------------------------------------
def test_another_organisations_attendee_is_not_found_everywhere(api, other_book, book):
    mine = book.attendee(appointment=book.group())
    group = other_book.group()
    theirs = other_book.attendee(appointment=group)
    individual = other_book.appointment()
    before = Attendee.objects.get(pk=theirs.pk)
    for response in (
        api.get(f"/v1/attendees/{theirs.pk}"),
        api.put(f"/v1/attendees/{theirs.pk}", {"arrived": True}),
        api.patch(f"/v1/attendees/{theirs.pk}", {"arrived": True}),
        api.delete(f"/v1/attendees/{theirs.pk}"),
        api.patch(f"/v1/attendees/{theirs.pk}/cancel", {"cancellation_reason": 50}),
        api.get(f"/v1/group_appointments/{group.pk}/attendees"),
        api.get(f"/v1/individual_appointments/{individual.pk}/attendees"),
    ):
        assert response.status_code == 404
        assert list(response.json()) == ["message"]
    after = Attendee.objects.get(pk=theirs.pk)
    assert (after.arrived, after.deleted_at, after.cancelled_at) == (before.arrived, None, None)
    for url in ("/v1/attendees", "/v1/attendees/deleted", "/v1/attendees/cancelled"):
        assert theirs.pk not in ids(api.get(url, {"per_page": 100}))
    assert ids(api.get("/v1/attendees")) == [mine.pk]


def test_unknown_and_absurd_ids_are_404_in_shape(api):
    for url in ("/v1/attendees/987654", "/v1/attendees/" + "9" * 40, "/v1/attendees/abc", "/v1/nothing"):
        response = api.get(url)
        assert response.status_code == 404
        assert "message" in response.json()


# Query counts ----------------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    "url",
    ["/v1/attendees", "/v1/attendees/deleted", "/v1/attendees/cancelled", "/v1/group_appointments/{group}/attendees"],
)
def test_lists_cost_the_same_queries_for_1_and_100_rows(api, book, url):
    group = book.group()
    url = url.format(group=group.pk)

    def add(n):
        for _ in range(n):
            attendee = book.attendee(appointment=group, resident=book.patient())
            if "deleted" in url:
                Attendee.objects.filter(pk=attendee.pk).update(deleted_at=attendee.created_at)
            if "cancelled" in url:
                Attendee.objects.filter(pk=attendee.pk).update(cancelled_at=attendee.created_at)

    add(1)
    one = api.count_queries(url, {"per_page": 100})
    add(99)
    hundred = api.count_queries(url, {"per_page": 100})
    assert one == hundred
    assert len(api.get(url, {"per_page": 100}).json()["attendees"]) == 100


def test_too_deeply_nested_json_is_a_400_in_shape_and_writes_nothing(api, book):
    # Issue #16 finding 2: 1,000 levels of brackets raised RecursionError inside the JSON parser (a 500).
    before = Attendee.objects.count()
    response = api.post("/v1/attendees", TOO_DEEP)
    assert response.status_code == 400, response.content
    assert set(response.json()) == {"message"}
    assert Attendee.objects.count() == before


def test_json_nested_to_the_limit_still_parses(api, book, tenant):
    group = book.group(max_attendees=5)
    body = with_deep_extra({"booking_id": str(group.pk), "patient_id": str(tenant.resident.pk)})
    assert depth(body) == MAX_JSON_DEPTH
    response = api.post("/v1/attendees", body)
    assert response.status_code == 201, response.content
    assert Attendee.objects.filter(appointment=group, resident=tenant.resident).exists()
