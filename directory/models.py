from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.contrib.auth.models import AbstractUser, UserManager
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import F, Q
from django.db.models.functions import Lower
from django.utils import timezone

from directory.choices import (
    ContactKind,
    DeliveryChannel,
    DeliveryPurpose,
    DeliveryStatus,
    Gender,
    ResidentState,
    Role,
)


class Organisation(models.Model):
    """A care provider: the tenant every other row belongs to."""

    name = models.CharField(max_length=200)
    slug = models.SlugField(max_length=100, unique=True, help_text="Updox accountId, support account_id.")
    time_zone = models.CharField(max_length=64, default="UTC", help_text="Dates are rendered in this zone.")
    # Hours from creation to due, per priority (support API's due time and the derived overdue filter).
    due_hours_low = models.PositiveIntegerField(default=72)
    due_hours_medium = models.PositiveIntegerField(default=24)
    due_hours_high = models.PositiveIntegerField(default=8)
    due_hours_urgent = models.PositiveIntegerField(default=4)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name

    @property
    def zone(self):
        return ZoneInfo(self.time_zone)

    def day_bounds(self, now=None):
        """[start, end) of the current day in this organisation's time zone, as aware datetimes."""
        local_day = (now or timezone.now()).astimezone(self.zone).date()
        start = datetime.combine(local_day, time.min, tzinfo=self.zone)
        return start, start + timedelta(days=1)


class User(AbstractUser):
    """A staff member: Webcamconsult user, Connect4 employee, support admin and admin login are one row."""

    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, null=True, blank=True, related_name="users"
    )
    titles = models.CharField(max_length=100, blank=True)
    initials = models.CharField(max_length=20, blank=True)
    address = models.CharField(max_length=200, blank=True)
    postal_code = models.CharField(max_length=20, blank=True)
    city = models.CharField(max_length=100, blank=True)
    phone = models.CharField(max_length=40, blank=True)
    roles = models.JSONField(default=list, blank=True, help_text=f"Any of: {', '.join(Role.values)}.")
    updated_at = models.DateTimeField(auto_now=True)

    objects = UserManager()

    class Meta:
        ordering = ["last_name", "username"]
        constraints = [
            # Case-insensitive, as the service's check is: with a case-sensitive constraint, case variants of one
            # email posted at the same moment both passed the check and both were stored (issue #16).
            models.UniqueConstraint(
                F("organisation"),
                Lower("email"),
                condition=~Q(email=""),
                name="user_email_ci_unique_per_organisation",
            ),
        ]

    def __str__(self):
        return self.get_full_name() or self.username

    @property
    def display_name(self):
        """`Dokter J Akkermans`: titles, initials and last name, as Webcamconsult shows a user."""
        return " ".join(part for part in (self.titles, self.initials, self.last_name) if part)


class Division(models.Model):
    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="divisions")
    name = models.CharField(max_length=200)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name"]
        constraints = [models.UniqueConstraint(fields=["organisation", "name"], name="division_name_unique")]

    def __str__(self):
        return self.name


class ResidentType(models.Model):
    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="resident_types")
    name = models.CharField(max_length=200)

    class Meta:
        ordering = ["name"]
        constraints = [models.UniqueConstraint(fields=["organisation", "name"], name="resident_type_name_unique")]

    def __str__(self):
        return self.name


class Resident(models.Model):
    """The person cared for: Connect4 resident, Webcamconsult client, Cliniko/Updox patient, support user."""

    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="residents")
    first_name = models.CharField(max_length=255, blank=True)
    preferred_first_name = models.CharField(max_length=255, blank=True)
    surname_prefix = models.CharField(max_length=50, blank=True)
    last_name = models.CharField(max_length=255, blank=True)
    titles = models.CharField(max_length=100, blank=True)
    initials = models.CharField(max_length=20, blank=True)
    gender = models.CharField(max_length=10, choices=Gender.choices, blank=True)
    date_of_birth = models.DateField(null=True, blank=True)
    email = models.EmailField(blank=True)
    phone_number = models.CharField(max_length=40, blank=True)
    fax_number = models.CharField(max_length=40, blank=True)
    home_address1 = models.CharField(max_length=255, blank=True)
    home_address2 = models.CharField(max_length=255, blank=True)
    home_city = models.CharField(max_length=100, blank=True)
    home_state = models.CharField(max_length=100, blank=True)
    home_zip = models.CharField(max_length=20, blank=True)
    country = models.CharField(max_length=100, blank=True)
    location = models.CharField(max_length=255, blank=True, help_text="Where in the home, e.g. Apt. 204.")
    state = models.CharField(max_length=20, choices=ResidentState.choices, default=ResidentState.ACTIVE)
    resident_type = models.ForeignKey(ResidentType, on_delete=models.SET_NULL, null=True, blank=True)
    in_home_care = models.BooleanField(default=False)
    demo = models.BooleanField(default=False)
    customer_number = models.CharField(max_length=100, blank=True)
    account_number = models.CharField(max_length=100, blank=True)
    reference_code = models.CharField(max_length=100, blank=True)
    caretracker_id = models.CharField(max_length=100, blank=True)
    external = models.CharField(max_length=255, null=True, blank=True, help_text="Webcamconsult 'external'.")
    notes = models.TextField(blank=True)
    photo = models.FileField(upload_to="residents/photos/", blank=True)
    photo_content_type = models.CharField(max_length=100, blank=True)
    photo_file_size = models.PositiveIntegerField(default=0)
    review_updates = models.BooleanField(null=True, blank=True)
    last_status_update = models.DateTimeField(null=True, blank=True)
    next_status_update = models.DateTimeField(null=True, blank=True)
    divisions = models.ManyToManyField(Division, blank=True, related_name="residents")
    created_by = models.ForeignKey(
        User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    updated_by = models.ForeignKey(
        User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_via = models.CharField(max_length=40, blank=True, help_text="Channel that created the row.")
    archived_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    updated_at = models.DateTimeField(auto_now=True, db_index=True)

    class Meta:
        ordering = ["last_name", "first_name", "id"]
        indexes = [
            models.Index(fields=["organisation", "id"], name="resident_org_id"),
            models.Index(fields=["organisation", "last_name", "first_name"], name="resident_org_name"),
            models.Index(fields=["organisation", "date_of_birth"], name="resident_org_dob"),
            models.Index(fields=["organisation", "reference_code"], name="resident_org_reference"),
            models.Index(fields=["organisation", "customer_number"], name="resident_org_customer"),
        ]

    def __str__(self):
        return self.full_name or f"Resident {self.pk}"

    @property
    def full_name(self):
        return " ".join(p for p in (self.first_name, self.surname_prefix, self.last_name) if p)


class ResidentIdentifier(models.Model):
    """A resident's id in a partner system (e.g. an Updox patientId), unique per organisation and system."""

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="+")
    resident = models.ForeignKey(Resident, on_delete=models.CASCADE, related_name="identifiers")
    system = models.CharField(max_length=40)
    value = models.CharField(max_length=255)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "system", "value"], name="resident_identifier_unique"
            ),
        ]

    def __str__(self):
        return f"{self.system}:{self.value}"


class ApiClient(models.Model):
    """A partner app's credentials: a public key and a secret stored only as a keyed digest.

    One client serves every partner API: Connect4 api_key/api_secret, the single token of Webcamconsult,
    support and Cliniko (the secret), and Updox applicationId/applicationPassword.
    """

    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="api_clients")
    name = models.CharField(max_length=200)
    key = models.CharField(max_length=64, unique=True)
    secret_prefix = models.CharField(max_length=12, db_index=True)
    secret_digest = models.CharField(max_length=64)
    is_vendor = models.BooleanField(default=False, help_text="A vendor may sync for granted organisations.")
    granted_organisations = models.ManyToManyField(
        Organisation, blank=True, related_name="granted_api_clients"
    )
    created_by = models.ForeignKey(User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    revoked_at = models.DateTimeField(null=True, blank=True)
    last_used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return f"{self.name} ({self.key})"

    @property
    def is_active(self):
        return self.revoked_at is None


class AccessToken(models.Model):
    """A Connect4 access token issued to an API client; stored as a digest, expires."""

    client = models.ForeignKey(ApiClient, on_delete=models.CASCADE, related_name="access_tokens")
    token_prefix = models.CharField(max_length=12, db_index=True)
    token_digest = models.CharField(max_length=64)
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()

    def __str__(self):
        return f"{self.token_prefix}… ({self.client.name})"


class AuditEvent(models.Model):
    """Append-only trail of personal-data changes and partner reads: who (staff user or API client, and
    through which channel), when, what, and which fields changed. Written by the domain services in the
    same transaction as the change, so bulk writes and every channel are covered on both databases."""

    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, null=True, related_name="+")
    actor_user = models.ForeignKey(User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    actor_client = models.ForeignKey(ApiClient, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    channel = models.CharField(max_length=40, blank=True)
    action = models.CharField(max_length=10)
    object_type = models.CharField(max_length=60)
    object_id = models.CharField(max_length=64, blank=True)
    changes = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["organisation", "created_at"], name="audit_org_created"),
            models.Index(fields=["object_type", "object_id"], name="audit_object"),
        ]

    def __str__(self):
        return f"{self.action} {self.object_type} {self.object_id}"


class Contact(models.Model):
    """Someone told about a resident's care: family, a healthcare professional, or the primary contact."""

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="+")
    resident = models.ForeignKey(Resident, on_delete=models.CASCADE, related_name="contacts")
    kind = models.CharField(max_length=20, choices=ContactKind.choices)
    name = models.CharField(max_length=200)
    relation = models.CharField(max_length=100, blank=True, help_text="E.g. daughter, general practitioner.")
    email = models.EmailField(blank=True)
    phone = models.CharField(max_length=40, blank=True, help_text="International format, e.g. +31612345678.")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["kind", "name", "id"]
        constraints = [models.CheckConstraint(condition=Q(kind__in=ContactKind.values), name="contact_kind_valid")]
        indexes = [models.Index(fields=["organisation", "resident"], name="contact_org_resident")]

    def __str__(self):
        return f"{self.name} ({self.get_kind_display()})"


class Delivery(models.Model):
    """One message to one recipient by one channel, and what became of it: the outbox and its audit trail.

    `key` names the occasion (ticket event, attendee reminder, ticket + due time) so it is queued at most once;
    `mark_field` is the field of the subject set when it is sent (a ticket's sent mark, an attendee's flag).
    """

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="+")
    channel = models.CharField(max_length=10, choices=DeliveryChannel.choices)
    purpose = models.CharField(max_length=20, choices=DeliveryPurpose.choices)
    recipient = models.CharField(max_length=254, help_text="Email address or phone number.")
    contact = models.ForeignKey(Contact, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    user = models.ForeignKey(User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    subject_type = models.ForeignKey(ContentType, on_delete=models.PROTECT, related_name="+")
    subject_id = models.PositiveBigIntegerField()
    subject = GenericForeignKey("subject_type", "subject_id")
    occasion = models.DateTimeField(null=True, blank=True, help_text="The due time escalated, the start reminded.")
    key = models.CharField(max_length=200, unique=True)
    mark_field = models.CharField(max_length=40, blank=True)
    title = models.CharField(max_length=255, blank=True, help_text="Email subject.")
    body = models.TextField()
    status = models.CharField(max_length=10, choices=DeliveryStatus.choices, default=DeliveryStatus.PENDING)
    attempts = models.PositiveSmallIntegerField(default=0)
    last_error = models.TextField(blank=True)
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    claimed_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name_plural = "deliveries"
        constraints = [
            models.CheckConstraint(condition=Q(channel__in=DeliveryChannel.values), name="delivery_channel_valid"),
            models.CheckConstraint(condition=Q(purpose__in=DeliveryPurpose.values), name="delivery_purpose_valid"),
            models.CheckConstraint(condition=Q(status__in=DeliveryStatus.values), name="delivery_status_valid"),
            # Only a successful delivery carries a sent time.
            models.CheckConstraint(
                condition=Q(status=DeliveryStatus.SENT, sent_at__isnull=False)
                | (~Q(status=DeliveryStatus.SENT) & Q(sent_at__isnull=True)),
                name="delivery_sent_at_only_when_sent",
            ),
        ]
        indexes = [
            models.Index(fields=["status", "next_attempt_at"], name="delivery_due"),
            models.Index(fields=["subject_type", "subject_id", "purpose"], name="delivery_subject"),
            models.Index(fields=["organisation", "created_at"], name="delivery_org_created"),
        ]

    def __str__(self):
        return f"{self.get_purpose_display()} by {self.get_channel_display()} to {self.recipient}"
