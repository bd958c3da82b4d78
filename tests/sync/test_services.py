"""The appointment sync engine, at the service level: parsing, matching, outcomes, the run record."""

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from directory.models import Resident, ResidentIdentifier
from scheduling.choices import AppointmentKind
from scheduling.models import Appointment, AppointmentEvent, Attendee
from sync import services
from sync.models import SyncItemResult, SyncRun
from tests.factories import AppointmentFactory, AttendeeFactory

pytestmark = pytest.mark.django_db
AMSTERDAM = ZoneInfo("Europe/Amsterdam")


def item(n, **fields):
    return {"id": str(n), "patientId": f"p{n}", "date": "2015-12-30T09:00:00", "duration": 30, **fields}


@pytest.fixture
def run(tenant):
    def sync(items, **kwargs):
        return services.appointments_sync(
            organisation=tenant.organisation, actor=tenant.api_actor, system="acme", items=items, **kwargs
        )

    return sync


def outcomes(report):
    return [(s.outcome, s.message) for s in report.statuses]


def test_date_only_is_midnight_and_naive_times_are_the_organisations_zone(run):
    run([item(1, date="2015-12-30"), item(2, date="2015-12-30 14:15"), item(3, date="2015-12-30T14:15:00Z")])
    starts = dict(Appointment.objects.values_list("source_id", "starts_at"))
    assert starts["1"] == datetime(2015, 12, 30, tzinfo=AMSTERDAM)
    assert starts["2"] == datetime(2015, 12, 30, 14, 15, tzinfo=AMSTERDAM)
    assert starts["3"] == datetime(2015, 12, 30, 14, 15, tzinfo=UTC)


def test_documented_value_types_are_accepted(run):
    report = run([item(1, duration="45", cancelled="false", blocked="FALSE", typeId=456, updoxId=None),
                  item(2, duration=45.0, cancelled=False, acmeId="")])
    assert [s.outcome for s in report.statuses] == ["created", "created"]
    assert set(Appointment.objects.values_list("duration_minutes", "type_ref")) == {(45, "456"), (45, "")}


@pytest.mark.parametrize(("fields", "named"), [
    ({"date": "tomorrow"}, "date"),
    ({"date": "2015-02-30"}, "date"),
    ({"date": 20151230}, "date"),
    ({"duration": "30 minutes"}, "duration"),
    ({"duration": True}, "duration"),
    ({"duration": -5}, "duration"),
    ({"cancelled": "yes"}, "cancelled"),
    ({"blocked": 1}, "blocked"),
    ({"acmeId": "abc"}, "acmeId"),
    ({"acmeId": -3}, "acmeId"),
    ({"acmeId": 2**70}, "acmeId"),
    ({"summary": "x" * 256}, "summary"),
    ({"locationId": ["a"]}, "locationId"),
    ({"id": ""}, "id"),
    ({"id": None}, "id"),
    ({"details": "a\x00b"}, "details"),
    ({"patientId": "p\x00"}, "patientId"),
])
def test_a_bad_value_fails_its_item_naming_the_field_and_writes_nothing(run, fields, named):
    residents = Resident.objects.count()
    report = run([item(1, **fields)])
    [status] = report.statuses
    assert status.outcome == "failed" and status.message.startswith(f"{named}:")
    assert Appointment.objects.count() == 0 and Attendee.objects.count() == 0
    assert Resident.objects.count() == residents and AppointmentEvent.objects.count() == 0


def test_own_id_zero_is_not_supplied(run):
    assert outcomes(run([item(1, acmeId=0), item(2, acmeId="0")])) == [("created", "created")] * 2


def test_a_new_appointment_needs_a_date_an_update_does_not(run):
    assert outcomes(run([item(1, date=None)])) == [("failed", "date: is required for a new appointment.")]
    run([item(1)])
    assert outcomes(run([{"id": "1", "summary": "only this"}])) == [("updated", "updated")]
    appointment = Appointment.objects.get()
    assert appointment.summary == "only this" and appointment.duration_minutes == 30


def test_the_same_id_twice_in_a_batch_fails_the_second(run):
    report = run([item(1), item(1, summary="again")])
    assert outcomes(report) == [("created", "created"), ("failed", "id: the same id as item 0 of this batch.")]
    assert Appointment.objects.count() == 1


def test_two_items_on_the_same_own_appointment_fail_the_second(run, tenant):
    existing = AppointmentFactory(organisation=tenant.organisation)
    report = run([item(1, acmeId=existing.pk), item(2, acmeId=existing.pk)])
    assert [s.outcome for s in report.statuses] == ["updated", "failed"]
    assert report.statuses[1].message.startswith("acmeId:")
    assert Appointment.objects.count() == 1


def test_a_group_appointment_is_not_synced(run, tenant):
    group = AppointmentFactory(organisation=tenant.organisation, kind=AppointmentKind.GROUP, summary="yoga")
    [status] = run([item(1, acmeId=group.pk)]).statuses
    assert status.outcome == "failed" and status.message.startswith("acmeId:")
    group.refresh_from_db()
    assert group.summary == "yoga" and group.source_id is None


def test_one_new_patient_on_many_appointments_is_one_resident(run, tenant):
    residents = Resident.objects.count()
    run([item(n, patientId="shared") for n in range(3)])
    assert Resident.objects.count() == residents + 1
    resident = ResidentIdentifier.objects.get(system="acme", value="shared").resident
    assert (resident.created_via, resident.organisation) == ("test", tenant.organisation)
    assert Attendee.objects.filter(resident=resident).count() == 3


def test_a_patient_id_of_another_organisation_is_a_new_resident_here(run, tenant, other_tenant):
    ResidentIdentifier.objects.create(organisation=other_tenant.organisation, resident=other_tenant.resident,
                                      system="acme", value="p1")
    run([item(1)])
    assert Attendee.objects.get().resident.organisation == tenant.organisation


def test_changing_the_patient_swaps_the_single_attendee(run):
    run([item(1)])
    report = run([item(1, patientId="p2")])
    assert outcomes(report) == [("updated", "updated")]
    attendee = Attendee.objects.get()
    assert attendee.resident.identifiers.get().value == "p2"


def test_blocked_removes_the_attendee_and_unblocking_books_the_patient_again(run):
    run([item(1)])
    run([item(1, blocked=True)])
    appointment = Appointment.objects.get()
    assert appointment.kind == AppointmentKind.UNAVAILABLE
    assert appointment.attendees.filter(deleted_at__isnull=True).count() == 0
    run([item(1, blocked=False)])
    appointment.refresh_from_db()
    assert appointment.kind == AppointmentKind.INDIVIDUAL
    assert appointment.attendees.filter(deleted_at__isnull=True).count() == 1


def test_cancel_then_uncancel(run, tenant):
    existing = AppointmentFactory(organisation=tenant.organisation)
    attendee = AttendeeFactory(organisation=tenant.organisation, appointment=existing, resident=tenant.resident)
    run([{"id": "1", "acmeId": existing.pk, "cancelled": True}])
    existing.refresh_from_db()
    attendee.refresh_from_db()
    assert existing.cancelled_at is not None and existing.cancellation_reason == 50
    assert existing.cancellation_note == "Cancelled in acme."
    assert attendee.cancelled_at == existing.cancelled_at and attendee.resident == tenant.resident
    assert outcomes(run([{"id": "1", "cancelled": True}])) == [("unchanged", "unchanged")]
    run([{"id": "1", "cancelled": "false"}])
    existing.refresh_from_db()
    attendee.refresh_from_db()
    assert existing.cancelled_at is None and attendee.cancelled_at is None


def test_every_run_is_recorded_with_counts_and_item_outcomes(run, tenant):
    run([item(1)])
    report = run([item(1, summary="new"), item(2), item(3, date="bad"), item(4, acmeId=None)])
    saved = SyncRun.objects.get(pk=report.run.pk)
    assert (saved.received, saved.created, saved.updated, saved.unchanged, saved.failed) == (4, 2, 1, 0, 1)
    assert (saved.organisation, saved.client, saved.channel, saved.dry_run) == (
        tenant.organisation, tenant.client, "test", False,
    )
    results = list(SyncItemResult.objects.filter(run=saved).values_list("position", "external_id", "outcome"))
    assert results == [(0, "1", "updated"), (1, "2", "created"), (2, "3", "failed"), (3, "4", "created")]
    assert SyncItemResult.objects.get(run=saved, position=1).appointment == Appointment.objects.get(source_id="2")


def test_an_id_with_a_nul_fails_its_item_and_is_recorded_without_it(run):
    # PostgreSQL text cannot hold NUL: the run record must still be written (found by .ci/fuzz on PostgreSQL).
    report = run([item("a\x00b")])
    assert outcomes(report) == [("failed", "id: must not contain NUL characters.")]
    assert SyncItemResult.objects.get(run=report.run).external_id == "ab"


def test_dry_run_counts_but_writes_only_the_run(run):
    run([item(1)])
    before = (Appointment.objects.count(), Resident.objects.count(), AppointmentEvent.objects.count())
    report = run([item(1, summary="changed"), item(2), item(3, date="bad")], dry_run=True)
    assert [s.outcome for s in report.statuses] == ["updated", "created", "failed"]
    assert report.run.dry_run is True
    assert Appointment.objects.get(source_id="1").summary == ""
    assert (Appointment.objects.count(), Resident.objects.count(), AppointmentEvent.objects.count()) == before


def test_writes_leave_appointment_events_with_the_actor(run, tenant):
    run([item(1)])
    run([item(1, summary="moved")])
    events = list(AppointmentEvent.objects.order_by("id").values_list("kind", "note", "actor_client", "channel"))
    assert events == [
        ("created", "synced from acme", tenant.client.pk, "test"),
        ("updated", "summary", tenant.client.pk, "test"),
    ]


def test_large_batches_run_in_chunks_with_progress(run, monkeypatch):
    monkeypatch.setattr(services, "CHUNK_SIZE", 4)
    ticks = []
    report = run([item(n) for n in range(10)] + [item(3)], progress=ticks.append)
    assert ticks == [4, 4, 3]
    assert [s.outcome for s in report.statuses].count("created") == 10
    assert report.statuses[10].message == "id: the same id as item 3 of this batch."


def test_queries_are_a_constant_plus_a_fixed_number_per_chunk(run, monkeypatch):
    # Chunks of 20 keep every table's rows of a chunk within one statement on SQLite (999 parameters) as well.
    monkeypatch.setattr(services, "CHUNK_SIZE", 20)
    monkeypatch.setattr(services, "SQLITE_CHUNK_SIZE", 20)

    def queries(start, count, **fields):
        with CaptureQueriesContext(connection) as captured:
            report = run([item(n, **fields) for n in range(start, start + count)])
        assert report.run.failed == 0
        return len(captured)

    def per_chunk(**fields):
        """Queries per chunk, checked to be the same for 1, 2 and 10 chunks."""
        one, two, ten = queries(0, 20, **fields), queries(1000, 40, **fields), queries(2000, 200, **fields)
        assert ten == one + 9 * (two - one)
        return two - one

    # New items, each with a patient seen for the first time: reads, residents, appointments, attendees, events,
    # audit rows and item results.
    assert per_chunk() == 13
    # The same batches again: nothing to write, so a chunk costs only its three reads and its item results.
    assert per_chunk() == 4
    # Every item changed: the three reads, the whole rows of what changes, the upsert, events, audit rows and
    # item results.
    assert per_chunk(duration=45) == 8
