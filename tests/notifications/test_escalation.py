"""escalate_overdue: the assignee, or the organisation's admins when unassigned, hear once per ticket and due time."""

from datetime import timedelta
from io import StringIO

import pytest
from django.core import mail
from django.core.management import call_command
from django.utils import timezone

from directory.actors import Actor
from tests.factories import TicketFactory, UserFactory
from tickets import services

pytestmark = pytest.mark.django_db


def escalate(capture):
    out = StringIO()
    with capture(execute=True):
        call_command("escalate_overdue", stdout=out)
    return out.getvalue()


def overdue(tenant, **fields):
    return TicketFactory(organisation=tenant.organisation, resident=tenant.resident,
                         due_at=timezone.now() - timedelta(minutes=5), **fields)


def test_assignee_hears_once_per_due_time(tenant, django_capture_on_commit_callbacks):
    ticket = overdue(tenant, assignee=tenant.staff, title="Hearing aid lost")
    assert "1 overdue ticket(s) escalated." in escalate(django_capture_on_commit_callbacks)
    assert "0 overdue ticket(s) escalated." in escalate(django_capture_on_commit_callbacks)
    [email] = mail.outbox
    assert email.to == [tenant.staff.email]
    assert f"#{ticket.pk}" in email.subject and "You are its assignee." in email.body
    local_due = ticket.due_at.astimezone(tenant.organisation.zone)
    assert local_due.strftime("%H:%M") in email.body


def test_unassigned_goes_to_the_organisations_admins(tenant, other_tenant, django_capture_on_commit_callbacks):
    admin = UserFactory(organisation=tenant.organisation, roles=["admin"], email="boss@example.com")
    UserFactory(organisation=tenant.organisation, roles=["admin"], email="gone@example.com", is_active=False)
    UserFactory(organisation=other_tenant.organisation, roles=["admin"], email="theirs@example.com")
    overdue(tenant)
    escalate(django_capture_on_commit_callbacks)
    assert [m.to for m in mail.outbox] == [[admin.email]]


def test_nobody_to_tell_is_reported(tenant, django_capture_on_commit_callbacks):
    overdue(tenant)
    out = escalate(django_capture_on_commit_callbacks)
    assert "0 overdue ticket(s) escalated." in out and "1 overdue ticket(s) have no assignee" in out
    assert mail.outbox == []


def test_a_new_due_time_is_escalated_again(tenant, django_capture_on_commit_callbacks):
    ticket = overdue(tenant, assignee=tenant.staff)
    escalate(django_capture_on_commit_callbacks)
    services.ticket_close(ticket=ticket, actor=Actor.system())
    services.ticket_reopen(ticket=ticket, actor=Actor.system())  # restarts the due time
    ticket.refresh_from_db()
    ticket.due_at = timezone.now() - timedelta(minutes=1)
    ticket.save(update_fields=["due_at"])
    escalate(django_capture_on_commit_callbacks)
    assert len(mail.outbox) == 2


def test_closed_and_not_yet_due_tickets_are_left_alone(tenant, django_capture_on_commit_callbacks):
    overdue(tenant, assignee=tenant.staff, status="closed")
    TicketFactory(organisation=tenant.organisation, resident=tenant.resident, assignee=tenant.staff)
    escalate(django_capture_on_commit_callbacks)
    assert mail.outbox == []
