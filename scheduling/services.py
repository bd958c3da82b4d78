"""The appointment book: appointments and attendees — create, update, cancel, soft delete, restore.

Every function takes the acting `Actor`, owns its transaction, records an AppointmentEvent and raises
healthdesk.exceptions. An individual appointment has exactly one live attendee: its resident.
"""

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from directory import audit
from directory.models import Division, Resident, User
from healthdesk import bulk, dates
from healthdesk.exceptions import Conflict, Invalid, NotFound
from healthdesk.numbers import is_ascii_digits
from scheduling.choices import AppointmentKind, CancellationReason
from scheduling.models import Appointment, AppointmentEvent, Attendee

APPOINTMENT_FIELDS = {
    "kind", "practitioner", "division", "starts_at", "duration_minutes", "state", "started_at", "max_attendees",
    "location_ref", "calendar_ref", "type_ref", "summary", "details", "blocked", "external_participant_ids",
    "inloop_json", "source_system", "source_id", "original_starts_at",
}
ATTENDEE_FIELDS = {
    "arrived", "notes", "booking_ip_address", "online_booking_policy_accepted", "invoice_status",
    "treatment_note_status", "email_reminder_sent", "sms_reminder_sent",
}


# Audit action per event kind: an attendee event audits the attendee, any other the appointment.
AUDIT_ACTIONS = {
    "created": audit.CREATE, "deleted": audit.DELETE, "attendee_added": audit.CREATE,
    "attendee_deleted": audit.DELETE,
}


def _event(appointment, actor, kind, note="", attendee=None, changes=None):
    """Record an appointment event, and the matching audit row, in the caller's transaction."""
    AppointmentEvent.objects.create(appointment=appointment, attendee=attendee, kind=kind, note=note,
                                    **actor.as_fields())
    audit.record(actor=actor, organisation=appointment.organisation, action=AUDIT_ACTIONS.get(kind, audit.UPDATE),
                 instance=attendee or appointment, changes=changes or ({"note": note} if note else {}))


def _audit_attendees(appointment, actor, ids, changes):
    """Audit rows for attendees changed in bulk along with their appointment."""
    audit.record_many(actor=actor, organisation=appointment.organisation, action=audit.UPDATE, model=Attendee,
                      changes_by_id={pk: changes for pk in ids})


def cancellations_record(*, organisation, actor, cancellations):
    """Record cancellations in the caller's transaction, in bulk: `cancellations` is a list of
    (appointment id, ids of the attendees cancelled with it, reason code, note). Each appointment gets its
    `cancelled` event and audit row, each attendee its audit row: the one record of a cancellation, whoever
    cancels (a partner, the admin, a sync)."""
    if not cancellations:
        return
    bulk.insert(AppointmentEvent, [
        {"appointment_id": pk, "kind": "cancelled", "note": f"{int(code)} {note}".strip()}
        for pk, _, code, note in cancellations
    ], defaults=actor.as_fields())
    audit.record_many(
        actor=actor, organisation=organisation, action=audit.UPDATE, model=Attendee,
        changes_by_id={attendee: {"cancellation_reason": [None, int(code)]}
                       for _, attendees, code, _ in cancellations for attendee in attendees},
    )
    audit.record_many(
        actor=actor, organisation=organisation, action=audit.UPDATE, model=Appointment,
        changes_by_id={pk: {"cancellation_reason": [None, int(code)], "cancellation_note": [None, note or None]}
                       for pk, _, code, note in cancellations},
    )


def _owned(model, organisation, value, field):
    """`value` (instance or id) as a row of the organisation, or Invalid naming `field`."""
    if value is None:
        return None
    pk = value.pk if isinstance(value, model) else value
    row = model.objects.filter(organisation=organisation, pk=pk).first() if is_ascii_digits(str(pk)) else None
    if row is None:
        raise Invalid(f"Unknown {model._meta.verbose_name}.", field=field)
    return row


def _dates_check(starts_at, duration_minutes, fields):
    """Start, end and the other given times inside the range every list can read back (healthdesk.dates)."""
    dates.span_check(_moment(starts_at, "starts_at"), duration_minutes)
    for name in ("original_starts_at", "started_at"):
        dates.moment_check(_moment(fields.get(name), name), field=name)


def _moment(value, name):
    """A time given as text (the admin, commands) read as the model reads it, so the range check sees it too."""
    try:
        return Appointment._meta.get_field(name).to_python(value)
    except ValidationError:
        raise Invalid(f"{name}: not a valid date-time.", field=name) from None


def cancellation_reason_check(reason):
    """The reason code as an int, if it is one of Cliniko's codes; Invalid naming `cancellation_reason`."""
    try:
        code = int(reason)
    except (TypeError, ValueError):
        code = None
    if code not in CancellationReason.values:
        codes = ", ".join(str(v) for v in CancellationReason.values)
        raise Invalid(f"cancellation_reason must be one of {codes}.", field="cancellation_reason")
    return code


def _check_fields(fields, allowed):
    unknown = sorted(set(fields) - allowed)
    if unknown:
        raise Invalid(f"Unknown field {unknown[0]!r}.", field=unknown[0])


@transaction.atomic
def appointment_create(*, organisation, actor, starts_at, resident=None, created_by=None, **fields):
    """Book an appointment; an individual one gets its resident as its single attendee.

    `created_by` names the staff member who booked it when an API client books on their behalf.
    """
    _check_fields(fields, APPOINTMENT_FIELDS)
    created_by = _owned(User, organisation, created_by, "created_by") or actor.user
    kind = fields.get("kind", AppointmentKind.INDIVIDUAL)
    if kind not in AppointmentKind.values:
        raise Invalid(f"Unknown appointment kind {kind!r}.", field="kind")
    fields["practitioner"] = _owned(User, organisation, fields.get("practitioner"), "practitioner")
    fields["division"] = _owned(Division, organisation, fields.get("division"), "division")
    resident = _owned(Resident, organisation, resident, "resident")
    if resident is not None and kind != AppointmentKind.INDIVIDUAL:
        raise Invalid("Only an individual appointment takes a resident; add attendees instead.", field="resident")
    if starts_at is None:
        raise Invalid("A start time is required.", field="starts_at")
    fields.setdefault("original_starts_at", starts_at)
    _dates_check(starts_at, fields.get("duration_minutes", Appointment._meta.get_field("duration_minutes").default),
                 fields)
    appointment = Appointment(
        organisation=organisation, starts_at=starts_at, created_by=created_by, created_by_client=actor.client,
        **fields,
    )
    appointment.full_clean(exclude=["organisation", "practitioner", "division", "created_by", "created_by_client"])
    appointment.save()
    _event(appointment, actor, "created")
    if resident is not None:
        attendee = Attendee.objects.create(organisation=organisation, appointment=appointment, resident=resident)
        _event(appointment, actor, "attendee_added", attendee=attendee)
    return appointment


@transaction.atomic
def appointment_update(*, appointment, actor, resident=None, **fields):
    """Change an appointment; for an individual one, `resident` swaps its attendee's resident."""
    _check_fields(fields, APPOINTMENT_FIELDS | {"created_by"})
    organisation = appointment.organisation
    if "created_by" in fields:
        fields["created_by"] = _owned(User, organisation, fields["created_by"], "created_by")
    if "practitioner" in fields:
        fields["practitioner"] = _owned(User, organisation, fields["practitioner"], "practitioner")
    if "division" in fields:
        fields["division"] = _owned(Division, organisation, fields["division"], "division")
    before = audit.snapshot(appointment, fields)
    changed = [name for name, value in fields.items() if getattr(appointment, name) != value]
    if changed:
        _dates_check(fields.get("starts_at", appointment.starts_at),
                     fields.get("duration_minutes", appointment.duration_minutes),
                     {name: fields[name] for name in changed})
    for name in changed:
        setattr(appointment, name, fields[name])
    if changed:
        appointment.full_clean(
            exclude=["organisation", "practitioner", "division", "created_by", "created_by_client"]
        )
        appointment.save()
        _event(appointment, actor, "updated", note=", ".join(sorted(changed)),
               changes=audit.diff(before, appointment))
    if resident is not None:
        _replace_individual_resident(appointment, actor, _owned(Resident, organisation, resident, "resident"))
    return appointment


def _replace_individual_resident(appointment, actor, resident):
    if appointment.kind != AppointmentKind.INDIVIDUAL:
        raise Invalid("Only an individual appointment takes a resident.", field="resident")
    attendee = appointment.attendees.filter(deleted_at__isnull=True).first()
    if attendee is None:
        attendee = Attendee.objects.create(
            organisation=appointment.organisation, appointment=appointment, resident=resident
        )
        _event(appointment, actor, "attendee_added", attendee=attendee)
    elif attendee.resident_id != resident.pk:
        attendee.resident = resident
        attendee.save(update_fields=["resident", "updated_at"])
        _event(appointment, actor, "attendee_changed", attendee=attendee)


@transaction.atomic
def appointment_cancel(*, appointment, actor, reason, note=""):
    """Cancel with a reason code; an individual appointment's attendee is cancelled with it."""
    code = cancellation_reason_check(reason)
    appointment = Appointment.objects.select_for_update().get(pk=appointment.pk)
    if appointment.cancelled_at is not None:
        raise Conflict("The appointment is already cancelled.", field="cancellation_reason")
    now = timezone.now()
    appointment.cancelled_at = now
    appointment.cancellation_reason = code
    appointment.cancellation_note = note or ""
    appointment.save(update_fields=["cancelled_at", "cancellation_reason", "cancellation_note", "updated_at"])
    ids = []
    if appointment.kind == AppointmentKind.INDIVIDUAL:
        attendees = appointment.attendees.filter(deleted_at__isnull=True, cancelled_at__isnull=True)
        ids = list(attendees.values_list("pk", flat=True))
        Attendee.objects.filter(pk__in=ids).update(
            cancelled_at=now, cancellation_reason=code, cancellation_note=note or None, updated_at=now
        )
    cancellations_record(organisation=appointment.organisation, actor=actor,
                         cancellations=[(appointment.pk, ids, code, note)])
    return appointment


@transaction.atomic
def appointment_delete(*, appointment, actor):
    """Soft delete: the appointment and its attendees leave every list but stay restorable."""
    appointment = Appointment.objects.select_for_update().get(pk=appointment.pk)
    if appointment.deleted_at is not None:
        return appointment
    now = timezone.now()
    appointment.deleted_at = now
    appointment.save(update_fields=["deleted_at", "updated_at"])
    ids = list(appointment.attendees.filter(deleted_at__isnull=True).values_list("pk", flat=True))
    Attendee.objects.filter(pk__in=ids).update(deleted_at=now, updated_at=now)
    _audit_attendees(appointment, actor, ids, {"deleted_at": [None, now.isoformat()]})
    _event(appointment, actor, "deleted")
    return appointment


WITHDRAW_NOTE = "Withdrawn by the booking system."


@transaction.atomic
def appointment_withdraw(*, appointment, actor, note=WITHDRAW_NOTE):
    """Take an appointment out of the book as a booking system's delete does: cancel it (reason Other, unless
    already cancelled) so the attendee is told why, then soft delete it so every list drops it."""
    appointment = Appointment.objects.select_for_update().get(pk=appointment.pk)
    if appointment.cancelled_at is None:
        appointment_cancel(appointment=appointment, actor=actor, reason=CancellationReason.OTHER, note=note)
    return appointment_delete(appointment=appointment, actor=actor)


@transaction.atomic
def appointment_restore(*, appointment, actor):
    """Undo a soft delete, with the attendees that were deleted along with it."""
    appointment = Appointment.objects.select_for_update().get(pk=appointment.pk)
    if appointment.deleted_at is None:
        return appointment
    deleted_at = appointment.deleted_at
    appointment.deleted_at = None
    appointment.save(update_fields=["deleted_at", "updated_at"])
    ids = list(appointment.attendees.filter(deleted_at=deleted_at).values_list("pk", flat=True))
    Attendee.objects.filter(pk__in=ids).update(deleted_at=None, updated_at=timezone.now())
    _audit_attendees(appointment, actor, ids, {"deleted_at": [deleted_at.isoformat(), None]})
    _event(appointment, actor, "restored", changes={"deleted_at": [deleted_at.isoformat(), None]})
    return appointment


@transaction.atomic
def attendee_create(*, appointment, actor, resident, **fields):
    """Book a resident onto an appointment: one live attendance per resident, an individual appointment
    holds one, a group holds up to `max_attendees`."""
    _check_fields(fields, ATTENDEE_FIELDS)
    appointment = Appointment.objects.select_for_update().get(pk=appointment.pk)
    resident = _owned(Resident, appointment.organisation, resident, "patient_id")
    if appointment.deleted_at is not None:
        raise Invalid("The appointment is deleted.", field="booking_id")
    if appointment.kind == AppointmentKind.UNAVAILABLE:
        raise Invalid("An unavailable block takes no attendees.", field="booking_id")
    live = appointment.attendees.filter(deleted_at__isnull=True, cancelled_at__isnull=True)
    if live.filter(resident=resident).exists():
        raise Conflict("This patient already attends this appointment.", field="patient_id")
    count = live.count()
    if appointment.kind == AppointmentKind.INDIVIDUAL and count >= 1:
        raise Conflict("An individual appointment has one attendee.", field="booking_id")
    if appointment.max_attendees is not None and count >= appointment.max_attendees:
        raise Conflict("The group appointment is full.", field="booking_id")
    try:
        with transaction.atomic():
            attendee = Attendee.objects.create(
                organisation=appointment.organisation, appointment=appointment, resident=resident, **fields
            )
    except IntegrityError:
        raise Conflict("This patient already attends this appointment.", field="patient_id") from None
    _event(appointment, actor, "attendee_added", attendee=attendee)
    return attendee


@transaction.atomic
def attendee_update(*, attendee, actor, **fields):
    """Change an attendee's arrival, notes, reminder marks and statuses; a deleted one is restored first."""
    _check_fields(fields, ATTENDEE_FIELDS)
    if attendee.deleted_at is not None:
        raise Conflict("The attendee is deleted; restore it before changing it.", field="id")
    before = audit.snapshot(attendee, fields)
    changed = [name for name, value in fields.items() if getattr(attendee, name) != value]
    for name in changed:
        setattr(attendee, name, fields[name])
    if changed:
        attendee.full_clean(exclude=["organisation", "appointment", "resident"])
        attendee.save()
        _event(attendee.appointment, actor, "attendee_updated", note=", ".join(sorted(changed)), attendee=attendee,
               changes=audit.diff(before, attendee))
    return attendee


@transaction.atomic
def attendee_cancel(*, attendee, actor, reason, note=""):
    """Cancel one attendance of a group appointment; an individual one is cancelled with its appointment."""
    code = cancellation_reason_check(reason)
    attendee = Attendee.objects.select_for_update().select_related("appointment").get(pk=attendee.pk)
    if attendee.appointment.kind != AppointmentKind.GROUP:
        raise Conflict(
            "Only attendees of group appointments are cancelled one by one; cancel the individual appointment.",
            field="cancellation_reason",
            code="not_group",
        )
    if attendee.cancelled_at is not None:
        raise Conflict("The attendee is already cancelled.", field="cancellation_reason")
    if attendee.deleted_at is not None:
        raise NotFound("Unknown attendee.", field="id")
    attendee.cancelled_at = timezone.now()
    attendee.cancellation_reason = code
    attendee.cancellation_note = note or None
    attendee.save(update_fields=["cancelled_at", "cancellation_reason", "cancellation_note", "updated_at"])
    _event(attendee.appointment, actor, "attendee_cancelled", note=f"{code} {note}".strip(), attendee=attendee)
    return attendee


@transaction.atomic
def attendee_delete(*, attendee, actor):
    """Soft delete an attendee: it moves to the deleted list and can be restored."""
    if attendee.deleted_at is None:
        attendee.deleted_at = timezone.now()
        attendee.save(update_fields=["deleted_at", "updated_at"])
        _event(attendee.appointment, actor, "attendee_deleted", attendee=attendee)
    return attendee


@transaction.atomic
def attendee_restore(*, attendee, actor):
    """Undo an attendee's soft delete, unless another live attendance of the resident took its place."""
    if attendee.deleted_at is None:
        return attendee
    attendee.deleted_at = None
    try:
        with transaction.atomic():
            attendee.save(update_fields=["deleted_at", "updated_at"])
    except IntegrityError:
        raise Conflict("The resident already attends this appointment again.", field="patient_id") from None
    _event(attendee.appointment, actor, "attendee_restored", attendee=attendee)
    return attendee

