"""Appointment-book rules the Cliniko API relies on."""

import pytest

from healthdesk.exceptions import Conflict
from scheduling import services
from scheduling.choices import AppointmentKind
from tests.factories import AppointmentFactory, AttendeeFactory

pytestmark = pytest.mark.django_db


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
