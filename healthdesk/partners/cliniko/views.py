"""One view per documented Cliniko endpoint: authenticate, validate, one domain call, serialize."""

from contextlib import contextmanager

from django.core.exceptions import ValidationError as DjangoValidationError
from drf_spectacular.utils import (
    OpenApiExample,
    OpenApiParameter,
    OpenApiResponse,
    PolymorphicProxySerializer,
    extend_schema,
    inline_serializer,
)
from rest_framework import serializers
from rest_framework.response import Response

from directory import selectors as directory_selectors
from directory import services as directory_services
from directory.models import Resident
from healthdesk.exceptions import Conflict, DomainError, Invalid, NotFound
from healthdesk.partners.base import ApiClientRateThrottle, PartnerAPIView
from healthdesk.partners.cliniko import filters
from healthdesk.partners.cliniko import serializers as cliniko
from healthdesk.partners.cliniko.auth import ClinikoAuthentication, ClinikoThrottle
from healthdesk.partners.cliniko.fields import business_id_expression
from healthdesk.partners.cliniko.filters import DATE, DATETIME, INTEGER, STRING, Filter
from healthdesk.partners.cliniko.wire import CLINIKO, UserAgentRequired, api_root, page_url, paginated_response
from healthdesk.partners.parsers import PartnerJSONParser
from scheduling import selectors as scheduling_selectors
from scheduling import services as scheduling_services
from scheduling.choices import AppointmentKind

TAGS = ["cliniko"]


# Plumbing --------------------------------------------------------------------------------------------------
class ClinikoView(PartnerAPIView):
    """Base of every Cliniko view: Basic auth, the per-client rate limit, JSON bodies, a User-Agent required."""

    partner = CLINIKO
    authentication_classes = (ClinikoAuthentication,)
    # Cliniko's own 200/min applies on top of the per-client limit every partner API shares, never instead.
    throttle_classes = (ApiClientRateThrottle, ClinikoThrottle)
    parser_classes = (PartnerJSONParser,)

    def initial(self, request, *args, **kwargs):
        # Cliniko asks every app to identify itself; a documented partner always sends one.
        if not request.META.get("HTTP_USER_AGENT", "").strip():
            raise UserAgentRequired()
        super().initial(request, *args, **kwargs)

    def context(self):
        return {"request": self.request, "root": api_root(self.request)}

    def valid(self, serializer_class, instance=None):
        data = serializer_class(instance, data=self.request.data, partial=instance is not None)
        data.is_valid(raise_exception=True)
        return data

    def output(self, serializer_class, instance, status=200, headers=None):
        return Response(serializer_class(instance, context=self.context()).data, status=status, headers=headers)


class ClinikoListView(ClinikoView):
    """A list with Cliniko's `q[]` filters, `sort`/`order`, `page`/`per_page` and the links envelope."""

    key = ""
    output_serializer = None
    filter_fields: dict = {}

    def rows(self, **kwargs):
        raise NotImplementedError

    def unfiltered_total(self, **kwargs):
        """The exact length of the unfiltered list when the view knows it without counting, else None."""

    def list(self, **kwargs):
        params = self.request.query_params
        # Parse the whole query string before touching the database: a bad filter is a 400, never a 500.
        order = filters.ordering(params, self.filter_fields)
        filters.page_params(params)
        for raw in filters.raw_filters(params):
            filters.parse(raw, self.filter_fields)
        queryset = filters.filter_queryset(self.rows(**kwargs), params, self.filter_fields).order_by(*order)
        total = None if filters.raw_filters(params) else self.unfiltered_total(**kwargs)
        return paginated_response(
            self.request, queryset, self.key, self.output_serializer, self.context(), order, total=total
        )


# The schema's names for what Cliniko calls otherwise, so a domain error names the field the partner sent.
API_FIELD_NAMES = {
    "practitioner": "practitioner_id", "resident": "patient_id", "duration_minutes": "ends_at", "details": "notes",
}


@contextmanager
def api_field_names(names=API_FIELD_NAMES):
    """Rename the field of a domain error raised inside to the API's name for it."""
    try:
        yield
    except DomainError as exc:
        exc.field = names.get(exc.field, exc.field)
        raise
    except DjangoValidationError as exc:
        name, messages = next(iter(exc.message_dict.items())) if hasattr(exc, "error_dict") else (None, exc.messages)
        raise Invalid(messages[0], field=names.get(name, name)) from None


def from_body(lookup, field, **kwargs):
    """A lookup of an id sent in a request body: an unknown id is a validation failure (422), not a 404."""
    try:
        return lookup(**kwargs, field=field)
    except NotFound as exc:
        raise Invalid(exc.message, field=field) from None


# OpenAPI ---------------------------------------------------------------------------------------------------
MESSAGE = inline_serializer("ClinikoMessage", {"message": serializers.CharField()})
VALIDATION = inline_serializer(
    "ClinikoValidationFailed",
    # Cliniko also answers a 422 that no single field caused with just a message (#254 in its issues).
    {
        "message": serializers.CharField(),
        "errors": serializers.DictField(child=serializers.CharField(), required=False),
    },
)
ERRORS = {
    400: OpenApiResponse(MESSAGE, description="Bad filter, sort or page; no User-Agent; malformed JSON."),
    401: OpenApiResponse(MESSAGE, description="Missing or wrong API key."),
    404: OpenApiResponse(MESSAGE, description="Unknown id, or another organisation's."),
    429: OpenApiResponse(MESSAGE, description="Rate limit; see X-RateLimit-Reset and Retry-After."),
}
WRITE_ERRORS = {**ERRORS, 422: OpenApiResponse(VALIDATION, description="Validation Failed.")}
ID = OpenApiParameter("id", int, OpenApiParameter.PATH, description="The record's id.")
LIST_PARAMETERS = [
    OpenApiParameter("q[]", str, many=True, description="Filters `field:OPvalue`, ANDed, e.g. `patient_id:=7`."),
    OpenApiParameter("sort", str, description="`field[:desc],…`; default `created_at`."),
    OpenApiParameter("order", str, enum=["asc", "desc"], description="Legacy global direction."),
    OpenApiParameter("page", int, description="Page number, from 1."),
    OpenApiParameter("per_page", int, description="Items a page: 50 by default, at most 100."),
    OpenApiParameter("after", str, description="Set by `links.next`: continue after that page's last row."),
]
LINKS = inline_serializer(
    "ClinikoListLinks",
    {"self": serializers.URLField(), "next": serializers.URLField(required=False),
     "previous": serializers.URLField(required=False)},
)


def envelope(name, key, item):
    return inline_serializer(
        name, {key: item(many=True), "total_entries": serializers.IntegerField(), "links": LINKS}
    )


ATTENDEE_EXAMPLE = {
    "id": 1,
    "created_at": "2016-06-28T21:33:26Z",
    "updated_at": "2016-06-28T21:33:26Z",
    "arrived": None,
    "booking_ip_address": None,
    "cancellation_note": None,
    "cancellation_reason": None,
    "cancellation_reason_description": "",
    "email_reminder_sent": False,
    "invoice_status": None,
    "notes": None,
    "online_booking_policy_accepted": None,
    "sms_reminder_sent": False,
    "treatment_note_status": None,
    "deleted_at": None,
    "cancelled_at": None,
    "booking": {"links": {"self": "https://api.au1.cliniko.com/v1/bookings/1"}},
    "patient": {"links": {"self": "https://api.au1.cliniko.com/v1/patients/82"}},
    "invoices": {"links": {"self": "https://api.au1.cliniko.com/v1/attendees/1/invoices"}},
    "links": {"self": "https://api.au1.cliniko.com/v1/attendees/1"},
}


def attendees_example(path, **changes):
    return OpenApiExample(
        "Attendees",
        value={
            "attendees": [{**ATTENDEE_EXAMPLE, **changes}],
            "total_entries": 2037,
            "links": {
                "self": f"https://api.au1.cliniko.com/v1/{path}?page=1",
                "next": f"https://api.au1.cliniko.com/v1/{path}?page=2",
            },
        },
        response_only=True,
    )


# Attendees -------------------------------------------------------------------------------------------------
ATTENDEE_FILTERS = {
    "booking_id": Filter("appointment_id", INTEGER),
    "cancelled_at": Filter("cancelled_at", DATETIME),
    "created_at": Filter("created_at", DATETIME),
    "deleted_at": Filter("deleted_at", DATETIME),
    "id": Filter("id", INTEGER),
    "patient_id": Filter("resident_id", INTEGER),
    "updated_at": Filter("updated_at", DATETIME),
}
ATTENDEES = envelope("ClinikoAttendeeList", "attendees", cliniko.AttendeeOutput)


def widened_state(params, state):
    """The newer API's way to the rows a list leaves out: a filter naming `cancelled_at` or `deleted_at` (such as
    `cancelled_at:*`) lifts that exclusion from the default lists; the legacy sub-lists stay as they are."""
    if state != "live":
        return state
    named = {raw.partition(":")[0] for raw in filters.raw_filters(params)}
    if "deleted_at" in named:
        return "all"
    return "undeleted" if "cancelled_at" in named else state


class ClinikoAttendeeListView(ClinikoListView):
    key = "attendees"
    output_serializer = cliniko.AttendeeOutput
    filter_fields = ATTENDEE_FILTERS
    state = "live"

    def rows(self, **kwargs):
        state = widened_state(self.request.query_params, self.state)
        return scheduling_selectors.attendee_list(organisation=self.organisation, state=state)

    def unfiltered_total(self, **kwargs):
        return scheduling_selectors.attendee_count(organisation=self.organisation, state=self.state)


class ClinikoAttendees(ClinikoAttendeeListView):
    """`GET /v1/attendees` (live attendees) and `POST /v1/attendees`."""

    @extend_schema(
        tags=TAGS, operation_id="cliniko_attendees_list", parameters=LIST_PARAMETERS,
        responses={200: ATTENDEES, **ERRORS}, examples=[attendees_example("attendees")],
        summary="Get attendees (neither cancelled nor deleted)",
    )
    def get(self, request):
        return self.list()

    @extend_schema(
        tags=TAGS, operation_id="cliniko_attendees_create", request=cliniko.AttendeeCreateInput,
        responses={201: cliniko.AttendeeOutput, **WRITE_ERRORS}, summary="Create attendee",
        examples=[
            OpenApiExample("Create attendee", value={"booking_id": "1", "patient_id": "1"}, request_only=True),
            OpenApiExample("Created", value=ATTENDEE_EXAMPLE, response_only=True, status_codes=["201"]),
        ],
    )
    def post(self, request):
        data = dict(self.valid(cliniko.AttendeeCreateInput).validated_data)
        appointment = from_body(
            scheduling_selectors.appointment_get, "booking_id", organisation=self.organisation,
            pk=data.pop("booking_id"),
        )
        attendee = scheduling_services.attendee_create(
            appointment=appointment, actor=self.actor, resident=data.pop("patient_id"), **data
        )
        location = f"{api_root(request)}attendees/{attendee.pk}"
        return self.output(cliniko.AttendeeOutput, attendee, status=201, headers={"Location": location})


class ClinikoAttendeesDeleted(ClinikoAttendeeListView):
    state = "deleted"

    @extend_schema(
        tags=TAGS, operation_id="cliniko_attendees_deleted", parameters=LIST_PARAMETERS,
        responses={200: ATTENDEES, **ERRORS}, summary="Get deleted attendees",
        examples=[attendees_example("attendees/deleted", deleted_at="2016-06-28T21:33:26Z")],
    )
    def get(self, request):
        return self.list()


class ClinikoAttendeesCancelled(ClinikoAttendeeListView):
    state = "cancelled"

    @extend_schema(
        tags=TAGS, operation_id="cliniko_attendees_cancelled", parameters=LIST_PARAMETERS,
        responses={200: ATTENDEES, **ERRORS}, summary="Get cancelled attendees",
        examples=[attendees_example(
            "attendees/cancelled", cancellation_note="Last minute cancellation", cancellation_reason=50,
            cancellation_reason_description="Other", cancelled_at="2016-06-28T21:33:26Z",
        )],
    )
    def get(self, request):
        return self.list()


class ClinikoAppointmentAttendeesView(ClinikoAttendeeListView):
    kind = AppointmentKind.INDIVIDUAL

    def rows(self, pk):
        appointment = scheduling_selectors.appointment_get(organisation=self.organisation, pk=pk, kind=self.kind)
        state = widened_state(self.request.query_params, self.state)
        return scheduling_selectors.attendee_list(organisation=self.organisation, appointment=appointment, state=state)

    def unfiltered_total(self, **kwargs):
        """One appointment's attendees are a handful: counted."""


class ClinikoGroupAppointmentAttendees(ClinikoAppointmentAttendeesView):
    kind = AppointmentKind.GROUP

    @extend_schema(
        tags=TAGS, operation_id="cliniko_group_appointment_attendees", parameters=[ID, *LIST_PARAMETERS],
        responses={200: ATTENDEES, **ERRORS}, summary="Get attendees of a group appointment",
        examples=[attendees_example("group_appointments/1/attendees")],
    )
    def get(self, request, pk):
        return self.list(pk=pk)


class ClinikoIndividualAppointmentAttendees(ClinikoAppointmentAttendeesView):
    kind = AppointmentKind.INDIVIDUAL

    @extend_schema(
        tags=TAGS, operation_id="cliniko_individual_appointment_attendees", parameters=[ID, *LIST_PARAMETERS],
        responses={200: ATTENDEES, **ERRORS}, summary="Get attendees of an individual appointment",
        examples=[attendees_example("individual_appointments/1/attendees")],
    )
    def get(self, request, pk):
        return self.list(pk=pk)


class ClinikoAttendee(ClinikoView):
    """`GET`, `PUT`/`PATCH` (both partial, as the document's PUT sends only `arrived`) and `DELETE` (soft)."""

    def attendee(self, pk):
        return scheduling_selectors.attendee_get(organisation=self.organisation, pk=pk)

    @extend_schema(
        tags=TAGS, operation_id="cliniko_attendee_get", parameters=[ID], summary="Get attendee",
        responses={200: cliniko.AttendeeOutput, **ERRORS},
        examples=[OpenApiExample("Attendee", value=ATTENDEE_EXAMPLE, response_only=True)],
    )
    def get(self, request, pk):
        return self.output(cliniko.AttendeeOutput, self.attendee(pk))

    @extend_schema(
        tags=TAGS, operation_id="cliniko_attendee_update", parameters=[ID], summary="Update attendee",
        request=cliniko.AttendeeUpdateInput, responses={200: cliniko.AttendeeOutput, **WRITE_ERRORS},
        examples=[
            OpenApiExample("Arrived", value={"arrived": True}, request_only=True),
            OpenApiExample("Updated", value={**ATTENDEE_EXAMPLE, "arrived": True}, response_only=True),
        ],
    )
    def put(self, request, pk):
        attendee = self.attendee(pk)
        data = self.valid(cliniko.AttendeeUpdateInput).validated_data
        attendee = scheduling_services.attendee_update(attendee=attendee, actor=self.actor, **data)
        return self.output(cliniko.AttendeeOutput, attendee)

    @extend_schema(
        tags=TAGS, operation_id="cliniko_attendee_patch", parameters=[ID], summary="Update attendee",
        request=cliniko.AttendeeUpdateInput, responses={200: cliniko.AttendeeOutput, **WRITE_ERRORS},
    )
    def patch(self, request, pk):
        return self.put(request, pk)

    @extend_schema(
        tags=TAGS, operation_id="cliniko_attendee_delete", parameters=[ID], summary="Delete attendee",
        responses={204: None, **ERRORS},
    )
    def delete(self, request, pk):
        scheduling_services.attendee_delete(attendee=self.attendee(pk), actor=self.actor)
        return Response(status=204)


class ClinikoAttendeeCancel(ClinikoView):
    """`PATCH /v1/attendees/:id/cancel`: group appointment attendees only."""

    @extend_schema(
        tags=TAGS, operation_id="cliniko_attendee_cancel", parameters=[ID], summary="Cancel attendee",
        request=cliniko.CancelInput, responses={204: None, **WRITE_ERRORS},
        examples=[OpenApiExample(
            "Cancel", value={"cancellation_reason": 50, "cancellation_note": "A note"}, request_only=True
        )],
    )
    def patch(self, request, pk):
        attendee = scheduling_selectors.attendee_get(organisation=self.organisation, pk=pk)
        data = self.valid(cliniko.CancelInput).validated_data
        try:
            scheduling_services.attendee_cancel(
                attendee=attendee, actor=self.actor, reason=data["cancellation_reason"],
                note=data.get("cancellation_note") or "",
            )
        except Conflict as exc:
            if exc.code != "not_group":
                raise
            raise Conflict(
                "Only attendees of group appointments can be cancelled here; cancel an individual appointment "
                f"with PATCH /v1/individual_appointments/{attendee.appointment_id}/cancel."
            ) from None
        return Response(status=204)


# Individual and group appointments -------------------------------------------------------------------------
APPOINTMENT_FILTERS = {
    "created_at": Filter("created_at", DATETIME),
    "id": Filter("id", INTEGER),
    "practitioner_id": Filter("practitioner_id", INTEGER),
    "business_id": Filter("cliniko_business_id", INTEGER),
    "starts_at": Filter("starts_at", DATETIME),
    "updated_at": Filter("updated_at", DATETIME),
}
INDIVIDUAL_FILTERS = {**APPOINTMENT_FILTERS, "patient_id": Filter("attendees__resident_id", INTEGER)}
INDIVIDUAL_EXAMPLE = {
    "id": 1, "created_at": "2016-06-28T21:33:26Z", "updated_at": "2016-06-28T21:33:26Z",
    "starts_at": "2016-07-01T09:00:00Z", "ends_at": "2016-07-01T09:30:00Z", "deleted_at": None,
    "cancelled_at": None, "cancellation_note": None, "cancellation_reason": None,
    "cancellation_reason_description": "", "booking_ip_address": None, "did_not_arrive": False,
    "patient_arrived": False, "email_reminder_sent": False, "sms_reminder_sent": False, "invoice_status": None,
    "treatment_note_status": None, "online_booking_policy_accepted": None, "notes": None,
    "patient_name": "Anna Ester",
    "patient": {"links": {"self": "https://api.au1.cliniko.com/v1/patients/82"}},
    "attendees": {"links": {"self": "https://api.au1.cliniko.com/v1/individual_appointments/1/attendees"}},
    "links": {"self": "https://api.au1.cliniko.com/v1/individual_appointments/1"},
}
GROUP_EXAMPLE = {
    "id": 2, "created_at": "2016-06-28T21:33:26Z", "updated_at": "2016-06-28T21:33:26Z",
    "starts_at": "2016-07-01T10:00:00Z", "ends_at": "2016-07-01T11:00:00Z", "deleted_at": None,
    "max_attendees": 8, "notes": "Hydrotherapy", "patient_ids": [82, 83],
    "attendees": {"links": {"self": "https://api.au1.cliniko.com/v1/group_appointments/2/attendees"}},
    "links": {"self": "https://api.au1.cliniko.com/v1/group_appointments/2"},
}


def audit_patient_read(view, appointment):
    """An individual appointment (or booking) names its patient: audit the read of that resident's record."""
    if appointment.kind != AppointmentKind.INDIVIDUAL:
        return
    # The attendee the output serializer names (from the same prefetch, so no extra query for it).
    attendee = cliniko.IndividualAppointmentOutput().attendee(appointment)
    if attendee is not None:
        view.audit_read(Resident, ids=[attendee.resident_id])


class ClinikoAppointmentView(ClinikoView):
    """Appointments of one kind, read with their attendees (and the attendees' residents) prefetched."""

    kind = AppointmentKind.INDIVIDUAL
    output_serializer = cliniko.IndividualAppointmentOutput
    input_serializer = cliniko.IndividualAppointmentInput

    def appointments(self, **options):
        return scheduling_selectors.appointment_list(
            organisation=self.organisation, kind=self.kind, **options
        ).prefetch_related("attendees__resident").annotate(cliniko_business_id=business_id_expression())

    def appointment(self, pk, include_deleted=False):
        # Reads show deleted appointments (so every booking link resolves); writes only touch live ones.
        return scheduling_selectors.appointment_get(
            organisation=self.organisation, pk=pk, kind=self.kind, include_deleted=include_deleted
        )

    def shown(self, pk, status=200, headers=None, audit_read=False):
        appointment = self.appointments(include_deleted=True).get(pk=pk)
        if audit_read:
            audit_patient_read(self, appointment)
        return self.output(self.output_serializer, appointment, status=status, headers=headers)

    def create(self):
        data = self.valid(self.input_serializer)
        with api_field_names():
            appointment = scheduling_services.appointment_create(
                organisation=self.organisation, actor=self.actor, kind=self.kind, **data.to_domain()
            )
        location = f"{api_root(self.request)}{self.plural}/{appointment.pk}"
        return self.shown(appointment.pk, status=201, headers={"Location": location})

    def update(self, pk):
        appointment = self.appointment(pk)
        fields = self.valid(self.input_serializer, instance=appointment).to_domain()
        with api_field_names():
            scheduling_services.appointment_update(
                appointment=appointment, actor=self.actor, resident=fields.pop("resident", None), **fields
            )
        return self.shown(appointment.pk)

    def destroy(self, pk):
        scheduling_services.appointment_delete(appointment=self.appointment(pk), actor=self.actor)
        return Response(status=204)


class ClinikoAppointmentListView(ClinikoAppointmentView, ClinikoListView):
    def rows(self, **kwargs):
        return self.appointments(include_cancelled=False)


class ClinikoIndividualAppointments(ClinikoAppointmentListView):
    """`GET /v1/individual_appointments` (neither cancelled nor deleted) and `POST`."""

    key = plural = "individual_appointments"
    filter_fields = INDIVIDUAL_FILTERS

    def rows(self, **kwargs):
        # Each row names its patient (`patient_name`): a list read of residents, audited with its query.
        self.audit_read(Resident)
        return super().rows(**kwargs)

    @extend_schema(
        tags=TAGS, operation_id="cliniko_individual_appointments_list", parameters=LIST_PARAMETERS,
        responses={200: envelope("ClinikoIndividualAppointmentList", key, cliniko.IndividualAppointmentOutput),
                   **ERRORS},
        summary="Get individual appointments",
    )
    def get(self, request):
        return self.list()

    @extend_schema(
        tags=TAGS, operation_id="cliniko_individual_appointments_create", summary="Create individual appointment",
        request=cliniko.IndividualAppointmentInput,
        responses={201: cliniko.IndividualAppointmentOutput, **WRITE_ERRORS},
        examples=[
            OpenApiExample("Create", request_only=True, value={
                "starts_at": "2016-07-01T09:00:00Z", "ends_at": "2016-07-01T09:30:00Z", "patient_id": "82",
                "practitioner_id": "3", "appointment_type_id": "1", "business_id": "1",
            }),
            OpenApiExample("Created", value=INDIVIDUAL_EXAMPLE, response_only=True, status_codes=["201"]),
        ],
    )
    def post(self, request):
        return self.create()


class ClinikoIndividualAppointment(ClinikoAppointmentView):
    """`GET`, `PUT`/`PATCH`, `DELETE /v1/individual_appointments/:id`."""

    plural = "individual_appointments"

    @extend_schema(
        tags=TAGS, operation_id="cliniko_individual_appointment_get", parameters=[ID],
        responses={200: cliniko.IndividualAppointmentOutput, **ERRORS}, summary="Get individual appointment",
        examples=[OpenApiExample("Individual appointment", value=INDIVIDUAL_EXAMPLE, response_only=True)],
    )
    def get(self, request, pk):
        return self.shown(self.appointment(pk, include_deleted=True).pk, audit_read=True)

    @extend_schema(
        tags=TAGS, operation_id="cliniko_individual_appointment_update", parameters=[ID],
        request=cliniko.IndividualAppointmentInput, responses={200: cliniko.IndividualAppointmentOutput,
                                                               **WRITE_ERRORS},
        summary="Update individual appointment",
    )
    def put(self, request, pk):
        return self.update(pk)

    @extend_schema(
        tags=TAGS, operation_id="cliniko_individual_appointment_patch", parameters=[ID],
        request=cliniko.IndividualAppointmentInput, responses={200: cliniko.IndividualAppointmentOutput,
                                                               **WRITE_ERRORS},
        summary="Update individual appointment",
    )
    def patch(self, request, pk):
        return self.update(pk)

    @extend_schema(
        tags=TAGS, operation_id="cliniko_individual_appointment_delete", parameters=[ID],
        responses={204: None, **ERRORS}, summary="Delete individual appointment",
    )
    def delete(self, request, pk):
        return self.destroy(pk)


class ClinikoIndividualAppointmentCancel(ClinikoAppointmentView):
    """`PATCH /v1/individual_appointments/:id/cancel`: the appointment and its attendee are cancelled."""

    @extend_schema(
        tags=TAGS, operation_id="cliniko_individual_appointment_cancel", parameters=[ID],
        request=cliniko.CancelInput, responses={204: None, **WRITE_ERRORS}, summary="Cancel individual appointment",
        examples=[OpenApiExample(
            "Cancel", value={"cancellation_reason": 50, "cancellation_note": "A note"}, request_only=True
        )],
    )
    def patch(self, request, pk):
        appointment = self.appointment(pk)
        data = self.valid(cliniko.CancelInput).validated_data
        scheduling_services.appointment_cancel(
            appointment=appointment, actor=self.actor, reason=data["cancellation_reason"],
            note=data.get("cancellation_note") or "",
        )
        return Response(status=204)


class ClinikoGroupAppointments(ClinikoAppointmentListView):
    """`GET /v1/group_appointments` (not deleted) and `POST`."""

    kind = AppointmentKind.GROUP
    output_serializer = cliniko.GroupAppointmentOutput
    input_serializer = cliniko.GroupAppointmentInput
    key = plural = "group_appointments"
    filter_fields = APPOINTMENT_FILTERS

    @extend_schema(
        tags=TAGS, operation_id="cliniko_group_appointments_list", parameters=LIST_PARAMETERS,
        responses={200: envelope("ClinikoGroupAppointmentList", key, cliniko.GroupAppointmentOutput), **ERRORS},
        summary="Get group appointments",
    )
    def get(self, request):
        return self.list()

    @extend_schema(
        tags=TAGS, operation_id="cliniko_group_appointments_create", summary="Create group appointment",
        request=cliniko.GroupAppointmentInput, responses={201: cliniko.GroupAppointmentOutput, **WRITE_ERRORS},
        examples=[
            OpenApiExample("Create", request_only=True, value={
                "starts_at": "2016-07-01T10:00:00Z", "ends_at": "2016-07-01T11:00:00Z", "practitioner_id": "3",
                "max_attendees": 8, "notes": "Hydrotherapy",
            }),
            OpenApiExample("Created", value=GROUP_EXAMPLE, response_only=True, status_codes=["201"]),
        ],
    )
    def post(self, request):
        return self.create()


class ClinikoGroupAppointment(ClinikoAppointmentView):
    """`GET`, `PUT`/`PATCH`, `DELETE /v1/group_appointments/:id`."""

    kind = AppointmentKind.GROUP
    output_serializer = cliniko.GroupAppointmentOutput
    input_serializer = cliniko.GroupAppointmentInput
    plural = "group_appointments"

    @extend_schema(
        tags=TAGS, operation_id="cliniko_group_appointment_get", parameters=[ID],
        responses={200: cliniko.GroupAppointmentOutput, **ERRORS}, summary="Get group appointment",
        examples=[OpenApiExample("Group appointment", value=GROUP_EXAMPLE, response_only=True)],
    )
    def get(self, request, pk):
        return self.shown(self.appointment(pk, include_deleted=True).pk)

    @extend_schema(
        tags=TAGS, operation_id="cliniko_group_appointment_update", parameters=[ID],
        request=cliniko.GroupAppointmentInput, responses={200: cliniko.GroupAppointmentOutput, **WRITE_ERRORS},
        summary="Update group appointment",
    )
    def put(self, request, pk):
        return self.update(pk)

    @extend_schema(
        tags=TAGS, operation_id="cliniko_group_appointment_patch", parameters=[ID],
        request=cliniko.GroupAppointmentInput, responses={200: cliniko.GroupAppointmentOutput, **WRITE_ERRORS},
        summary="Update group appointment",
    )
    def patch(self, request, pk):
        return self.update(pk)

    @extend_schema(
        tags=TAGS, operation_id="cliniko_group_appointment_delete", parameters=[ID],
        responses={204: None, **ERRORS}, summary="Delete group appointment",
    )
    def delete(self, request, pk):
        return self.destroy(pk)


# Bookings --------------------------------------------------------------------------------------------------
BOOKING = PolymorphicProxySerializer(
    component_name="ClinikoBooking",
    serializers=[cliniko.IndividualAppointmentOutput, cliniko.GroupAppointmentOutput, cliniko.UnavailableBlockOutput],
    resource_type_field_name=None,
)


class ClinikoBookingView(ClinikoView):
    """Every kind of appointment, read-only, each in its own type's shape."""

    def bookings(self, **options):
        return scheduling_selectors.appointment_list(organisation=self.organisation, **options).prefetch_related(
            "attendees__resident"
        ).annotate(cliniko_business_id=business_id_expression())


class ClinikoBookings(ClinikoBookingView, ClinikoListView):
    key = "bookings"
    output_serializer = cliniko.BookingOutput
    filter_fields = APPOINTMENT_FILTERS

    def rows(self, **kwargs):
        # Individual bookings name their patient: a list read of residents, audited with its query.
        self.audit_read(Resident)
        return self.bookings(include_cancelled=False)

    @extend_schema(
        tags=TAGS, operation_id="cliniko_bookings_list", parameters=LIST_PARAMETERS, summary="Get bookings",
        responses={200: inline_serializer("ClinikoBookingList", {
            "bookings": serializers.ListField(child=BOOKING), "total_entries": serializers.IntegerField(),
            "links": LINKS,
        }), **ERRORS},
    )
    def get(self, request):
        return self.list()


class ClinikoBooking(ClinikoBookingView):
    @extend_schema(
        tags=TAGS, operation_id="cliniko_booking_get", parameters=[ID], responses={200: BOOKING, **ERRORS},
        summary="Get booking",
        examples=[OpenApiExample(
            "Booking", response_only=True,
            value={**INDIVIDUAL_EXAMPLE, "links": {"self": "https://api.au1.cliniko.com/v1/bookings/1"}},
        )],
    )
    def get(self, request, pk):
        booking = scheduling_selectors.appointment_get(organisation=self.organisation, pk=pk, include_deleted=True)
        booking = self.bookings(include_deleted=True).get(pk=booking.pk)
        audit_patient_read(self, booking)
        return self.output(cliniko.BookingOutput, booking)


# Patients --------------------------------------------------------------------------------------------------
PATIENT_FILTERS = {
    "archived_at": Filter("archived_at", DATETIME),
    "created_at": Filter("created_at", DATETIME),
    "date_of_birth": Filter("date_of_birth", DATE),
    "email": Filter("email", STRING),
    "first_name": Filter("first_name", STRING),
    "id": Filter("id", INTEGER),
    "last_name": Filter("last_name", STRING),
    "old_reference_id": Filter("reference_code", STRING),
    "preferred_first_name": Filter("preferred_first_name", STRING),
    "updated_at": Filter("updated_at", DATETIME),
}
PATIENT_EXAMPLE = {
    "id": 82, "created_at": "2016-06-28T21:33:26Z", "updated_at": "2016-06-28T21:33:26Z", "archived_at": None,
    "first_name": "Anna", "last_name": "Ester", "preferred_first_name": "", "title": "Mrs", "email": "",
    "date_of_birth": "1937-01-21", "sex": "Female", "gender": "Female", "address_1": "123 Mockingbird Lane",
    "address_2": "", "city": "New York", "state": "", "post_code": "534412", "country": "", "notes": "",
    "old_reference_id": "", "patient_phone_numbers": [{"phone_type": "Home", "number": "0612345678"}],
    "links": {"self": "https://api.au1.cliniko.com/v1/patients/82"},
}
PATIENT_NAMES = {**cliniko.PATIENT_FIELD_NAMES}


class ClinikoPatientView(ClinikoView):
    def patient(self, pk):
        return directory_selectors.resident_get(organisation=self.organisation, pk=pk, field="id")


class ClinikoPatients(ClinikoPatientView, ClinikoListView):
    """`GET /v1/patients` (archived ones only with an `archived_at` filter, e.g. `archived_at:*`) and `POST`."""

    key = "patients"
    output_serializer = cliniko.PatientOutput
    filter_fields = PATIENT_FILTERS

    def rows(self, **kwargs):
        # Cliniko's `*` ("any value") on archived_at is how a partner asks for archived patients too.
        archived = any(raw.startswith("archived_at:") for raw in filters.raw_filters(self.request.query_params))
        self.audit_read(Resident)
        return directory_selectors.resident_list(organisation=self.organisation, include_archived=archived)

    @extend_schema(
        tags=TAGS, operation_id="cliniko_patients_list", parameters=LIST_PARAMETERS, summary="Get patients",
        responses={200: envelope("ClinikoPatientList", "patients", cliniko.PatientOutput), **ERRORS},
    )
    def get(self, request):
        return self.list()

    @extend_schema(
        tags=TAGS, operation_id="cliniko_patients_create", summary="Create patient", request=cliniko.PatientInput,
        responses={201: cliniko.PatientOutput, **WRITE_ERRORS},
        examples=[
            OpenApiExample("Create", value={"first_name": "Anna", "last_name": "Ester"}, request_only=True),
            OpenApiExample("Created", value=PATIENT_EXAMPLE, response_only=True, status_codes=["201"]),
        ],
    )
    def post(self, request):
        fields = self.valid(cliniko.PatientInput).to_domain()
        with api_field_names(PATIENT_NAMES):
            resident = directory_services.resident_create(
                organisation=self.organisation, actor=self.actor, **fields
            )
        location = f"{api_root(request)}patients/{resident.pk}"
        return self.output(cliniko.PatientOutput, resident, status=201, headers={"Location": location})


class ClinikoPatient(ClinikoPatientView):
    """`GET`, `PUT`/`PATCH /v1/patients/:id`."""

    @extend_schema(
        tags=TAGS, operation_id="cliniko_patient_get", parameters=[ID], summary="Get patient",
        responses={200: cliniko.PatientOutput, **ERRORS},
        examples=[OpenApiExample("Patient", value=PATIENT_EXAMPLE, response_only=True)],
    )
    def get(self, request, pk):
        patient = self.patient(pk)
        self.audit_read(Resident, ids=[patient.pk])
        return self.output(cliniko.PatientOutput, patient)

    @extend_schema(
        tags=TAGS, operation_id="cliniko_patient_update", parameters=[ID], summary="Update patient",
        request=cliniko.PatientInput, responses={200: cliniko.PatientOutput, **WRITE_ERRORS},
    )
    def put(self, request, pk):
        resident = self.patient(pk)
        fields = self.valid(cliniko.PatientInput, instance=resident).to_domain()
        with api_field_names(PATIENT_NAMES):
            resident = directory_services.resident_update(resident=resident, actor=self.actor, **fields)
        return self.output(cliniko.PatientOutput, resident)

    @extend_schema(
        tags=TAGS, operation_id="cliniko_patient_patch", parameters=[ID], summary="Update patient",
        request=cliniko.PatientInput, responses={200: cliniko.PatientOutput, **WRITE_ERRORS},
    )
    def patch(self, request, pk):
        return self.put(request, pk)


class ClinikoPatientArchive(ClinikoPatientView):
    """`POST /v1/patients/:id/archive`: kept with its history, out of the default list."""

    @extend_schema(
        tags=TAGS, operation_id="cliniko_patient_archive", parameters=[ID], summary="Archive patient",
        request=None, responses={204: None, **ERRORS},
    )
    def post(self, request, pk):
        directory_services.resident_archive(resident=self.patient(pk), actor=self.actor)
        return Response(status=204)


# Invoices --------------------------------------------------------------------------------------------------
INVOICE_FILTERS = {
    "appointment_id": Filter("attendee__appointment_id", INTEGER),
    "created_at": Filter("created_at", DATETIME),
    "id": Filter("id", INTEGER),
    "issue_date": Filter("issue_date", DATE),
    "number": Filter("number", INTEGER),
    "patient_id": Filter("attendee__resident_id", INTEGER),
    "status": Filter("status", INTEGER),
    "updated_at": Filter("updated_at", DATETIME),
}
INVOICE_EXAMPLE = {
    "id": 1, "number": 1042, "issue_date": "2016-06-28", "status": 20, "status_description": "Paid",
    "total_amount": "50.00", "tax_amount": "0.00", "net_amount": "50.00", "notes": "", "closed_at": None,
    "deleted_at": None, "created_at": "2016-06-28T21:33:26Z", "updated_at": "2016-06-28T21:33:26Z",
    "appointment": {"links": {"self": "https://api.au1.cliniko.com/v1/bookings/1"}},
    "patient": {"links": {"self": "https://api.au1.cliniko.com/v1/patients/82"}},
    "links": {"self": "https://api.au1.cliniko.com/v1/invoices/1"},
}
INVOICES = envelope("ClinikoInvoiceList", "invoices", cliniko.InvoiceOutput)


class ClinikoInvoiceListView(ClinikoListView):
    key = "invoices"
    output_serializer = cliniko.InvoiceOutput
    filter_fields = INVOICE_FILTERS


class ClinikoInvoices(ClinikoInvoiceListView):
    def rows(self, **kwargs):
        return scheduling_selectors.invoice_list(organisation=self.organisation)

    @extend_schema(
        tags=TAGS, operation_id="cliniko_invoices_list", parameters=LIST_PARAMETERS, summary="Get invoices",
        responses={200: INVOICES, **ERRORS},
    )
    def get(self, request):
        return self.list()


class ClinikoAttendeeInvoices(ClinikoInvoiceListView):
    """`GET /v1/attendees/:id/invoices`: the target of every attendee's `invoices` link."""

    def rows(self, pk):
        attendee = scheduling_selectors.attendee_get(organisation=self.organisation, pk=pk)
        return scheduling_selectors.invoice_list(organisation=self.organisation, attendee=attendee)

    @extend_schema(
        tags=TAGS, operation_id="cliniko_attendee_invoices", parameters=[ID, *LIST_PARAMETERS],
        responses={200: INVOICES, **ERRORS}, summary="Get an attendee's invoices",
        examples=[OpenApiExample("Invoices", response_only=True, value={
            "invoices": [INVOICE_EXAMPLE], "total_entries": 1,
            "links": {"self": "https://api.au1.cliniko.com/v1/attendees/1/invoices?page=1"},
        })],
    )
    def get(self, request, pk):
        return self.list(pk=pk)


class ClinikoInvoice(ClinikoView):
    @extend_schema(
        tags=TAGS, operation_id="cliniko_invoice_get", parameters=[ID], summary="Get invoice",
        responses={200: cliniko.InvoiceOutput, **ERRORS},
        examples=[OpenApiExample("Invoice", value=INVOICE_EXAMPLE, response_only=True)],
    )
    def get(self, request, pk):
        invoice = scheduling_selectors.invoice_get(organisation=self.organisation, pk=pk)
        return self.output(cliniko.InvoiceOutput, invoice)


# Practitioners ---------------------------------------------------------------------------------------------
PRACTITIONER_FILTERS = {
    "created_at": Filter("date_joined", DATETIME),
    "first_name": Filter("first_name", STRING),
    "id": Filter("id", INTEGER),
    "last_name": Filter("last_name", STRING),
    "updated_at": Filter("updated_at", DATETIME),
}
PRACTITIONER_EXAMPLE = {
    "created_at": "2013-03-26T14:00:00Z", "designation": None, "description": None, "first_name": "Randy",
    "id": 3, "last_name": "Savage", "show_in_online_bookings": None, "title": "Mr", "label": "Randy Savage",
    "updated_at": "2013-03-26T14:00:00Z", "default_appointment_type": None, "practitioner_reference_numbers": None,
    "user": None, "appointments": None, "invoices": None,
    "links": {"self": "https://api.au1.cliniko.com/v1/practitioners/3"},
}


class ClinikoPractitioners(ClinikoListView):
    """`GET /v1/practitioners`: active staff who see patients (`directory.selectors.practitioner_list`)."""

    key = "practitioners"
    output_serializer = cliniko.PractitionerOutput
    filter_fields = PRACTITIONER_FILTERS

    def rows(self, **kwargs):
        return directory_selectors.practitioner_list(organisation=self.organisation).filter(is_active=True)

    @extend_schema(
        tags=TAGS, operation_id="cliniko_practitioners_list", parameters=LIST_PARAMETERS,
        summary="Get practitioners (active)",
        responses={200: envelope("ClinikoPractitionerList", "practitioners", cliniko.PractitionerOutput), **ERRORS},
        examples=[OpenApiExample("Practitioners", response_only=True, value={
            "practitioners": [PRACTITIONER_EXAMPLE], "total_entries": 1,
            "links": {"self": "https://api.au1.cliniko.com/v1/practitioners?page=1"},
        })],
    )
    def get(self, request):
        return self.list()


class ClinikoPractitioner(ClinikoView):
    """`GET /v1/practitioners/:id`, inactive ones too, so an old appointment's `practitioner` link resolves."""

    @extend_schema(
        tags=TAGS, operation_id="cliniko_practitioner_get", parameters=[ID], summary="Get practitioner",
        responses={200: cliniko.PractitionerOutput, **ERRORS},
        examples=[OpenApiExample("Practitioner", value=PRACTITIONER_EXAMPLE, response_only=True)],
    )
    def get(self, request, pk):
        practitioner = directory_selectors.practitioner_get(organisation=self.organisation, pk=pk)
        return self.output(cliniko.PractitionerOutput, practitioner)


# Businesses ------------------------------------------------------------------------------------------------
BUSINESS_EXAMPLE = {
    "address_1": None, "address_2": None, "business_name": "Healthy Times", "business_registration_name": None,
    "business_registration_value": None, "city": None, "contact_information": None, "country": None,
    "country_code": None, "created_at": "2013-03-26T14:00:00Z", "display_name": None, "email_reply_to": None,
    "id": 2, "post_code": None, "show_in_online_bookings": None, "state": None,
    "updated_at": "2013-03-26T14:00:00Z", "website_address": None, "practitioners": None, "appointments": None,
    "links": {"self": "https://api.au1.cliniko.com/v1/businesses/2"},
}


class ClinikoBusinessView(ClinikoView):
    def businesses(self):
        divisions = directory_selectors.division_list(organisation=self.organisation).order_by("id")
        return cliniko.businesses(self.organisation, divisions)


class ClinikoBusinesses(ClinikoBusinessView):
    """`GET /v1/businesses`: the organisation, then its divisions by id. A handful of rows, so paged in memory
    (one query); `q[]` filters and `sort` are refused as not filterable, never ignored."""

    @extend_schema(
        tags=TAGS, operation_id="cliniko_businesses_list", summary="Get businesses",
        parameters=[p for p in LIST_PARAMETERS if p.name in ("page", "per_page")],
        responses={200: envelope("ClinikoBusinessList", "businesses", cliniko.BusinessOutput), **ERRORS},
        examples=[OpenApiExample("Businesses", response_only=True, value={
            "businesses": [BUSINESS_EXAMPLE], "total_entries": 1,
            "links": {"self": "https://api.au1.cliniko.com/v1/businesses?page=1"},
        })],
    )
    def get(self, request):
        params = request.query_params
        for raw in filters.raw_filters(params):
            filters.parse(raw, {})
        if params.get("sort"):
            filters.ordering(params, {})
        page, per_page = filters.page_params(params)
        rows = self.businesses()
        shown = rows[(page - 1) * per_page:page * per_page]
        links = {"self": page_url(request, page)}
        if page * per_page < len(rows):
            links["next"] = page_url(request, page + 1)
        if page > 1:
            links["previous"] = page_url(request, page - 1)
        data = cliniko.BusinessOutput(shown, many=True, context=self.context()).data
        return Response({"businesses": data, "total_entries": len(rows), "links": links})


class ClinikoBusiness(ClinikoBusinessView):
    """`GET /v1/businesses/:id`: even ids are the organisation, odd ones its divisions."""

    @extend_schema(
        tags=TAGS, operation_id="cliniko_business_get", parameters=[ID], summary="Get business",
        responses={200: cliniko.BusinessOutput, **ERRORS},
        examples=[OpenApiExample("Business", value=BUSINESS_EXAMPLE, response_only=True)],
    )
    def get(self, request, pk):
        business = next((row for row in self.businesses() if row.id == pk), None)
        if business is None:
            raise NotFound("Unknown business.", field="id")
        return self.output(cliniko.BusinessOutput, business)


# Conflicts -------------------------------------------------------------------------------------------------
class ClinikoIndividualAppointmentConflicts(ClinikoAppointmentView):
    """`GET /v1/individual_appointments/:id/conflicts`: `{"conflicts": {"exist": bool}}`, as Cliniko's document."""

    @extend_schema(
        tags=TAGS, operation_id="cliniko_individual_appointment_conflicts", parameters=[ID], summary="Get conflicts",
        responses={200: inline_serializer("ClinikoConflicts", {
            "conflicts": inline_serializer("ClinikoConflictsExist", {"exist": serializers.BooleanField()}),
        }), **ERRORS},
        examples=[OpenApiExample("Conflicts", value={"conflicts": {"exist": True}}, response_only=True)],
    )
    def get(self, request, pk):
        appointment = self.appointment(pk, include_deleted=True)
        return Response({"conflicts": {"exist": scheduling_selectors.appointment_conflicts_exist(
            appointment=appointment
        )}})
