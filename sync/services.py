"""The appointment sync engine: a batch of appointments pushed by a partner system, matched, upserted in bulk
and recorded as a SyncRun with one SyncItemResult per item.

The batch format is the JSON of appointment sync: per item `id` (the sender's id), `<system>Id` (healthdesk's
own id, named after the system the sender believes it talks to), `patientId`, `date`, `duration`, `cancelled`,
`blocked`, `locationId`, `calendarId`, `typeId`, `summary`, `details`. The endpoint and the import command both
call `appointments_sync`, so a file import behaves exactly like a pushed batch.

Bulk by construction: per chunk of items a fixed number of reads (existing appointments by sender id and by own
id, patients by identifier, attendees) and bulk writes, never a query per item. Concurrency-safe by the schema's
unique constraints plus upserts, never check-then-insert: two identical batches at once leave no duplicates.
"""

import time
from dataclasses import dataclass, field
from datetime import datetime

from django.db import connection, transaction
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime

from directory import audit
from directory.models import Resident, ResidentIdentifier
from healthdesk import bulk, dates
from healthdesk.exceptions import Invalid
from healthdesk.numbers import is_ascii_digits
from scheduling import services as scheduling_services
from scheduling.choices import AppointmentKind, CancellationReason
from scheduling.models import Appointment, AppointmentEvent, Attendee
from sync.choices import ItemOutcome
from sync.models import SyncItemResult, SyncRun

# Items per chunk: each chunk costs a fixed number of statements. PostgreSQL takes a chunk's rows as one JSON
# parameter, so its chunks are bigger; SQLite's IN lists stay within its 999 parameters.
CHUNK_SIZE = 2000
SQLITE_CHUNK_SIZE = 500
DEFAULT_DURATION_MINUTES = 30
MAX_DURATION_MINUTES = 366 * 24 * 60
REF_MAX_LENGTH = 255
MAX_OWN_ID = 2**63 - 1
TEXT_FIELDS = {"locationId": "location_ref", "calendarId": "calendar_ref", "typeId": "type_ref", "summary": "summary"}
SYNCED_FIELDS = [
    "kind", "starts_at", "duration_minutes", "location_ref", "calendar_ref", "type_ref", "summary", "details",
    "blocked", "cancelled_at", "cancellation_reason", "cancellation_note", "source_system", "source_id",
]
CANCELLATION_FIELDS = {"cancelled_at", "cancellation_reason", "cancellation_note"}


@dataclass
class ItemStatus:
    """One item's outcome, in batch order; `external_id` is the sender's id exactly as it was sent."""

    position: int
    external_id: object
    outcome: str
    message: str
    appointment_id: int | None = None

    @property
    def success(self):
        return self.outcome != ItemOutcome.FAILED


@dataclass
class SyncReport:
    """What a sync did: the recorded run and each item's status, in the order received."""

    run: SyncRun
    statuses: list[ItemStatus]


@dataclass
class _Item:
    """One item parsed into healthdesk's terms; None means "not supplied" (kept on update, default on insert)."""

    position: int
    raw_id: object
    source_id: str
    own_id: int | None
    patient_ref: str | None
    fields: dict
    cancelled: bool | None
    blocked: bool | None


@dataclass
class _Context:
    organisation: object
    actor: object
    system: str
    dry_run: bool
    now: datetime
    own_id_key: str
    seen_source_ids: dict = field(default_factory=dict)
    claimed: dict = field(default_factory=dict)


# Parsing ---------------------------------------------------------------------------------------------------
def _text(raw, key, max_length=None):
    value = raw.get(key)
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, (str, int)):
        raise Invalid(f"{key}: must be a string.", field=key)
    value = str(value).strip()
    if "\x00" in value:
        # PostgreSQL text cannot hold NUL, and no partner field has a use for one.
        raise Invalid(f"{key}: must not contain NUL characters.", field=key)
    if not value.isascii() and _unencodable(value):
        # JSON may escape a lone surrogate (\ud800); no database stores one.
        raise Invalid(f"{key}: must be valid Unicode text.", field=key)
    if max_length and len(value) > max_length:
        raise Invalid(f"{key}: at most {max_length} characters.", field=key)
    return value


def _unencodable(value):
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        return True
    return False


def _boolean(raw, key):
    value = raw.get(key)
    if value is None or isinstance(value, bool):
        return value
    if isinstance(value, str) and value.strip().lower() in {"true", "false"}:
        return value.strip().lower() == "true"
    raise Invalid(f"{key}: must be true or false.", field=key)


def _integer(raw, key):
    value = raw.get(key)
    if value is None or value == "":
        return None
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if is_ascii_digits(value.strip() if isinstance(value, str) else None):
        value = int(value.strip())
    if isinstance(value, bool) or not isinstance(value, int):
        raise Invalid(f"{key}: must be a whole number.", field=key)
    return value


def _starts_at(raw, key, zone):
    value = raw.get(key)
    if value is None:
        return None
    moment = None
    if isinstance(value, str):
        text = value.strip()
        try:
            moment = parse_datetime(text)
            if moment is None and (day := parse_date(text)) is not None:
                moment = datetime.combine(day, datetime.min.time())
        except ValueError:
            moment = None
    if moment is None:
        raise Invalid(f"{key}: must be a date (2015-12-30) or a date-time (2015-12-30T09:30:00).", field=key)
    # A date, or a date-time without offset, is wall-clock time in the organisation's zone.
    return timezone.make_aware(moment, zone) if timezone.is_naive(moment) else moment


def _parse(raw, position, context, zone):
    if not isinstance(raw, dict):
        raise Invalid("item: must be an object.", field="item")
    source_id = _text(raw, "id", REF_MAX_LENGTH)
    if not source_id:
        raise Invalid("id: is required.", field="id")
    own_id = _integer(raw, context.own_id_key) or None  # 0 is a client's unset integer, not an id
    if own_id is not None and not 0 < own_id <= MAX_OWN_ID:
        raise Invalid(f"{context.own_id_key}: must be a positive whole number.", field=context.own_id_key)
    fields = {}
    starts_at = _starts_at(raw, "date", zone)
    if starts_at is not None:
        fields["starts_at"] = starts_at
    duration = _integer(raw, "duration")
    if duration is not None:
        if not 0 <= duration <= MAX_DURATION_MINUTES:
            raise Invalid(f"duration: must be between 0 and {MAX_DURATION_MINUTES} minutes.", field="duration")
        fields["duration_minutes"] = duration
    for key, name in TEXT_FIELDS.items():
        value = _text(raw, key, REF_MAX_LENGTH)
        if value is not None:
            fields[name] = value
    details = _text(raw, "details")
    if details is not None:
        fields["details"] = details
    return _Item(
        position=position, raw_id=raw.get("id"), source_id=source_id, own_id=own_id,
        patient_ref=_text(raw, "patientId", REF_MAX_LENGTH) or None, fields=fields,
        cancelled=_boolean(raw, "cancelled"), blocked=_boolean(raw, "blocked"),
    )


# Planning --------------------------------------------------------------------------------------------------
@dataclass
class _Plan:
    """What the chunk will write; built from the prefetched rows without touching the database."""

    new: list = field(default_factory=list)  # (item, Appointment)
    changed: list = field(default_factory=list)  # (item, Appointment, changed field names)
    unchanged: list = field(default_factory=list)  # (item, Appointment)
    attendees_new: list = field(default_factory=list)  # (Appointment, patient ref, cancelled)
    attendees_changed: list = field(default_factory=list)  # (Attendee, patient ref or None)
    attendees_deleted: list = field(default_factory=list)
    attendees_cancelled: list = field(default_factory=list)  # Attendees cancelled with their appointment


class _Row:
    """A row as the column values the plan reads and changes, as attributes: what a model instance would give,
    without building one per item. `pk` is None for a row not written yet."""

    __slots__ = ("values", "pk")

    def __init__(self, values, pk=None):
        object.__setattr__(self, "values", values)
        object.__setattr__(self, "pk", pk)

    def __getattr__(self, name):
        try:
            return self.values[name]
        except KeyError:
            raise AttributeError(name) from None

    def __setattr__(self, name, value):
        if name == "pk":
            object.__setattr__(self, name, value)
        else:
            self.values[name] = value


def _rows(queryset, columns):
    """The queryset's rows as `_Row`s of `columns` (the primary key first)."""
    return [_Row(dict(zip(columns, values, strict=True)), values[0]) for values in queryset.values_list(*columns)]


# Columns the plan reads of stored rows; a changed row is read in full only when it is written.
APPOINTMENT_COLUMNS = ["id", *SYNCED_FIELDS]
ATTENDEE_COLUMNS = ["id", "appointment_id", "resident_id", "cancelled_at", "cancellation_reason", "cancellation_note",
                    "deleted_at"]
# The model's own defaults of the synced columns, which a new appointment starts from.
_NEW_DEFAULTS = {
    "kind": AppointmentKind.INDIVIDUAL, "duration_minutes": DEFAULT_DURATION_MINUTES, "blocked": False,
    "cancelled_at": None, "cancellation_reason": None, "cancellation_note": "",
}


def _cancellation(context, appointment, cancelled):
    """The cancellation columns after the item: a sync cancels with reason Other and undoes it on un-cancel."""
    if cancelled is None or cancelled == (appointment.cancelled_at is not None):
        return {}
    if cancelled:
        return {
            "cancelled_at": context.now,
            "cancellation_reason": CancellationReason.OTHER,
            "cancellation_note": f"Cancelled in {context.system}.",
        }
    return {"cancelled_at": None, "cancellation_reason": None, "cancellation_note": ""}


def _target(context, item, appointment):
    values = dict(item.fields)
    if item.blocked is not None:
        values["blocked"] = item.blocked
        values["kind"] = AppointmentKind.UNAVAILABLE if item.blocked else AppointmentKind.INDIVIDUAL
    values.update(_cancellation(context, appointment, item.cancelled))
    values["source_system"] = context.system
    values["source_id"] = item.source_id
    return values


def _plan_attendees(plan, item, appointment, attendees, resident_ids):
    """Keep an individual appointment's single attendee in step: its resident and its cancellation."""
    live = [a for a in attendees if a.deleted_at is None]
    if appointment.kind == AppointmentKind.UNAVAILABLE:
        plan.attendees_deleted.extend(live)
        return bool(live)
    cancelled = appointment.cancelled_at is not None
    current = live[0] if live else None
    wanted = resident_ids.get(item.patient_ref) if item.patient_ref else None
    if current is None:
        if item.patient_ref:
            plan.attendees_new.append((appointment, item.patient_ref, cancelled))
            return True
        return False
    new_resident = bool(item.patient_ref) and current.resident_id != wanted
    recancelled = (current.cancelled_at is not None) != cancelled
    if recancelled:
        current.cancelled_at = appointment.cancelled_at
        current.cancellation_reason = appointment.cancellation_reason
        current.cancellation_note = appointment.cancellation_note or None
        if cancelled:
            plan.attendees_cancelled.append(current)
    if new_resident or recancelled:
        plan.attendees_changed.append((current, item.patient_ref if new_resident else None))
    return new_resident or recancelled


# The domain's field names as this sync's item keys, for messages that name what the vendor sent.
_ITEM_KEYS = {"starts_at": "date", "duration_minutes": "duration"}


def _dates_error(appointment):
    """Why the planned start or end lies outside the range every list can read back, or None."""
    try:
        dates.span_check(appointment.starts_at, appointment.duration_minutes)
    except Invalid as error:
        key = _ITEM_KEYS[error.field]
        return f"{key}: {error.message.split(': ', 1)[-1]}"
    return None


def _plan(context, items, by_source, by_own, attendees_of, resident_ids, fail):
    plan = _Plan()
    for item in items:
        appointment = by_source.get(item.source_id)
        if appointment is None and item.own_id is not None:
            appointment = by_own.get(item.own_id)
        if appointment is not None and appointment.kind == AppointmentKind.GROUP:
            fail(item, f"{context.own_id_key}: appointment {appointment.pk} is a group appointment; "
                       "only individual appointments and blocks are synced.")
            continue
        if appointment is not None and appointment.pk in context.claimed:
            fail(item, f"{context.own_id_key}: the same appointment as item {context.claimed[appointment.pk]} "
                       "of this batch.")
            continue
        if appointment is None:
            if "starts_at" not in item.fields:
                fail(item, "date: is required for a new appointment.")
                continue
            appointment = _Row(dict(_NEW_DEFAULTS))
            appointment.values.update(_target(context, item, appointment))
            if (error := _dates_error(appointment)) is not None:
                fail(item, error)
                continue
            appointment.values["original_starts_at"] = appointment.starts_at
            plan.new.append((item, appointment))
            _plan_attendees(plan, item, appointment, [], resident_ids)
            continue
        target = _target(context, item, appointment)
        if (error := _dates_error(_Row({**appointment.values, **target}))) is not None:
            fail(item, error)
            continue
        context.claimed[appointment.pk] = item.position
        changed = [name for name, value in target.items() if getattr(appointment, name) != value]
        for name in changed:
            setattr(appointment, name, target[name])
        attendees_changed = _plan_attendees(plan, item, appointment, attendees_of.get(appointment.pk, []),
                                            resident_ids)
        if changed or attendees_changed:
            plan.changed.append((item, appointment, changed))
        else:
            plan.unchanged.append((item, appointment))
    return plan


# Reads -----------------------------------------------------------------------------------------------------
def _prefetch(context, items, lock=False):
    organisation = context.organisation
    source_ids = [item.source_id for item in items]
    matched = Appointment.objects.filter(
        organisation=organisation, source_system=context.system, source_id__in=source_ids
    )
    if lock:
        # Rows a concurrent batch has just inserted: locked (in key order) so that what this batch reports as
        # their change is exactly what it writes over.
        matched = matched.select_for_update().order_by("source_id")
    by_source = {a.source_id: a for a in _rows(matched, APPOINTMENT_COLUMNS)}
    own_ids = [item.own_id for item in items if item.own_id is not None and item.source_id not in by_source]
    by_own = (
        {a.pk: a for a in _rows(Appointment.objects.filter(organisation=organisation, pk__in=own_ids),
                                APPOINTMENT_COLUMNS)} if own_ids else {}
    )
    patient_refs = {item.patient_ref for item in items if item.patient_ref}
    resident_ids = dict(
        ResidentIdentifier.objects.filter(
            organisation=organisation, system=context.system, value__in=patient_refs
        ).values_list("value", "resident_id")
    ) if patient_refs else {}
    appointment_ids = [a.pk for a in (*by_source.values(), *by_own.values())]
    attendees_of = {}
    if appointment_ids:
        for attendee in _rows(Attendee.objects.filter(
            appointment_id__in=appointment_ids, deleted_at__isnull=True
        ).order_by("id"), ATTENDEE_COLUMNS):
            attendees_of.setdefault(attendee.appointment_id, []).append(attendee)
    return by_source, by_own, attendees_of, resident_ids


# Writes ----------------------------------------------------------------------------------------------------
def _create_residents(context, refs):
    """Residents for patient ids seen for the first time; a concurrent batch creating the same patient wins
    or loses on the identifier's unique constraint, and the loser's spare resident is removed."""
    refs = sorted(refs)
    # RETURNING lists the rows in the order of VALUES (what bulk_create relies on as well).
    residents = [pk for (pk,) in bulk.insert(
        Resident, [{"notes": f"Created by appointment sync for {context.system} patient {ref}."} for ref in refs],
        defaults={"organisation": context.organisation, "created_by": context.actor.user,
                  "created_via": context.actor.channel},
        returning=["id"],
    )]
    bulk.insert(
        ResidentIdentifier, [{"resident_id": resident, "value": ref} for ref, resident in zip(refs, residents,
                                                                                             strict=True)],
        defaults={"organisation": context.organisation, "system": context.system}, ignore_conflicts=True,
    )
    resident_ids = dict(
        ResidentIdentifier.objects.filter(
            organisation=context.organisation, system=context.system, value__in=refs
        ).values_list("value", "resident_id")
    )
    spare = [pk for ref, pk in zip(refs, residents, strict=True) if resident_ids.get(ref) != pk]
    if spare:
        Resident.objects.filter(pk__in=spare).delete()
    audit.record_many(
        actor=context.actor, organisation=context.organisation, action=audit.CREATE, model=Resident,
        changes_by_id={pk: {"identifier": [context.system, ref]}
                       for ref, pk in zip(refs, residents, strict=True) if pk not in spare},
    )
    return resident_ids


def _update_rows(model, rows, fields, now):
    """Write `fields` of the planned rows (and `updated_at`), as one upsert on the primary key per statement.

    The upsert writes whole rows, so the changed rows are read in full first; `bulk_update` builds a CASE per
    field and row, which took minutes for 10 000 rows. The rows exist, so only `fields` change.
    """
    stored = model.objects.in_bulk([row.pk for row in rows])
    for row in rows:
        instance = stored.get(row.pk)
        if instance is None:
            continue  # deleted outright since the plan read it: nothing to update, and never re-created
        for name in fields:
            setattr(instance, name, row.values[name])
        instance.updated_at = now
    bulk.update_instances(model, list(stored.values()), [*fields, "updated_at"])


def _write(context, plan, resident_ids):
    """Bulk writes in key order, so that two batches touching the same rows take their locks in the same order."""
    now = context.now
    new = sorted(plan.new, key=lambda pair: pair[1].source_id)
    lost = []
    if new:
        # ON CONFLICT DO NOTHING: a sender id a concurrent batch inserted first (PostgreSQL waits for its commit)
        # is not this batch's creation. RETURNING names exactly the rows this statement inserted; the others are
        # handed back to be planned again as updates of the stored row, so that one batch only says "created".
        returned = bulk.insert(
            Appointment, [appointment.values for _, appointment in new],
            defaults={"organisation": context.organisation, "created_by": context.actor.user,
                      "created_by_client": context.actor.client},
            unique_fields=["organisation", "source_system", "source_id"], ignore_conflicts=True,
            returning=["id", "source_id"],
        )
        ids = {source_id: pk for pk, source_id in returned}
        won = []
        for item, appointment in new:
            appointment.pk = ids.get(appointment.source_id)
            (won if appointment.pk is not None else lost).append((item, appointment))
        new = won
        if lost:
            plan.new = [pair for pair in plan.new if pair[1].pk is not None]
            plan.attendees_new = [booking for booking in plan.attendees_new if booking[0].pk is not None]
    if plan.changed:
        _update_rows(Appointment, [appointment for _, appointment, _ in plan.changed], SYNCED_FIELDS, now)
    if plan.attendees_new:
        # ignore_conflicts: the live-attendee constraint absorbs a concurrent batch booking the same resident.
        bulk.insert(Attendee, [
            {
                "appointment_id": appointment.pk, "resident_id": resident_ids[ref],
                "cancelled_at": appointment.cancelled_at if cancelled else None,
                "cancellation_reason": appointment.cancellation_reason if cancelled else None,
                "cancellation_note": appointment.cancellation_note if cancelled else None,
            }
            for appointment, ref, cancelled in sorted(plan.attendees_new, key=lambda new: new[0].pk)
        ], defaults={"organisation": context.organisation}, ignore_conflicts=True)
    if plan.attendees_changed:
        for attendee, ref in plan.attendees_changed:
            if ref is not None:
                attendee.resident_id = resident_ids[ref]
        _update_rows(
            Attendee, [attendee for attendee, _ in plan.attendees_changed],
            ["resident_id", "cancelled_at", "cancellation_reason", "cancellation_note"], now,
        )
    if plan.attendees_deleted:
        Attendee.objects.filter(pk__in=[a.pk for a in plan.attendees_deleted]).update(deleted_at=now, updated_at=now)
    created_note = f"synced from {context.system}"
    updates, cancellations = _updates_and_cancellations(plan)
    events = [
        {"appointment_id": appointment.pk, "kind": "created", "note": created_note} for _, appointment in new
    ] + [
        {"appointment_id": appointment.pk, "kind": "updated", "note": ", ".join(fields) or "attendee"}
        for appointment, fields in updates
    ]
    bulk.insert(AppointmentEvent, events, defaults=context.actor.as_fields())
    _audit(context, new, plan, updates)
    # A cancellation is recorded by scheduling's own rule, exactly as when staff or a partner cancel.
    scheduling_services.cancellations_record(organisation=context.organisation, actor=context.actor,
                                             cancellations=cancellations)
    return [item for item, _ in lost]


def _updates_and_cancellations(plan):
    """The changed appointments as (appointment, fields changed other than by a cancellation) where there is
    more to record than a cancellation, and the cancellations as `cancellations_record` takes them."""
    cancelled_attendees = {id(attendee) for attendee in plan.attendees_cancelled}
    attendees_of = {}
    for attendee in plan.attendees_cancelled:
        attendees_of.setdefault(attendee.appointment_id, []).append(attendee.pk)
    other_attendee_change = {attendee.appointment_id for attendee, ref in plan.attendees_changed
                             if ref is not None or id(attendee) not in cancelled_attendees}
    updates, cancellations = [], []
    for _, appointment, changed in plan.changed:
        fields = set(changed) - {"source_system"}
        if "cancelled_at" in changed and appointment.cancelled_at is not None:
            fields -= CANCELLATION_FIELDS
            cancellations.append((appointment.pk, attendees_of.get(appointment.pk, []),
                                  appointment.cancellation_reason, appointment.cancellation_note))
        if fields or appointment.pk in other_attendee_change:
            updates.append((appointment, sorted(fields)))
    return updates, cancellations


def _audit(context, new, plan, updates):
    """Audit rows for a chunk's bulk writes, one INSERT per kind of change (sync is how most rows arrive)."""
    def many(action, model, changes_by_id):
        if changes_by_id:
            audit.record_many(actor=context.actor, organisation=context.organisation, action=action, model=model,
                              changes_by_id=changes_by_id)

    many(audit.CREATE, Appointment, {
        a.pk: {"source_id": a.source_id, "starts_at": a.starts_at.isoformat()} for _, a in new
    })
    many(audit.UPDATE, Appointment, {a.pk: {"fields": fields} for a, fields in updates})
    if plan.attendees_new:
        # ignore_conflicts inserts return no ids: read back the live attendees of those appointments.
        booked = Attendee.objects.filter(
            appointment_id__in=[a.pk for a, _, _ in plan.attendees_new], deleted_at__isnull=True
        ).values_list("pk", "appointment_id", "resident_id")
        many(audit.CREATE, Attendee, {pk: {"appointment": apt, "resident": res} for pk, apt, res in booked})
    # An attendee cancelled with its appointment is audited with the cancellation; any other change here.
    cancelled = {id(a) for a in plan.attendees_cancelled}
    many(audit.UPDATE, Attendee, {a.pk: {"resident": a.resident_id} for a, ref in plan.attendees_changed
                                  if ref is not None or id(a) not in cancelled})
    many(audit.DELETE, Attendee, {a.pk: {"deleted_at": context.now.isoformat()} for a in plan.attendees_deleted})


def _sync_chunk(context, raws, offset, statuses):
    zone = context.organisation.zone
    items = []

    def fail(item, message):
        statuses[item.position] = ItemStatus(item.position, item.raw_id, ItemOutcome.FAILED, message)

    for position, raw in enumerate(raws, start=offset):
        try:
            item = _parse(raw, position, context, zone)
        except Invalid as error:
            raw_id = raw.get("id") if isinstance(raw, dict) else None
            statuses[position] = ItemStatus(position, raw_id, ItemOutcome.FAILED, error.message)
            continue
        first = context.seen_source_ids.setdefault(item.source_id, position)
        if first != position:
            fail(item, f"id: the same id as item {first} of this batch.")
            continue
        items.append(item)
    if not items:
        return
    lock = False
    while items:
        items = _sync_items(context, items, statuses, fail, lock=lock)
        # Items whose creation a concurrent batch won are planned once more against the row it committed.
        lock = True


def _sync_items(context, items, statuses, fail, *, lock):
    """Plan, write and report `items`; return those whose new appointment a concurrent batch inserted first."""
    by_source, by_own, attendees_of, resident_ids = _prefetch(context, items, lock=lock)
    plan = _plan(context, items, by_source, by_own, attendees_of, resident_ids, fail)
    lost = []
    if not context.dry_run:
        # Patients seen for the first time get their resident only now, once the plan knows they are booked.
        needed = {ref for _, ref, _ in plan.attendees_new} | {ref for _, ref in plan.attendees_changed if ref}
        missing = needed - resident_ids.keys()
        if missing:
            resident_ids.update(_create_residents(context, missing))
        lost = _write(context, plan, resident_ids)
    for item, appointment in plan.new:
        statuses[item.position] = ItemStatus(item.position, item.raw_id, ItemOutcome.CREATED, "created",
                                             appointment.pk)
    for item, appointment, _ in plan.changed:
        statuses[item.position] = ItemStatus(item.position, item.raw_id, ItemOutcome.UPDATED, "updated",
                                             appointment.pk)
    for item, appointment in plan.unchanged:
        statuses[item.position] = ItemStatus(item.position, item.raw_id, ItemOutcome.UNCHANGED, "unchanged",
                                             appointment.pk)
    return lost


def appointments_sync(*, organisation, actor, system, items, dry_run=False, progress=None):
    """Match each item by the sender's id, then by healthdesk's own id, and create or update it in bulk.

    A bad item fails alone, naming its field, and writes nothing; the same batch twice answers `unchanged`.
    With `dry_run` nothing but the run record is written. `progress(n)` is told after each chunk of n items.
    """
    started_at = timezone.now()
    clock = time.monotonic()
    items = list(items)
    context = _Context(
        organisation=organisation, actor=actor, system=system, dry_run=dry_run, now=started_at,
        own_id_key=f"{system}Id",
    )
    statuses: list[ItemStatus | None] = [None] * len(items)
    with transaction.atomic():
        # The run is recorded first so that each chunk writes its own item results: every statement is per chunk.
        run = SyncRun.objects.create(
            organisation=organisation, client=actor.client, user=actor.user, channel=actor.channel or system,
            dry_run=dry_run, started_at=started_at, received=len(items),
        )
        size = CHUNK_SIZE if connection.vendor == "postgresql" else min(CHUNK_SIZE, SQLITE_CHUNK_SIZE)
        for offset in range(0, len(items), size):
            chunk = items[offset:offset + size]
            _sync_chunk(context, chunk, offset, statuses)
            _record_results(run, statuses[offset:offset + len(chunk)], dry_run=dry_run)
            if progress is not None:
                progress(len(chunk))
        counts = {outcome: 0 for outcome in ItemOutcome.values}
        for status in statuses:
            counts[status.outcome] += 1
        for outcome, count in counts.items():
            setattr(run, outcome, count)
        run.duration_ms = int((time.monotonic() - clock) * 1000)
        run.save(update_fields=[*ItemOutcome.values, "duration_ms"])
    return SyncReport(run=run, statuses=statuses)


def _record_results(run, statuses, *, dry_run):
    """One SyncItemResult per status, in one statement per chunk (a dry run links no appointment)."""
    bulk.insert(SyncItemResult, [
        {
            "position": status.position, "external_id": _external_id(status.external_id),
            "outcome": status.outcome, "message": status.message,
            "appointment_id": None if dry_run else status.appointment_id,
        }
        for status in statuses
    ], defaults={"run": run})


def _external_id(value):
    # A refused item's id is recorded as sent, less any NUL or lone surrogate, which no database text holds.
    text = "" if value is None else str(value).replace("\x00", "")[:REF_MAX_LENGTH]
    return text.encode("utf-8", "replace").decode("utf-8")
