"""One view per documented resource: users, clients and appointments, each a collection and a detail.

Each method authenticates, unwraps and validates the `{"<object>": {…}}` body, makes one domain call and
answers in the document's shape; lists stream a bare array.
"""

from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import serializers
from rest_framework.response import Response

from directory import selectors as directory_selectors
from directory import services as directory_services
from directory.choices import Role
from directory.models import Resident
from healthdesk.exceptions import NotFound
from healthdesk.partners.base import PartnerAPIView
from healthdesk.partners.streaming import CURSOR_CHUNK, beside, stream_json
from healthdesk.partners.webcamconsult import examples, wire
from healthdesk.partners.webcamconsult.auth import PARAMETER, WebcamconsultAuthentication
from healthdesk.partners.webcamconsult.fields import decode_id
from healthdesk.partners.webcamconsult.serializers import (
    APPOINTMENT_COLUMNS,
    CLIENT_COLUMNS,
    USER_COLUMNS,
    AppointmentInput,
    AppointmentListQuery,
    AppointmentOutput,
    ClientInput,
    ClientListOutput,
    ClientOutput,
    ErrorsOutput,
    ListQuery,
    StatusOutput,
    UserInput,
    UserOutput,
    appointment_row,
    client_row,
    user_row,
    wrapped,
)
from scheduling import selectors as scheduling_selectors
from scheduling import services as scheduling_services

TAG = "webcamconsult"
DEFAULT_PER_PAGE = 100
DELETE_NOTE = "Deleted via Webcamconsult"

ERRORS = {
    401: OpenApiResponse(ErrorsOutput, description="Missing or wrong token."),
    404: OpenApiResponse(ErrorsOutput, description="No such object in this organisation."),
    422: OpenApiResponse(ErrorsOutput, description="Invalid input; each key names a field."),
}
LIST_ERRORS = {401: ERRORS[401], 422: ERRORS[422]}
CREATE_ERRORS = {400: OpenApiResponse(ErrorsOutput, description="Malformed JSON."), **LIST_ERRORS}
UPDATE_ERRORS = {**CREATE_ERRORS, 404: ERRORS[404]}
DETAIL_ERRORS = {401: ERRORS[401], 404: ERRORS[404]}
ERROR_EXAMPLES = [examples.UNAUTHENTICATED, examples.NOT_FOUND]


class WebcamconsultView(PartnerAPIView):
    """Webcamconsult's token, error shape and `{"<wrapper>": {…}}` bodies."""

    partner = wire.WEBCAMCONSULT
    authentication_classes = (WebcamconsultAuthentication,)
    wrapper = ""
    input_class = None

    def get_exception_handler(self):
        return wire.exception_handler

    @property
    def wire_fields(self):
        """Domain field → documented field (`practitioner` → `user_id`), so errors name what the caller sent."""
        if self.input_class is None:
            return {}
        return {field.source: name for name, field in self.input_class().fields.items()}

    def get_serializer_context(self):
        return {"zone": self.organisation.zone, "request": self.request}

    def row_id(self, kind, value):
        pk = decode_id(kind, value)
        if pk is None:
            raise NotFound(field="id")
        return pk

    def read_input(self, *, partial):
        """The wrapped object, validated; anything beside the wrapper (but the token) is an unknown field."""
        data = self.request.data
        if not isinstance(data, dict):
            raise _invalid("base", "must be a JSON object", "not_an_object")
        unknown = sorted(set(data) - {self.wrapper, PARAMETER})
        if unknown:
            raise _invalid(unknown[0], "is not a known attribute", "unknown")
        inner = data.get(self.wrapper)
        if inner is None:
            raise _invalid(self.wrapper, "can't be blank", "required")
        if not isinstance(inner, dict):
            raise _invalid(self.wrapper, "must be a JSON object", "not_an_object")
        serializer = self.input_class(data=inner, partial=partial, context=self.get_serializer_context())
        serializer.is_valid(raise_exception=True)
        return dict(serializer.validated_data)

    def read_query(self, query_class):
        query = query_class(data=self.request.query_params, context=self.get_serializer_context())
        query.is_valid(raise_exception=True)
        return query.validated_data

    def page(self, queryset, query):
        if "page" not in query and "per_page" not in query:
            return queryset
        per_page = query.get("per_page", DEFAULT_PER_PAGE)
        start = (query.get("page", 1) - 1) * per_page
        return queryset[start:start + per_page]

    def answer(self, output_class, row):
        return Response({self.wrapper: output_class(row, context=self.get_serializer_context()).data})

    @property
    def zone(self):
        return self.organisation.zone


def _invalid(field, text, code):
    return serializers.ValidationError({field: [serializers.ErrorDetail(text, code=code)]})


# Users -----------------------------------------------------------------------------------------------------
UserWrapped = wrapped("WebcamconsultUser", "user", UserOutput())
UserInputWrapped = wrapped("WebcamconsultUserInput", "user", UserInput())


class WebcamconsultUserCollection(WebcamconsultView):
    """User Collection: staff users of the organisation."""

    wrapper = "user"
    input_class = UserInput

    @extend_schema(
        tags=[TAG], operation_id="webcamconsult_users_list", summary="List All Users", parameters=[ListQuery],
        responses={200: UserOutput(many=True), **LIST_ERRORS},
        examples=[examples.listed("Users", examples.USER), examples.UNAUTHENTICATED],
    )
    def get(self, request):
        query = self.read_query(ListQuery)
        users = self.page(directory_selectors.user_list(organisation=self.organisation), query)
        rows = users.values(*USER_COLUMNS).iterator(chunk_size=CURSOR_CHUNK)
        return stream_json(user_row(values, self.zone) for values in rows)

    @extend_schema(
        tags=[TAG], operation_id="webcamconsult_users_create", summary="Create a New User",
        request=UserInputWrapped, responses={200: UserWrapped, **CREATE_ERRORS},
        examples=[
            *examples.request_and_response("user", examples.USER_IN, examples.USER), examples.EMAIL_TAKEN,
            examples.UNAUTHENTICATED,
        ],
    )
    def post(self, request):
        fields = self.read_input(partial=False)
        user = directory_services.user_create(
            organisation=self.organisation, actor=self.actor, roles=[Role.CONSULTANT], **fields
        )
        return self.answer(UserOutput, user)


class WebcamconsultUser(WebcamconsultView):
    """User: one staff user; a delete keeps a user who has appointments, deactivated."""

    wrapper = "user"
    input_class = UserInput

    def get_user(self, user_id):
        return directory_selectors.user_get(
            organisation=self.organisation, pk=self.row_id("user", user_id), field="id"
        )

    @extend_schema(
        tags=[TAG], operation_id="webcamconsult_users_retrieve", summary="View a User detail",
        responses={200: UserWrapped, **DETAIL_ERRORS},
        examples=[examples.response("user", examples.USER), *ERROR_EXAMPLES],
    )
    def get(self, request, user_id):
        return self.answer(UserOutput, self.get_user(user_id))

    @extend_schema(
        tags=[TAG], operation_id="webcamconsult_users_update", summary="Update a User",
        request=UserInputWrapped, responses={200: UserWrapped, **UPDATE_ERRORS},
        examples=[
            *examples.request_and_response(
                "user", {**examples.USER_IN, "full_name": "Dokter J Akkermans"}, examples.USER
            ),
            examples.EMAIL_TAKEN, *ERROR_EXAMPLES,
        ],
    )
    def put(self, request, user_id):
        user = self.get_user(user_id)
        fields = self.read_input(partial=True)
        user = directory_services.user_update(user=user, actor=self.actor, **fields)
        return self.answer(UserOutput, user)

    @extend_schema(
        tags=[TAG], operation_id="webcamconsult_users_destroy", summary="Delete a User",
        request=None, responses={200: StatusOutput, **DETAIL_ERRORS}, examples=[examples.OK, *ERROR_EXAMPLES],
    )
    def delete(self, request, user_id):
        directory_services.user_remove(user=self.get_user(user_id), actor=self.actor)
        return Response({"status": "ok"})


# Clients ---------------------------------------------------------------------------------------------------
ClientWrapped = wrapped("WebcamconsultClient", "client", ClientOutput())
ClientInputWrapped = wrapped("WebcamconsultClientInput", "client", ClientInput())


class WebcamconsultClientCollection(WebcamconsultView):
    """Client Collection: the organisation's residents (archived ones left out)."""

    wrapper = "client"
    input_class = ClientInput

    @extend_schema(
        tags=[TAG], operation_id="webcamconsult_clients_list", summary="List All Clients", parameters=[ListQuery],
        responses={200: ClientListOutput(many=True), **LIST_ERRORS},
        examples=[
            examples.listed("Clients", {**examples.CLIENT, "authentication_token": "M94sNGjyKEH2U3yTxRAx"}),
            examples.UNAUTHENTICATED,
        ],
    )
    def get(self, request):
        query = self.read_query(ListQuery)
        residents = self.page(directory_selectors.resident_list(organisation=self.organisation), query)
        self.audit_read(Resident)
        pairs = directory_selectors.resident_division_pairs(residents=residents).iterator(chunk_size=CURSOR_CHUNK)
        rows = beside(residents.values(*CLIENT_COLUMNS).iterator(chunk_size=CURSOR_CHUNK), pairs)
        return stream_json(client_row(values, division_ids, self.zone) for values, division_ids in rows)

    @extend_schema(
        tags=[TAG], operation_id="webcamconsult_clients_create", summary="Create a New Client",
        request=ClientInputWrapped, responses={200: ClientWrapped, **CREATE_ERRORS},
        examples=[*examples.request_and_response("client", examples.CLIENT_IN, examples.CLIENT),
                  examples.UNAUTHENTICATED],
    )
    def post(self, request):
        fields = self.read_input(partial=False)
        resident = directory_services.resident_create(
            organisation=self.organisation, actor=self.actor, divisions=fields.pop("divisions", ()), **fields
        )
        return self.answer(ClientOutput, resident)


class WebcamconsultClient(WebcamconsultView):
    """Client: one resident; a delete archives them, so they leave every list but keep their history."""

    wrapper = "client"
    input_class = ClientInput

    def get_resident(self, client_id):
        return directory_selectors.resident_get(
            organisation=self.organisation, pk=self.row_id("client", client_id), field="id", include_archived=False
        )

    @extend_schema(
        tags=[TAG], operation_id="webcamconsult_clients_retrieve", summary="View a Client detail",
        responses={200: ClientWrapped, **DETAIL_ERRORS},
        examples=[examples.response("client", examples.CLIENT), *ERROR_EXAMPLES],
    )
    def get(self, request, client_id):
        resident = self.get_resident(client_id)
        self.audit_read(Resident, ids=[resident.pk])
        return self.answer(ClientOutput, resident)

    @extend_schema(
        tags=[TAG], operation_id="webcamconsult_clients_update", summary="Update a Client",
        request=ClientInputWrapped, responses={200: ClientWrapped, **UPDATE_ERRORS},
        examples=[*examples.request_and_response("client", examples.CLIENT_IN, examples.CLIENT), *ERROR_EXAMPLES],
    )
    def put(self, request, client_id):
        resident = self.get_resident(client_id)
        fields = self.read_input(partial=True)
        resident = directory_services.resident_update(
            resident=resident, actor=self.actor, divisions=fields.pop("divisions", None), **fields
        )
        return self.answer(ClientOutput, resident)

    @extend_schema(
        tags=[TAG], operation_id="webcamconsult_clients_destroy", summary="Delete a Client",
        request=None, responses={200: StatusOutput, **DETAIL_ERRORS}, examples=[examples.OK, *ERROR_EXAMPLES],
    )
    def delete(self, request, client_id):
        directory_services.resident_archive(resident=self.get_resident(client_id), actor=self.actor)
        return Response({"status": "ok"})


# Appointments ----------------------------------------------------------------------------------------------
AppointmentWrapped = wrapped("WebcamconsultAppointment", "appointment", AppointmentOutput())
AppointmentInputWrapped = wrapped("WebcamconsultAppointmentInput", "appointment", AppointmentInput())


class WebcamconsultAppointmentCollection(WebcamconsultView):
    """Appointment Collection: the organisation's live (not deleted) appointments, by date."""

    wrapper = "appointment"
    input_class = AppointmentInput

    @extend_schema(
        tags=[TAG], operation_id="webcamconsult_appointments_list", summary="List All Appointments",
        parameters=[AppointmentListQuery], responses={200: AppointmentOutput(many=True), **LIST_ERRORS},
        examples=[examples.listed("Appointments", examples.APPOINTMENT), examples.UNAUTHENTICATED],
    )
    def get(self, request):
        query = self.read_query(AppointmentListQuery)
        appointments = scheduling_selectors.appointment_with_resident(
            appointments=scheduling_selectors.appointment_list(
                organisation=self.organisation, starts_from=query.get("from"), starts_to=query.get("to")
            )
        )
        rows = self.page(appointments, query).values(*APPOINTMENT_COLUMNS).iterator(chunk_size=CURSOR_CHUNK)
        return stream_json(appointment_row(values, self.zone) for values in rows)

    @extend_schema(
        tags=[TAG], operation_id="webcamconsult_appointments_create", summary="Create a New Appointment",
        request=AppointmentInputWrapped, responses={200: AppointmentWrapped, **CREATE_ERRORS},
        examples=[
            *examples.request_and_response("appointment", examples.APPOINTMENT, examples.APPOINTMENT),
            examples.UNAUTHENTICATED,
        ],
    )
    def post(self, request):
        fields = self.read_input(partial=False)
        appointment = scheduling_services.appointment_create(
            organisation=self.organisation, actor=self.actor, **fields
        )
        return self.answer(AppointmentOutput, self.reread(appointment))

    def reread(self, appointment):
        return scheduling_selectors.appointment_get(organisation=self.organisation, pk=appointment.pk)


class WebcamconsultAppointment(WebcamconsultView):
    """Appointment: one appointment; a delete cancels and soft-deletes it, so every partner API sees it gone."""

    wrapper = "appointment"
    input_class = AppointmentInput

    def get_appointment(self, appointment_id):
        return scheduling_selectors.appointment_get(
            organisation=self.organisation, pk=self.row_id("appointment", appointment_id), field="id"
        )

    @extend_schema(
        tags=[TAG], operation_id="webcamconsult_appointments_retrieve", summary="View an Appointment detail",
        responses={200: AppointmentWrapped, **DETAIL_ERRORS},
        examples=[examples.response("appointment", examples.APPOINTMENT), *ERROR_EXAMPLES],
    )
    def get(self, request, appointment_id):
        return self.answer(AppointmentOutput, self.get_appointment(appointment_id))

    @extend_schema(
        tags=[TAG], operation_id="webcamconsult_appointments_update", summary="Update an Appointment",
        request=AppointmentInputWrapped, responses={200: AppointmentWrapped, **UPDATE_ERRORS},
        examples=[
            *examples.request_and_response("appointment", examples.APPOINTMENT, examples.APPOINTMENT),
            *ERROR_EXAMPLES,
        ],
    )
    def put(self, request, appointment_id):
        appointment = self.get_appointment(appointment_id)
        fields = self.read_input(partial=True)
        scheduling_services.appointment_update(appointment=appointment, actor=self.actor, **fields)
        return self.answer(AppointmentOutput, self.get_appointment(appointment_id))

    @extend_schema(
        tags=[TAG], operation_id="webcamconsult_appointments_destroy", summary="Delete an Appointment",
        request=None, responses={200: StatusOutput, **DETAIL_ERRORS}, examples=[examples.OK, *ERROR_EXAMPLES],
    )
    def delete(self, request, appointment_id):
        scheduling_services.appointment_withdraw(
            appointment=self.get_appointment(appointment_id), actor=self.actor, note=DELETE_NOTE
        )
        return Response({"status": "ok"})
