"""One view per documented endpoint of the support tickets API v1; each validates, makes one domain call for
its change, and answers in the support envelope."""

from collections.abc import Mapping

from drf_spectacular.openapi import AutoSchema
from drf_spectacular.utils import OpenApiExample, OpenApiParameter, OpenApiResponse, extend_schema, extend_schema_view

from directory import selectors as directory_selectors
from healthdesk.partners.base import PartnerAPIView
from healthdesk.partners.paging import page_of
from healthdesk.partners.streaming import CURSOR_CHUNK
from healthdesk.partners.support import serializers as s
from healthdesk.partners.support.auth import SupportAuthentication
from healthdesk.partners.support.wire import SUPPORT, stream_success, success
from tickets import selectors as ticket_selectors
from tickets import services as ticket_services
from tickets.choices import DerivedFilter, SenderKind
from tickets.models import Message

TAG = "support"
ALL_REQUESTERS = 0
SIGNATURE_MAX = Message._meta.get_field("sender_name").max_length


def errors(*statuses):
    """Schema responses for the error statuses an endpoint can answer (401 always)."""
    described = {
        400: "Invalid input; `message` and `field` name the field.",
        401: "Missing or wrong `Authorization: Token <secret>`.",
        403: "Not allowed for this requester.",
        404: "Unknown ticket, user or admin in this organisation.",
        409: "The ticket's state does not allow this.",
    }
    return {status: OpenApiResponse(s.ErrorOutput, description=described[status]) for status in (401, *statuses)}


def error_example(status, message, field=None):
    """A schema example of one error envelope."""
    value = {"status": "error", "errorCode": status, "message": message}
    if field:
        value["field"] = field
    return OpenApiExample(f"Error {status}", value=value, response_only=True, status_codes=[str(status)])


def message_example(message):
    return OpenApiExample(
        "Success", value={"status": "success", "errorCode": 200, "message": message}, response_only=True
    )


TICKET_ID_PATH = OpenApiParameter("ticketId", int, OpenApiParameter.PATH, description="Id of the ticket.")


class SupportView(PartnerAPIView):
    """Base of the support views: token authentication, the support envelope, organisation in the context."""

    partner = SUPPORT
    authentication_classes = (SupportAuthentication,)

    def context(self):
        return {"organisation": self.organisation, "request": self.request}

    def valid(self, serializer_class, data):
        serializer = serializer_class(data=data, context=self.context())
        serializer.is_valid(raise_exception=True)
        return serializer.validated_data

    def ticket(self, ticket_id, *, for_detail=False):
        return ticket_selectors.ticket_get(organisation=self.organisation, pk=ticket_id, for_detail=for_detail)

    def resident(self, user_id):
        return directory_selectors.resident_get(organisation=self.organisation, pk=user_id, field="userId")


def signature(resident):
    """How a requester signs their messages: their name, or their id when they have none."""
    return (resident.full_name or str(resident.pk))[:SIGNATURE_MAX]


class SupportRaiseTicket(SupportView):
    @extend_schema(
        tags=[TAG],
        summary="Raise a ticket",
        request=s.RaiseTicketInput,
        responses={200: s.RaiseTicketOutput, **errors(400, 404)},
        examples=[
            OpenApiExample(
                "Raise a ticket",
                value={"type": "Payment", "subject": "Unable to pay online", "priority": "medium", "userId": "6",
                       "comments": "connection timeout", "closeTicketImmediately": "false"},
                request_only=True,
            ),
            OpenApiExample(
                "Raised",
                value={"status": "success", "errorCode": 200, "ticketId": "91",
                       "message": "Your ticket with the ID 91 has been raised. Please wait for the response and "
                                  "note the ticket Id for future reference."},
                response_only=True,
            ),
            error_example(400, "resolutionType: A resolution type is required to close a ticket at once.",
                          "resolutionType"),
            error_example(404, "userId: Unknown resident.", "userId"),
        ],
    )
    def post(self, request):
        data = self.valid(s.RaiseTicketInput, request.data)
        resident = self.resident(data["userId"])
        fields = {
            "organisation": self.organisation,
            "actor": self.actor,
            "title": data["subject"],
            "ticket_type": data["type"],
            "group_name": data["type"],
            "priority": data["priority"],
            "resident": resident,
            "first_message": data["comments"],
            "sender_kind": SenderKind.USER,
            "sender_name": signature(resident),
        }
        if data["closeTicketImmediately"]:
            ticket = ticket_services.ticket_create_closed(
                resolution_type=data.get("resolutionType", ""),
                resolution_subject=data.get("resolutionSubject", ""),
                **fields,
            )
        else:
            ticket = ticket_services.ticket_create(**fields)
        return success(
            message=f"Your ticket with the ID {ticket.pk} has been raised. Please wait for the response and note "
                    "the ticket Id for future reference.",
            ticketId=str(ticket.pk),
        )


GET_TICKETS_EXAMPLE = {
    "status": "success",
    "errorCode": 200,
    "data": [
        {"Ticket": {"id": "12", "account_id": "jazenetworks", "user": "6", "subject": "Unable to pay online",
                    "type": "Payment", "priority": "medium", "due": "2016-11-22 05:03:23", "status": "open",
                    "assigned_to": "NULL", "group_name": "Payment", "created": "2016-11-21 17:03:23"}},
    ],
}


GET_TICKETS_PARAMETERS = [
    OpenApiParameter("userId", int, OpenApiParameter.PATH, description="Id of the user; 0 for every user."),
    OpenApiParameter("status", str, OpenApiParameter.PATH, enum=DerivedFilter.values, description="Status filter."),
    OpenApiParameter("assigned_admin", str, OpenApiParameter.PATH, description="Username of the assignee."),
]


PAGING_DESCRIPTION = (
    "Newest first. page/per_page are a healthdesk extension: with either, the envelope adds page, per_page and "
    "next_page (null on the last page) before data; without them the whole documented list, streamed."
)


class GetTicketsSchema(AutoSchema):
    """get_tickets has three paths (trailing segments optional): document each with its own segments and id."""

    def get_override_parameters(self):
        present = [p for p in GET_TICKETS_PARAMETERS if f"{{{p.name}}}" in self.path]
        return [*super().get_override_parameters(), *present, s.GetTicketsPageInput]

    def get_operation_id(self):
        names = [p.name for p in GET_TICKETS_PARAMETERS if f"{{{p.name}}}" in self.path]
        return "_".join(["get_tickets", "by", *names, "in_range" if self.method == "POST" else "list"])


class SupportGetTickets(SupportView):
    """GET filters by the path; POST adds the fromDate/toDate created-time range; both page on request."""

    schema = GetTicketsSchema()

    @extend_schema(
        tags=[TAG],
        summary="Get tickets by status",
        description=PAGING_DESCRIPTION,
        responses={200: s.GetTicketsOutput, **errors(400, 404)},
        examples=[OpenApiExample("Tickets", value=GET_TICKETS_EXAMPLE, response_only=True)],
    )
    def get(self, request, **path):
        return self.answer({**path, **self.paging()})

    @extend_schema(
        tags=[TAG],
        summary="Get tickets by status, created within a range",
        description=PAGING_DESCRIPTION,
        request=s.GetTicketsRangeInput,
        responses={200: s.GetTicketsOutput, **errors(400, 404)},
        examples=[
            OpenApiExample(
                "Range", value={"fromDate": "21-11-2016 00:00", "toDate": "21-11-2016 23:59"}, request_only=True
            ),
            OpenApiExample("Tickets", value=GET_TICKETS_EXAMPLE, response_only=True),
            error_example(400, "fromDate: Expected dd-mm-yyyy H:m, for example 21-11-2016 17:01.", "fromDate"),
        ],
    )
    def post(self, request, **path):
        body = request.data
        if isinstance(body, Mapping):
            body = {**path, **self.paging(), **{key: body[key] for key in ("fromDate", "toDate") if key in body}}
        return self.answer(body)

    def paging(self):
        query = self.request.query_params
        return {key: query[key] for key in ("page", "per_page") if key in query}

    def answer(self, data):
        data = self.valid(s.GetTicketsInput, data)
        filters = {
            "organisation": self.organisation,
            "derived": data.get("status") or None,
            "created_from": data.get("fromDate"),
            "created_to": data.get("toDate"),
        }
        if data["userId"] != ALL_REQUESTERS:
            filters["resident_id"] = self.resident(data["userId"]).pk
        if data.get("assigned_admin"):
            filters["assignee"] = directory_selectors.user_by_username(
                organisation=self.organisation, username=data["assigned_admin"], field="assigned_admin"
            )
        members, rows = {}, ticket_selectors.ticket_list(**filters).values(*s.TICKET_COLUMNS)
        if "page" in data:
            rows, next_page = page_of(rows, page=data["page"], per_page=data["per_page"])
            members = {"page": data["page"], "per_page": data["per_page"], "next_page": next_page}
        else:
            rows = rows.iterator(chunk_size=CURSOR_CHUNK)
        zone, slug = self.organisation.zone, self.organisation.slug
        return stream_success((s.ticket_row(values, zone=zone, slug=slug) for values in rows), key="data", **members)


class SupportSendMessage(SupportView):
    @extend_schema(
        tags=[TAG],
        summary="Send a message on a ticket",
        request=s.SendMessageInput,
        responses={200: s.MessageEnvelope, **errors(400, 404)},
        examples=[
            OpenApiExample(
                "Reply",
                value={"ticketId": "91", "ticketMessage": "ok. Looking on it", "sender": "admin",
                       "sender_name": "support@example.com", "showToUser": "true"},
                request_only=True,
            ),
            message_example("The message has been sent to the user"),
            error_example(400, "sender: \"robot\" is not a valid choice.", "sender"),
        ],
    )
    def post(self, request):
        data = self.valid(s.SendMessageInput, request.data)
        ticket = self.ticket(data["ticketId"])
        ticket_services.ticket_message_add(
            ticket=ticket,
            actor=self.actor,
            body=data["ticketMessage"],
            sender_kind=data["sender"],
            sender_name=data["sender_name"],
            visible_to_requester=data["showToUser"],
        )
        recipient = SenderKind.USER if data["sender"] == SenderKind.ADMIN else SenderKind.ADMIN
        return success(message=f"The message has been sent to the {recipient}")


class SupportGetTicketDetails(SupportView):
    @extend_schema(
        tags=[TAG],
        summary="Get a ticket's conversation and state",
        parameters=[TICKET_ID_PATH],
        responses={200: s.TicketDetailsOutput, **errors(400, 404)},
        examples=[
            OpenApiExample(
                "Details",
                value={
                    "status": "success",
                    "errorCode": 200,
                    "message": {
                        "ticket_conversation": [
                            {"sender": "user", "sender_name": "max", "ticket_message": "connection timeout",
                             "created": "2016-11-16 13:07:26", "show_to_user": "1"},
                            {"sender": "admin", "sender_name": "support@example.com",
                             "ticket_message": "issue is solved", "created": "2016-11-21 19:07:11",
                             "show_to_user": "0"},
                        ],
                        "ticket_details": {
                            "status": "closed", "assigned_to": "support@example.com", "created": "2016-11-16 13:07:26"
                        },
                    },
                },
                response_only=True,
            ),
            error_example(404, "ticketId: Unknown ticket.", "ticketId"),
        ],
    )
    def get(self, request, ticketId, dontShowToUser=None):  # noqa: N803 (the document's names, in the path)
        data = self.valid(s.TicketIdInput, {"ticketId": ticketId})
        requester_view = self.valid(s.RequesterViewInput, {"dontShowToUser": dontShowToUser or "0"})["dontShowToUser"]
        ticket = self.ticket(data["ticketId"], for_detail=True)
        message = s.TicketDetailMessage(ticket, context=self.context()).data
        if requester_view:
            message["ticket_conversation"] = [m for m in message["ticket_conversation"] if m["show_to_user"] == "1"]
        return success(message=message)


@extend_schema_view(get=extend_schema(
    tags=[TAG],
    operation_id="api_v1_get_ticket_details_for_requester",
    summary="Get a ticket's conversation as its requester sees it (dontShowToUser = 1), or whole (0)",
    parameters=[TICKET_ID_PATH, OpenApiParameter("dontShowToUser", str, OpenApiParameter.PATH, enum=["0", "1"])],
    responses={200: s.TicketDetailsOutput, **errors(400, 404)},
))
class SupportGetTicketDetailsForRequester(SupportGetTicketDetails):
    """`get_ticket_details/<ticketId>/<dontShowToUser>`, as support-API clients call it."""


class SupportCloseTicket(SupportView):
    """Documented as GET; POST is accepted too, since closing changes the ticket."""

    close_schema = {
        "tags": [TAG],
        "summary": "Close a ticket",
        "parameters": [TICKET_ID_PATH],
        "request": None,
        "responses": {200: s.MessageEnvelope, **errors(400, 404, 409)},
        "examples": [
            message_example("The ticket has been closed"),
            error_example(409, "The ticket is already closed."),
        ],
    }

    @extend_schema(**close_schema)
    def get(self, request, ticketId):  # noqa: N803
        return self.close(ticketId)

    @extend_schema(**close_schema)
    def post(self, request, ticketId):  # noqa: N803
        return self.close(ticketId)

    def close(self, ticket_id):
        data = self.valid(s.TicketIdInput, {"ticketId": ticket_id})
        ticket_services.ticket_close(ticket=self.ticket(data["ticketId"]), actor=self.actor)
        return success(message="The ticket has been closed")


class SupportAssignTicketToAdmin(SupportView):
    @extend_schema(
        tags=[TAG],
        summary="Assign a ticket to an admin",
        request=s.AssignTicketToAdminInput,
        responses={200: s.MessageEnvelope, **errors(400, 404)},
        examples=[
            OpenApiExample("Assign", value={"ticketId": "91", "admin": "jdoe"}, request_only=True),
            message_example("Admin assigned to the ticket successfully"),
            error_example(404, "admin: Unknown staff user 'nobody'.", "admin"),
        ],
    )
    def post(self, request):
        data = self.valid(s.AssignTicketToAdminInput, request.data)
        ticket = self.ticket(data["ticketId"])
        admin = directory_selectors.user_by_username(
            organisation=self.organisation, username=data["admin"], field="admin"
        )
        ticket_services.ticket_assign(ticket=ticket, actor=self.actor, assignee=admin)
        # The document shows this success as "status": "error"; healthdesk says "success" (COMPATIBILITY.md).
        return success(message="Admin assigned to the ticket successfully")


class SupportReopenTicket(SupportView):
    @extend_schema(
        tags=[TAG],
        summary="Reopen a closed ticket",
        request=s.ReopenTicketInput,
        responses={200: s.MessageEnvelope, **errors(400, 404, 409)},
        examples=[
            OpenApiExample(
                "Reopen", value={"ticketId": "91", "userId": "6", "comments": "Still failing"}, request_only=True
            ),
            message_example("Ticket has been reopened successfully"),
            error_example(409, "Only a closed ticket can be reopened."),
        ],
    )
    def post(self, request):
        data = self.valid(s.ReopenTicketInput, request.data)
        ticket = self.ticket(data["ticketId"])
        resident = self.resident(data["userId"])
        ticket_services.ticket_reopen(
            ticket=ticket,
            actor=self.actor,
            reason=data["comments"],
            sender_kind=SenderKind.USER,
            sender_name=signature(resident),
        )
        return success(message="Ticket has been reopened successfully")


class SupportTicketRating(SupportView):
    @extend_schema(
        tags=[TAG],
        summary="Rate a ticket",
        request=s.TicketRatingInput,
        responses={200: s.MessageEnvelope, **errors(400, 403, 404)},
        examples=[
            OpenApiExample("Rate", value={"ticketId": "214", "userId": "6", "ratingValue": "5"}, request_only=True),
            message_example("Thanks for your feedback, your rating has been saved for the ticket ID214"),
            error_example(400, "ratingValue: The rating must be a whole number from 1 to 5.", "ratingValue"),
            error_example(403, "userId: Only the ticket's requester can rate it.", "userId"),
        ],
    )
    def post(self, request):
        data = self.valid(s.TicketRatingInput, request.data)
        ticket = self.ticket(data["ticketId"])
        ticket_services.ticket_rate(
            ticket=ticket, actor=self.actor, rating=data["ratingValue"], resident=data["userId"]
        )
        return success(message=f"Thanks for your feedback, your rating has been saved for the ticket ID{ticket.pk}")
