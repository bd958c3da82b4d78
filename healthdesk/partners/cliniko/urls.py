"""Cliniko's paths under `/v1/`, named after the document's endpoints."""

from django.urls import path, register_converter

from healthdesk.partners.cliniko import views


class IdConverter:
    """Ids of up to 18 digits: a longer one cannot be ours, and would overflow a 64-bit column."""

    regex = "[0-9]{1,18}"

    def to_python(self, value):
        return int(value)

    def to_url(self, value):
        return str(value)


register_converter(IdConverter, "cliniko_id")

urlpatterns = [
    path("v1/attendees", views.ClinikoAttendees.as_view(), name="cliniko-attendees"),
    path("v1/attendees/deleted", views.ClinikoAttendeesDeleted.as_view(), name="cliniko-attendees-deleted"),
    path("v1/attendees/cancelled", views.ClinikoAttendeesCancelled.as_view(), name="cliniko-attendees-cancelled"),
    path("v1/attendees/<cliniko_id:pk>", views.ClinikoAttendee.as_view(), name="cliniko-attendee"),
    path("v1/attendees/<cliniko_id:pk>/cancel", views.ClinikoAttendeeCancel.as_view(), name="cliniko-attendee-cancel"),
    path(
        "v1/group_appointments/<cliniko_id:pk>/attendees", views.ClinikoGroupAppointmentAttendees.as_view(),
        name="cliniko-group-appointment-attendees",
    ),
    path(
        "v1/individual_appointments/<cliniko_id:pk>/attendees", views.ClinikoIndividualAppointmentAttendees.as_view(),
        name="cliniko-individual-appointment-attendees",
    ),
    path("v1/individual_appointments", views.ClinikoIndividualAppointments.as_view(),
         name="cliniko-individual-appointments"),
    path("v1/individual_appointments/<cliniko_id:pk>", views.ClinikoIndividualAppointment.as_view(),
         name="cliniko-individual-appointment"),
    path("v1/individual_appointments/<cliniko_id:pk>/cancel", views.ClinikoIndividualAppointmentCancel.as_view(),
         name="cliniko-individual-appointment-cancel"),
    path("v1/group_appointments", views.ClinikoGroupAppointments.as_view(), name="cliniko-group-appointments"),
    path("v1/group_appointments/<cliniko_id:pk>", views.ClinikoGroupAppointment.as_view(),
         name="cliniko-group-appointment"),
    path("v1/bookings", views.ClinikoBookings.as_view(), name="cliniko-bookings"),
    path("v1/bookings/<cliniko_id:pk>", views.ClinikoBooking.as_view(), name="cliniko-booking"),
    path("v1/patients", views.ClinikoPatients.as_view(), name="cliniko-patients"),
    path("v1/patients/<cliniko_id:pk>", views.ClinikoPatient.as_view(), name="cliniko-patient"),
    path("v1/patients/<cliniko_id:pk>/archive", views.ClinikoPatientArchive.as_view(), name="cliniko-patient-archive"),
    path("v1/attendees/<cliniko_id:pk>/invoices", views.ClinikoAttendeeInvoices.as_view(),
         name="cliniko-attendee-invoices"),
    path("v1/invoices", views.ClinikoInvoices.as_view(), name="cliniko-invoices"),
    path("v1/invoices/<cliniko_id:pk>", views.ClinikoInvoice.as_view(), name="cliniko-invoice"),
    path("v1/practitioners", views.ClinikoPractitioners.as_view(), name="cliniko-practitioners"),
    path("v1/practitioners/<cliniko_id:pk>", views.ClinikoPractitioner.as_view(), name="cliniko-practitioner"),
    path("v1/businesses", views.ClinikoBusinesses.as_view(), name="cliniko-businesses"),
    path("v1/businesses/<cliniko_id:pk>", views.ClinikoBusiness.as_view(), name="cliniko-business"),
    path("v1/individual_appointments/<cliniko_id:pk>/conflicts",
         views.ClinikoIndividualAppointmentConflicts.as_view(), name="cliniko-individual-appointment-conflicts"),
]
