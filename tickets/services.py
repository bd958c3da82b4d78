"""The ticket lifecycle: create, change status, assign, converse, close, reopen, rate.

Every function takes the acting `Actor`, owns its transaction, records a TicketEvent and raises
healthdesk.exceptions. Partner APIs, the admin and commands all come through here.
"""

from dataclasses import dataclass
from datetime import timedelta

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from directory import audit
from directory.models import Resident, User
from healthdesk import dates
from healthdesk.exceptions import Conflict, Invalid, NotFound, PermissionDenied
from healthdesk.numbers import is_ascii_digits
from tickets import notifications, uploads
from tickets.choices import AssessmentStatus, EventKind, Priority, SenderKind, TicketStatus
from tickets.models import Attachment, Category, CategoryAssessment, Message, Ticket, TicketEvent, Urgency

AUDITED_ON_CREATE = ("title", "resident", "priority", "status", "ticket_type", "urgency", "assignee", "due_at")


DEFAULT_URGENCIES = ("No Issue", "Potential Issue", "Issue", "Exception")


def urgency_defaults_create(*, organisation):
    """Give a new provider the urgency statuses Connect4 apps send; a provider may add its own later."""
    Urgency.objects.bulk_create(
        [Urgency(organisation=organisation, name=name) for name in DEFAULT_URGENCIES], ignore_conflicts=True
    )


@dataclass(frozen=True)
class AssessmentInput:
    """A category verdict given when a ticket is created, with an optional comment."""

    category_id: int
    status: str
    comment: str = ""


# Which ticket field each event changes, for the audit trail (messages and attachments audit their own rows).
AUDITED_FIELD = {
    EventKind.STATUS_CHANGED: "status", EventKind.ASSIGNED: "assignee", EventKind.CLOSED: "status",
    EventKind.REOPENED: "status", EventKind.RATED: "rating",
}


def _event(ticket, actor, kind, from_value="", to_value="", note=""):
    """Record a ticket event, and the matching audit row, in the caller's transaction."""
    event = TicketEvent.objects.create(
        ticket=ticket, kind=kind, from_value=str(from_value or ""), to_value=str(to_value or ""), note=note,
        **actor.as_fields(),
    )
    if kind == EventKind.CREATED:
        audit.record(actor=actor, organisation=ticket.organisation, action=audit.CREATE, instance=ticket,
                     changes=audit.snapshot(ticket, AUDITED_ON_CREATE))
    elif kind in AUDITED_FIELD:
        audit.record(actor=actor, organisation=ticket.organisation, action=audit.UPDATE, instance=ticket,
                     changes={AUDITED_FIELD[kind]: [from_value or None, to_value or None]})
    return event


def ticket_due_at(*, organisation, priority, start):
    """When a ticket of this priority, started at `start`, falls due under the organisation's policy."""
    if priority not in Priority.values:
        raise Invalid(f"Unknown priority {priority!r}.", field="priority")
    return start + timedelta(hours=getattr(organisation, f"due_hours_{priority}"))


def _resident_of(organisation, resident):
    resident_id = resident.pk if isinstance(resident, Resident) else resident
    try:
        return Resident.objects.get(organisation=organisation, pk=resident_id)
    except (Resident.DoesNotExist, ValueError, TypeError):
        raise NotFound("Unknown resident.", field="resident_id") from None


def _urgency_of(organisation, urgency):
    if urgency is None or isinstance(urgency, Urgency):
        if urgency is not None and urgency.organisation_id != organisation.pk:
            raise Invalid("Unknown urgency status.", field="urgency_status")
        return urgency
    try:
        return Urgency.objects.get(organisation=organisation, pk=urgency)
    except (Urgency.DoesNotExist, ValueError, TypeError):
        raise Invalid("Unknown urgency status.", field="urgency_status") from None


def _categories_of(organisation, ids, field_of=lambda i: f"category_{i}"):
    ids = list(ids)
    found = {c.pk: c for c in Category.objects.filter(organisation=organisation, pk__in=ids)}
    for category_id in ids:
        if category_id not in found:
            raise Invalid(f"Unknown category {category_id}.", field=field_of(category_id))
    return found


def _staff_of(organisation, user, field):
    if user is None:
        return None
    user_id = user.pk if isinstance(user, User) else user
    assignee = User.objects.filter(organisation=organisation, pk=user_id, is_active=True).first()
    if assignee is None:
        raise NotFound("Unknown staff user.", field=field)
    return assignee


@transaction.atomic
def ticket_create(
    *,
    organisation,
    actor,
    title,
    resident,
    priority=Priority.MEDIUM,
    status=TicketStatus.NEW,
    ticket_type="",
    group_name="",
    urgency=None,
    assessments=(),
    first_message="",
    sender_kind=SenderKind.ADMIN,
    sender_name="",
    notify_sms=None,
    notify_email=None,
    state=False,
    start_date=None,
    end_date=None,
    attachments=(),
    assignee=None,
    idempotency_key=None,
):
    """Create a ticket with its category assessments, first message and attachments — all or nothing.

    With an `idempotency_key` a retried request returns the ticket the first one created instead of a second.
    """
    if idempotency_key:
        existing = Ticket.objects.filter(organisation=organisation, idempotency_key=idempotency_key).first()
        if existing is not None:
            return existing
    title = (title or "").strip()
    if not title:
        raise Invalid("A title is required.", field="title")
    if status not in TicketStatus.values:
        raise Invalid(f"Unknown status {status!r}.", field="status")
    if status == TicketStatus.REOPENED:
        raise Invalid("A new ticket cannot start reopened.", field="status")
    resident = _resident_of(organisation, resident)
    urgency = _urgency_of(organisation, urgency)
    assignee = _staff_of(organisation, assignee, "assignee")
    categories = _categories_of(organisation, [a.category_id for a in assessments])
    for a in assessments:
        if a.status not in AssessmentStatus.values:
            raise Invalid(f"Unknown category status {a.status!r}.", field=f"category_{a.category_id}")
    checked_files = [uploads.check(upload, field=name) for name, upload in attachments]
    _dates_check({"start_date": start_date, "end_date": end_date})

    now = timezone.now()
    ticket = Ticket(
        organisation=organisation,
        title=title,
        resident=resident,
        priority=priority,
        status=status,
        ticket_type=ticket_type,
        group_name=group_name,
        urgency=urgency,
        assignee=assignee,
        notify_sms=notify_sms,
        notify_email=notify_email,
        state=state,
        start_date=start_date,
        end_date=end_date,
        due_at=ticket_due_at(organisation=organisation, priority=priority, start=now),
        created_by=actor.user,
        created_by_client=actor.client,
        idempotency_key=idempotency_key or None,
    )
    if status == TicketStatus.CLOSED:
        ticket.closed_at = now
    try:
        with transaction.atomic():
            ticket.save()
    except IntegrityError:
        if idempotency_key:
            # A concurrent retry with the same key won the race: answer with its ticket.
            return Ticket.objects.get(organisation=organisation, idempotency_key=idempotency_key)
        raise
    _event(ticket, actor, EventKind.CREATED, to_value=status)

    CategoryAssessment.objects.bulk_create(
        CategoryAssessment(ticket=ticket, category=categories[a.category_id], status=a.status) for a in assessments
    )
    if first_message and first_message.strip():
        _message_create(ticket, actor, first_message, sender_kind=sender_kind, sender_name=sender_name)
    for a in assessments:
        if a.comment and a.comment.strip():
            _message_create(
                ticket, actor, a.comment, category=categories[a.category_id],
                sender_kind=sender_kind, sender_name=sender_name,
            )
    for name, content_type, upload in checked_files:
        _attachment_create(ticket, actor, upload, name=name, content_type=content_type)
    notifications.ticket_notify(ticket=ticket)
    return ticket


def _dates_check(fields):
    """A ticket's start and end dates inside the range every list can read back (healthdesk.dates)."""
    for name in ("start_date", "end_date"):
        value = fields.get(name)
        if isinstance(value, str):
            value = _moment(value, name)
        dates.moment_check(value, field=name)


def _moment(value, name):
    try:
        return Ticket._meta.get_field(name).to_python(value)
    except ValidationError:
        raise Invalid(f"{name}: not a valid date-time.", field=name) from None


TICKET_UPDATABLE = {
    "title", "ticket_type", "group_name", "priority", "urgency", "notify_sms", "notify_email", "state",
    "start_date", "end_date",
}


@transaction.atomic
def ticket_update(*, ticket, actor, **fields):
    """Change a ticket's descriptive fields; status and assignee have their own services."""
    unknown = sorted(set(fields) - TICKET_UPDATABLE)
    if unknown:
        raise Invalid(f"Field {unknown[0]!r} cannot be changed here.", field=unknown[0])
    if "priority" in fields and fields["priority"] not in Priority.values:
        raise Invalid(f"Unknown priority {fields['priority']!r}.", field="priority")
    if "urgency" in fields:
        fields["urgency"] = _urgency_of(ticket.organisation, fields["urgency"])
    _dates_check(fields)
    ticket = _locked(ticket)
    before = audit.snapshot(ticket, fields)
    changed = [name for name, value in fields.items() if getattr(ticket, name) != value]
    for name in changed:
        setattr(ticket, name, fields[name])
    if changed:
        ticket.save(update_fields=[*changed, "updated_at"])
        _event(ticket, actor, EventKind.UPDATED, note=", ".join(sorted(changed)))
        audit.record(actor=actor, organisation=ticket.organisation, action=audit.UPDATE, instance=ticket,
                     changes=audit.diff(before, ticket))
    return ticket


def _message_create(ticket, actor, body, *, category=None, sender_kind=SenderKind.ADMIN, sender_name="",
                    visible_to_requester=True):
    message = Message.objects.create(
        ticket=ticket,
        body=body.strip(),
        category=category,
        sender_kind=sender_kind,
        sender_name=sender_name or actor.label,
        visible_to_requester=visible_to_requester,
        author=actor.user,
        author_client=actor.client,
    )
    _event(ticket, actor, EventKind.MESSAGE_ADDED, to_value=message.pk, note=category.name if category else "")
    audit.record(actor=actor, organisation=ticket.organisation, action=audit.CREATE, instance=message,
                 changes={"ticket": ticket.pk, "sender_kind": sender_kind, "category": category and category.pk})
    return message


def _attachment_create(ticket, actor, upload, *, name, content_type):
    attachment = Attachment(
        ticket=ticket, name=name, content_type=content_type, size=upload.size,
        uploaded_by=actor.user, uploaded_by_client=actor.client,
    )
    attachment.file.save(name, upload, save=False)
    attachment.save()
    _event(ticket, actor, EventKind.ATTACHMENT_ADDED, to_value=name)
    audit.record(actor=actor, organisation=ticket.organisation, action=audit.CREATE, instance=attachment,
                 changes={"ticket": ticket.pk, "name": name, "content_type": content_type, "size": upload.size})
    return attachment


def _locked(ticket):
    """Re-read the ticket under a row lock so concurrent transitions serialise."""
    return Ticket.objects.select_for_update().get(pk=ticket.pk)


@transaction.atomic
def ticket_message_add(
    *, ticket, actor, body, category=None, sender_kind=SenderKind.ADMIN, sender_name="", visible_to_requester=True
):
    """Add a message (general or category comment, reply, internal note) to a ticket's conversation."""
    if not body or not str(body).strip():
        raise Invalid("A message text is required.", field="body")
    if sender_kind not in SenderKind.values:
        raise Invalid(f"Unknown sender {sender_kind!r}.", field="sender")
    if category is not None and not isinstance(category, Category):
        category = _categories_of(ticket.organisation, [category], field_of=lambda i: "category_id")[category]
    elif category is not None and category.organisation_id != ticket.organisation_id:
        raise Invalid("Unknown category.", field="category_id")
    return _message_create(
        ticket, actor, str(body), category=category, sender_kind=sender_kind, sender_name=sender_name,
        visible_to_requester=visible_to_requester,
    )


@transaction.atomic
def ticket_attachment_add(*, ticket, actor, upload, field="attachment"):
    """Attach a file after checking its size and its real (sniffed) content type."""
    name, content_type, upload = uploads.check(upload, field=field)
    return _attachment_create(ticket, actor, upload, name=name, content_type=content_type)


@transaction.atomic
def ticket_status_change(*, ticket, actor, status):
    """Move a ticket to a canonical status. Closing goes through close, a closed ticket moved to an open
    status is a reopen, and `reopened` is only reachable from closed."""
    if status not in TicketStatus.values:
        raise Invalid(f"Unknown status {status!r}.", field="status")
    ticket = _locked(ticket)
    if status == ticket.status:
        return ticket
    if status == TicketStatus.CLOSED:
        return ticket_close(ticket=ticket, actor=actor)
    if ticket.is_closed:
        ticket = ticket_reopen(ticket=ticket, actor=actor)
        if status == TicketStatus.REOPENED:
            return ticket
    elif status == TicketStatus.REOPENED:
        raise Conflict("Only a closed ticket can be reopened.", field="status")
    previous = ticket.status
    ticket.status = status
    ticket.save(update_fields=["status", "updated_at"])
    _event(ticket, actor, EventKind.STATUS_CHANGED, previous, status)
    notifications.ticket_notify(ticket=ticket)
    return ticket


@transaction.atomic
def ticket_assign(*, ticket, actor, assignee):
    """Assign a ticket to an active staff user of its organisation (None unassigns)."""
    ticket = _locked(ticket)
    assignee = _staff_of(ticket.organisation, assignee, "assignee")
    if ticket.assignee_id == (assignee.pk if assignee else None):
        return ticket
    previous = ticket.assignee.get_username() if ticket.assignee else ""
    ticket.assignee = assignee
    ticket.save(update_fields=["assignee", "updated_at"])
    _event(ticket, actor, EventKind.ASSIGNED, previous, assignee.get_username() if assignee else "")
    return ticket


@transaction.atomic
def ticket_close(*, ticket, actor, resolution_type="", resolution_subject=""):
    """Close an open ticket with its resolution."""
    ticket = _locked(ticket)
    if ticket.is_closed:
        raise Conflict("The ticket is already closed.", field="status")
    previous = ticket.status
    ticket.status = TicketStatus.CLOSED
    ticket.closed_at = timezone.now()
    ticket.resolution_type = resolution_type or ticket.resolution_type
    ticket.resolution_subject = resolution_subject or ticket.resolution_subject
    ticket.save(update_fields=["status", "closed_at", "resolution_type", "resolution_subject", "updated_at"])
    _event(ticket, actor, EventKind.CLOSED, previous, TicketStatus.CLOSED, note=resolution_subject)
    notifications.ticket_notify(ticket=ticket)
    return ticket


@transaction.atomic
def ticket_reopen(*, ticket, actor, reason="", sender_kind=SenderKind.USER, sender_name=""):
    """Reopen a closed ticket; the reason is kept as a message and the due time restarts from now."""
    ticket = _locked(ticket)
    if not ticket.is_closed:
        raise Conflict("Only a closed ticket can be reopened.", field="status")
    ticket.status = TicketStatus.REOPENED
    ticket.closed_at = None
    ticket.due_at = ticket_due_at(organisation=ticket.organisation, priority=ticket.priority, start=timezone.now())
    ticket.save(update_fields=["status", "closed_at", "due_at", "updated_at"])
    _event(ticket, actor, EventKind.REOPENED, TicketStatus.CLOSED, TicketStatus.REOPENED, note=reason or "")
    notifications.ticket_notify(ticket=ticket)
    if reason and reason.strip():
        _message_create(ticket, actor, reason, sender_kind=sender_kind, sender_name=sender_name)
    return ticket


@transaction.atomic
def ticket_rate(*, ticket, actor, rating, resident):
    """Record the requester's 1–5 rating; a new rating replaces the old one."""
    # Whole numbers only, as ints or digit strings: int() would silently truncate 2.5 to 2.
    if isinstance(rating, bool) or not (isinstance(rating, int) or is_ascii_digits(rating)):
        raise Invalid("The rating must be a whole number from 1 to 5.", field="rating")
    rating = int(rating)
    if not 1 <= rating <= 5:
        raise Invalid("The rating must be a whole number from 1 to 5.", field="rating")
    ticket = _locked(ticket)
    resident_id = resident.pk if isinstance(resident, Resident) else resident
    if str(ticket.resident_id) != str(resident_id):
        raise PermissionDenied("Only the ticket's requester can rate it.", field="userId")
    previous = ticket.rating
    ticket.rating = rating
    ticket.rated_at = timezone.now()
    ticket.save(update_fields=["rating", "rated_at", "updated_at"])
    _event(ticket, actor, EventKind.RATED, previous or "", rating)
    return ticket



@transaction.atomic
def ticket_create_closed(*, organisation, actor, resolution_type, resolution_subject, **fields):
    """Create a ticket and close it at once with its resolution (type and subject both required), all or
    nothing: a ticket that was handled on first contact. `fields` are those of `ticket_create`."""
    resolution_type = (resolution_type or "").strip()
    resolution_subject = (resolution_subject or "").strip()
    if not resolution_type:
        raise Invalid("A resolution type is required to close a ticket at once.", field="resolution_type")
    if not resolution_subject:
        raise Invalid("A resolution subject is required to close a ticket at once.", field="resolution_subject")
    ticket = ticket_create(organisation=organisation, actor=actor, **fields)
    return ticket_close(
        ticket=ticket, actor=actor, resolution_type=resolution_type, resolution_subject=resolution_subject
    )
