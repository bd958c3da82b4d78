"""The outbox: one claim per send, back-off and giving up, stale claims, and what the admin shows and does."""

from datetime import timedelta

import pytest
from django.contrib.auth.models import Permission
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from directory import notifications
from directory.models import Contact, Delivery
from healthdesk.exceptions import Conflict, Invalid

pytestmark = pytest.mark.django_db


def queue(tenant, key="k1", channel="email", recipient="anna@example.com", mark_field=""):
    return notifications.delivery_queue(
        organisation=tenant.organisation, purpose="ticket_notice", channel=channel, recipient=recipient,
        subject=tenant.resident, key=key, title="Hello", body="Body", mark_field=mark_field,
    )


def test_an_occasion_is_queued_once(tenant):
    assert queue(tenant) is not None
    assert queue(tenant) is None
    assert Delivery.objects.count() == 1


def test_only_one_caller_wins_the_claim(tenant):
    delivery = queue(tenant)
    assert notifications.delivery_attempt(delivery_id=delivery.pk).status == "sent"
    assert notifications.delivery_attempt(delivery_id=delivery.pk) is None
    held = queue(tenant, key="k2")
    Delivery.objects.filter(pk=held.pk).update(status="sending")  # another worker holds it
    assert notifications.delivery_attempt(delivery_id=held.pk) is None
    assert len(mail.outbox) == 1


def test_failures_back_off_exponentially_then_give_up(tenant, settings, closed_port):
    settings.SMS_BACKEND = "healthdesk.sms.HttpGatewayBackend"
    settings.SMS_GATEWAY_URL = f"http://127.0.0.1:{closed_port}/"
    settings.HEALTHDESK_DELIVERY_MAX_ATTEMPTS = 3
    delivery = queue(tenant, channel="sms", recipient="+31600000001")
    waits = []
    for _ in range(3):
        Delivery.objects.filter(pk=delivery.pk).update(next_attempt_at=timezone.now())
        before = timezone.now()
        delivery = notifications.delivery_attempt(delivery_id=delivery.pk)
        waits.append(delivery.next_attempt_at and round((delivery.next_attempt_at - before).total_seconds() / 60))
    assert waits == [1, 2, None]  # 1 min, 2 min, then given up
    assert (delivery.status, delivery.attempts, delivery.sent_at) == ("failed", 3, None)
    assert notifications.delivery_due_ids() == []


def test_a_claim_left_by_a_dead_worker_is_released(tenant):
    delivery = queue(tenant)
    Delivery.objects.filter(pk=delivery.pk).update(
        status="sending", claimed_at=timezone.now() - timedelta(hours=1), attempts=1,
    )
    assert notifications.delivery_due_ids() == [delivery.pk]
    delivery.refresh_from_db()
    assert (delivery.status, delivery.last_error) == ("failed", "Interrupted while sending; tried again.")
    assert notifications.delivery_attempt(delivery_id=delivery.pk).status == "sent"


def test_a_fresh_claim_is_left_alone(tenant):
    delivery = queue(tenant)
    Delivery.objects.filter(pk=delivery.pk).update(status="sending", claimed_at=timezone.now())
    assert notifications.delivery_due_ids() == []


def test_retry_now_only_for_failed(tenant):
    delivery = queue(tenant)
    with pytest.raises(Conflict):
        notifications.delivery_retry_now(delivery=delivery, actor=tenant.actor)


def test_contact_services_check_their_input(tenant):
    with pytest.raises(Invalid) as error:
        notifications.contact_create(resident=tenant.resident, actor=tenant.actor, kind="neighbour", name="X")
    assert error.value.field == "kind"
    with pytest.raises(Invalid) as error:
        notifications.contact_create(resident=tenant.resident, actor=tenant.actor, kind="family", name="X", age=3)
    assert error.value.field == "age"
    contact = notifications.contact_create(resident=tenant.resident, actor=tenant.actor, kind="family", name="X",
                                           email="x@example.com")
    assert contact.organisation == tenant.organisation
    tenant.resident.refresh_from_db()
    assert tenant.resident.updated_by == tenant.staff


@pytest.fixture
def staff_client(client, tenant):
    tenant.staff.user_permissions.set(Permission.objects.all())
    client.force_login(tenant.staff)
    return client


def test_contacts_are_edited_on_the_resident_page(staff_client, tenant):
    url = reverse("admin:directory_resident_change", args=[tenant.resident.pk])
    response = staff_client.get(url)
    assert b"contacts-TOTAL_FORMS" in response.content
    form = response.context["adminform"].form
    data = {name: form.initial.get(name) for name in form.fields}
    data = {k: ("" if v is None else v) for k, v in data.items() if k != "photo" and not isinstance(v, list)}
    data.update({
        "first_name": tenant.resident.first_name, "state": "active", "gender": "male",
        "contacts-TOTAL_FORMS": "1", "contacts-INITIAL_FORMS": "0",
        "contacts-0-kind": "family", "contacts-0-name": "Anna Visser", "contacts-0-relation": "daughter",
        "contacts-0-email": "anna@example.com", "contacts-0-phone": "+31600000001",
        "identifiers-TOTAL_FORMS": "0", "identifiers-INITIAL_FORMS": "0",
    })
    response = staff_client.post(url, data)
    assert response.status_code == 302, response.context["adminform"].form.errors if response.context else ""
    contact = Contact.objects.get()
    assert (contact.organisation, contact.resident, contact.relation) == (
        tenant.organisation, tenant.resident, "daughter")
    assert "Anna Visser" in staff_client.get(url).content.decode()


def test_failed_deliveries_are_visible_and_retryable_in_the_admin(
    staff_client, tenant, other_tenant, django_capture_on_commit_callbacks,
):
    failed = queue(tenant, key="mine")
    Delivery.objects.filter(pk=failed.pk).update(status="failed", attempts=8, last_error="SmsError: down",
                                                 next_attempt_at=None)
    queue(tenant, key="ok", recipient="sent@example.com")
    notifications.delivery_attempt(delivery_id=Delivery.objects.get(key="ok").pk)
    queue(other_tenant, key="theirs", recipient="theirs@example.com")
    Delivery.objects.filter(key="theirs").update(status="failed")

    changelist = reverse("admin:directory_delivery_changelist")
    page = staff_client.get(changelist, {"outcome": "failed"}).content.decode()
    assert "anna@example.com" in page and "SmsError: down" in page
    assert "sent@example.com" not in page and "theirs@example.com" not in page
    assert staff_client.get(reverse("admin:directory_delivery_change", args=[failed.pk])).status_code == 200

    with django_capture_on_commit_callbacks(execute=True):
        staff_client.post(changelist, {"action": "retry_now", "_selected_action": [failed.pk]})
    failed.refresh_from_db()
    assert (failed.status, failed.attempts) == ("sent", 9)


def test_contacts_are_removed_on_the_resident_page(staff_client, tenant):
    contact = notifications.contact_create(resident=tenant.resident, actor=tenant.actor, kind="primary", name="Piet")
    url = reverse("admin:directory_resident_change", args=[tenant.resident.pk])
    form = staff_client.get(url).context["adminform"].form
    data = {name: form.initial.get(name) for name in form.fields}
    data = {k: ("" if v is None else v) for k, v in data.items() if k != "photo" and not isinstance(v, list)}
    data.update({
        "contacts-TOTAL_FORMS": "1", "contacts-INITIAL_FORMS": "1", "contacts-0-id": contact.pk,
        "contacts-0-resident": tenant.resident.pk, "contacts-0-kind": "primary", "contacts-0-name": "Piet",
        "contacts-0-DELETE": "on", "identifiers-TOTAL_FORMS": "0", "identifiers-INITIAL_FORMS": "0",
    })
    response = staff_client.post(url, data)
    assert response.status_code == 302, response.context["adminform"].form.errors if response.context else ""
    assert not Contact.objects.exists()
