"""A flagged ticket's creation and status changes reach the resident's contacts by the flagged channels."""

import pytest
from django.core import mail

from directory.choices import ContactKind, DeliveryStatus
from directory.models import Contact, Delivery
from healthdesk import sms
from tests.factories import ResidentFactory
from tickets import services

pytestmark = pytest.mark.django_db


def create(tenant, capture, **flags):
    with capture(execute=True):
        return services.ticket_create(
            organisation=tenant.organisation, actor=tenant.actor, title="Fell in the bathroom, bruised hip",
            resident=tenant.resident, **flags,
        )


def test_both_flags_notify_every_contact_by_each_channel_and_set_the_marks(
    tenant, contacts, django_capture_on_commit_callbacks,
):
    ticket = create(tenant, django_capture_on_commit_callbacks, notify_email=True, notify_sms=True)

    assert sorted(m.to[0] for m in mail.outbox) == ["daughter@example.com", "gp@example.com"]
    assert sorted(m.to for m in sms.outbox) == ["+31600000001", "+31600000003"]
    deliveries = Delivery.objects.filter(subject_id=ticket.pk, purpose="ticket_notice")
    assert sorted((d.contact.kind, d.channel, d.status) for d in deliveries) == [
        (ContactKind.FAMILY, "email", "sent"), (ContactKind.FAMILY, "sms", "sent"),
        (ContactKind.HEALTHCARE_PRO, "email", "sent"), (ContactKind.PRIMARY, "sms", "sent"),
    ]
    ticket.refresh_from_db()
    assert ticket.sent_to_family_at is not None
    assert ticket.sent_to_healthcare_pro_at is not None
    assert ticket.sent_to_primary_at is not None


def test_sms_flag_alone_sends_only_sms(tenant, contacts, django_capture_on_commit_callbacks):
    ticket = create(tenant, django_capture_on_commit_callbacks, notify_sms=True, notify_email=False)

    assert mail.outbox == []
    assert sorted(m.to for m in sms.outbox) == ["+31600000001", "+31600000003"]
    ticket.refresh_from_db()
    assert ticket.sent_to_healthcare_pro_at is None  # the GP has no phone number
    assert ticket.sent_to_family_at is not None and ticket.sent_to_primary_at is not None


@pytest.mark.parametrize("flags", [{}, {"notify_sms": False, "notify_email": False}])
def test_no_flags_send_nothing(tenant, contacts, django_capture_on_commit_callbacks, flags):
    ticket = create(tenant, django_capture_on_commit_callbacks, **flags)
    with django_capture_on_commit_callbacks(execute=True):
        services.ticket_status_change(ticket=ticket, actor=tenant.actor, status="in_progress")

    assert (mail.outbox, sms.outbox, Delivery.objects.count()) == ([], [], 0)
    ticket.refresh_from_db()
    assert (ticket.sent_to_family_at, ticket.sent_to_healthcare_pro_at, ticket.sent_to_primary_at) == (None,) * 3


def test_each_status_change_is_told_once(tenant, contacts, django_capture_on_commit_callbacks):
    ticket = create(tenant, django_capture_on_commit_callbacks, notify_email=True)
    assert len(mail.outbox) == 2
    with django_capture_on_commit_callbacks(execute=True):
        services.ticket_close(ticket=ticket, actor=tenant.actor)
    assert len(mail.outbox) == 4
    assert 'now "Closed"' in mail.outbox[-1].body
    # From closed straight to in progress is a reopen and a status change in one transaction: one notice.
    with django_capture_on_commit_callbacks(execute=True):
        services.ticket_status_change(ticket=ticket, actor=tenant.actor, status="in_progress")
    assert len(mail.outbox) == 6
    assert 'now "In progress"' in mail.outbox[-1].body
    # Nothing changed: nothing told.
    with django_capture_on_commit_callbacks(execute=True):
        services.ticket_status_change(ticket=ticket, actor=tenant.actor, status="in_progress")
    assert len(mail.outbox) == 6


def test_only_the_tickets_residents_contacts_are_told(
    tenant, other_tenant, contacts, django_capture_on_commit_callbacks,
):
    neighbour = ResidentFactory(organisation=tenant.organisation)
    Contact.objects.create(organisation=tenant.organisation, resident=neighbour, kind="family", name="Other",
                           email="neighbour@example.com")
    Contact.objects.create(organisation=other_tenant.organisation, resident=other_tenant.resident, kind="family",
                           name="Elsewhere", email="elsewhere@example.com")
    create(tenant, django_capture_on_commit_callbacks, notify_email=True)
    assert sorted(m.to[0] for m in mail.outbox) == ["daughter@example.com", "gp@example.com"]


def test_message_is_in_the_organisations_zone_with_little_personal_data(
    tenant, contacts, django_capture_on_commit_callbacks,
):
    ticket = create(tenant, django_capture_on_commit_callbacks, notify_email=True, notify_sms=True)
    created = ticket.events.get(kind="created").created_at.astimezone(tenant.organisation.zone)
    email = next(m for m in mail.outbox if m.to == ["daughter@example.com"])
    texts = [email.subject, email.body, *(m.body for m in sms.outbox)]
    for text in texts:
        assert tenant.resident.first_name in text
        assert tenant.resident.last_name not in text  # no surname
        assert "bruised" not in text  # the ticket's title may describe care: it is not sent
        assert "&#x27;" not in text and "&amp;" not in text  # plain text, not HTML-escaped
    assert created.strftime("%H:%M") in email.body and "Europe/Amsterdam" in email.body
    assert email.body.startswith("Dear Anna Visser,")


def test_a_failed_send_leaves_the_mark_unset(tenant, contacts, settings, closed_port,
                                             django_capture_on_commit_callbacks):
    settings.SMS_BACKEND = "healthdesk.sms.HttpGatewayBackend"
    settings.SMS_GATEWAY_URL = f"http://127.0.0.1:{closed_port}/"
    ticket = create(tenant, django_capture_on_commit_callbacks, notify_sms=True)

    ticket.refresh_from_db()
    assert (ticket.sent_to_family_at, ticket.sent_to_primary_at) == (None, None)
    failed = Delivery.objects.filter(subject_id=ticket.pk)
    assert {(d.status, d.attempts) for d in failed} == {(DeliveryStatus.FAILED, 1)}
    assert all("unreachable" in d.last_error and d.next_attempt_at is not None for d in failed)
