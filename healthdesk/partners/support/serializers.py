"""The support API's requests and rows, field by field: the mapping between its words and the schema."""

from drf_spectacular.utils import extend_schema_serializer
from rest_framework import serializers

from healthdesk.partners import paging
from healthdesk.partners.support import vocab
from healthdesk.partners.support.fields import (
    DATETIME_FORMAT,
    SupportDateTimeField,
    SupportIdField,
    SupportIdInput,
    SupportRangeBoundField,
)
from tickets.choices import DerivedFilter, Priority, SenderKind

# Inputs -----------------------------------------------------------------------------------------------------


class RaiseTicketInput(serializers.Serializer):
    type = serializers.CharField(max_length=100)
    subject = serializers.CharField(max_length=255)
    priority = serializers.ChoiceField(choices=Priority.values, default=Priority.MEDIUM)
    userId = SupportIdInput(min_value=0)  # noqa: N815 (the document's name)
    comments = serializers.CharField(max_length=20_000)
    closeTicketImmediately = serializers.BooleanField(default=False)  # noqa: N815
    resolutionType = serializers.CharField(max_length=100, required=False, allow_blank=True)  # noqa: N815
    resolutionSubject = serializers.CharField(max_length=255, required=False, allow_blank=True)  # noqa: N815


class GetTicketsRangeInput(serializers.Serializer):
    """get_tickets' POST body: a created-time range, both ends inclusive."""

    fromDate = SupportRangeBoundField(required=False)  # noqa: N815
    toDate = SupportRangeBoundField(end=True, required=False)  # noqa: N815


class GetTicketsPageInput(serializers.Serializer):
    """get_tickets' optional paging, in the query string of GET and POST (a healthdesk extension)."""

    page = paging.page_field()
    per_page = paging.per_page_field()

    def validate(self, attrs):
        return paging.with_paging_defaults(attrs)


class GetTicketsInput(GetTicketsRangeInput, GetTicketsPageInput):
    """The path segments, the paging and, with POST, the created-time range."""

    userId = SupportIdInput(min_value=0)  # noqa: N815
    status = serializers.ChoiceField(choices=DerivedFilter.values, required=False)
    assigned_admin = serializers.CharField(max_length=150, required=False)

    def validate(self, attrs):
        if "fromDate" in attrs and "toDate" in attrs and attrs["fromDate"] > attrs["toDate"]:
            raise serializers.ValidationError({"toDate": "toDate is before fromDate."})
        return super().validate(attrs)


class TicketIdInput(serializers.Serializer):
    ticketId = SupportIdInput()  # noqa: N815


class SendMessageInput(TicketIdInput):
    ticketMessage = serializers.CharField(max_length=20_000)  # noqa: N815
    sender = serializers.ChoiceField(choices=SenderKind.values)
    sender_name = serializers.CharField(max_length=200)
    showToUser = serializers.BooleanField()  # noqa: N815


class AssignTicketToAdminInput(TicketIdInput):
    admin = serializers.CharField(max_length=150)


class ReopenTicketInput(TicketIdInput):
    userId = SupportIdInput()  # noqa: N815
    comments = serializers.CharField(max_length=20_000)


class TicketRatingInput(TicketIdInput):
    userId = SupportIdInput()  # noqa: N815
    # The 1–5 range is the rating rule of tickets.services.ticket_rate; here only "a whole number".
    ratingValue = serializers.IntegerField()  # noqa: N815


# Outputs ----------------------------------------------------------------------------------------------------


class TicketFields(serializers.Serializer):
    id = SupportIdField(source="pk")
    account_id = serializers.SerializerMethodField()
    user = SupportIdField(source="resident_id")
    subject = serializers.CharField(source="title")
    type = serializers.CharField(source="ticket_type")
    priority = serializers.CharField()
    # Null for a ticket without a due time (COMPATIBILITY.md).
    due = SupportDateTimeField(source="due_at", allow_null=True)
    status = serializers.SerializerMethodField()
    assigned_to = serializers.SerializerMethodField()
    group_name = serializers.SerializerMethodField()
    created = SupportDateTimeField(source="created_at")

    def get_account_id(self, ticket) -> str:
        return self.context["organisation"].slug

    def get_status(self, ticket) -> str:
        return vocab.status_word(ticket.status)

    def get_assigned_to(self, ticket) -> str:
        return assigned_to(ticket)

    def get_group_name(self, ticket) -> str:
        # Tickets raised here are grouped by their type; those from other channels may carry no group.
        return ticket.group_name or ticket.ticket_type


def assigned_to(ticket):
    assignee = ticket.assignee
    if assignee is None:
        return "NULL"
    return assignee.email or assignee.get_username()


class TicketRow(serializers.Serializer):
    """One entry of get_tickets' `data`: the ticket wrapped as `{"Ticket": {…}}`."""

    Ticket = TicketFields(source="*")


# get_tickets streams up to every ticket of a provider, where a serializer per row costs a quarter of a
# millisecond and a model instance per row as much again: rows are read as plain values (the assignee's two
# columns joined) and shaped by ticket_row, which gives exactly what TicketRow gives (a test compares the two)
# and stays the only shape at run time; TicketRow documents it.
TICKET_COLUMNS = (
    "id", "resident_id", "title", "ticket_type", "priority", "due_at", "status", "assignee_id", "assignee__email",
    "assignee__username", "group_name", "created_at",
)


def ticket_row(values, *, zone, slug):
    """One entry of get_tickets' `data` from TICKET_COLUMNS values; `slug` is the organisation's account_id."""
    v = values
    if v["assignee_id"] is None:
        assignee = "NULL"
    else:
        assignee = v["assignee__email"] or v["assignee__username"]
    return {"Ticket": {
        "id": str(v["id"]), "account_id": slug, "user": str(v["resident_id"]), "subject": v["title"],
        "type": v["ticket_type"], "priority": v["priority"], "due": _moment(v["due_at"], zone),
        "status": vocab.status_word(v["status"]), "assigned_to": assignee,
        "group_name": v["group_name"] or v["ticket_type"], "created": _moment(v["created_at"], zone),
    }}


def _moment(value, zone):
    return None if value is None else value.astimezone(zone).strftime(DATETIME_FORMAT)


class ConversationEntry(serializers.Serializer):
    sender = serializers.CharField(source="sender_kind")
    sender_name = serializers.CharField()
    ticket_message = serializers.CharField(source="body")
    created = SupportDateTimeField(source="created_at")
    show_to_user = serializers.SerializerMethodField()

    def get_show_to_user(self, message) -> str:
        return vocab.SHOW_TO_USER[message.visible_to_requester]


class TicketDetails(serializers.Serializer):
    status = serializers.SerializerMethodField()
    assigned_to = serializers.SerializerMethodField()
    created = SupportDateTimeField(source="created_at")

    def get_status(self, ticket) -> str:
        return vocab.status_word(ticket.status)

    def get_assigned_to(self, ticket) -> str:
        return assigned_to(ticket)


class RequesterViewInput(serializers.Serializer):
    """`1` leaves out the messages not shown to the requester (internal notes); `0` gives the whole thread."""

    dontShowToUser = serializers.ChoiceField(choices=["0", "1"])  # noqa: N815

    def to_internal_value(self, data):
        return {"dontShowToUser": super().to_internal_value(data)["dontShowToUser"] == "1"}


class TicketDetailMessage(serializers.Serializer):
    """get_ticket_details' `message`: the whole conversation and the ticket's state."""

    ticket_conversation = ConversationEntry(source="messages.all", many=True)
    ticket_details = TicketDetails(source="*")


# Envelopes, for the schema ----------------------------------------------------------------------------------


class Envelope(serializers.Serializer):
    status = serializers.ChoiceField(choices=["success", "error"])
    errorCode = serializers.IntegerField()  # noqa: N815


class MessageEnvelope(Envelope):
    message = serializers.CharField()


class RaiseTicketOutput(MessageEnvelope):
    ticketId = serializers.CharField()  # noqa: N815


class GetTicketsOutput(Envelope):
    data = TicketRow(many=True)


class TicketDetailsOutput(Envelope):
    message = TicketDetailMessage()


@extend_schema_serializer(component_name="SupportError")
class ErrorOutput(Envelope):
    message = serializers.CharField()
    field = serializers.CharField(required=False, help_text="The input at fault, when there is one.")
