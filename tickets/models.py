from django.db import models
from django.db.models import Q

from directory.models import ApiClient, Organisation, Resident, User
from tickets.choices import AssessmentStatus, EventKind, Priority, SenderKind, TicketStatus


class Category(models.Model):
    """A provider's care category (Connect4 "provider categories"), assessed on each ticket."""

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="categories")
    name = models.CharField(max_length=200)

    class Meta:
        ordering = ["name"]
        verbose_name_plural = "categories"
        constraints = [models.UniqueConstraint(fields=["organisation", "name"], name="category_name_unique")]

    def __str__(self):
        return self.name


class Urgency(models.Model):
    """A provider's urgency status (Connect4 `urgency_status`): a per-organisation list like categories."""

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="urgencies")
    name = models.CharField(max_length=100)

    class Meta:
        ordering = ["id"]
        verbose_name_plural = "urgencies"
        constraints = [models.UniqueConstraint(fields=["organisation", "name"], name="urgency_name_unique")]

    def __str__(self):
        return self.name


class Ticket(models.Model):
    """A care issue or support request; one row whichever partner API, staff member or command touches it."""

    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="tickets")
    title = models.CharField(max_length=255)
    ticket_type = models.CharField(max_length=100, blank=True)
    group_name = models.CharField(max_length=100, blank=True)
    priority = models.CharField(max_length=10, choices=Priority.choices, default=Priority.MEDIUM)
    urgency = models.ForeignKey(Urgency, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    status = models.CharField(max_length=20, choices=TicketStatus.choices, default=TicketStatus.NEW)
    resident = models.ForeignKey(Resident, on_delete=models.PROTECT, related_name="tickets")
    created_by = models.ForeignKey(User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    created_by_client = models.ForeignKey(
        ApiClient, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    assignee = models.ForeignKey(
        User, on_delete=models.SET_NULL, null=True, blank=True, related_name="assigned_tickets"
    )
    due_at = models.DateTimeField(null=True, blank=True)
    start_date = models.DateTimeField(null=True, blank=True)
    end_date = models.DateTimeField(null=True, blank=True)
    state = models.BooleanField(default=False, help_text="Connect4 'state' flag.")
    notify_sms = models.BooleanField(null=True, blank=True)
    notify_email = models.BooleanField(null=True, blank=True)
    sent_to_family_at = models.DateTimeField(null=True, blank=True)
    sent_to_healthcare_pro_at = models.DateTimeField(null=True, blank=True)
    sent_to_primary_at = models.DateTimeField(null=True, blank=True)
    resolution_type = models.CharField(max_length=100, blank=True)
    resolution_subject = models.CharField(max_length=255, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    rating = models.PositiveSmallIntegerField(null=True, blank=True)
    rated_at = models.DateTimeField(null=True, blank=True)
    idempotency_key = models.CharField(max_length=100, null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(rating__isnull=True) | Q(rating__gte=1, rating__lte=5), name="ticket_rating_1_to_5"
            ),
            models.CheckConstraint(
                condition=Q(status__in=TicketStatus.values), name="ticket_status_valid"
            ),
            models.CheckConstraint(condition=Q(priority__in=Priority.values), name="ticket_priority_valid"),
            models.UniqueConstraint(
                fields=["organisation", "idempotency_key"], name="ticket_idempotency_key_unique"
            ),
        ]
        indexes = [
            models.Index(fields=["organisation", "id"], name="ticket_org_id"),
            models.Index(fields=["organisation", "status", "due_at"], name="ticket_org_status_due"),
            # The list order (newest first, id breaking ties), for one organisation and across all of them.
            models.Index(fields=["organisation", "-created_at", "-id"], name="ticket_org_created"),
            models.Index(fields=["-created_at", "-id"], name="ticket_created"),
            models.Index(fields=["organisation", "updated_at"], name="ticket_org_updated"),
            models.Index(fields=["organisation", "assignee", "status"], name="ticket_org_assignee"),
            models.Index(fields=["organisation", "resident", "created_at"], name="ticket_org_resident"),
        ]

    def __str__(self):
        return f"#{self.pk} {self.title}"

    @property
    def is_closed(self):
        return self.status == TicketStatus.CLOSED


class CategoryAssessment(models.Model):
    """A ticket's verdict on one category: Issue, No Issue or Potential Issue."""

    ticket = models.ForeignKey(Ticket, on_delete=models.CASCADE, related_name="assessments")
    category = models.ForeignKey(Category, on_delete=models.PROTECT, related_name="assessments")
    status = models.CharField(max_length=20, choices=AssessmentStatus.choices)

    class Meta:
        ordering = ["category_id"]
        constraints = [
            models.UniqueConstraint(fields=["ticket", "category"], name="assessment_unique_per_ticket"),
            models.CheckConstraint(
                condition=Q(status__in=AssessmentStatus.values), name="assessment_status_valid"
            ),
        ]

    def __str__(self):
        return f"{self.category}: {self.get_status_display()}"


class Message(models.Model):
    """One entry of a ticket's conversation: general or category comment, support message, staff note."""

    ticket = models.ForeignKey(Ticket, on_delete=models.CASCADE, related_name="messages")
    body = models.TextField()
    category = models.ForeignKey(Category, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    sender_kind = models.CharField(max_length=10, choices=SenderKind.choices, default=SenderKind.ADMIN)
    sender_name = models.CharField(max_length=200, blank=True)
    visible_to_requester = models.BooleanField(default=True)
    author = models.ForeignKey(User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    author_client = models.ForeignKey(ApiClient, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]
        indexes = [models.Index(fields=["ticket", "created_at"], name="message_ticket_created")]

    def __str__(self):
        return self.body[:60]


class Attachment(models.Model):
    ticket = models.ForeignKey(Ticket, on_delete=models.CASCADE, related_name="attachments")
    file = models.FileField(upload_to="tickets/%Y/%m/")
    name = models.CharField(max_length=255)
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField()
    uploaded_by = models.ForeignKey(User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    uploaded_by_client = models.ForeignKey(
        ApiClient, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["id"]

    def __str__(self):
        return self.name


class TicketEvent(models.Model):
    """Append-only history of a ticket: who (user or API client), when, through what channel, what changed."""

    ticket = models.ForeignKey(Ticket, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(max_length=20, choices=EventKind.choices)
    from_value = models.CharField(max_length=255, blank=True)
    to_value = models.CharField(max_length=255, blank=True)
    note = models.TextField(blank=True)
    actor_user = models.ForeignKey(User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    actor_client = models.ForeignKey(ApiClient, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    channel = models.CharField(max_length=40, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]
        indexes = [models.Index(fields=["ticket", "created_at"], name="event_ticket_created")]

    def __str__(self):
        return f"{self.get_kind_display()} {self.from_value} → {self.to_value}".strip()
