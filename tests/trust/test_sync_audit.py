"""Issue #16 finding 6: what a sync reports, its events and its audit rows say what the database really did, once,
even when identical batches run at the same moment."""

import threading

import pytest
from django.db import connection, connections

from directory.models import AuditEvent
from scheduling.models import Appointment, AppointmentEvent, Attendee
from sync import services as sync_services
from sync.models import SyncItemResult

ITEMS = 2000


def _batch(duration=30, count=ITEMS):
    return [{"id": f"u{n}", "patientId": f"p{n}", "date": "2015-12-30T09:00:00", "duration": duration}
            for n in range(count)]


def _sync(tenant, items):
    return sync_services.appointments_sync(
        organisation=tenant.organisation, actor=tenant.api_actor, system="updox", items=items
    )


def _at_once(tenant, batches):
    """Run each batch in its own thread (its own connection and transaction), all released together."""
    barrier = threading.Barrier(len(batches))
    reports, errors = [None] * len(batches), []

    def run(index, items):
        try:
            barrier.wait()
            reports[index] = _sync(tenant, items)
        except Exception as error:  # noqa: BLE001 — reported by the test below
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(i, items)) for i, items in enumerate(batches)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    return reports


def _outcomes():
    return {o: SyncItemResult.objects.filter(outcome=o).count() for o in ("created", "updated", "unchanged")}


def _audits(action, object_type):
    return AuditEvent.objects.filter(action=action, object_type=object_type).count()


postgres_only = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="SQLite's IMMEDIATE transactions never run two writers at once"
)


@postgres_only
@pytest.mark.django_db(transaction=True)
def test_four_identical_batches_at_once_create_each_appointment_once(tenant):
    _at_once(tenant, [_batch() for _ in range(4)])

    assert Appointment.objects.filter(source_system="updox").count() == ITEMS
    assert Attendee.objects.count() == ITEMS
    assert _outcomes() == {"created": ITEMS, "updated": 0, "unchanged": 3 * ITEMS}
    assert AppointmentEvent.objects.filter(kind="created").count() == ITEMS
    # Nothing changed for the three later batches: no event and no audit row (decided in the Updox
    # COMPATIBILITY.md).
    assert AppointmentEvent.objects.exclude(kind="created").count() == 0
    assert _audits("create", "scheduling.appointment") == ITEMS
    assert _audits("update", "scheduling.appointment") == 0
    assert _audits("create", "scheduling.attendee") == ITEMS
    assert _audits("update", "scheduling.attendee") == 0
    # Each appointment's "created" item points at it, from exactly one run.
    created = SyncItemResult.objects.filter(outcome="created")
    assert set(created.values_list("appointment_id", flat=True)) == set(Appointment.objects.values_list("pk",
                                                                                                     flat=True))


@postgres_only
@pytest.mark.django_db(transaction=True)
def test_a_concurrent_batch_that_overwrites_a_row_records_the_update(tenant):
    reports = _at_once(tenant, [_batch(duration=30), _batch(duration=45)])

    for first, second in zip(reports[0].statuses, reports[1].statuses, strict=True):
        assert sorted([first.outcome, second.outcome]) == ["created", "updated"]
    assert _outcomes() == {"created": ITEMS, "updated": ITEMS, "unchanged": 0}
    updates = AppointmentEvent.objects.filter(kind="updated")
    assert updates.count() == ITEMS
    assert set(updates.values_list("note", flat=True)) == {"duration_minutes"}
    audited = AuditEvent.objects.filter(action="update", object_type="scheduling.appointment")
    assert audited.count() == ITEMS
    assert {tuple(a.changes["fields"]) for a in audited} == {("duration_minutes",)}
    # Each row holds the duration of the batch that reported "updated" for it: the last writer.
    last = {}
    for report, duration in zip(reports, (30, 45), strict=True):
        for status in report.statuses:
            if status.outcome == "updated":
                last[status.appointment_id] = duration
    assert dict(Appointment.objects.values_list("pk", "duration_minutes")) == last
    assert AppointmentEvent.objects.filter(kind="created").count() == ITEMS
    assert _audits("create", "scheduling.appointment") == ITEMS


def test_the_same_batch_again_is_unchanged_and_records_nothing(tenant):
    _sync(tenant, _batch(count=5))
    events, audits = AppointmentEvent.objects.count(), AuditEvent.objects.count()
    report = _sync(tenant, _batch(count=5))
    assert {s.outcome for s in report.statuses} == {"unchanged"}
    assert (AppointmentEvent.objects.count(), AuditEvent.objects.count()) == (events, audits)


def _recorded(operation):
    """What `operation` recorded: its appointment events and audit rows, without ids or times."""
    events, audits = set(AppointmentEvent.objects.values_list("pk", flat=True)), set(
        AuditEvent.objects.values_list("pk", flat=True))
    operation()
    return (
        sorted((e.kind, e.note) for e in AppointmentEvent.objects.exclude(pk__in=events)),
        sorted((a.action, a.object_type, repr(a.changes)) for a in AuditEvent.objects.exclude(pk__in=audits)),
    )


def test_a_sync_cancellation_is_recorded_as_the_scheduling_service_records_one(tenant):
    from scheduling import services as scheduling_services
    from scheduling.choices import CancellationReason

    _sync(tenant, _batch(count=2))
    by_sync = _recorded(lambda: _sync(tenant, [{**_batch(count=1)[0], "cancelled": True}]))
    appointment = Appointment.objects.get(source_id="u1")
    by_service = _recorded(lambda: scheduling_services.appointment_cancel(
        appointment=appointment, actor=tenant.api_actor, reason=CancellationReason.OTHER,
        note="Cancelled in updox.",
    ))
    assert by_sync == by_service
    assert [kind for kind, _ in by_sync[0]] == ["cancelled"]
    assert ("update", "scheduling.attendee", repr({"cancellation_reason": [None, 50]})) in by_sync[1]
    cancelled = Attendee.objects.get(appointment__source_id="u0")
    assert (cancelled.cancellation_reason, cancelled.cancelled_at is not None) == (50, True)
