from django.db import models


class AppointmentKind(models.TextChoices):
    INDIVIDUAL = "individual", "Individual appointment"
    GROUP = "group", "Group appointment"
    UNAVAILABLE = "unavailable", "Unavailable block"


class AppointmentState(models.TextChoices):
    """Webcamconsult's call state; `idle` until the consult starts."""

    IDLE = "idle", "Idle"
    STARTED = "started", "Started"
    FINISHED = "finished", "Finished"


class CancellationReason(models.IntegerChoices):
    FEELING_BETTER = 10, "Feeling Better"
    CONDITION_WORSE = 20, "Condition Worse"
    SICK = 30, "Sick"
    COVID_19 = 31, "COVID-19 related"
    AWAY = 40, "Away"
    OTHER = 50, "Other"
    WORK = 60, "Work"


class InvoiceStatus(models.IntegerChoices):
    OPEN = 10, "Open"
    PAID = 20, "Paid"
    CLOSED = 30, "Closed"
    OPEN_CREDIT = 40, "Open credit"


class TreatmentNoteStatus(models.IntegerChoices):
    DRAFT = 10, "Draft"
    FINAL = 90, "Final"
