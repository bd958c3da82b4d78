"""Reads on the appointment book, always within one organisation."""

from datetime import timedelta

from django.db import connection
from django.db.models import Max, OuterRef, Prefetch, Subquery, Sum

from directory.models import Organisation
from healthdesk.exceptions import NotFound
from healthdesk.numbers import ascii_int
from scheduling.models import Appointment, Attendee, AttendeeCount, Invoice


def appointment_list(
    *, organisation, include_deleted=False, include_cancelled=True, kind=None, starts_from=None, starts_to=None
):
    """Appointments of the organisation by start, with their non-deleted attendees prefetched."""
    qs = Appointment.objects.filter(organisation=organisation)
    if not include_deleted:
        qs = qs.filter(deleted_at__isnull=True)
    if not include_cancelled:
        qs = qs.filter(cancelled_at__isnull=True)
    if kind is not None:
        qs = qs.filter(kind=kind)
    if starts_from is not None:
        qs = qs.filter(starts_at__gte=starts_from)
    if starts_to is not None:
        qs = qs.filter(starts_at__lte=starts_to)
    return qs.prefetch_related(
        Prefetch("attendees", queryset=Attendee.objects.filter(deleted_at__isnull=True).order_by("id"))
    ).order_by("starts_at", "id")


def appointment_with_resident(*, appointments):
    """The appointments without prefetches, each annotated with `attendee_resident_id`: its first live attendee's
    resident (an individual appointment's only one). One query for a list of any length."""
    first = Attendee.objects.filter(appointment=OuterRef("pk"), deleted_at__isnull=True).order_by("id")
    return appointments.prefetch_related(None).annotate(attendee_resident_id=Subquery(first.values("resident_id")[:1]))


def appointment_get(*, organisation, pk, include_deleted=False, kind=None, field="id"):
    """One appointment of the organisation (of `kind`, when given), or NotFound naming `field`."""
    qs = appointment_list(organisation=organisation, include_deleted=include_deleted, kind=kind)
    try:
        return qs.get(pk=ascii_int(pk))
    except (Appointment.DoesNotExist, ValueError, TypeError):
        raise NotFound("Unknown appointment.", field=field) from None


def attendee_list(*, organisation, state="live", appointment=None):
    """Attendees by Cliniko's three lists: `live` (default), `cancelled`, `deleted`; or `undeleted` (live and
    cancelled) or `all`. `appointment` narrows to one appointment's attendees."""
    qs = Attendee.objects.filter(organisation=organisation)
    if appointment is not None:
        qs = qs.filter(appointment=appointment)
    if state == "live":
        qs = qs.filter(deleted_at__isnull=True, cancelled_at__isnull=True)
    elif state == "cancelled":
        qs = qs.filter(deleted_at__isnull=True, cancelled_at__isnull=False)
    elif state == "deleted":
        qs = qs.filter(deleted_at__isnull=False)
    elif state == "undeleted":
        qs = qs.filter(deleted_at__isnull=True)
    return qs.order_by("created_at", "id")


def attendee_count(*, organisation, state="live"):
    """Exactly how many of the organisation's attendees are in Cliniko's list `state` (live, cancelled, deleted):
    on PostgreSQL the sum of a few counters its triggers keep in every writer's transaction, elsewhere a COUNT."""
    if connection.vendor != "postgresql":
        return attendee_list(organisation=organisation, state=state).count()
    shards = AttendeeCount.objects.filter(organisation=organisation, state=state)
    return shards.aggregate(total=Sum("n"))["total"] or 0


def attendee_get(*, organisation, pk, field="id"):
    try:
        return Attendee.objects.select_related("appointment").get(organisation=organisation, pk=ascii_int(pk))
    except (Attendee.DoesNotExist, ValueError, TypeError):
        raise NotFound("Unknown attendee.", field=field) from None


def appointments_today(*, organisation, now=None):
    """Today's live appointments in the organisation's day (all organisations, in UTC, when None)."""
    start, end = (organisation or Organisation(time_zone="UTC")).day_bounds(now)
    qs = Appointment.objects.filter(deleted_at__isnull=True, cancelled_at__isnull=True,
                                    starts_at__gte=start, starts_at__lt=end)
    if organisation is not None:
        qs = qs.filter(organisation=organisation)
    return qs.select_related("practitioner").order_by("starts_at")


def invoice_list(*, organisation, attendee=None, include_deleted=False):
    """Invoices of the organisation (of one attendee, when given), with their attendee joined."""
    qs = Invoice.objects.filter(organisation=organisation).select_related("attendee")
    if attendee is not None:
        qs = qs.filter(attendee=attendee)
    if not include_deleted:
        qs = qs.filter(deleted_at__isnull=True)
    return qs.order_by("issue_date", "id")


def invoice_get(*, organisation, pk, field="id"):
    """One invoice of the organisation, deleted or not, or NotFound naming `field`."""
    try:
        return invoice_list(organisation=organisation, include_deleted=True).get(pk=ascii_int(pk))
    except (Invoice.DoesNotExist, ValueError, TypeError):
        raise NotFound("Unknown invoice.", field=field) from None


def appointment_conflicts_exist(*, appointment):
    """Whether the appointment's practitioner has another live (neither cancelled nor deleted) appointment whose
    time overlaps it; back-to-back is no conflict. Without a practitioner nothing can conflict."""
    if appointment.practitioner_id is None:
        return False
    others = Appointment.objects.filter(
        organisation_id=appointment.organisation_id, practitioner_id=appointment.practitioner_id,
        deleted_at__isnull=True, cancelled_at__isnull=True, starts_at__lt=appointment.ends_at,
    ).exclude(pk=appointment.pk)
    # The end is start + duration, which not every database can compute in SQL: bound the candidates by the
    # longest duration on the books (an index range on starts_at), then compare exactly.
    longest = others.aggregate(longest=Max("duration_minutes"))["longest"]
    if longest is None:
        return False
    candidates = others.filter(starts_at__gt=appointment.starts_at - timedelta(minutes=longest))
    return any(other.ends_at > appointment.starts_at for other in candidates.only("starts_at", "duration_minutes"))
