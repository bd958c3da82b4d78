from django.db import models


class TicketStatus(models.TextChoices):
    """The one canonical status set; each partner API maps its own words onto it."""

    NEW = "new", "New"
    IN_PROGRESS = "in_progress", "In progress"
    ON_HOLD = "on_hold", "On hold"
    REOPENED = "reopened", "Reopened"
    CLOSED = "closed", "Closed"


OPEN_STATUSES = (TicketStatus.NEW, TicketStatus.IN_PROGRESS, TicketStatus.ON_HOLD, TicketStatus.REOPENED)


class Priority(models.TextChoices):
    LOW = "low", "Low"
    MEDIUM = "medium", "Medium"
    HIGH = "high", "High"
    URGENT = "urgent", "Urgent"


class DerivedFilter(models.TextChoices):
    """Filters computed from status, assignee and due time, never stored."""

    OPEN = "open", "Open"
    UNRESOLVED = "unresolved", "Unresolved"
    UNASSIGNED = "unassigned", "Unassigned"
    OVERDUE = "overdue", "Overdue"
    DUE_TODAY = "duetoday", "Due today"
    ON_HOLD = "onhold", "On hold"
    CLOSED = "closed", "Closed"


class AssessmentStatus(models.TextChoices):
    ISSUE = "issue", "Issue"
    NO_ISSUE = "no_issue", "No Issue"
    POTENTIAL_ISSUE = "potential_issue", "Potential Issue"


class SenderKind(models.TextChoices):
    ADMIN = "admin", "Admin"
    USER = "user", "User"


class EventKind(models.TextChoices):
    CREATED = "created", "Created"
    UPDATED = "updated", "Updated"
    STATUS_CHANGED = "status_changed", "Status changed"
    ASSIGNED = "assigned", "Assigned"
    MESSAGE_ADDED = "message_added", "Message added"
    ATTACHMENT_ADDED = "attachment_added", "Attachment added"
    CLOSED = "closed", "Closed"
    REOPENED = "reopened", "Reopened"
    RATED = "rated", "Rated"
