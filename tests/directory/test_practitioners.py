"""Who is a practitioner: the one rule every partner that lists practitioners (FHIR, Cliniko) reads through."""

import pytest

from directory import selectors
from tests.factories import AppointmentFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_practitioners_are_staff_who_see_patients(tenant, other_tenant):
    organisation = tenant.organisation
    consultant = UserFactory(organisation=organisation, roles=["consultant"])
    clinician = UserFactory(organisation=organisation, roles=["clinician"], is_active=False)
    booked = UserFactory(organisation=organisation, roles=[])
    AppointmentFactory(organisation=organisation, practitioner=booked)
    AppointmentFactory(organisation=organisation, practitioner=booked)
    receptionist = UserFactory(organisation=organisation, roles=["admin"])
    elsewhere = UserFactory(organisation=other_tenant.organisation, roles=["consultant"])

    ids = list(selectors.practitioner_list(organisation=organisation).values_list("pk", flat=True))

    assert {consultant.pk, clinician.pk, booked.pk} <= set(ids), "inactive ones too"
    assert len(ids) == len(set(ids)), "once each, however many appointments"
    assert receptionist.pk not in ids and elsewhere.pk not in ids
    assert selectors.practitioner_get(organisation=organisation, pk=booked.pk) == booked
    with pytest.raises(Exception, match="Unknown"):
        selectors.practitioner_get(organisation=organisation, pk=receptionist.pk)
