"""send_reminders: each live attendee of an upcoming live appointment is reminded once, by email and/or SMS."""

import threading
from datetime import timedelta
from io import StringIO

import pytest
from django.core import mail
from django.core.management import call_command
from django.db import connection
from django.utils import timezone

from directory.models import Delivery
from healthdesk import sms
from scheduling.models import Attendee
from tests.factories import AppointmentFactory, AttendeeFactory, ResidentFactory


def attendee(tenant, *, hours=3, email="pat@example.com", phone="+31611111111", **appointment):
    resident = ResidentFactory(organisation=tenant.organisation, email=email, phone_number=phone)
    visit = AppointmentFactory(organisation=tenant.organisation, starts_at=timezone.now() + timedelta(hours=hours),
                               **appointment)
    return AttendeeFactory(organisation=tenant.organisation, appointment=visit, resident=resident)


def send_reminders(*args):
    out = StringIO()
    call_command("send_reminders", *args, stdout=out)
    return out.getvalue()


@pytest.mark.django_db
def test_twice_sends_each_reminder_once_and_sets_the_flags(tenant, django_capture_on_commit_callbacks):
    both = attendee(tenant)
    email_only = attendee(tenant, phone="")
    with django_capture_on_commit_callbacks(execute=True):
        first = send_reminders()
    with django_capture_on_commit_callbacks(execute=True):
        second = send_reminders()

    assert sorted(m.to[0] for m in mail.outbox) == ["pat@example.com", "pat@example.com"]
    assert [m.to for m in sms.outbox] == ["+31611111111"]
    both.refresh_from_db()
    email_only.refresh_from_db()
    assert (both.email_reminder_sent, both.sms_reminder_sent) == (True, True)
    assert (email_only.email_reminder_sent, email_only.sms_reminder_sent) == (True, False)
    # Inside the test's transaction the sends run when it "commits", after the command has printed.
    assert "2 attendee(s) owed a reminder within 24 h: 2 email and 1 SMS queued" in first
    assert "0 attendee(s)" in second and "nothing to send" in second


@pytest.mark.django_db
def test_reminder_text_is_in_the_organisations_zone(tenant, django_capture_on_commit_callbacks):
    row = attendee(tenant, hours=5)
    with django_capture_on_commit_callbacks(execute=True):
        send_reminders()
    local = row.appointment.starts_at.astimezone(tenant.organisation.zone)
    [email] = mail.outbox
    assert local.strftime("%H:%M") in email.body and "Europe/Amsterdam" in email.body
    assert local.strftime("%H:%M") in sms.outbox[0].body
    assert row.resident.last_name not in email.body + sms.outbox[0].body


@pytest.mark.django_db
def test_cancelled_deleted_past_and_distant_appointments_get_none(tenant, django_capture_on_commit_callbacks):
    now = timezone.now()
    attendee(tenant, cancelled_at=now)
    attendee(tenant, deleted_at=now)
    attendee(tenant, hours=-1)
    attendee(tenant, hours=30)  # beyond the default 24 hours
    cancelled_attendee = attendee(tenant)
    Attendee.objects.filter(pk=cancelled_attendee.pk).update(cancelled_at=now)
    deleted_attendee = attendee(tenant)
    Attendee.objects.filter(pk=deleted_attendee.pk).update(deleted_at=now)
    attendee(tenant, email="", phone="")  # nobody to reach

    with django_capture_on_commit_callbacks(execute=True):
        out = send_reminders()
    assert (mail.outbox, sms.outbox, Delivery.objects.count()) == ([], [], 0)
    assert "0 attendee(s)" in out
    assert not Attendee.objects.filter(email_reminder_sent=True).exists()


@pytest.mark.django_db
def test_within_widens_the_window(tenant, django_capture_on_commit_callbacks):
    attendee(tenant, hours=30, phone="")
    with django_capture_on_commit_callbacks(execute=True):
        send_reminders("--within", "48")
    assert len(mail.outbox) == 1


@pytest.mark.django_db
def test_a_failing_gateway_leaves_the_flag_unset_and_the_delivery_retried(
    tenant, gateway, django_capture_on_commit_callbacks, client,
):
    row = attendee(tenant)
    gateway.status = 500
    with django_capture_on_commit_callbacks(execute=True):
        out = send_reminders()
    assert "1 email and 1 SMS queued" in out
    row.refresh_from_db()
    assert (row.email_reminder_sent, row.sms_reminder_sent) == (True, False)
    failed = Delivery.objects.get(channel="sms")
    assert (failed.status, failed.attempts, failed.sent_at) == ("failed", 1, None)
    assert "500" in failed.last_error and failed.next_attempt_at > timezone.now()

    # Rerunning the command does not queue a second SMS: the failed one is retried instead.
    with django_capture_on_commit_callbacks(execute=True):
        send_reminders()
    assert Delivery.objects.filter(channel="sms").count() == 1
    assert len(gateway.requests) == 1

    # Not due yet: retry_deliveries leaves it alone; once due it is tried again, fails, and backs off further.
    call_command("retry_deliveries", stdout=StringIO())
    assert len(gateway.requests) == 1
    Delivery.objects.filter(pk=failed.pk).update(next_attempt_at=timezone.now())
    call_command("retry_deliveries", stdout=StringIO())
    failed.refresh_from_db()
    assert (failed.status, failed.attempts, len(gateway.requests)) == ("failed", 2, 2)
    assert failed.next_attempt_at - timezone.now() > timedelta(seconds=90)  # 2 × the 60 s base

    # The gateway recovers: the next due retry sends it and only then sets the flag.
    gateway.status = 200
    Delivery.objects.filter(pk=failed.pk).update(next_attempt_at=timezone.now())
    out = StringIO()
    call_command("retry_deliveries", stdout=out)
    failed.refresh_from_db()
    row.refresh_from_db()
    assert (failed.status, failed.attempts, row.sms_reminder_sent) == ("sent", 3, True)
    assert "1 due deliveries handed to the task queue: 1 sent." in out.getvalue()


@pytest.mark.django_db(transaction=True)
def test_two_concurrent_runs_send_each_reminder_once(tenant):
    if connection.vendor != "postgresql":
        pytest.skip("row locking with SKIP LOCKED needs PostgreSQL")
    rows = [attendee(tenant, email=f"p{i}@example.com", phone=f"+316000000{i:02d}") for i in range(30)]
    start = threading.Barrier(2)
    errors = []

    def run():
        try:
            start.wait()
            send_reminders()
        except Exception as exc:  # surfaced below: a thread's exception is otherwise lost
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=run) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert errors == []
    assert sorted(m.to[0] for m in mail.outbox) == sorted(r.resident.email for r in rows)
    assert sorted(m.to for m in sms.outbox) == sorted(r.resident.phone_number for r in rows)
    assert Delivery.objects.filter(status="sent").count() == 60
    assert Attendee.objects.filter(email_reminder_sent=True, sms_reminder_sent=True).count() == 30


@pytest.mark.django_db
def test_a_run_that_crashed_before_sending_is_finished_once(tenant):
    row = attendee(tenant, phone="")
    # The run's transaction committed its delivery, then the process died before handing it to the queue
    # (outside a captured commit the callbacks never run).
    send_reminders()
    assert (mail.outbox, Delivery.objects.get().status) == ([], "pending")

    send_reminders()  # the next cron run does not queue a second reminder…
    assert Delivery.objects.count() == 1
    call_command("retry_deliveries", stdout=StringIO())  # …and the pending one is sent once
    call_command("retry_deliveries", stdout=StringIO())
    assert [m.to for m in mail.outbox] == [[row.resident.email]]
    row.refresh_from_db()
    assert row.email_reminder_sent is True
