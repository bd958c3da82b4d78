"""Issue #16 (Trust II) finding 3: a date outside what the system can store and compute with (healthdesk.dates)
is refused naming its field and writes nothing, in every partner's shape; lists keep answering 200."""

from datetime import UTC, datetime

import pytest

from directory import services as directory_services
from healthdesk.exceptions import Invalid
from scheduling import services as scheduling_services
from scheduling.models import Appointment, Attendee
from tests.factories import AppointmentFactory, AttendeeFactory, UserFactory
from tests.partners.cliniko.conftest import ClinikoClient
from tests.partners.updox.support import URL as UPDOX_URL
from tests.partners.updox.support import Vendor, counts, item
from tests.partners.webcamconsult.conftest import Caller, wid

pytestmark = pytest.mark.django_db

LISTS = ["/v1/bookings", "/v1/individual_appointments"]


def assert_lists_answer(tenant):
    """Every appointment list of the organisation still answers 200 (Webcamconsult's one streamed to its end)."""
    answer = Caller(tenant.secret).get("/appointments.json")
    assert answer.status == 200, answer.body
    cliniko = ClinikoClient(tenant.secret)
    for url in LISTS:
        response = cliniko.get(url)
        assert response.status_code == 200, (url, response.content)


# The kernel ----------------------------------------------------------------------------------------------------
@pytest.mark.parametrize("moment", [
    datetime(1, 1, 1, 0, 5, tzinfo=UTC), datetime(1899, 12, 31, 23, 59, tzinfo=UTC),
    datetime(9999, 12, 31, 22, tzinfo=UTC),
])
def test_service_refuses_a_start_outside_the_range_and_writes_nothing(tenant, moment):
    with pytest.raises(Invalid) as caught:
        scheduling_services.appointment_create(organisation=tenant.organisation, actor=tenant.actor,
                                               starts_at=moment, resident=tenant.resident)
    assert caught.value.field == "starts_at"
    assert (Appointment.objects.count(), Attendee.objects.count()) == (0, 0)


def test_service_refuses_a_duration_whose_end_leaves_the_range(tenant):
    with pytest.raises(Invalid) as caught:
        scheduling_services.appointment_create(organisation=tenant.organisation, actor=tenant.actor,
                                               starts_at=datetime(9000, 12, 31, 22, tzinfo=UTC),
                                               duration_minutes=24 * 60, resident=tenant.resident)
    assert caught.value.field == "duration_minutes"
    assert Appointment.objects.count() == 0


def test_service_update_refuses_a_start_or_end_outside_the_range(tenant):
    # 2**31 - 1 minutes is some 4083 years: from 6000 the end would pass year 9999 itself.
    appointment = AppointmentFactory(organisation=tenant.organisation, starts_at=datetime(6000, 1, 1, tzinfo=UTC))
    before = (appointment.starts_at, appointment.duration_minutes)
    with pytest.raises(Invalid) as caught:
        scheduling_services.appointment_update(appointment=appointment, actor=tenant.actor,
                                               starts_at=datetime(1, 1, 1, tzinfo=UTC))
    assert caught.value.field == "starts_at"
    with pytest.raises(Invalid) as caught:
        scheduling_services.appointment_update(appointment=Appointment.objects.get(pk=appointment.pk),
                                               actor=tenant.actor, duration_minutes=2**31 - 1)
    assert caught.value.field == "duration_minutes"
    appointment.refresh_from_db()
    assert (appointment.starts_at, appointment.duration_minutes) == before


def test_the_bounds_themselves_are_accepted(tenant):
    first = scheduling_services.appointment_create(organisation=tenant.organisation, actor=tenant.actor,
                                                   starts_at=datetime(1900, 1, 1, tzinfo=UTC), duration_minutes=0)
    last = scheduling_services.appointment_create(organisation=tenant.organisation, actor=tenant.actor,
                                                  starts_at=datetime(9000, 12, 31, 23, 29, tzinfo=UTC),
                                                  duration_minutes=30)
    assert Appointment.objects.filter(pk__in=[first.pk, last.pk]).count() == 2
    AttendeeFactory(organisation=tenant.organisation, resident=tenant.resident, appointment=last)
    assert_lists_answer(tenant)


# Updox --------------------------------------------------------------------------------------------------------
@pytest.mark.parametrize("bad", [
    {"date": "0001-01-01T00:05:00"},
    {"date": "1899-12-31"},
    {"date": "9999-12-31T23:00:00", "duration": 30},
    {"date": "9000-12-31T23:00:00", "duration": 24 * 60},
])
def test_updox_item_out_of_range_fails_alone(client, tenant, bad):
    issued = directory_services.api_client_create(organisation=tenant.organisation, name="EHR", is_vendor=True)
    vendor = Vendor(issued.client, issued.secret, tenant.organisation.slug)
    before = counts()
    body = {"appointments": [item(1), item(2, **bad), item(3)], "auth": vendor.auth()}
    response = client.post(UPDOX_URL, body, content_type="application/json")
    assert response.status_code == 200, response.content
    statuses = response.json()["statuses"]
    assert [s["success"] for s in statuses] == [True, False, True]
    assert statuses[1]["message"].startswith(("date:", "duration:")), statuses[1]
    assert Appointment.objects.filter(source_id="2").count() == 0
    assert Appointment.objects.count() == before["Appointment"] + 2
    # An update of a synced row to an out-of-range date fails alone too and leaves the row as it was.
    body["appointments"] = [{**item(1), **bad}]
    response = client.post(UPDOX_URL, body, content_type="application/json")
    assert response.json()["statuses"][0]["success"] is False
    assert Appointment.objects.get(source_id="1").starts_at.year == 2015
    assert_lists_answer(tenant)


# Webcamconsult ------------------------------------------------------------------------------------------------
@pytest.mark.parametrize("change, field", [
    ({"date": "0001-01-01T00:05:00"}, "date"),
    ({"date": "0001-01-01T00:00:00Z"}, "date"),
    ({"date": "1899-12-31T23:00:00Z"}, "date"),
    ({"date": "9999-12-31T22:00:00Z", "duration": 24 * 60}, "date"),
    ({"date": "9000-12-31T22:00:00Z", "duration": 24 * 60}, "duration"),
])
def test_webcamconsult_create_out_of_range_is_422_naming_the_field_and_commits_nothing(tenant, change, field):
    api = Caller(tenant.secret)
    body = {"user_id": wid("user", tenant.staff.pk), "client_id": wid("client", tenant.resident.pk),
            "date": "2015-07-01T15:41:24.306+02:00", "duration": 30, **change}
    answer = api.post("/appointments.json", {"appointment": body})
    assert answer.status == 422, answer.body
    assert field in answer.body["errors"], answer.body
    assert (Appointment.objects.count(), Attendee.objects.count()) == (0, 0)
    assert_lists_answer(tenant)


def test_webcamconsult_update_out_of_range_is_422_and_changes_nothing(tenant):
    appointment = AttendeeFactory(organisation=tenant.organisation, resident=tenant.resident,
                                  appointment=AppointmentFactory(organisation=tenant.organisation)).appointment
    answer = Caller(tenant.secret).put(f"/appointment/{wid('appointment', appointment.pk)}.json",
                                       {"appointment": {"date": "0001-01-01T00:05:00"}})
    assert answer.status == 422 and "date" in answer.body["errors"], answer.body
    assert Appointment.objects.get(pk=appointment.pk).starts_at == appointment.starts_at
    assert_lists_answer(tenant)


# Cliniko ------------------------------------------------------------------------------------------------------
@pytest.mark.parametrize("starts_at, ends_at, field", [
    ("0001-01-01T00:00:00Z", "2016-07-01T09:45:00Z", "starts_at"),
    ("1899-12-31T23:00:00Z", "1899-12-31T23:30:00Z", "starts_at"),
    ("9000-12-31T23:00:00Z", "9999-12-31T23:30:00Z", "ends_at"),
])
def test_cliniko_create_and_update_out_of_range_is_422_naming_the_field(tenant, starts_at, ends_at, field):
    api = ClinikoClient(tenant.secret)
    practitioner = UserFactory(organisation=tenant.organisation)
    body = {"starts_at": starts_at, "ends_at": ends_at, "patient_id": str(tenant.resident.pk),
            "practitioner_id": str(practitioner.pk), "appointment_type_id": "1", "business_id": "1"}
    response = api.post("/v1/individual_appointments", body)
    assert response.status_code == 422, response.content
    assert list(response.json()["errors"]) == [field]
    assert (Appointment.objects.count(), Attendee.objects.count()) == (0, 0)
    appointment = AttendeeFactory(organisation=tenant.organisation, resident=tenant.resident,
                                  appointment=AppointmentFactory(organisation=tenant.organisation)).appointment
    response = api.patch(f"/v1/individual_appointments/{appointment.pk}", {"starts_at": starts_at, "ends_at": ends_at})
    assert response.status_code == 422, response.content
    assert list(response.json()["errors"]) == [field]
    refreshed = Appointment.objects.get(pk=appointment.pk)
    assert (refreshed.starts_at, refreshed.duration_minutes) == (appointment.starts_at, appointment.duration_minutes)
    assert_lists_answer(tenant)


# Rows stored before the range was enforced ----------------------------------------------------------------------
def _store_raw(appointment, starts_at):
    """Write a start no service accepts any more, as older code did, without reading it back."""
    from django.db import connection

    table = Appointment._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(f"UPDATE {table} SET starts_at = %s WHERE id = %s", [starts_at, appointment.pk])


@pytest.mark.parametrize("stored, duration", [
    ("0001-01-01 00:00:00+00 BC", 30),  # what year 1 in Amsterdam became on PostgreSQL
    ("9999-12-31 22:00:00+00", 24 * 60),  # a start whose end overflows
    ("6000-01-01 00:00:00+00", 2**31 - 1),  # a duration of some 4083 years: the end passes 9999
])
def test_data_migration_clamps_stored_rows_so_the_lists_answer(tenant, stored, duration):
    import importlib

    from django.apps import apps
    from django.db import connection

    from healthdesk import dates
    from scheduling.models import AppointmentEvent

    if stored.endswith("BC") and connection.vendor != "postgresql":
        stored = "0001-01-01 00:00:00"
    migration = importlib.import_module("scheduling.migrations.0004_clamp_out_of_range_dates")
    good = AttendeeFactory(organisation=tenant.organisation, resident=tenant.resident,
                           appointment=AppointmentFactory(organisation=tenant.organisation)).appointment
    bad = AttendeeFactory(organisation=tenant.organisation, resident=tenant.resident,
                          appointment=AppointmentFactory(organisation=tenant.organisation,
                                                         duration_minutes=duration)).appointment
    _store_raw(bad, stored)
    migration.clamp_out_of_range_dates(apps, None)
    good_after = Appointment.objects.get(pk=good.pk)
    assert (good_after.starts_at, good_after.duration_minutes) == (good.starts_at, good.duration_minutes)
    assert not AppointmentEvent.objects.filter(appointment=good, kind="date_clamped").exists()
    bad = Appointment.objects.get(pk=bad.pk)
    assert dates.span_check(bad.starts_at, bad.duration_minutes) is not None
    assert AppointmentEvent.objects.filter(appointment=bad, kind="date_clamped").count() == 1
    assert_lists_answer(tenant)


# Tickets (Connect4 and support read their start and end dates; staff set them) ----------------------------------
@pytest.mark.parametrize("field", ["start_date", "end_date"])
@pytest.mark.parametrize("moment", [datetime(1, 1, 1, tzinfo=UTC), datetime(9999, 12, 31, 23, tzinfo=UTC)])
def test_ticket_dates_outside_the_range_are_refused_naming_the_field(tenant, field, moment):
    from tests.factories import TicketFactory
    from tickets import services as ticket_services
    from tickets.models import Ticket

    with pytest.raises(Invalid) as caught:
        ticket_services.ticket_create(organisation=tenant.organisation, actor=tenant.actor, title="Fall",
                                      resident=tenant.resident, **{field: moment})
    assert caught.value.field == field
    assert Ticket.objects.count() == 0
    ticket = TicketFactory(organisation=tenant.organisation, resident=tenant.resident)
    with pytest.raises(Invalid) as caught:
        ticket_services.ticket_update(ticket=ticket, actor=tenant.actor, **{field: moment})
    assert caught.value.field == field
    assert getattr(Ticket.objects.get(pk=ticket.pk), field) == getattr(ticket, field)
