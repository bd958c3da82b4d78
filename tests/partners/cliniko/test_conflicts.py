"""`GET /v1/individual_appointments/:id/conflicts`: does the practitioner have another live appointment then?"""

from datetime import UTC, datetime, timedelta

import pytest

pytestmark = pytest.mark.django_db

NINE = datetime(2016, 7, 21, 9, 0, tzinfo=UTC)


def conflicts(api, appointment):
    response = api.get(f"/v1/individual_appointments/{appointment.pk}/conflicts")
    assert response.status_code == 200, response.content
    assert list(response.json()) == ["conflicts"]
    return response.json()["conflicts"]["exist"]


def test_an_overlapping_live_appointment_of_the_same_practitioner_is_a_conflict(api, book, tenant):
    appointment = book.appointment(starts_at=NINE, duration_minutes=45)
    assert conflicts(api, appointment) is False
    book.appointment(starts_at=NINE + timedelta(minutes=45))  # back to back: no overlap
    book.appointment(starts_at=NINE, cancelled_at=NINE)  # cancelled
    book.appointment(starts_at=NINE, deleted_at=NINE)  # deleted
    assert conflicts(api, appointment) is False
    book.appointment(starts_at=NINE + timedelta(minutes=30))
    assert conflicts(api, appointment) is True


def test_the_conflicts_link_resolves_and_other_organisations_are_not_found(api, other_api, book):
    appointment = book.appointment(starts_at=NINE)
    link = api.get(f"/v1/individual_appointments/{appointment.pk}").json()["conflicts"]["links"]["self"]
    assert link == f"http://testserver/v1/individual_appointments/{appointment.pk}/conflicts"
    assert api.get(link).status_code == 200
    assert other_api.get(link).status_code == 404
