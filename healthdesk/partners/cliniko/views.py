"""One view per documented Cliniko endpoint: authenticate, validate, one domain call, serialize."""

from drf_spectacular.utils import OpenApiExample, OpenApiParameter, OpenApiResponse, extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.parsers import JSONParser
from rest_framework.response import Response

from healthdesk.exceptions import Conflict, Invalid, NotFound
from healthdesk.partners.base import PartnerAPIView
from healthdesk.partners.cliniko import filters
from healthdesk.partners.cliniko import serializers as cliniko
from healthdesk.partners.cliniko.auth import ClinikoAuthentication, ClinikoThrottle
from healthdesk.partners.cliniko.filters import DATETIME, INTEGER, Filter
from healthdesk.partners.cliniko.wire import CLINIKO, UserAgentRequired, api_root, paginated_response
from scheduling import selectors as scheduling_selectors
from scheduling import services as scheduling_services
from scheduling.choices import AppointmentKind

TAGS = ["cliniko"]


# Plumbing --------------------------------------------------------------------------------------------------
class ClinikoView(PartnerAPIView):
    """Base of every Cliniko view: Basic auth, the per-client rate limit, JSON bodies, a User-Agent required."""

    partner = CLINIKO
    authentication_classes = (ClinikoAuthentication,)
    throttle_classes = (ClinikoThrottle,)
    parser_classes = (JSONParser,)

    def initial(self, request, *args, **kwargs):
        # Cliniko asks every app to identify itself; a documented partner always sends one.
        if not request.META.get("HTTP_USER_AGENT", "").strip():
            raise UserAgentRequired()
        super().initial(request, *args, **kwargs)

    def context(self):
        return {"request": self.request, "root": api_root(self.request)}

    def valid(self, serializer_class):
        data = serializer_class(data=self.request.data)
        data.is_valid(raise_exception=True)
        return data.validated_data

    def output(self, serializer_class, instance, status=200, headers=None):
        return Response(serializer_class(instance, context=self.context()).data, status=status, headers=headers)


class ClinikoListView(ClinikoView):
    """A list with Cliniko's `q[]` filters, `sort`/`order`, `page`/`per_page` and the links envelope."""

    key = ""
    output_serializer = None
    filter_fields: dict = {}

    def rows(self, **kwargs):
        raise NotImplementedError

    def list(self, **kwargs):
        params = self.request.query_params
        # Parse the whole query string before touching the database: a bad filter is a 400, never a 500.
        order = filters.ordering(params, self.filter_fields)
        filters.page_params(params)
        for raw in filters.raw_filters(params):
            filters.parse(raw, self.filter_fields)
        queryset = filters.filter_queryset(self.rows(**kwargs), params, self.filter_fields).order_by(*order)
        return paginated_response(self.request, queryset, self.key, self.output_serializer, self.context())


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
    {"message": serializers.CharField(), "errors": serializers.DictField(child=serializers.CharField())},
)
ERRORS = {
    400: OpenApiResponse(MESSAGE, description="Bad filter, sort or page; no User-Agent; malformed JSON."),
    401: OpenApiResponse(MESSAGE, description="Missing or wrong API key."),
    404: OpenApiResponse(MESSAGE, description="Unknown id, or another organisation's."),
    429: OpenApiResponse(MESSAGE, description="Rate limit; see X-RateLimit-Reset and Retry-After."),
}
WRITE_ERRORS = {**ERRORS, 422: OpenApiResponse(VALIDATION, description="Validation Failed.")}
ID = OpenApiParameter("pk", int, OpenApiParameter.PATH, description="The record's id.")
LIST_PARAMETERS = [
    OpenApiParameter("q[]", str, many=True, description="Filters `field:OPvalue`, ANDed, e.g. `patient_id:=7`."),
    OpenApiParameter("q", str, description="A single filter (the last `q` wins; prefer `q[]`)."),
    OpenApiParameter("sort", str, description="`field[:desc],…`; default `created_at`."),
    OpenApiParameter("order", str, enum=["asc", "desc"], description="Legacy global direction."),
    OpenApiParameter("page", int, description="Page number, from 1."),
    OpenApiParameter("per_page", int, description="Items a page: 50 by default, at most 100."),
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
    "created_at": Filter("created_at", DATETIME),
    "id": Filter("id", INTEGER),
    "patient_id": Filter("resident_id", INTEGER),
    "updated_at": Filter("updated_at", DATETIME),
}
ATTENDEES = envelope("ClinikoAttendeeList", "attendees", cliniko.AttendeeOutput)


class ClinikoAttendeeListView(ClinikoListView):
    key = "attendees"
    output_serializer = cliniko.AttendeeOutput
    filter_fields = ATTENDEE_FILTERS
    state = "live"

    def rows(self, **kwargs):
        return scheduling_selectors.attendee_list(organisation=self.organisation, state=self.state)


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
        data = self.valid(cliniko.AttendeeCreateInput)
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
        return scheduling_selectors.attendee_list(organisation=self.organisation, appointment=appointment)


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
        data = self.valid(cliniko.AttendeeUpdateInput)
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
        data = self.valid(cliniko.CancelInput)
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
