"""Reads on tickets, always within one organisation: another organisation's ticket is simply not found."""

from django.db.models import Count, Prefetch, Q
from django.utils import timezone

from directory.models import Organisation
from healthdesk.exceptions import Invalid, NotFound
from healthdesk.numbers import ascii_int, is_ascii_digits
from tickets.choices import DerivedFilter, TicketStatus
from tickets.models import Attachment, Category, CategoryAssessment, Message, Ticket, Urgency

OPEN_ONLY = (TicketStatus.NEW, TicketStatus.IN_PROGRESS, TicketStatus.REOPENED)


def today_bounds(organisation, now=None):
    """[start, end) of the current day in the organisation's time zone, as aware datetimes."""
    return organisation.day_bounds(now)


def derived_filter_q(derived, *, organisation, now=None):
    """The Q for a derived filter (open, unresolved, unassigned, overdue, due today, on hold, closed)."""
    now = now or timezone.now()
    not_closed = ~Q(status=TicketStatus.CLOSED)
    if derived == DerivedFilter.OPEN:
        return Q(status__in=OPEN_ONLY)
    if derived == DerivedFilter.UNRESOLVED:
        return not_closed
    if derived == DerivedFilter.UNASSIGNED:
        return not_closed & Q(assignee__isnull=True)
    if derived == DerivedFilter.OVERDUE:
        return not_closed & Q(due_at__lt=now)
    if derived == DerivedFilter.DUE_TODAY:
        start, end = today_bounds(organisation, now)
        return not_closed & Q(due_at__gte=start, due_at__lt=end)
    if derived == DerivedFilter.ON_HOLD:
        return Q(status=TicketStatus.ON_HOLD)
    if derived == DerivedFilter.CLOSED:
        return Q(status=TicketStatus.CLOSED)
    raise Invalid(f"Unknown filter {derived!r}.", field="status")


LIST_RELATED = ("resident", "assignee", "urgency")


def ticket_list(
    *,
    organisation,
    statuses=None,
    derived=None,
    resident_id=None,
    assignee=None,
    created_from=None,
    created_to=None,
    updated_since=None,
    now=None,
    related=LIST_RELATED,
):
    """The organisation's tickets, newest first, with `related` (what list views show) joined; a caller that
    renders only the ticket's own columns passes `related=()` and reads a third of the bytes."""
    qs = Ticket.objects.filter(organisation=organisation)
    if related:  # select_related() with no names would follow every foreign key
        qs = qs.select_related(*related)
    if statuses:
        qs = qs.filter(status__in=statuses)
    if derived:
        qs = qs.filter(derived_filter_q(derived, organisation=organisation, now=now))
    if resident_id is not None:
        qs = qs.filter(resident_id=resident_id)
    if assignee is not None:
        qs = qs.filter(assignee=assignee)
    if created_from is not None:
        qs = qs.filter(created_at__gte=created_from)
    if created_to is not None:
        qs = qs.filter(created_at__lte=created_to)
    if updated_since is not None:
        qs = qs.filter(updated_at__gte=updated_since)
    return qs.order_by("-created_at", "-id")


def ticket_get(*, organisation, pk, for_detail=False):
    """One ticket of the organisation, or NotFound; `for_detail` also loads conversation and assessments."""
    qs = Ticket.objects.filter(organisation=organisation).select_related("resident", "assignee", "urgency")
    if for_detail:
        qs = qs.prefetch_related(
            "attachments",
            Prefetch("assessments", queryset=CategoryAssessment.objects.select_related("category")),
            Prefetch("messages", queryset=Message.objects.select_related("author", "category")),
        )
    try:
        return qs.get(pk=ascii_int(pk))
    except (Ticket.DoesNotExist, ValueError, TypeError):
        raise NotFound("Unknown ticket.", field="id") from None


def attachment_get(*, organisation, pk, field="id"):
    """One attachment of a ticket of the organisation, or NotFound: another organisation's file is never served."""
    try:
        return Attachment.objects.select_related("ticket").get(ticket__organisation=organisation, pk=ascii_int(pk))
    except (Attachment.DoesNotExist, ValueError, TypeError):
        raise NotFound("Unknown attachment.", field=field) from None


def category_list(*, organisation):
    return Category.objects.filter(organisation=organisation).order_by("id")


def urgency_list(*, organisation):
    return Urgency.objects.filter(organisation=organisation).order_by("id")


def urgency_find(*, organisation, name_or_id):
    """An urgency by id or case-insensitive name, or NotFound naming `urgency_status`."""
    value = str(name_or_id).strip()
    qs = Urgency.objects.filter(organisation=organisation)
    found = qs.filter(pk=int(value)).first() if is_ascii_digits(value) else qs.filter(name__iexact=value).first()
    if found is None:
        raise NotFound(f"Unknown urgency status {value!r}.", field="urgency_status")
    return found


def ticket_dashboard(*, organisation, now=None):
    """Counts for the staff dashboard in one query: open tickets per status, overdue, due today, unassigned.

    `organisation=None` counts every organisation (a superuser's view), with day bounds in UTC.
    """
    scope = organisation or Organisation(time_zone="UTC")
    qs = Ticket.objects.all() if organisation is None else Ticket.objects.filter(organisation=organisation)
    counts = {status: Count("id", filter=Q(status=status)) for status in TicketStatus.values}
    counts.update({
        derived: Count("id", filter=derived_filter_q(derived, organisation=scope, now=now))
        for derived in (DerivedFilter.OVERDUE, DerivedFilter.DUE_TODAY, DerivedFilter.UNASSIGNED)
    })
    return qs.aggregate(**counts)
