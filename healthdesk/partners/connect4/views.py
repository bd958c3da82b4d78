"""One view per endpoint of connect4healthcare.md: authenticate, validate, one domain call, serialize."""

import dataclasses

from django.http import FileResponse, QueryDict
from django.urls import reverse
from drf_spectacular.utils import OpenApiExample, OpenApiParameter, OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import exceptions as drf
from rest_framework.response import Response

from directory import selectors as directory_selectors
from directory import services as directory_services
from directory.models import Resident
from healthdesk.exceptions import Invalid, NotFound
from healthdesk.partners.base import PartnerAPIView, classify
from healthdesk.partners.connect4 import serializers as io
from healthdesk.partners.connect4.auth import Connect4Authentication, Connect4KeyPairAuthentication
from healthdesk.partners.connect4.wire import CONNECT4, RENDERERS, Connect4ContentNegotiation
from healthdesk.partners.paging import page_of
from healthdesk.partners.streaming import CURSOR_CHUNK, serialized, stream_json
from tickets import selectors as ticket_selectors
from tickets import services as ticket_services

TAGS = ["connect4"]
INVALID_TICKET = "Invalid Ticket ID"
IDEMPOTENCY_KEY_MAX = 100


def connect4_schema(method, operation_id, **kwargs):
    """The schema of a view's one method, under the connect4 tag with a prefixed operation id."""
    return extend_schema_view(**{method: extend_schema(operation_id=operation_id, tags=TAGS, **kwargs)})


def _example(name, value, **kwargs):
    return OpenApiExample(name, value=value, **kwargs)


def _errors(*messages, status=400):
    return OpenApiResponse(
        io.ErrorEnvelope,
        examples=[_example(m, {"status": False, "message": m}, response_only=True, status_codes=[str(status)])
                  for m in messages],
    )


UNAUTHORIZED = _errors("Invalid Credentials", status=401)

EXAMPLE_TICKET = {
    "start_date": None,
    "sentsent_to_primary": None,
    "urgency_status_id": 3,
    "ticket_type": None,
    "resident_id": 75474618,
    "updated_at": "2016/02/12 03:00:34 -0800",
    "created_at": "2016/02/12 03:00:25 -0800",
    "email": None,
    "sent_to_healthcare_pro": None,
    "state": False,
    "sms": None,
    "id": 202,
    "end_date": None,
    "ticket_status": "New",
    "sent_to_family": None,
    "title": "Ticket  commment",
    "employee_id": 81987870,
}
EXAMPLE_RESIDENT = {
    "fax_number": None, "caretracker_id": None, "resident_type_id": None, "provider_id": 72136196,
    "photo_content_type": "", "first_name": "Test Case (Provider Type)", "next_status_update": None,
    "id": 889283349, "state": "active", "photo_file_name": "", "creator_id": 0, "last_status_update": None,
    "home_zip": "534412", "in_home_care": False, "home_address2": "", "home_address1": "123 Mockingbird Lane",
    "email": None, "customer_number": None, "updated_at": "2016/02/07 02:57:51 -0800", "review_updates": None,
    "updater_id": 0, "location": "Assisted Living Apt. 204", "home_city": "New York", "photo_file_size": 0,
    "home_state": "NY", "dob": "1937/01/21", "last_name": None, "demo": False, "phone_number": None,
    "created_at": "2016/02/07 02:57:51 -0800", "account_number": None,
}


def request_params(request):
    """Query string and body as one dict, the body winning: the document's examples put everything in the
    query string, apps send forms, multipart (with files) or JSON."""
    params = request.query_params.dict()
    data = request.data
    if isinstance(data, QueryDict):
        params.update(data.dict())
    elif isinstance(data, dict):
        params.update(data)
    else:
        raise drf.ParseError("The body must be a JSON object.")
    return params


class Connect4View(PartnerAPIView):
    """Base of every Connect4 view: token-in-path authentication, JSON or XML, errors as
    `{"status": false, "message": …}` with the message naming the field."""

    partner = CONNECT4
    authentication_classes = (Connect4Authentication,)
    renderer_classes = RENDERERS
    content_negotiation_class = Connect4ContentNegotiation
    # Domain field names that Connect4 calls differently.
    field_names = {"body": "comment"}

    def get_exception_handler(self):
        return self.handle_problem

    def handle_problem(self, exc, context):
        problem = self.translate(classify(exc, context.get("request")))
        return self.partner.problem_response(problem, context.get("request"))

    def named(self, problem):
        if not problem.field:
            return problem.message
        field = self.field_names.get(problem.field, problem.field)
        if problem.message.startswith(f"{problem.field}:"):
            return f"{field}:{problem.message[len(problem.field) + 1:]}"
        return f"{field}: {problem.message}"

    def translate(self, problem):
        """The problem as this endpoint words it; subclasses follow the document's per-endpoint messages."""
        if problem.status == 401:
            return problem
        if problem.kind == "not_found" and problem.field in ("id", "ticket_id"):
            return dataclasses.replace(problem, message=INVALID_TICKET)
        return dataclasses.replace(problem, message=self.named(problem))

    def context(self, **extra):
        return {"zone": self.organisation.zone, "request": self.request, **extra}


@connect4_schema(
    "post",
    "connect4_authorize",
    summary="Get an access token",
    description="api_key and api_secret in headers (or as form or query parameters) give an access token that "
    "expires; use it in the path of every other request, together with the same two headers.",
    request=None,
    responses={
        200: OpenApiResponse(io.AuthorizeEnvelope, examples=[_example("Authorized", {
            "status": True,
            "message": "Authorized Successfully, Use the Provided Access Token for Future Requests. "
                       "Thanks for connecting with Example Provider",
            "access_token": "356kdpiamhkz7a43nu0e2ldr9",
        })]),
        401: _errors("Invalid API key or API secret", status=401),
    },
)
class Connect4Authorize(Connect4View):
    authentication_classes = (Connect4KeyPairAuthentication,)

    def post(self, request):
        token = directory_services.access_token_issue(client=self.principal.client)
        return Response({
            "status": True,
            "message": "Authorized Successfully, Use the Provided Access Token for Future Requests. "
                       f"Thanks for connecting with {self.organisation.name}",
            "access_token": token,
        })


@connect4_schema(
    "get",
    "connect4_tickets",
    summary="Get all tickets",
    description="The provider's tickets, newest first. status, resident_id, updated_since and page/per_page "
    "are healthdesk extensions; without them the whole documented list is returned.",
    parameters=[io.TicketsInput],
    responses={
        200: OpenApiResponse(io.TicketsEnvelope, examples=[
            _example("Tickets", {"status": True, "ticket": [EXAMPLE_TICKET]}),
        ]),
        400: _errors("status: Unknown ticket status 'Lost'."),
        401: UNAUTHORIZED,
    },
)
class Connect4Tickets(Connect4View):
    def get(self, request, access_token):
        context = self.context()
        filters = io.TicketsInput(data=request.query_params, context=context)
        filters.is_valid(raise_exception=True)
        params = filters.validated_data
        tickets = ticket_selectors.ticket_list(
            organisation=self.organisation,
            statuses=params.get("status"),
            resident_id=params.get("resident_id"),
            updated_since=params.get("updated_since"),
            related=(),
        )
        body = {"status": True}
        if "page" in params:
            tickets, next_page = page_of(tickets, page=params["page"], per_page=params["per_page"])
            body.update(page=params["page"], per_page=params["per_page"], next_page=next_page)
            rows = io.TicketOut(tickets, many=True, context=context).data
        else:
            # The documented list is every ticket of the provider: rendered a cursor's chunk at a time.
            rows = serialized(tickets.iterator(chunk_size=CURSOR_CHUNK), io.TicketOut, context=context)
        if request.accepted_renderer.format != "json":
            return Response({**body, "ticket": list(rows)})
        return stream_json(rows, envelope=body, key="ticket")


@connect4_schema(
    "get",
    "connect4_ticket_detail",
    summary="Get a specific ticket",
    parameters=[io.TicketDetailInput],
    responses={
        200: OpenApiResponse(io.TicketDetailEnvelope, examples=[_example("Ticket with details", {
            "status": True,
            "ticket_with_details": {
                "ticket_attachments": [],
                "ticket": EXAMPLE_TICKET,
                "categories": {
                    "6": {
                        "comment378": {
                            "commented_by": "Sample", "commented_on": "2016/02/12 03:00:34 -0800",
                            "title": "comment 1",
                        },
                        "status": "no issue",
                        "title": "check now",
                    },
                    "7": {
                        "comment379": {
                            "commented_by": "Sample", "commented_on": "2016/02/12 03:00:34 -0800",
                            "title": "comment 2",
                        },
                        "status": "issue",
                        "title": "yes add",
                    },
                },
                "general_comments": {},
            },
        })]),
        400: _errors("id: A valid integer is required."),
        401: UNAUTHORIZED,
        404: _errors(INVALID_TICKET, status=404),
    },
)
class Connect4TicketDetail(Connect4View):
    def get(self, request, access_token):
        params = io.TicketDetailInput(data=request.query_params)
        params.is_valid(raise_exception=True)
        ticket = ticket_selectors.ticket_get(
            organisation=self.organisation, pk=params.validated_data["id"], for_detail=True
        )
        context = self.context(attachment_url=self.attachment_url)
        general = [m for m in ticket.messages.all() if m.category_id is None]
        return Response({
            "status": True,
            "ticket_with_details": {
                "ticket_attachments": io.AttachmentOut(ticket.attachments.all(), many=True, context=context).data,
                "ticket": io.TicketOut(ticket, context=context).data,
                "categories": io.categories_keyed(ticket, context),
                "general_comments": io.comments_keyed(general, context),
            },
        })

    def attachment_url(self, attachment):
        path = reverse(
            "connect4:attachment", kwargs={"access_token": self.kwargs["access_token"], "pk": attachment.pk}
        )
        return self.request.build_absolute_uri(path)


@connect4_schema(
    "get",
    "connect4_attachment",
    summary="Download a ticket attachment",
    description="healthdesk extension: the download URL that ticket_detail gives for each attachment. "
    "Needs the same credentials as every other request; another provider's attachment is not found.",
    responses={
        (200, "application/octet-stream"): OpenApiResponse(description="The file, with its sniffed content type."),
        401: UNAUTHORIZED,
        404: _errors("attachment_id: Unknown attachment.", status=404),
    },
)
class Connect4Attachment(Connect4View):
    def get(self, request, access_token, pk):
        attachment = ticket_selectors.attachment_get(organisation=self.organisation, pk=pk, field="attachment_id")
        try:
            handle = attachment.file.open("rb")
        except OSError:
            raise NotFound("The attachment's file is missing.", field="attachment_id") from None
        response = FileResponse(
            handle, content_type=attachment.content_type, as_attachment=True, filename=attachment.name
        )
        response["Cache-Control"] = "private, no-store"
        return response


@connect4_schema(
    "get",
    "connect4_all_residents",
    summary="Get all residents",
    description="The provider's residents, by id. page/per_page are healthdesk extensions: with them the envelope "
    "adds page, per_page and next_page (null on the last page); without them the whole documented list, streamed.",
    parameters=[io.ResidentsInput],
    responses={
        200: OpenApiResponse(io.ResidentsEnvelope, examples=[
            _example("Residents", {"status": True, "residents": [EXAMPLE_RESIDENT]}),
        ]),
        400: _errors("per_page: Ensure this value is less than or equal to 500."),
        401: UNAUTHORIZED,
    },
)
class Connect4AllResidents(Connect4View):
    def get(self, request, access_token):
        query = io.ResidentsInput(data=request.query_params)
        query.is_valid(raise_exception=True)
        params = query.validated_data
        residents = directory_selectors.resident_list(organisation=self.organisation)
        self.audit_read(Resident)
        body, rows = {"status": True}, residents.values(*io.RESIDENT_COLUMNS)
        if "page" in params:
            rows, next_page = page_of(rows, page=params["page"], per_page=params["per_page"])
            body.update(page=params["page"], per_page=params["per_page"], next_page=next_page)
        else:
            rows = rows.iterator(chunk_size=CURSOR_CHUNK)
        zone = self.organisation.zone
        residents = (io.resident_row(values, zone) for values in rows)
        if request.accepted_renderer.format != "json":
            # XML is built whole by its renderer; JSON, the common case, is written as the rows come.
            return Response({**body, "residents": list(residents)})
        return stream_json(residents, envelope=body, key="residents")


@connect4_schema(
    "get",
    "connect4_provider_categories",
    summary="Get categories",
    responses={
        200: OpenApiResponse(io.CategoriesEnvelope, examples=[_example("Categories", {
            "status": True,
            "categories": [
                {"id": 3, "name": "Clinical Edit"}, {"id": 4, "name": "Emergency"},
                {"id": 5, "name": "Activity Level"}, {"id": 6, "name": "Weight Gain"},
            ],
        })]),
        401: UNAUTHORIZED,
    },
)
class Connect4ProviderCategories(Connect4View):
    def get(self, request, access_token):
        categories = ticket_selectors.category_list(organisation=self.organisation)
        return Response({"status": True, "categories": io.CategoryOut(categories, many=True).data})


CREATE_TICKET_EXAMPLE = {
    "title": "new test ticket", "resident_id": 34333, "sms": True, "email": True, "state": True,
    "urgency_status": "No Issue", "ticket_status": "New", "general_comments": "Hi welcome!",
    "category_12": "Issue", "category_comments_12": "There are few comments.",
    "category_13": " No Issue", "category_comments_13": "There are less comments.",
    "category_16": "Potential Issue", "category_comments_16": "There are no comments.",
}
CREATE_TICKET_SCHEMA = dict(
    tags=TAGS,
    summary="Create a ticket",
    description="Everything in one request, created all or nothing: category_<id> (Issue, No Issue, Potential "
    "Issue) with category_comments_<id> for the provider's categories, and files attachment_1 … attachment_n "
    "(multipart). An Idempotency-Key header makes a retry return the first ticket instead of a second one.",
    responses={
        200: OpenApiResponse(io.CreateTicketEnvelope, examples=[_example("Created", {
            "status": True, "ticket_id": 46, "message": "Ticket Created Successfully!!",
        })]),
        400: _errors(
            "title/regarding required",
            "Message cannot be created category_12: Unknown category 12.",
            "Message cannot be created resident_id: Unknown resident.",
        ),
        401: UNAUTHORIZED,
    },
)
IDEMPOTENCY_HEADER = OpenApiParameter(
    "Idempotency-Key", str, OpenApiParameter.HEADER, required=False,
    description="Any unique string up to 100 characters; a retry with the same key creates nothing new.",
)


class Connect4CreateTicket(Connect4View):
    field_names = {"status": "ticket_status"}

    def translate(self, problem):
        if problem.status == 401 or problem.status >= 500:
            return problem
        if problem.field == "title" and problem.message.endswith("title/regarding required"):
            return dataclasses.replace(problem, status=400, message="title/regarding required")
        # An unknown resident, urgency or category is bad input here, not a missing page.
        status = 400 if problem.status in (403, 404, 409) else problem.status
        return dataclasses.replace(problem, status=status, message=f"Message cannot be created {self.named(problem)}")

    @extend_schema(
        **CREATE_TICKET_SCHEMA, operation_id="connect4_create_ticket_get",
        parameters=[io.CreateTicketInput, IDEMPOTENCY_HEADER],
    )
    def get(self, request, access_token):
        return self.create(request)

    @extend_schema(
        **CREATE_TICKET_SCHEMA, operation_id="connect4_create_ticket",
        parameters=[IDEMPOTENCY_HEADER],
        request={
            "multipart/form-data": io.CreateTicketUpload,
            "application/x-www-form-urlencoded": io.CreateTicketInput,
            "application/json": io.CreateTicketInput,
        },
        examples=[_example("Document example", CREATE_TICKET_EXAMPLE, request_only=True)],
    )
    def post(self, request, access_token):
        return self.create(request)

    def create(self, request):
        key = request.headers.get("Idempotency-Key", "").strip() or None
        if key and len(key) > IDEMPOTENCY_KEY_MAX:
            raise Invalid(f"At most {IDEMPOTENCY_KEY_MAX} characters.", field="Idempotency-Key")
        data = io.CreateTicketInput(data=request_params(request))
        data.is_valid(raise_exception=True)
        params = data.validated_data
        urgency = ticket_selectors.urgency_find(organisation=self.organisation, name_or_id=params["urgency_status"])
        ticket = ticket_services.ticket_create(
            organisation=self.organisation,
            actor=self.actor,
            title=params["title"],
            resident=params["resident_id"],
            status=params["ticket_status"],
            urgency=urgency,
            assessments=params["assessments"],
            first_message=params["general_comments"],
            notify_sms=params["sms"],
            notify_email=params["email"],
            state=params["state"],
            attachments=params["attachments"],
            idempotency_key=key,
        )
        return Response({"status": True, "ticket_id": ticket.pk, "message": "Ticket Created Successfully!!"})


@connect4_schema(
    "post",
    "connect4_update_status",
    summary="Ticket status update",
    description="id and status as form, JSON or (as the document's example does) query parameters. "
    "Statuses: New, In Progress, On Hold, Reopen, Closed (any case).",
    parameters=[
        OpenApiParameter("id", int, required=False, description="Also accepted in the body."),
        OpenApiParameter("status", str, required=False, description="Also accepted in the body."),
    ],
    request={
        "application/x-www-form-urlencoded": io.UpdateStatusInput,
        "application/json": io.UpdateStatusInput,
        "multipart/form-data": io.UpdateStatusInput,
    },
    responses={
        200: OpenApiResponse(io.MessageEnvelope, examples=[
            _example("Updated", {"status": True, "message": "Status Updated Successfully!!"}),
        ]),
        400: _errors("Invalid Ticket ID/ status: Unknown ticket status 'Lost'."),
        401: UNAUTHORIZED,
        404: _errors(INVALID_TICKET, status=404),
    },
)
class Connect4UpdateStatus(Connect4View):
    def translate(self, problem):
        problem = super().translate(problem)
        if problem.status in (400, 409):
            return dataclasses.replace(problem, message=f"{INVALID_TICKET}/ {problem.message}")
        return problem

    def post(self, request, access_token):
        data = io.UpdateStatusInput(data=request_params(request))
        data.is_valid(raise_exception=True)
        ticket = ticket_selectors.ticket_get(organisation=self.organisation, pk=data.validated_data["id"])
        ticket_services.ticket_status_change(ticket=ticket, actor=self.actor, status=data.validated_data["status"])
        return Response({"status": True, "message": "Status Updated Successfully!!"})


@connect4_schema(
    "post",
    "connect4_create_comment",
    summary="Create a general or category comment",
    description="Without category_id a general comment on the ticket; with it, a comment on that category.",
    request={
        "application/x-www-form-urlencoded": io.CreateCommentInput,
        "application/json": io.CreateCommentInput,
        "multipart/form-data": io.CreateCommentInput,
    },
    examples=[
        _example("General comment", {"ticket_id": 12, "comment": "Hi! Welcome!"}, request_only=True),
        _example("Category comment", {"ticket_id": 12, "comment": "Hi! Welcome!", "category_id": 2},
                 request_only=True),
    ],
    responses={
        200: OpenApiResponse(io.MessageEnvelope, examples=[
            _example("Created", {"status": True, "message": "Comment created Successfully!!"}),
        ]),
        400: _errors("comment: This field is required."),
        401: UNAUTHORIZED,
        404: _errors(INVALID_TICKET, status=404),
    },
)
class Connect4CreateComment(Connect4View):
    def post(self, request, access_token):
        data = io.CreateCommentInput(data=request_params(request))
        data.is_valid(raise_exception=True)
        params = data.validated_data
        ticket = ticket_selectors.ticket_get(organisation=self.organisation, pk=params["ticket_id"])
        ticket_services.ticket_message_add(
            ticket=ticket, actor=self.actor, body=params["comment"], category=params.get("category_id")
        )
        return Response({"status": True, "message": "Comment created Successfully!!"})

