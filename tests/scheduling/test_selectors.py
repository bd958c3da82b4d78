"""Reads on the appointment book: the narrowing options the partner lists rely on."""

import pytest
from django.utils import timezone

from healthdesk.exceptions import NotFound
from scheduling import selectors
from scheduling.choices import AppointmentKind
from tests.factories import AppointmentFactory, AttendeeFactory, InvoiceFactory, ResidentFactory

pytestmark = pytest.mark.django_db


def test_appointment_list_can_leave_out_cancelled(tenant):
    live = AppointmentFactory(organisation=tenant.organisation)
    cancelled = AppointmentFactory(organisation=tenant.organisation, cancelled_at=timezone.now())
    everything = selectors.appointment_list(organisation=tenant.organisation)
    assert set(everything) == {live, cancelled}
    assert list(selectors.appointment_list(organisation=tenant.organisation, include_cancelled=False)) == [live]


def test_appointment_get_by_kind(tenant, other_tenant):
    group = AppointmentFactory(organisation=tenant.organisation, kind=AppointmentKind.GROUP)
    assert selectors.appointment_get(organisation=tenant.organisation, pk=group.pk, kind=AppointmentKind.GROUP) == group
    with pytest.raises(NotFound) as raised:
        selectors.appointment_get(
            organisation=tenant.organisation, pk=group.pk, kind=AppointmentKind.INDIVIDUAL, field="booking_id"
        )
    assert raised.value.field == "booking_id"
    with pytest.raises(NotFound):
        selectors.appointment_get(organisation=other_tenant.organisation, pk=group.pk)


def test_attendee_list_of_one_appointment_by_state(tenant):
    group = AppointmentFactory(organisation=tenant.organisation, kind=AppointmentKind.GROUP)
    elsewhere = AttendeeFactory(organisation=tenant.organisation)
    live = AttendeeFactory(organisation=tenant.organisation, appointment=group)
    gone = AttendeeFactory(
        organisation=tenant.organisation, appointment=group, resident=ResidentFactory(organisation=tenant.organisation),
        deleted_at=timezone.now(),
    )
    organisation = tenant.organisation
    assert set(selectors.attendee_list(organisation=organisation)) == {elsewhere, live}
    assert list(selectors.attendee_list(organisation=organisation, appointment=group)) == [live]
    assert list(selectors.attendee_list(organisation=organisation, appointment=group, state="deleted")) == [gone]
    assert set(selectors.attendee_list(organisation=organisation, appointment=group, state="all")) == {live, gone}
    assert list(selectors.attendee_list(organisation=organisation, appointment=group, state="undeleted")) == [live]


def test_invoice_list_and_get_stay_within_the_organisation(tenant, other_tenant):
    attendee = AttendeeFactory(organisation=tenant.organisation)
    kept = InvoiceFactory(organisation=tenant.organisation, attendee=attendee)
    deleted = InvoiceFactory(organisation=tenant.organisation, attendee=attendee, deleted_at=timezone.now())
    elsewhere = InvoiceFactory(organisation=tenant.organisation)
    theirs = InvoiceFactory(organisation=other_tenant.organisation)
    organisation = tenant.organisation
    assert set(selectors.invoice_list(organisation=organisation)) == {kept, elsewhere}
    assert list(selectors.invoice_list(organisation=organisation, attendee=attendee)) == [kept]
    assert set(selectors.invoice_list(organisation=organisation, attendee=attendee, include_deleted=True)) == {
        kept, deleted
    }
    assert selectors.invoice_get(organisation=organisation, pk=deleted.pk) == deleted
    with pytest.raises(NotFound):
        selectors.invoice_get(organisation=organisation, pk=theirs.pk)
