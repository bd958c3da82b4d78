"""The appointment book's rules: one attendee per individual appointment, cancellation codes, soft delete."""

import pytest

from healthdesk.exceptions import Conflict, Invalid, NotFound
from scheduling import selectors, services
from scheduling.choices import AppointmentKind, CancellationReason
from scheduling.models import Appointment, AppointmentEvent, Attendee
from tests.factories import AppointmentFactory, AttendeeFactory, ResidentFactory

pytestmark = pytest.mark.django_db


def book(tenant, **kwargs):
    from django.utils import timezone

    defaults = {"organisation": tenant.organisation, "actor": tenant.actor, "starts_at": timezone.now(),
                "practitioner": tenant.staff, "resident": tenant.resident}
    return services.appointment_create(**{**defaults, **kwargs})


def test_an_individual_appointment_gets_its_resident_as_the_single_attendee(tenant):
    appointment = book(tenant)
    assert list(appointment.attendees.values_list("resident", flat=True)) == [tenant.resident.pk]
    with pytest.raises(Conflict):
        services.attendee_create(appointment=appointment, actor=tenant.actor,
                                 resident=ResidentFactory(organisation=tenant.organisation))
    assert AppointmentEvent.objects.filter(appointment=appointment, kind="created").count() == 1


def test_references_must_belong_to_the_organisation(tenant, other_tenant):
    for field, value in [("practitioner", other_tenant.staff), ("resident", other_tenant.resident)]:
        with pytest.raises(Invalid) as caught:
            book(tenant, **{field: value})
        assert caught.value.field == field
    assert Appointment.objects.count() == 0


@pytest.mark.parametrize("reason", [None, 0, 11, 70, "other", "50x"])
def test_cancellation_needs_one_of_the_reason_codes(tenant, reason):
    appointment = book(tenant)
    with pytest.raises(Invalid) as caught:
        services.appointment_cancel(appointment=appointment, actor=tenant.actor, reason=reason)
    assert caught.value.field == "cancellation_reason"
    appointment.refresh_from_db()
    assert appointment.cancelled_at is None


@pytest.mark.parametrize("reason", CancellationReason.values)
def test_every_documented_reason_code_cancels(tenant, reason):
    appointment = book(tenant)
    services.appointment_cancel(appointment=appointment, actor=tenant.actor, reason=str(reason), note="n")
    appointment.refresh_from_db()
    assert (appointment.cancellation_reason, appointment.cancellation_note) == (reason, "n")
    attendee = appointment.attendees.get()
    assert attendee.cancelled_at is not None and attendee.cancellation_reason == reason


def test_reason_codes_are_enforced_by_the_database(tenant):
    from django.db import IntegrityError, transaction

    attendee = AttendeeFactory(organisation=tenant.organisation)
    with pytest.raises(IntegrityError), transaction.atomic():
        Attendee.objects.filter(pk=attendee.pk).update(cancellation_reason=12)


def test_soft_delete_hides_but_keeps_and_restore_brings_back(tenant):
    appointment = book(tenant)
    services.appointment_delete(appointment=appointment, actor=tenant.actor)
    assert not selectors.appointment_list(organisation=tenant.organisation).filter(pk=appointment.pk).exists()
    assert not selectors.attendee_list(organisation=tenant.organisation).exists()
    assert selectors.attendee_list(organisation=tenant.organisation, state="deleted").count() == 1
    assert Appointment.objects.filter(pk=appointment.pk).exists()
    with pytest.raises(NotFound):
        selectors.appointment_get(organisation=tenant.organisation, pk=appointment.pk)
    services.appointment_restore(appointment=appointment, actor=tenant.actor)
    assert selectors.attendee_list(organisation=tenant.organisation).count() == 1


def test_group_attendees_are_cancelled_one_by_one_and_individual_ones_are_not(tenant):
    group = book(tenant, kind=AppointmentKind.GROUP, resident=None, max_attendees=2)
    first = services.attendee_create(appointment=group, actor=tenant.actor, resident=tenant.resident)
    services.attendee_create(appointment=group, actor=tenant.actor,
                             resident=ResidentFactory(organisation=tenant.organisation))
    with pytest.raises(Conflict):  # full
        services.attendee_create(appointment=group, actor=tenant.actor,
                                 resident=ResidentFactory(organisation=tenant.organisation))
    services.attendee_cancel(attendee=first, actor=tenant.actor, reason=50, note="A note")
    assert selectors.attendee_list(organisation=tenant.organisation, state="cancelled").get() == first
    individual = book(tenant)
    with pytest.raises(Conflict):
        services.attendee_cancel(attendee=individual.attendees.get(), actor=tenant.actor, reason=50)


def test_one_live_attendance_per_resident_and_appointment(tenant):
    group = book(tenant, kind=AppointmentKind.GROUP, resident=None)
    attendee = services.attendee_create(appointment=group, actor=tenant.actor, resident=tenant.resident)
    with pytest.raises(Conflict):
        services.attendee_create(appointment=group, actor=tenant.actor, resident=tenant.resident)
    services.attendee_delete(attendee=attendee, actor=tenant.actor)
    again = services.attendee_create(appointment=group, actor=tenant.actor, resident=tenant.resident)
    assert again.pk != attendee.pk
    with pytest.raises(Conflict):
        services.attendee_restore(attendee=attendee, actor=tenant.actor)


def test_attendee_updates_only_known_fields(tenant):
    attendee = AttendeeFactory(organisation=tenant.organisation, appointment=AppointmentFactory(
        organisation=tenant.organisation, practitioner=tenant.staff))
    services.attendee_update(attendee=attendee, actor=tenant.actor, arrived=True, notes="On time")
    attendee.refresh_from_db()
    assert (attendee.arrived, attendee.notes) == (True, "On time")
    with pytest.raises(Invalid):
        services.attendee_update(attendee=attendee, actor=tenant.actor, resident=tenant.resident)


def test_cancelling_an_individual_attendee_one_by_one_is_refused_with_a_code(tenant):
    attendee = AttendeeFactory(
        organisation=tenant.organisation,
        appointment=AppointmentFactory(organisation=tenant.organisation, kind=AppointmentKind.INDIVIDUAL),
    )
    with pytest.raises(Conflict) as raised:
        services.attendee_cancel(attendee=attendee, actor=tenant.actor, reason=50)
    assert raised.value.code == "not_group"
    attendee.refresh_from_db()
    assert attendee.cancelled_at is None


def test_a_deleted_attendee_is_not_changed_until_restored(tenant):
    attendee = AttendeeFactory(organisation=tenant.organisation)
    services.attendee_delete(attendee=attendee, actor=tenant.actor)
    with pytest.raises(Conflict):
        services.attendee_update(attendee=attendee, actor=tenant.actor, arrived=True)
    attendee.refresh_from_db()
    assert attendee.arrived is None
    services.attendee_restore(attendee=attendee, actor=tenant.actor)
    services.attendee_update(attendee=attendee, actor=tenant.actor, arrived=True)
    attendee.refresh_from_db()
    assert attendee.arrived is True
