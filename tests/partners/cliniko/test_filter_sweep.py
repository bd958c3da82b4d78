"""Every operator on every filterable field of every list answers 200, and every other operator 400: never a 500."""

import pytest

from healthdesk.partners.cliniko import filters, views
from tests.factories import InvoiceFactory

pytestmark = pytest.mark.django_db

SAMPLES = {
    filters.INTEGER: "1",
    filters.DATETIME: "2016-06-28T21:33:26Z",
    filters.DATE: "1937-01-21",
    filters.STRING: "Es%",
    filters.BOOLEAN: "true",
}
LISTS = [
    ("/v1/attendees", views.ATTENDEE_FILTERS),
    ("/v1/attendees/deleted", views.ATTENDEE_FILTERS),
    ("/v1/attendees/cancelled", views.ATTENDEE_FILTERS),
    ("/v1/group_appointments/{group}/attendees", views.ATTENDEE_FILTERS),
    ("/v1/individual_appointments/{individual}/attendees", views.ATTENDEE_FILTERS),
    ("/v1/individual_appointments", views.INDIVIDUAL_FILTERS),
    ("/v1/group_appointments", views.APPOINTMENT_FILTERS),
    ("/v1/bookings", views.APPOINTMENT_FILTERS),
    ("/v1/patients", views.PATIENT_FILTERS),
    ("/v1/invoices", views.INVOICE_FILTERS),
    ("/v1/attendees/{attendee}/invoices", views.INVOICE_FILTERS),
]
CASES = [
    (url, name, operator, operator in filters.OPERATORS[spec.type])
    for url, fields in LISTS
    for name, spec in fields.items()
    for operator in filters.TOKENS
]


@pytest.fixture
def urls(book, tenant):
    group, individual = book.group(), book.appointment()
    book.attendee(appointment=group)
    attendee = book.attendee(appointment=individual, resident=book.patient())
    InvoiceFactory(organisation=tenant.organisation, attendee=attendee)
    return {"group": group.pk, "individual": individual.pk, "attendee": attendee.pk}


@pytest.mark.parametrize("url, name, operator, allowed", CASES, ids=[f"{u} {n}:{o}" for u, n, o, _ in CASES])
def test_operator(api, urls, url, name, operator, allowed):
    spec = dict(LISTS)[url][name]
    value = "" if operator in filters.VALUELESS else SAMPLES[spec.type]
    if operator in ("~", "~~") and spec.type != filters.STRING:
        value = "1"
    response = api.get(url.format(**urls), {"q[]": f"{name}:{operator}{value}", "sort": name})
    assert response.status_code == (200 if allowed else 400), response.content
    body = response.json()
    if allowed:
        assert isinstance(body["total_entries"], int)
    else:
        assert list(body) == ["message"]
