"""FHIR R4 at /fhir/: `[base]/metadata`, and read and search per resource type."""

from django.urls import path

from healthdesk.partners.fhir import views

app_name = "fhir"

urlpatterns = [
    path("fhir/metadata", views.FhirMetadata.as_view(), name="metadata"),
    path("fhir/Patient", views.FhirPatientSearch.as_view(), name="patient_search"),
    path("fhir/Patient/<str:id>", views.FhirPatientRead.as_view(), name="patient_read"),
    path("fhir/Practitioner", views.FhirPractitionerSearch.as_view(), name="practitioner_search"),
    path("fhir/Practitioner/<str:id>", views.FhirPractitionerRead.as_view(), name="practitioner_read"),
    path("fhir/Organization", views.FhirOrganizationSearch.as_view(), name="organization_search"),
    path("fhir/Organization/<str:id>", views.FhirOrganizationRead.as_view(), name="organization_read"),
    path("fhir/Appointment", views.FhirAppointmentSearch.as_view(), name="appointment_search"),
    path("fhir/Appointment/<str:id>", views.FhirAppointmentRead.as_view(), name="appointment_read"),
]
