"""appointment_withdraw cancels then soft-deletes; appointments may be booked on a staff member's behalf."""

import pytest

from healthdesk.exceptions import Invalid
from scheduling import selectors, services
from scheduling.choices import CancellationReason
from scheduling.models import AppointmentEvent
from tests.factories import AppointmentFactory, AttendeeFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_withdraw_cancels_with_reason_other_and_deletes(tenant):
    attendee = AttendeeFactory(organisation=tenant.organisation, resident=tenant.resident)
    appointment = attendee.appointment
    services.appointment_withdraw(appointment=appointment, actor=tenant.api_actor, note="Deleted upstream")
    appointment.refresh_from_db()
    attendee.refresh_from_db()
    assert appointment.cancellation_reason == CancellationReason.OTHER
    assert appointment.cancellation_note == "Deleted upstream"
    assert appointment.deleted_at is not None and attendee.deleted_at is not None
    assert attendee.cancelled_at is not None
    assert appointment not in selectors.appointment_list(organisation=tenant.organisation)
    kinds = list(AppointmentEvent.objects.filter(appointment=appointment).values_list("kind", flat=True))
    assert kinds == ["cancelled", "deleted"]


def test_withdraw_keeps_an_earlier_cancellation(tenant):
    appointment = AppointmentFactory(organisation=tenant.organisation)
    services.appointment_cancel(appointment=appointment, actor=tenant.actor, reason=CancellationReason.SICK)
    services.appointment_withdraw(appointment=appointment, actor=tenant.actor)
    appointment.refresh_from_db()
    assert appointment.cancellation_reason == CancellationReason.SICK
    assert appointment.deleted_at is not None


def test_create_and_update_record_who_booked_on_whose_behalf(tenant, other_tenant):
    booker = UserFactory(organisation=tenant.organisation)
    appointment = services.appointment_create(
        organisation=tenant.organisation, actor=tenant.api_actor, starts_at="2030-01-01T10:00:00Z",
        resident=tenant.resident, created_by=booker.pk,
    )
    assert appointment.created_by == booker
    services.appointment_update(appointment=appointment, actor=tenant.api_actor, created_by=tenant.staff)
    appointment.refresh_from_db()
    assert appointment.created_by == tenant.staff
    with pytest.raises(Invalid) as caught:
        services.appointment_update(appointment=appointment, actor=tenant.api_actor, created_by=other_tenant.staff)
    assert caught.value.field == "created_by"


def test_created_by_defaults_to_the_acting_staff_member(tenant):
    appointment = services.appointment_create(
        organisation=tenant.organisation, actor=tenant.actor, starts_at="2030-01-01T10:00:00Z"
    )
    assert appointment.created_by == tenant.staff


def test_appointments_carry_their_first_live_attendees_resident(tenant, django_assert_num_queries):
    from tests.factories import ResidentFactory

    with_one = AttendeeFactory(organisation=tenant.organisation, resident=tenant.resident).appointment
    replaced = AttendeeFactory(organisation=tenant.organisation, deleted_at="2020-01-01T00:00:00Z").appointment
    newcomer = ResidentFactory(organisation=tenant.organisation)
    AttendeeFactory(organisation=tenant.organisation, appointment=replaced, resident=newcomer)
    empty = AppointmentFactory(organisation=tenant.organisation)
    booked = selectors.appointment_list(organisation=tenant.organisation)
    rows = selectors.appointment_with_resident(appointments=booked)
    with django_assert_num_queries(1):
        found = {a.pk: a.attendee_resident_id for a in rows}
    assert found == {with_one.pk: tenant.resident.pk, replaced.pk: newcomer.pk, empty.pk: None}
