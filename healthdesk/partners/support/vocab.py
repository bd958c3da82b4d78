"""Two-way word maps between the canonical ticket model and the support API's words."""

from tickets.choices import TicketStatus

# The support API knows three states; new, in progress and reopened tickets are all simply "open" to it.
STATUS_WORDS = {
    TicketStatus.NEW: "open",
    TicketStatus.IN_PROGRESS: "open",
    TicketStatus.REOPENED: "open",
    TicketStatus.ON_HOLD: "onhold",
    TicketStatus.CLOSED: "closed",
}

SHOW_TO_USER = {True: "1", False: "0"}

# Domain services name fields in the schema's terms; a support client must see the field it sent.
DOMAIN_TO_WIRE_FIELDS = {
    "id": "ticketId",
    "title": "subject",
    "ticket_type": "type",
    "resident": "userId",
    "resident_id": "userId",
    "body": "ticketMessage",
    "rating": "ratingValue",
    "assignee": "admin",
    "resolution_type": "resolutionType",
    "resolution_subject": "resolutionSubject",
}


def status_word(status):
    return STATUS_WORDS[status]


def wire_field(field):
    return DOMAIN_TO_WIRE_FIELDS.get(field, field)
