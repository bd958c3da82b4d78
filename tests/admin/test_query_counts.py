"""Changelists cost a fixed number of queries per page, however many rows the table holds."""

import pytest
from django.contrib.auth.models import Group
from django.db import connection
from django.test.utils import CaptureQueriesContext

from directory.staff_groups import ORGANISATION_ADMIN
from tests.factories import AppointmentFactory, AttendeeFactory, ResidentFactory, TicketFactory, UserFactory

pytestmark = pytest.mark.django_db

PAGES = {
    "/admin/tickets/ticket/": lambda t, n: [
        TicketFactory(organisation=t.organisation, resident=t.resident, assignee=t.staff) for _ in range(n)
    ],
    "/admin/tickets/ticket/?derived=overdue": lambda t, n: [
        TicketFactory(organisation=t.organisation, resident=t.resident, due_at="2020-01-01T00:00Z") for _ in range(n)
    ],
    "/admin/directory/resident/": lambda t, n: ResidentFactory.create_batch(n, organisation=t.organisation),
    "/admin/scheduling/appointment/": lambda t, n: AppointmentFactory.create_batch(
        n, organisation=t.organisation, practitioner=t.staff),
    "/admin/scheduling/attendee/": lambda t, n: AttendeeFactory.create_batch(n, organisation=t.organisation),
}


def queries_for(client, url):
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    return len(captured), response.context["cl"].result_count


@pytest.mark.parametrize("url", PAGES)
def test_changelist_queries_do_not_grow_with_rows(client, tenant, url):
    admin_user = UserFactory(organisation=tenant.organisation, username="olga")
    admin_user.groups.add(Group.objects.get(name=ORGANISATION_ADMIN))
    client.force_login(admin_user)
    make = PAGES[url]
    make(tenant, 1)
    one, count_one = queries_for(client, url)
    make(tenant, 199)
    many, count_many = queries_for(client, url)
    assert count_many > count_one
    assert many == one, f"{url}: {one} queries at 1 row, {many} at {count_many}"
