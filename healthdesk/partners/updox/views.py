"""The one documented Updox endpoint: AppointmentsSync."""

from drf_spectacular.utils import OpenApiExample, OpenApiResponse, extend_schema, extend_schema_view
from rest_framework.response import Response

from healthdesk.partners.base import PartnerAPIView
from healthdesk.partners.parsers import PartnerJSONParser
from healthdesk.partners.updox.auth import UpdoxAuthentication
from healthdesk.partners.updox.serializers import (
    AppointmentsSyncInput,
    AppointmentsSyncOutput,
    AppointmentsSyncRequest,
    UpdoxErrorOutput,
    UpdoxItemStatusOutput,
)
from healthdesk.partners.updox.wire import UPDOX, success_body
from sync import services as sync_services

DOCUMENT_REQUEST = {
    "appointments": [
        {
            "locationId": "locationId", "cancelled": "true | false", "blocked": "true | false", "details": "details",
            "summary": "summary", "typeId": "typeId", "patientId": "patientId", "duration": "duration",
            "date": "date", "calendarId": "calendarId", "updoxId": "updoxId", "id": "id",
        }
    ],
    "auth": {"applicationId": "vendorId", "applicationPassword": "vendorPassword", "accountId": "accountId",
             "userId": ""},
}
CODE_SAMPLE_REQUEST = {
    "appointments": [
        {
            "locationId": "123", "cancelled": False, "blocked": False, "details": "details", "summary": "summary",
            "typeId": "456", "patientId": "789", "duration": 500, "date": "2015-12-30", "calendarId": "calendarId",
            "updoxId": 6543, "id": 3456,
        }
    ],
    "auth": {"applicationId": "vendorId", "applicationPassword": "vendorPassword", "accountId": "accountId",
             "userId": ""},
}
DOCUMENT_RESPONSE = {
    "successful": True, "responseMessage": "OK", "responseCode": 2000,
    "statuses": [{"id": "id", "success": True, "message": "created"}],
}


def _error(description, code, message):
    return OpenApiResponse(
        UpdoxErrorOutput, description=description,
        examples=[OpenApiExample(description, value={"successful": False, "responseMessage": message,
                                                     "responseCode": code})],
    )


class UpdoxView(PartnerAPIView):
    partner = UPDOX
    authentication_classes = (UpdoxAuthentication,)
    parser_classes = (PartnerJSONParser,)


class UpdoxAppointmentsSync(UpdoxView):
    @extend_schema(
        tags=["updox"],
        operation_id="updox_appointments_sync",
        summary="AppointmentsSync",
        description=(
            "Create or update a practice's appointments in one batch. Authentication is in the body's `auth` "
            "block (vendor applicationId/applicationPassword, practice accountId). Each item is matched by its "
            "`id`, then by `updoxId`, else inserted; one status per item, in order. HTTP 200 even when items "
            "fail; errors of the whole request answer `successful: false`."
        ),
        auth=[],
        request=AppointmentsSyncRequest,
        responses={
            200: AppointmentsSyncOutput,
            400: _error("Malformed request", 4000, "Malformed request body: JSON parse error - Expecting value"),
            401: _error("Bad credentials", 4010, "auth: invalid applicationId or applicationPassword."),
            403: _error("Account not granted", 4030,
                        "auth.accountId: this application is not granted account 'accountId'."),
            413: _error("Too many items or body too large", 4130,
                        "appointments: at most 10000 items per request; got 10001."),
        },
        examples=[
            OpenApiExample("Request (document)", value=DOCUMENT_REQUEST, request_only=True),
            OpenApiExample("Request (code sample)", value=CODE_SAMPLE_REQUEST, request_only=True),
            OpenApiExample("Response (document)", value=DOCUMENT_RESPONSE, response_only=True, status_codes=["200"]),
        ],
    )
    def post(self, request):
        data = AppointmentsSyncInput(data=request.data)
        data.is_valid(raise_exception=True)
        report = sync_services.appointments_sync(
            organisation=self.organisation, actor=self.actor, system=UPDOX.name,
            items=data.validated_data["appointments"],
        )
        return Response(success_body(UpdoxItemStatusOutput(report.statuses, many=True).data))


@extend_schema_view(post=extend_schema(operation_id="updox_appointments_sync_api_io", summary="AppointmentsSync "
                                       "(Updox's current path, the same method)"))
class UpdoxAppointmentsSyncApiPath(UpdoxAppointmentsSync):
    """`POST /api/io/AppointmentsSync`: where Updox's client gem posts the same method today."""
