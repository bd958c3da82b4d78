"""Appointment reminders: one email and/or SMS per live attendee of an upcoming appointment.

Safe from cron every few minutes, two runs at once, or a rerun after a crash: rows are locked with SKIP LOCKED
on PostgreSQL, each reminder is queued at most once (its delivery's unique key), a delivery is claimed by one
sender only (directory.notifications), and the Cliniko flag is set by a conditional UPDATE after a successful send.
"""

from datetime import timedelta

from django.contrib.contenttypes.models import ContentType
from django.db import connection, transaction
from django.db.models import Exists, OuterRef, Q
from django.template.loader import render_to_string
from django.utils import timezone

from directory import notifications
from directory.choices import DeliveryChannel, DeliveryPurpose
from directory.models import Delivery
from scheduling.choices import AppointmentKind
from scheduling.models import Attendee

REMINDER_FLAGS = {DeliveryChannel.EMAIL: "email_reminder_sent", DeliveryChannel.SMS: "sms_reminder_sent"}


def _due(*, now, within_hours):
    attendee_type = ContentType.objects.get_for_model(Attendee)

    def queued(channel):
        return Exists(Delivery.objects.filter(
            purpose=DeliveryPurpose.REMINDER, subject_type=attendee_type, subject_id=OuterRef("pk"), channel=channel,
        ))

    wants_email = Q(email_reminder_sent=False, email_queued=False) & ~Q(resident__email="")
    wants_sms = Q(sms_reminder_sent=False, sms_queued=False) & ~Q(resident__phone_number="")
    return (
        Attendee.objects.filter(
            deleted_at__isnull=True, cancelled_at__isnull=True,
            appointment__cancelled_at__isnull=True, appointment__deleted_at__isnull=True,
            appointment__starts_at__gt=now, appointment__starts_at__lte=now + timedelta(hours=within_hours),
        )
        .exclude(appointment__kind=AppointmentKind.UNAVAILABLE)
        .annotate(email_queued=queued(DeliveryChannel.EMAIL), sms_queued=queued(DeliveryChannel.SMS))
        .filter(wants_email | wants_sms)
    )


def reminder_due_ids(*, within_hours, now=None):
    """Attendees still owed a reminder: live, on a live appointment starting within the next `within_hours`."""
    now = now or timezone.now()
    return list(_due(now=now, within_hours=within_hours).order_by("appointment__starts_at", "pk")
                .values_list("pk", flat=True))


def _render(organisation, template, context):
    with timezone.override(organisation.zone):
        return render_to_string(template, {"organisation": organisation, **context}).strip()


@transaction.atomic
def reminders_queue(*, attendee_ids, within_hours, now=None):
    """Queue the reminders still owed to these attendees; returns the deliveries queued by this call.

    Rows another run holds are skipped (PostgreSQL) and rows it already queued fail the re-checked filter, so
    running twice at once queues each reminder once.
    """
    now = now or timezone.now()
    rows = _due(now=now, within_hours=within_hours).filter(pk__in=attendee_ids).select_related(
        "organisation", "resident", "appointment",
    )
    if connection.features.has_select_for_update_skip_locked:
        rows = rows.select_for_update(skip_locked=True, of=("self",))
    queued = []
    for attendee in rows:
        resident, appointment = attendee.resident, attendee.appointment
        context = {"first_name": resident.preferred_first_name or resident.first_name,
                   "starts_at": appointment.starts_at, "duration": appointment.duration_minutes}
        owed_email = not (attendee.email_reminder_sent or attendee.email_queued)
        owed_sms = not (attendee.sms_reminder_sent or attendee.sms_queued)
        wanted = {
            DeliveryChannel.EMAIL: resident.email if owed_email else "",
            DeliveryChannel.SMS: resident.phone_number if owed_sms else "",
        }
        for channel, address in wanted.items():
            if not address:
                continue
            delivery = notifications.delivery_queue(
                organisation=attendee.organisation, purpose=DeliveryPurpose.REMINDER, channel=channel,
                recipient=address, subject=attendee, occasion=appointment.starts_at,
                key=f"reminder:{attendee.pk}:{channel}", mark_field=REMINDER_FLAGS[channel],
                title=_render(attendee.organisation, "scheduling/notifications/reminder_subject.txt", context),
                body=_render(attendee.organisation, f"scheduling/notifications/reminder_{channel}.txt", context),
            )
            if delivery is not None:
                queued.append(delivery)
    return queued
