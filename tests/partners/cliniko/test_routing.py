"""Every documented Cliniko path resolves to its view, and every `/v1/` route stands on the Cliniko base view."""

import pytest
from django.urls import get_resolver, resolve

from healthdesk.partners.cliniko import views
from healthdesk.partners.cliniko.auth import ClinikoAuthentication

pytestmark = pytest.mark.django_db

DOCUMENTED = {
    "/v1/attendees": views.ClinikoAttendees,
    "/v1/attendees/deleted": views.ClinikoAttendeesDeleted,
    "/v1/attendees/cancelled": views.ClinikoAttendeesCancelled,
    "/v1/attendees/1": views.ClinikoAttendee,
    "/v1/attendees/1/cancel": views.ClinikoAttendeeCancel,
    "/v1/attendees/1/invoices": views.ClinikoAttendeeInvoices,
    "/v1/group_appointments/1/attendees": views.ClinikoGroupAppointmentAttendees,
    "/v1/individual_appointments/1/attendees": views.ClinikoIndividualAppointmentAttendees,
    "/v1/individual_appointments": views.ClinikoIndividualAppointments,
    "/v1/individual_appointments/1": views.ClinikoIndividualAppointment,
    "/v1/individual_appointments/1/cancel": views.ClinikoIndividualAppointmentCancel,
    "/v1/group_appointments": views.ClinikoGroupAppointments,
    "/v1/group_appointments/1": views.ClinikoGroupAppointment,
    "/v1/bookings": views.ClinikoBookings,
    "/v1/bookings/1": views.ClinikoBooking,
    "/v1/patients": views.ClinikoPatients,
    "/v1/patients/1": views.ClinikoPatient,
    "/v1/patients/1/archive": views.ClinikoPatientArchive,
    "/v1/invoices": views.ClinikoInvoices,
    "/v1/invoices/1": views.ClinikoInvoice,
    "/v1/practitioners": views.ClinikoPractitioners,
    "/v1/practitioners/1": views.ClinikoPractitioner,
    "/v1/businesses": views.ClinikoBusinesses,
    "/v1/businesses/1": views.ClinikoBusiness,
    "/v1/individual_appointments/1/conflicts": views.ClinikoIndividualAppointmentConflicts,
}


@pytest.mark.parametrize("path, view", DOCUMENTED.items())
def test_documented_path_resolves(path, view):
    assert resolve(path).func.view_class is view


def test_every_v1_route_is_a_cliniko_view_with_its_auth_and_throttle():
    def walk(patterns):
        for pattern in patterns:
            yield from walk(pattern.url_patterns) if hasattr(pattern, "url_patterns") else [pattern]

    routes = [p for p in walk(get_resolver().url_patterns) if str(p.pattern).startswith("v1/")]
    assert len(routes) == len(DOCUMENTED)
    for route in routes:
        view = route.callback.view_class
        assert issubclass(view, views.ClinikoView), route
        assert view.authentication_classes == (ClinikoAuthentication,)
        assert view.throttle_classes and view.partner.name == "cliniko"


def test_wrong_method_and_content_type_answer_in_shape(api, book):
    response = api.put("/v1/attendees", {})
    assert response.status_code == 405 and "message" in response.json()
    assert api.post("/v1/bookings", {}).status_code == 405
    form = api.http.post("/v1/attendees", {"booking_id": "1", "patient_id": "1"})
    assert form.status_code == 415 and "message" in form.json()


def test_a_body_without_content_type_is_blank_as_in_cliniko(api):
    response = api.http.generic("POST", "/v1/attendees")
    assert response.status_code == 422
    assert response.json()["errors"] == {"booking_id": "can’t be blank"}
