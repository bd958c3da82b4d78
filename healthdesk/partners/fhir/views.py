"""FHIR R4 read and search over the same rows every partner reads: one view per interaction."""

from django.utils import timezone
from drf_spectacular.utils import extend_schema_view
from rest_framework.permissions import AllowAny
from rest_framework.response import Response

from directory import selectors as directory_selectors
from directory.models import Resident
from healthdesk.exceptions import Gone, NotFound
from healthdesk.partners.base import PartnerAPIView
from healthdesk.partners.fhir import capability, fields, schema, search, serializers
from healthdesk.partners.fhir.auth import FhirAuthentication
from healthdesk.partners.fhir.wire import FHIR, FhirJSONRenderer, PlainJSONRenderer, resource
from scheduling.models import Appointment


class FhirView(PartnerAPIView):
    partner = FHIR
    authentication_classes = (FhirAuthentication,)
    renderer_classes = (FhirJSONRenderer, PlainJSONRenderer)
    parser_classes = ()

    def base_url(self):
        return self.request.build_absolute_uri("/fhir/").rstrip("/")


@extend_schema_view(get=schema.METADATA)
class FhirMetadata(FhirView):
    """`GET [base]/metadata`: what this server supports, readable without credentials as FHIR expects."""

    authentication_classes = ()
    permission_classes = (AllowAny,)
    public_by_design = "FHIR clients read it before they authenticate; it holds no organisation's data."

    def get(self, request):
        return Response(capability.statement(self.base_url()))


class FhirSearchView(FhirView):
    """`GET [base]/<Type>?…`: a searchset Bundle of one page, with a `next` link while more rows follow."""

    search_class = None
    read_model = Resident

    def make_search(self):
        return self.search_class(organisation=self.organisation, params=self.request.query_params)

    def get(self, request):
        query = self.make_search()
        rows, more = query.page()
        self.audit_read(self.read_model)
        entries = [self.entry(body, "match") for body in query.resources(rows)]
        entries += [self.entry(body, "include") for body in query.included(rows)]
        links = [{"relation": "self", "url": self.link(query.applied)}]
        if more:
            links.append({"relation": "next", "url": self.link({**query.applied, "_cursor": [str(rows[-1].pk)]})})
        return Response(
            {
                "resourceType": "Bundle",
                "type": "searchset",
                "timestamp": fields.instant(timezone.now()),
                "link": links,
                "entry": entries,
            }
        )

    def entry(self, body, mode):
        return {
            "fullUrl": f"{self.base_url()}/{body['resourceType']}/{body['id']}",
            "resource": body,
            "search": {"mode": mode},
        }

    def link(self, params):
        from urllib.parse import urlencode

        query = urlencode([(name, value) for name, values in params.items() for value in values])
        return f"{self.base_url()}/{self.search_class.resource_type}" + (f"?{query}" if query else "")


@extend_schema_view(get=schema.search("Patient", search.PatientSearch))
class FhirPatientSearch(FhirSearchView):
    search_class = search.PatientSearch


@extend_schema_view(get=schema.read("Patient"))
class FhirPatientRead(FhirView):
    def get(self, request, id):
        residents = directory_selectors.resident_list(organisation=self.organisation, include_archived=True)
        row = _one(search.patients(residents), id)
        self.audit_read(Resident, ids=[row.pk])
        return resource(serializers.patient(row), version=fields.version_of(row.updated_at))


@extend_schema_view(get=schema.search("Practitioner", search.PractitionerSearch))
class FhirPractitionerSearch(FhirSearchView):
    search_class = search.PractitionerSearch

    def audit_read(self, model, *, ids=None):
        """Staff records are not residents' personal records: no read audit."""


@extend_schema_view(get=schema.read("Practitioner"))
class FhirPractitionerRead(FhirView):
    def get(self, request, id):
        row = _one(directory_selectors.practitioner_list(organisation=self.organisation), id)
        return resource(serializers.practitioner(row), version=fields.version_of(row.updated_at))


@extend_schema_view(get=schema.ORGANIZATION_SEARCH)
class FhirOrganizationSearch(FhirView):
    """The organisation itself and its divisions: a handful of rows, in one Bundle."""

    def get(self, request):
        rows = [serializers.organization(self.organisation)]
        rows += [
            serializers.division_organization(d)
            for d in directory_selectors.division_list(organisation=self.organisation).order_by("pk")
        ]
        wanted_ids = [v for value in request.query_params.getlist("_id") for v in value.split(",")]
        names = [v.lower() for value in request.query_params.getlist("name") for v in value.split(",")]
        if wanted_ids:
            rows = [r for r in rows if r["id"] in wanted_ids]
        if names:
            rows = [r for r in rows if any(r["name"].lower().startswith(n) for n in names)]
        base = self.request.build_absolute_uri("/fhir/").rstrip("/")
        return Response(
            {
                "resourceType": "Bundle",
                "type": "searchset",
                "timestamp": fields.instant(timezone.now()),
                "link": [{"relation": "self", "url": self.request.build_absolute_uri()}],
                "entry": [
                    {"fullUrl": f"{base}/Organization/{r['id']}", "resource": r, "search": {"mode": "match"}}
                    for r in rows
                ],
            }
        )


@extend_schema_view(get=schema.read("Organization"))
class FhirOrganizationRead(FhirView):
    def get(self, request, id):
        if id == serializers.organisation_id(self.organisation.pk):
            return resource(
                serializers.organization(self.organisation), version=fields.version_of(self.organisation.updated_at)
            )
        pk = fields.prefixed_id(id, "div-", "id")
        division = directory_selectors.division_list(organisation=self.organisation).filter(pk=pk).first()
        if pk is None or division is None:
            raise NotFound("Unknown Organization.", field="id")
        return resource(serializers.division_organization(division), version=fields.version_of(division.updated_at))


@extend_schema_view(get=schema.search("Appointment", search.AppointmentSearch))
class FhirAppointmentSearch(FhirSearchView):
    search_class = search.AppointmentSearch

    def make_search(self):
        return self.search_class(organisation=self.organisation, params=self.request.query_params, now=timezone.now())


@extend_schema_view(get=schema.read("Appointment"))
class FhirAppointmentRead(FhirView):
    def get(self, request, id):
        pk = fields.integer_id(id, "id") if fields.ASCII_DIGITS.match(id) else None
        row = search.appointment_rows(organisation=self.organisation).filter(pk=pk).first() if pk else None
        if row is None:
            if (
                pk
                and Appointment.objects.filter(organisation=self.organisation, pk=pk, deleted_at__isnull=False).exists()
            ):
                raise Gone("This Appointment was deleted.", field="id")
            raise NotFound("Unknown Appointment.", field="id")
        self.audit_read(Resident, ids=[a.resident_id for a in row.attendees.all()])
        return resource(serializers.appointment(row), version=fields.version_of(row.updated_at))


def _one(queryset, id):
    """The row with FHIR id `id` (digits), or NotFound: another organisation's row is simply not found."""
    row = queryset.filter(pk=int(id)).first() if fields.ASCII_DIGITS.match(id) else None
    if row is None:
        raise NotFound(f"Unknown {queryset.model._meta.verbose_name}.", field="id")
    return row
