"""Appointments: individual appointments whose single attendee is the client."""

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from healthdesk.partners.webcamconsult.fields import format_time
from scheduling import selectors as scheduling_selectors
from scheduling.choices import CancellationReason
from scheduling.models import Appointment, Attendee
from tests.factories import AppointmentFactory, AttendeeFactory, DivisionFactory, ResidentFactory, UserFactory
from tests.partners.webcamconsult.conftest import assert_invalid, assert_not_found, wid

pytestmark = pytest.mark.django_db

AMSTERDAM = ZoneInfo("Europe/Amsterdam")


@pytest.fixture
def division(tenant):
    return DivisionFactory(organisation=tenant.organisation)


def doc_appointment(tenant, division):
    """The document's create body (generated fields included, as it shows them), with this organisation's ids."""
    return {
        "id": "1234567890abcdef12345678",
        "user_id": wid("user", tenant.staff.pk),
        "client_id": wid("client", tenant.resident.pk),
        "created_by_user_id": wid("user", tenant.staff.pk),
        "date": "2015-07-01T15:41:24.306+02:00",
        "orig_date": "2015-07-01T15:41:24.306+02:00",
        "started_at": "2015-07-01T15:41:24.306+02:00",
        "created_at": "2015-07-01T15:41:24.306+02:00",
        "division_id": wid("division", division.pk),
        "duration": 100,
        "external_participant_ids": ["1234567890abcdef12345678", "1234567890abcdef12345678"],
        "inloop_json": {"email": "someemail@somedomain.com"},
    }


def live_appointment(tenant, **fields):
    return AttendeeFactory(
        organisation=tenant.organisation, resident=tenant.resident,
        appointment=AppointmentFactory(organisation=tenant.organisation, **fields),
    ).appointment


def test_documented_create_books_the_client_as_attendee(api, tenant, division):
    answer = api.post("//appointments.json", {"appointment": doc_appointment(tenant, division)})
    assert answer.status == 200, answer.body
    appointment = Appointment.objects.get(organisation=tenant.organisation)
    body = answer.body["appointment"]
    assert body["id"] == wid("appointment", appointment.pk)
    assert {key: body[key] for key in ("user_id", "client_id", "created_by_user_id", "division_id")} == {
        "user_id": wid("user", tenant.staff.pk), "client_id": wid("client", tenant.resident.pk),
        "created_by_user_id": wid("user", tenant.staff.pk), "division_id": wid("division", division.pk),
    }
    assert body["date"] == "2015-07-01T15:41:24.306+02:00"
    assert body["orig_date"] == "2015-07-01T15:41:24.306+02:00"
    assert body["state"] == "idle" and body["started_at"] is None
    assert body["duration"] == 100
    assert body["external_participant_ids"] == ["1234567890abcdef12345678", "1234567890abcdef12345678"]
    assert body["inloop_json"] == {"email": "someemail@somedomain.com"}
    created = datetime.fromisoformat(body["created_at"])
    assert created.utcoffset() in (timedelta(hours=1), timedelta(hours=2))
    # The same appointment every other API and the admin see, with the client as its single attendee.
    assert appointment.starts_at == datetime(2015, 7, 1, 15, 41, 24, 306000, tzinfo=AMSTERDAM)
    assert appointment.practitioner == tenant.staff and appointment.division == division
    assert appointment.created_by_client == tenant.client
    assert [a.resident for a in appointment.attendees.all()] == [tenant.resident]
    assert appointment in scheduling_selectors.appointment_list(organisation=tenant.organisation)


def test_list_detail_and_update(api, tenant, division):
    appointment = live_appointment(tenant, practitioner=tenant.staff)
    pk = wid("appointment", appointment.pk)
    rows = api.get("//appointments.json").body
    assert [row["id"] for row in rows] == [pk]
    assert set(rows[0]) == {
        "id", "user_id", "client_id", "created_by_user_id", "date", "orig_date", "started_at", "created_at",
        "state", "division_id", "duration", "external_participant_ids", "inloop_json",
    }
    assert api.get(f"//appointment/{pk}.json").body == {"appointment": rows[0]}
    assert api.get(f"/appointments/{pk}.json").body == {"appointment": rows[0]}
    other_client = ResidentFactory(organisation=tenant.organisation)
    body = {**doc_appointment(tenant, division), "client_id": wid("client", other_client.pk), "state": "idle"}
    answer = api.put(f"//appointment/{pk}.json", {"appointment": body})
    assert answer.status == 200, answer.body
    assert answer.body["appointment"]["client_id"] == wid("client", other_client.pk)
    assert answer.body["appointment"]["duration"] == 100
    # Moving an appointment keeps its original date.
    assert answer.body["appointment"]["orig_date"] == rows[0]["orig_date"]
    assert [a.resident for a in appointment.attendees.all()] == [other_client]


def test_delete_cancels_and_soft_deletes(api, tenant):
    appointment = live_appointment(tenant)
    url = f"//appointment/{wid('appointment', appointment.pk)}.json"
    assert api.delete(url, {"appointment": {"id": wid("appointment", appointment.pk)}}).body == {"status": "ok"}
    appointment.refresh_from_db()
    assert appointment.deleted_at is not None
    assert appointment.cancellation_reason == CancellationReason.OTHER
    assert appointment.cancellation_note == "Deleted via Webcamconsult"
    assert Attendee.objects.get(appointment=appointment).deleted_at is not None
    assert appointment not in scheduling_selectors.appointment_list(organisation=tenant.organisation)
    assert api.get("/appointments.json").body == []
    assert_not_found(api.get(url))
    assert_not_found(api.delete(url))


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"date": "yesterday"}, "date"),
        ({"date": None}, "date"),
        ({"duration": "long"}, "duration"),
        ({"duration": 0}, "duration"),
        ({"duration": 100000}, "duration"),
        ({"user_id": "nope"}, "user_id"),
        ({"user_id": "757365720000000000099999"}, "user_id"),
        ({"client_id": "636c6e740000000000099999"}, "client_id"),
        ({"client_id": None}, "client_id"),
        ({"created_by_user_id": "757365720000000000099999"}, "created_by_user_id"),
        ({"division_id": "6469766e0000000000099999"}, "division_id"),
        ({"external_participant_ids": "abc"}, "external_participant_ids"),
        ({"inloop_json": ["email"]}, "inloop_json"),
        ({"location": "Room 1"}, "location"),
        ({"cancelled_at": None}, "cancelled_at"),
    ],
)
def test_bad_input_names_the_field_and_writes_nothing(api, tenant, division, change, field):
    before = (Appointment.objects.count(), Attendee.objects.count())
    assert_invalid(api.post("/appointments.json", {"appointment": {**doc_appointment(tenant, division), **change}}),
                   field)
    assert (Appointment.objects.count(), Attendee.objects.count()) == before


@pytest.mark.parametrize("field", ["user_id", "client_id", "date"])
def test_required_on_create(api, tenant, division, field):
    body = {key: value for key, value in doc_appointment(tenant, division).items() if key != field}
    answer = api.post("/appointments.json", {"appointment": body})
    assert answer.status == 422 and answer.body["errors"] == {field: ["can't be blank"]}
    assert Appointment.objects.count() == 0


@pytest.mark.parametrize("field", ["user_id", "client_id", "created_by_user_id", "division_id"])
def test_another_organisations_reference_is_422_naming_the_field(api, tenant, other_tenant, division, field):
    foreign = {
        "user_id": wid("user", other_tenant.staff.pk),
        "client_id": wid("client", other_tenant.resident.pk),
        "created_by_user_id": wid("user", other_tenant.staff.pk),
        "division_id": wid("division", DivisionFactory(organisation=other_tenant.organisation).pk),
    }[field]
    body = {**doc_appointment(tenant, division), field: foreign}
    assert_invalid(api.post("/appointments.json", {"appointment": body}), field)
    assert Appointment.objects.count() == 0
    appointment = live_appointment(tenant)
    answer = api.put(f"/appointment/{wid('appointment', appointment.pk)}.json",
                     {"appointment": {"duration": 45, field: foreign}})
    assert_invalid(answer, field)
    appointment.refresh_from_db()
    assert appointment.duration_minutes != 45
    assert [a.resident for a in appointment.attendees.all()] == [tenant.resident]


def test_another_organisations_appointment_is_not_found_for_every_method(api, other_tenant):
    appointment = live_appointment(other_tenant)
    url = f"/appointment/{wid('appointment', appointment.pk)}.json"
    assert_not_found(api.get(url))
    assert_not_found(api.put(url, {"appointment": {"duration": 45}}))
    assert_not_found(api.delete(url))
    appointment.refresh_from_db()
    assert appointment.duration_minutes != 45 and appointment.deleted_at is None


def test_another_organisations_appointments_are_not_listed(api, tenant, other_tenant):
    live_appointment(other_tenant)
    mine = live_appointment(tenant)
    assert [row["id"] for row in api.get("/appointments.json").body] == [wid("appointment", mine.pk)]


def test_from_and_to_filter_by_date(api, tenant):
    days = [datetime(2030, 1, day, 9, 0, tzinfo=AMSTERDAM) for day in (1, 2, 3)]
    booked = [live_appointment(tenant, starts_at=day) for day in days]
    ids = [wid("appointment", a.pk) for a in booked]

    def listed(query):
        return [row["id"] for row in api.get(f"/appointments.json?{query}").body]

    assert listed("from=2030-01-02") == ids[1:]
    assert listed("to=2030-01-02") == ids[:2]
    assert listed("from=2030-01-02&to=2030-01-02") == [ids[1]]
    assert listed("from=2030-01-02T09:00:00.000%2B01:00") == ids[1:]
    assert listed("from=2030-01-02T09:00:01%2B01:00&per_page=1") == [ids[2]]
    assert_invalid(api.get("/appointments.json?from=soon"), "from")
    assert_invalid(api.get("/appointments.json?page=832931384907741134848&per_page=333"), "page")


def test_list_costs_the_same_queries_for_one_or_many(api, tenant, division):
    live_appointment(tenant, division=division)
    one, rows = api.count_queries("/appointments.json")
    assert len(rows) == 1
    practitioner = UserFactory(organisation=tenant.organisation)
    for _ in range(199):
        AttendeeFactory(
            organisation=tenant.organisation,
            appointment=AppointmentFactory(organisation=tenant.organisation, practitioner=practitioner,
                                           division=division),
        )
    many, rows = api.count_queries("/appointments.json")
    assert len(rows) == 200 and all(row["client_id"] and row["division_id"] for row in rows)
    assert one == many


def test_a_time_before_1937_is_written_with_a_whole_minute_offset():
    # Amsterdam's offset was +00:19:32 then; RFC 3339 has no seconds in offsets (found by .ci/fuzz).
    instant = datetime(1930, 11, 22, 23, 40, tzinfo=UTC)
    written = format_time(instant, AMSTERDAM)
    assert written == "1930-11-22T23:59:00.000+00:19"
    assert datetime.fromisoformat(written) == instant
