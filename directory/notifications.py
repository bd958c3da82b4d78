"""Residents' contacts, and the outbox every notification goes through.

A delivery is queued once per occasion (its unique `key`), sent by a task after the writing transaction commits,
claimed by one worker at a time with a conditional UPDATE, and on failure kept with its error and a back-off
time for another attempt. Only a successful send sets the subject's mark.
"""

import logging
from datetime import timedelta

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.mail import EmailMessage
from django.db import IntegrityError, models, transaction
from django.db.models import F
from django.utils import timezone

from directory.choices import ContactKind, DeliveryChannel, DeliveryStatus
from directory.models import Contact, Delivery, Resident
from healthdesk import sms
from healthdesk.exceptions import Conflict, Invalid

logger = logging.getLogger(__name__)

CONTACT_FIELDS = {"kind", "name", "relation", "email", "phone"}
RETRYABLE = (DeliveryStatus.PENDING, DeliveryStatus.FAILED)


# Contacts --------------------------------------------------------------------------------------------------
def _check_contact(fields):
    unknown = sorted(set(fields) - CONTACT_FIELDS)
    if unknown:
        raise Invalid(f"Contact has no field {unknown[0]!r}.", field=unknown[0])
    if "kind" in fields and fields["kind"] not in ContactKind.values:
        raise Invalid(f"Unknown contact kind {fields['kind']!r}.", field="kind")


def _touch_resident(resident_id, actor):
    # Contacts are the resident's personal data: the resident row records who changed them last.
    Resident.objects.filter(pk=resident_id).update(updated_by=actor.user, updated_at=timezone.now())


@transaction.atomic
def contact_create(*, resident, actor, **fields):
    """Add a family, healthcare professional or primary contact to a resident."""
    _check_contact(fields)
    contact = Contact(organisation_id=resident.organisation_id, resident=resident, **fields)
    contact.full_clean(exclude=["organisation", "resident"])
    contact.save()
    _touch_resident(resident.pk, actor)
    return contact


@transaction.atomic
def contact_update(*, contact, actor, **fields):
    """Change a contact's kind, name, relation, email or phone."""
    _check_contact(fields)
    for name, value in fields.items():
        setattr(contact, name, value)
    contact.full_clean(exclude=["organisation", "resident"])
    contact.save()
    _touch_resident(contact.resident_id, actor)
    return contact


@transaction.atomic
def contact_delete(*, contact, actor):
    """Remove a contact; deliveries already made to it keep their record."""
    resident_id = contact.resident_id
    contact.delete()
    _touch_resident(resident_id, actor)


# Deliveries ------------------------------------------------------------------------------------------------
def delivery_queue(
    *, organisation, purpose, channel, recipient, subject, key, body, title="", contact=None, user=None,
    occasion=None, mark_field="",
):
    """Record a message to send and schedule its sending after commit; None when `key` was queued before."""
    if channel not in DeliveryChannel.values:
        raise Invalid(f"Unknown channel {channel!r}.", field="channel")
    if not recipient:
        raise Invalid("A recipient is required.", field="recipient")
    try:
        with transaction.atomic():
            delivery = Delivery.objects.create(
                organisation=organisation, purpose=purpose, channel=channel, recipient=recipient,
                subject_type=ContentType.objects.get_for_model(subject), subject_id=subject.pk, key=key,
                title=title[:255], body=body, contact=contact, user=user, occasion=occasion, mark_field=mark_field,
                next_attempt_at=timezone.now(),
            )
    except IntegrityError:
        # Another run (a second cron, a retried request) queued this occasion first: it is theirs to send.
        return None
    # robust: a queue that cannot be reached must not fail the committed request; retry_deliveries finds it.
    transaction.on_commit(lambda: delivery_enqueue(delivery_id=delivery.pk), robust=True)
    return delivery


def delivery_enqueue(*, delivery_id, run_after=None):
    """Hand a delivery to the task backend (immediate in development, the database queue in production)."""
    from directory.tasks import deliver

    task = deliver.using(run_after=run_after) if run_after is not None else deliver
    return task.enqueue(delivery_id)


def delivery_backoff(attempts):
    """How long to wait after the `attempts`-th failure: 1, 2, 4, 8, … times the base, at most a day."""
    seconds = settings.HEALTHDESK_DELIVERY_RETRY_BASE_SECONDS * 2 ** max(attempts - 1, 0)
    return timedelta(seconds=min(seconds, 24 * 3600))


def _send(delivery):
    if delivery.channel == DeliveryChannel.EMAIL:
        EmailMessage(subject=delivery.title, body=delivery.body, to=[delivery.recipient]).send()
    else:
        sms.send_sms(to=delivery.recipient, body=delivery.body)


def _mark(delivery, sent_at):
    """Set the subject's mark: a boolean flag only while still unset, a time to the latest send."""
    if not delivery.mark_field:
        return
    model = delivery.subject_type.model_class()
    field = model._meta.get_field(delivery.mark_field)
    rows = model.objects.filter(pk=delivery.subject_id)
    changes = {"updated_at": sent_at} if any(f.name == "updated_at" for f in model._meta.concrete_fields) else {}
    if isinstance(field, models.BooleanField):
        rows.filter(**{field.name: False}).update(**{field.name: True}, **changes)
    else:
        rows.update(**{field.name: sent_at}, **changes)


def delivery_attempt(*, delivery_id, now=None):
    """Send a due delivery once; None when it is not due or another worker holds it.

    The claim is a conditional UPDATE (pending/failed and due → sending) that only one caller can win, on
    SQLite and PostgreSQL alike, so concurrent workers and commands never send the same message twice.
    """
    now = now or timezone.now()
    claimed = Delivery.objects.filter(pk=delivery_id, status__in=RETRYABLE, next_attempt_at__lte=now).update(
        status=DeliveryStatus.SENDING, claimed_at=now, attempts=F("attempts") + 1, updated_at=now,
    )
    if claimed != 1:
        return None
    delivery = Delivery.objects.select_related("subject_type").get(pk=delivery_id)
    try:
        _send(delivery)
    except Exception as exc:  # any failure of a mail server or gateway is recorded and retried, never lost
        return _record_failure(delivery, exc)
    sent_at = timezone.now()
    with transaction.atomic():
        Delivery.objects.filter(pk=delivery.pk).update(
            status=DeliveryStatus.SENT, sent_at=sent_at, next_attempt_at=None, claimed_at=None, last_error="",
            updated_at=sent_at,
        )
        _mark(delivery, sent_at)
    delivery.refresh_from_db()
    return delivery


def _record_failure(delivery, exc):
    now = timezone.now()
    gives_up = delivery.attempts >= settings.HEALTHDESK_DELIVERY_MAX_ATTEMPTS
    next_attempt_at = None if gives_up else now + delivery_backoff(delivery.attempts)
    error = f"{type(exc).__name__}: {exc}"[:2000]
    Delivery.objects.filter(pk=delivery.pk).update(
        status=DeliveryStatus.FAILED, last_error=error, next_attempt_at=next_attempt_at, claimed_at=None,
        updated_at=now,
    )
    logger.warning("Delivery %s failed (attempt %s%s): %s", delivery.pk, delivery.attempts,
                   ", giving up" if gives_up else "", error)
    delivery.refresh_from_db()
    return delivery


def delivery_due_ids(*, now=None, limit=1000):
    """Deliveries to (re)try now, after releasing claims left by workers that died mid-send."""
    now = now or timezone.now()
    stale = now - timedelta(seconds=settings.HEALTHDESK_DELIVERY_CLAIM_TIMEOUT_SECONDS)
    Delivery.objects.filter(status=DeliveryStatus.SENDING, claimed_at__lt=stale).update(
        status=DeliveryStatus.FAILED, claimed_at=None, next_attempt_at=now, updated_at=now,
        last_error="Interrupted while sending; tried again.",
    )
    return list(
        Delivery.objects.filter(status__in=RETRYABLE, next_attempt_at__lte=now)
        .order_by("next_attempt_at", "id").values_list("pk", flat=True)[:limit]
    )


@transaction.atomic
def delivery_retry_now(*, delivery, actor):
    """Staff ask for a failed delivery (even one given up on) to be tried again at once."""
    if delivery.status != DeliveryStatus.FAILED:
        raise Conflict("Only a failed delivery can be retried.", field="status")
    now = timezone.now()
    Delivery.objects.filter(pk=delivery.pk, status=DeliveryStatus.FAILED).update(next_attempt_at=now, updated_at=now)
    logger.info("Delivery %s retried by %s", delivery.pk, actor.label)
    transaction.on_commit(lambda: delivery_enqueue(delivery_id=delivery.pk), robust=True)
    return delivery
