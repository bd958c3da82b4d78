"""Telling people about tickets: the resident's contacts when a flagged ticket is created or changes status,
and the assignee (or the organisation's admins) when a ticket becomes overdue.

The ticket services only call `ticket_notify`; everything here runs after their transaction commits, writes
deliveries and leaves the sending to tasks (directory.notifications), so no request waits on a mail server.
"""

import logging
from functools import partial

from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.db.models import Exists, OuterRef, Q
from django.template.loader import render_to_string
from django.utils import timezone

from directory import notifications
from directory.choices import ContactKind, DeliveryChannel, DeliveryPurpose, Role
from directory.models import Contact, Delivery, User
from tickets.choices import EventKind, TicketStatus
from tickets.models import Ticket

logger = logging.getLogger(__name__)

NOTICE_EVENTS = (EventKind.CREATED, EventKind.STATUS_CHANGED, EventKind.CLOSED, EventKind.REOPENED)
SENT_MARKS = {
    ContactKind.FAMILY: "sent_to_family_at",
    ContactKind.HEALTHCARE_PRO: "sent_to_healthcare_pro_at",
    ContactKind.PRIMARY: "sent_to_primary_at",
}


def _channels(ticket):
    return [channel for channel, wanted in ((DeliveryChannel.EMAIL, ticket.notify_email),
                                            (DeliveryChannel.SMS, ticket.notify_sms)) if wanted]


def _render(organisation, template, context):
    # Times in the organisation's zone; the text templates turn autoescaping off themselves.
    with timezone.override(organisation.zone):
        return render_to_string(template, {"organisation": organisation, **context}).strip()


def ticket_notify(*, ticket):
    """Hook for the ticket services: once the transaction commits, queue notices of the ticket's latest change.

    Several changes in one transaction (a status change that reopens) queue one notice: see ticket_notices_queue.
    """
    if _channels(ticket):
        transaction.on_commit(partial(ticket_notices_queue, ticket_id=ticket.pk), robust=True)


@transaction.atomic
def ticket_notices_queue(*, ticket_id):
    """Queue a notice of the ticket's latest creation/status event to each of the resident's contacts, by the
    channels the ticket's flags ask for; each send sets the sent mark of the contact's kind. Idempotent."""
    ticket = Ticket.objects.select_related("organisation", "resident").get(pk=ticket_id)
    channels = _channels(ticket)
    event = ticket.events.filter(kind__in=NOTICE_EVENTS).order_by("-created_at", "-id").first()
    if not channels or event is None:
        return []
    queued = []
    for contact in Contact.objects.filter(resident_id=ticket.resident_id):
        context = {"ticket": ticket, "event": event, "contact": contact, "resident_name": _first_name(ticket.resident),
                   "status": TicketStatus(ticket.status).label, "changed_at": event.created_at}
        for channel in channels:
            address = contact.email if channel == DeliveryChannel.EMAIL else contact.phone
            if not address:
                continue
            delivery = notifications.delivery_queue(
                organisation=ticket.organisation, purpose=DeliveryPurpose.TICKET_NOTICE, channel=channel,
                recipient=address, subject=ticket, contact=contact, mark_field=SENT_MARKS[contact.kind],
                key=f"ticket-notice:{ticket.pk}:{event.pk}:{contact.pk}:{channel}",
                title=_render(ticket.organisation, "tickets/notifications/notice_subject.txt", context),
                body=_render(ticket.organisation, f"tickets/notifications/notice_{channel}.txt", context),
            )
            if delivery is not None:
                queued.append(delivery)
    return queued


def _first_name(resident):
    # Enough for a relative to know whom it is about; no surname, no ticket title (it may describe care).
    return resident.preferred_first_name or resident.first_name or resident.initials or "your contact"


def _admins_of(organisation, cache):
    if organisation.pk not in cache:
        users = User.objects.filter(organisation=organisation, is_active=True).exclude(email="")
        # roles is a JSON list; filtered here because SQLite has no JSON containment lookup.
        cache[organisation.pk] = [u for u in users if Role.ADMIN in (u.roles or [])]
    return cache[organisation.pk]


def tickets_escalate_overdue(*, actor, now=None):
    """Email the assignee — or the organisation's admins when unassigned — about each open ticket past its due
    time, once per ticket and due time (a reopened ticket's new due time is escalated anew).

    Returns (tickets escalated, tickets without anyone to tell).
    """
    now = now or timezone.now()
    ticket_type = ContentType.objects.get_for_model(Ticket)
    already = Delivery.objects.filter(
        purpose=DeliveryPurpose.ESCALATION, subject_type=ticket_type, subject_id=OuterRef("pk"),
        occasion=OuterRef("due_at"),
    )
    overdue = (
        Ticket.objects.filter(~Q(status=TicketStatus.CLOSED), due_at__lt=now)
        .exclude(Exists(already))
        .select_related("organisation", "assignee")
        .order_by("due_at", "id")
    )
    escalated, unreachable, admins = 0, 0, {}
    for ticket in overdue.iterator(chunk_size=500):
        assignee = ticket.assignee
        if assignee is not None and assignee.is_active and assignee.email:
            recipients = [assignee]
        else:
            recipients = _admins_of(ticket.organisation, admins)
        if not recipients:
            unreachable += 1
            continue
        context = {"ticket": ticket, "due_at": ticket.due_at, "unassigned": ticket.assignee_id is None,
                   "priority": ticket.get_priority_display(), "status": ticket.get_status_display()}
        with transaction.atomic():
            queued = [
                notifications.delivery_queue(
                    organisation=ticket.organisation, purpose=DeliveryPurpose.ESCALATION,
                    channel=DeliveryChannel.EMAIL, recipient=user.email, subject=ticket, user=user,
                    occasion=ticket.due_at, key=f"escalation:{ticket.pk}:{ticket.due_at.isoformat()}:{user.pk}",
                    title=_render(ticket.organisation, "tickets/notifications/escalation_subject.txt", context),
                    body=_render(ticket.organisation, "tickets/notifications/escalation_email.txt",
                                 {**context, "user": user}),
                )
                for user in recipients
            ]
        # A concurrent run that queued the same ticket and due time first does the telling.
        escalated += any(queued)
    logger.info("%s escalated %s overdue ticket(s); %s had nobody to tell", actor.label, escalated, unreachable)
    return escalated, unreachable
