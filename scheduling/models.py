from datetime import timedelta

from django.db import models
from django.db.models import Q

from directory.models import ApiClient, Division, Organisation, Resident, User
from scheduling.choices import AppointmentKind, AppointmentState, CancellationReason, InvoiceStatus


class Appointment(models.Model):
    """Who sees whom, when: a Cliniko booking (individual, group or unavailable block), a Webcamconsult
    appointment, an Updox synced appointment."""

    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="appointments")
    kind = models.CharField(max_length=12, choices=AppointmentKind.choices, default=AppointmentKind.INDIVIDUAL)
    practitioner = models.ForeignKey(
        User, on_delete=models.PROTECT, null=True, blank=True, related_name="appointments"
    )
    created_by = models.ForeignKey(User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    created_by_client = models.ForeignKey(
        ApiClient, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    division = models.ForeignKey(Division, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    starts_at = models.DateTimeField()
    original_starts_at = models.DateTimeField(null=True, blank=True)
    duration_minutes = models.PositiveIntegerField(default=30)
    state = models.CharField(max_length=10, choices=AppointmentState.choices, default=AppointmentState.IDLE)
    started_at = models.DateTimeField(null=True, blank=True)
    max_attendees = models.PositiveIntegerField(null=True, blank=True, help_text="Group appointments only.")
    location_ref = models.CharField(max_length=255, blank=True)
    calendar_ref = models.CharField(max_length=255, blank=True)
    type_ref = models.CharField(max_length=255, blank=True)
    summary = models.CharField(max_length=255, blank=True)
    details = models.TextField(blank=True)
    blocked = models.BooleanField(default=False)
    cancelled_at = models.DateTimeField(null=True, blank=True)
    cancellation_reason = models.PositiveSmallIntegerField(
        choices=CancellationReason.choices, null=True, blank=True
    )
    cancellation_note = models.TextField(blank=True)
    deleted_at = models.DateTimeField(null=True, blank=True)
    external_participant_ids = models.JSONField(default=list, blank=True)
    inloop_json = models.JSONField(default=dict, blank=True)
    # The id a partner system gave this appointment (an Updox `id`); `system` names that partner system.
    source_system = models.CharField(max_length=40, null=True, blank=True)
    source_id = models.CharField(max_length=255, null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["starts_at", "id"]
        constraints = [
            # Not partial: PostgreSQL's ON CONFLICT (the sync upsert) needs a plain unique index. NULLs never clash.
            models.UniqueConstraint(
                fields=["organisation", "source_system", "source_id"], name="appointment_source_unique"
            ),
            models.CheckConstraint(
                condition=Q(cancellation_reason__isnull=True)
                | Q(cancellation_reason__in=CancellationReason.values),
                name="appointment_cancellation_reason_valid",
            ),
            models.CheckConstraint(condition=Q(kind__in=AppointmentKind.values), name="appointment_kind_valid"),
        ]
        indexes = [
            models.Index(fields=["organisation", "id"], name="appointment_org_id"),
            models.Index(fields=["organisation", "starts_at"], name="appointment_org_starts"),
            models.Index(fields=["organisation", "practitioner", "starts_at"], name="appointment_org_pract"),
            models.Index(fields=["organisation", "updated_at"], name="appointment_org_updated"),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} {self.starts_at:%Y-%m-%d %H:%M}"

    @property
    def ends_at(self):
        return self.starts_at + timedelta(minutes=self.duration_minutes)

    @property
    def is_cancelled(self):
        return self.cancelled_at is not None

    @property
    def is_deleted(self):
        return self.deleted_at is not None


class Attendee(models.Model):
    """A resident booked onto an appointment, with every field a Cliniko attendee carries."""

    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    appointment = models.ForeignKey(Appointment, on_delete=models.CASCADE, related_name="attendees")
    resident = models.ForeignKey(Resident, on_delete=models.PROTECT, related_name="attendances")
    arrived = models.BooleanField(null=True, blank=True)
    booking_ip_address = models.GenericIPAddressField(null=True, blank=True)
    cancellation_note = models.TextField(null=True, blank=True)
    cancellation_reason = models.PositiveSmallIntegerField(
        choices=CancellationReason.choices, null=True, blank=True
    )
    cancelled_at = models.DateTimeField(null=True, blank=True)
    email_reminder_sent = models.BooleanField(default=False)
    sms_reminder_sent = models.BooleanField(default=False)
    invoice_status = models.PositiveSmallIntegerField(choices=InvoiceStatus.choices, null=True, blank=True)
    notes = models.TextField(null=True, blank=True)
    online_booking_policy_accepted = models.BooleanField(null=True, blank=True)
    treatment_note_status = models.PositiveSmallIntegerField(null=True, blank=True)
    deleted_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["created_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["appointment", "resident"],
                condition=Q(deleted_at__isnull=True, cancelled_at__isnull=True),
                name="attendee_one_live_per_resident",
            ),
            models.CheckConstraint(
                condition=Q(cancellation_reason__isnull=True)
                | Q(cancellation_reason__in=CancellationReason.values),
                name="attendee_cancellation_reason_valid",
            ),
        ]
        indexes = [
            models.Index(fields=["organisation", "created_at", "id"], name="attendee_org_created"),
            models.Index(fields=["organisation", "updated_at", "id"], name="attendee_org_updated"),
            models.Index(fields=["organisation", "resident", "created_at"], name="attendee_org_resident"),
            models.Index(fields=["organisation", "appointment"], name="attendee_org_appointment"),
            # Cliniko's three attendee lists (live, cancelled, deleted) count and page deep into a million rows:
            # partial indexes on exactly their rows let COUNT and the page's id query be index-only scans.
            models.Index(
                fields=["organisation", "created_at", "id"], name="attendee_live_created",
                condition=Q(deleted_at__isnull=True, cancelled_at__isnull=True),
            ),
            models.Index(
                fields=["organisation", "updated_at", "id"], name="attendee_live_updated",
                condition=Q(deleted_at__isnull=True, cancelled_at__isnull=True),
            ),
            models.Index(
                fields=["organisation", "created_at", "id"], name="attendee_cancelled_created",
                condition=Q(deleted_at__isnull=True, cancelled_at__isnull=False),
            ),
            models.Index(
                fields=["organisation", "created_at", "id"], name="attendee_deleted_created",
                condition=Q(deleted_at__isnull=False),
            ),
        ]

    def __str__(self):
        return f"{self.resident} @ {self.appointment}"

    @property
    def is_live(self):
        return self.deleted_at is None and self.cancelled_at is None


class AttendeeCount(models.Model):
    """How many of an organisation's attendees are live, cancelled or deleted: Cliniko's exact `total_entries`
    without counting a million rows on every first page.

    Kept on PostgreSQL by statement-level triggers on the attendee table (migration 0003), so every writer — the
    services, the bulk sync, a raw UPDATE — keeps it in the same transaction as its change. Each connection adds
    to its own shard, so concurrent writers do not queue on one row; the total is the sum of the shards.
    """

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="+")
    state = models.CharField(max_length=10)
    shard = models.PositiveSmallIntegerField()
    n = models.BigIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["organisation", "state", "shard"], name="attendee_count_shard_unique"),
        ]

    def __str__(self):
        return f"{self.state} attendees, shard {self.shard}: {self.n}"


class Invoice(models.Model):
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    attendee = models.ForeignKey(Attendee, on_delete=models.PROTECT, related_name="invoices")
    number = models.PositiveIntegerField()
    status = models.PositiveSmallIntegerField(choices=InvoiceStatus.choices, default=InvoiceStatus.OPEN)
    issue_date = models.DateField()
    total_amount = models.DecimalField(max_digits=12, decimal_places=2, default=0)
    tax_amount = models.DecimalField(max_digits=12, decimal_places=2, default=0)
    notes = models.TextField(blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    deleted_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["issue_date", "id"]
        constraints = [
            models.UniqueConstraint(fields=["organisation", "number"], name="invoice_number_unique"),
        ]

    def __str__(self):
        return f"Invoice {self.number}"


class AppointmentEvent(models.Model):
    """Append-only history of an appointment and its attendees: who, when, through what, what changed."""

    appointment = models.ForeignKey(Appointment, on_delete=models.CASCADE, related_name="events")
    attendee = models.ForeignKey(Attendee, on_delete=models.CASCADE, null=True, blank=True, related_name="events")
    kind = models.CharField(max_length=30)
    note = models.TextField(blank=True)
    actor_user = models.ForeignKey(User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    actor_client = models.ForeignKey(ApiClient, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    channel = models.CharField(max_length=40, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self):
        return f"{self.kind} {self.note}".strip()
