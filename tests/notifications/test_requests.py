"""No request does network I/O for notifications: with the production (database) task backend a request only
queues; the worker sends later, and a gateway that is down shows up as a failed, retried delivery."""

import time

import pytest
from django.contrib.auth.models import Permission
from django.core.management import call_command
from django.urls import reverse
from django_tasks_db.models import DBTaskResult

from directory.models import Delivery
from healthdesk import sms
from tickets.models import Ticket

DATABASE_TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


def add_ticket_in_the_admin(client, tenant):
    tenant.staff.user_permissions.set(Permission.objects.all())
    client.force_login(tenant.staff)
    url = reverse("admin:tickets_ticket_add")
    form = client.get(url).context["adminform"].form
    data = {name: form.initial.get(name) or "" for name in form.fields}
    data.update({
        "title": "Needs a new walker", "resident": tenant.resident.pk, "priority": "medium", "status": "new",
        "notify_sms": "true", "notify_email": "unknown",
        "messages-TOTAL_FORMS": "0", "messages-INITIAL_FORMS": "0",
        "assessments-TOTAL_FORMS": "0", "assessments-INITIAL_FORMS": "0",
        "attachments-TOTAL_FORMS": "0", "attachments-INITIAL_FORMS": "0",
        "events-TOTAL_FORMS": "0", "events-INITIAL_FORMS": "0",
    })
    started = time.monotonic()
    response = client.post(url, {k: v for k, v in data.items() if v is not None})
    elapsed = time.monotonic() - started
    assert response.status_code == 302, response.context["adminform"].form.errors if response.context else ""
    return Ticket.objects.get(title="Needs a new walker"), elapsed


@pytest.mark.django_db(transaction=True)
def test_a_request_only_queues_and_the_worker_records_the_gateway_failure(client, tenant, contacts, closed_port,
                                                                          settings):
    settings.TASKS = DATABASE_TASKS
    settings.SMS_BACKEND = "healthdesk.sms.HttpGatewayBackend"
    settings.SMS_GATEWAY_URL = f"http://127.0.0.1:{closed_port}/messages"
    ticket, elapsed = add_ticket_in_the_admin(client, tenant)

    assert elapsed < 2
    deliveries = Delivery.objects.filter(subject_id=ticket.pk, purpose="ticket_notice")
    assert sorted(d.recipient for d in deliveries) == ["+31600000001", "+31600000003"]
    assert {(d.status, d.attempts) for d in deliveries} == {("pending", 0)}
    assert DBTaskResult.objects.filter(status="READY").count() == 2

    call_command("db_worker", "--batch", "--no-startup-delay")

    ticket.refresh_from_db()
    assert (ticket.sent_to_family_at, ticket.sent_to_primary_at) == (None, None)
    assert {(d.status, d.attempts) for d in deliveries.all()} == {("failed", 1)}
    assert sms.outbox == []
    # The database backend can defer: each failure re-queued itself for its back-off time.
    retries = DBTaskResult.objects.filter(status="READY")
    assert retries.count() == 2
    assert {r.run_after for r in retries} == {d.next_attempt_at for d in deliveries.all()}


@pytest.mark.django_db(transaction=True)
def test_the_worker_sends_what_a_request_queued(client, tenant, contacts, settings):
    settings.TASKS = DATABASE_TASKS
    ticket, _ = add_ticket_in_the_admin(client, tenant)
    assert sms.outbox == []
    call_command("db_worker", "--batch", "--no-startup-delay")
    assert sorted(m.to for m in sms.outbox) == ["+31600000001", "+31600000003"]
    ticket.refresh_from_db()
    assert ticket.sent_to_family_at is not None and ticket.sent_to_primary_at is not None


@pytest.mark.django_db(transaction=True)
def test_a_hung_gateway_does_not_slow_a_request(client, tenant, contacts, silent_port, settings):
    # Sent in the request, each of the two SMS would wait out the 5 s gateway timeout.
    settings.TASKS = DATABASE_TASKS
    settings.SMS_BACKEND = "healthdesk.sms.HttpGatewayBackend"
    settings.SMS_GATEWAY_URL = f"http://127.0.0.1:{silent_port}/messages"
    settings.SMS_GATEWAY_TIMEOUT = 5
    ticket, elapsed = add_ticket_in_the_admin(client, tenant)
    assert elapsed < 2
    assert set(Delivery.objects.filter(subject_id=ticket.pk).values_list("status", flat=True)) == {"pending"}
