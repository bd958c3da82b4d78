from django.db import models


class Gender(models.TextChoices):
    MALE = "male", "Male"
    FEMALE = "female", "Female"
    OTHER = "other", "Other"


class ResidentState(models.TextChoices):
    ACTIVE = "active", "Active"
    INACTIVE = "inactive", "Inactive"
    DISCHARGED = "discharged", "Discharged"
    DECEASED = "deceased", "Deceased"


class Role(models.TextChoices):
    CONSULTANT = "consultant", "Consultant"
    ADMIN = "admin", "Organisation admin"
    FRONT_DESK = "front_desk", "Front desk"
    CLINICIAN = "clinician", "Clinician"


class ContactKind(models.TextChoices):
    """Who a contact is to the resident; each kind has its own sent mark on a ticket."""

    FAMILY = "family", "Family"
    HEALTHCARE_PRO = "healthcare_pro", "Healthcare professional"
    PRIMARY = "primary", "Primary contact"


class DeliveryChannel(models.TextChoices):
    EMAIL = "email", "Email"
    SMS = "sms", "SMS"


class DeliveryPurpose(models.TextChoices):
    TICKET_NOTICE = "ticket_notice", "Ticket notice"
    REMINDER = "reminder", "Appointment reminder"
    ESCALATION = "escalation", "Overdue escalation"


class DeliveryStatus(models.TextChoices):
    """`sending` is a claim held while one worker talks to the email server or SMS gateway."""

    PENDING = "pending", "Pending"
    SENDING = "sending", "Sending"
    SENT = "sent", "Sent"
    FAILED = "failed", "Failed"
