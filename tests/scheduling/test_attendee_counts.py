"""Cliniko's exact `total_entries` without a COUNT over every attendee: counters that every writer keeps in its own
transaction (PostgreSQL triggers), equal to the COUNT whatever wrote — services, the bulk sync, raw SQL — and
under concurrent writers."""

import threading
from datetime import UTC, datetime

import pytest
from django.db import connection, connections

from scheduling import selectors, services
from scheduling.choices import AppointmentKind
from scheduling.models import Attendee
from tests.factories import AppointmentFactory, AttendeeFactory, ResidentFactory

STATES = ("live", "cancelled", "deleted")


def assert_counts_match(organisation):
    for state in STATES:
        counted = selectors.attendee_list(organisation=organisation, state=state).count()
        assert selectors.attendee_count(organisation=organisation, state=state) == counted, state


@pytest.mark.django_db
def test_counts_follow_every_kind_of_write(tenant, other_tenant):
    appointment = AppointmentFactory(organisation=tenant.organisation, kind=AppointmentKind.GROUP)
    attendees = AttendeeFactory.create_batch(5, organisation=tenant.organisation, appointment=appointment)
    AttendeeFactory.create_batch(3, organisation=other_tenant.organisation)
    assert_counts_match(tenant.organisation)
    services.attendee_cancel(attendee=attendees[0], actor=tenant.actor, reason=50, note="ill")
    services.attendee_delete(attendee=attendees[1], actor=tenant.actor)
    assert_counts_match(tenant.organisation)
    services.attendee_restore(attendee=attendees[1], actor=tenant.actor)
    Attendee.objects.filter(pk=attendees[2].pk).update(deleted_at=datetime(2026, 1, 1, tzinfo=UTC))  # raw UPDATE
    Attendee.objects.filter(pk=attendees[3].pk).delete()
    Attendee.objects.bulk_create(
        Attendee(organisation=tenant.organisation, appointment=AppointmentFactory(organisation=tenant.organisation),
                 resident=ResidentFactory(organisation=tenant.organisation)) for _ in range(4)
    )
    assert_counts_match(tenant.organisation)
    assert_counts_match(other_tenant.organisation)
    assert selectors.attendee_count(organisation=tenant.organisation, state="live") == 6


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_the_counter_is_exact_under_concurrent_writers(tenant):
    appointments = [AppointmentFactory(organisation=tenant.organisation, kind=AppointmentKind.GROUP) for _ in range(8)]
    residents = ResidentFactory.create_batch(8 * 25, organisation=tenant.organisation)
    errors = []

    def writer(n):
        try:
            for k in range(25):
                attendee = Attendee.objects.create(organisation=tenant.organisation, appointment=appointments[n],
                                                   resident=residents[n * 25 + k])
                if k % 5 == 0:
                    services.attendee_cancel(attendee=attendee, actor=tenant.actor, reason=50, note="")
        except Exception as exc:  # noqa: BLE001 - reported below
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=writer, args=(n,)) for n in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert_counts_match(tenant.organisation)
    assert selectors.attendee_count(organisation=tenant.organisation, state="live") == 160


@pytest.mark.postgres
@pytest.mark.django_db
def test_the_first_page_reads_the_counter_not_a_count(tenant):
    from django.test.utils import CaptureQueriesContext

    AttendeeFactory.create_batch(3, organisation=tenant.organisation)
    with CaptureQueriesContext(connection) as captured:
        selectors.attendee_count(organisation=tenant.organisation, state="live")
    assert "scheduling_attendeecount" in captured[0]["sql"] and "count(" not in captured[0]["sql"].lower()
