"""Staff see times in their organisation's zone, not the server's UTC."""

from datetime import UTC, datetime

import pytest
from django.contrib.auth.models import Permission

from tests.factories import AppointmentFactory, TicketFactory

pytestmark = pytest.mark.django_db

RAISED = datetime(2026, 12, 3, 17, 53, tzinfo=UTC)  # 18:53 in Amsterdam (CET, UTC+1)


@pytest.fixture
def staff_client(client, tenant):
    assert tenant.organisation.time_zone == "Europe/Amsterdam"
    tenant.staff.user_permissions.set(Permission.objects.all())
    client.force_login(tenant.staff)
    return client


def test_ticket_list_and_page_show_the_organisations_local_time(staff_client, tenant):
    ticket = TicketFactory(organisation=tenant.organisation, resident=tenant.resident)
    type(ticket).objects.filter(pk=ticket.pk).update(created_at=RAISED, due_at=RAISED)
    listing = staff_client.get("/admin/tickets/ticket/").content.decode()
    assert "6:53 p.m." in listing and "5:53 p.m." not in listing
    assert "2026-12-03 18:53" in listing  # the due column
    page = staff_client.get(f"/admin/tickets/ticket/{ticket.pk}/change/").content.decode()
    assert "6:53 p.m." in page and "5:53 p.m." not in page


def test_ticket_csv_export_is_in_local_time_with_its_offset(staff_client, tenant):
    ticket = TicketFactory(organisation=tenant.organisation, resident=tenant.resident)
    type(ticket).objects.filter(pk=ticket.pk).update(created_at=RAISED, due_at=RAISED)
    answer = staff_client.post(
        "/admin/tickets/ticket/", {"action": "export_csv", "_selected_action": [ticket.pk]}
    )
    rows = answer.content.decode().splitlines()
    assert rows[1].endswith("2026-12-03T18:53+01:00,2026-12-03T18:53+01:00")


def test_appointments_show_local_time(staff_client, tenant):
    AppointmentFactory(organisation=tenant.organisation, practitioner=tenant.staff, starts_at=RAISED)
    listing = staff_client.get("/admin/scheduling/appointment/").content.decode()
    assert "6:53 p.m." in listing and "5:53 p.m." not in listing


def test_a_partner_request_is_not_affected(client, tenant):
    # No session: nothing is activated, and the partner's own formats decide the zone.
    from django.utils import timezone

    client.get("/healthz")
    assert timezone.get_current_timezone_name() == "UTC"
