"""A ticket created through Connect4 is the one row the back office shows."""

import pytest
from django.urls import reverse

from tests.factories import UserFactory
from tests.partners.connect4.test_create_ticket import document_example
from tickets.models import Ticket

pytestmark = pytest.mark.django_db


def test_created_ticket_is_the_tickets_row(world):
    response = world.caller.post("create_ticket", document_example(world))
    row = Ticket.objects.get(pk=response.json()["ticket_id"])
    assert Ticket.objects.filter(title="new test ticket").count() == 1
    assert (row.organisation, row.resident, row.created_by_client) == (
        world.tenant.organisation, world.tenant.resident, world.tenant.client,
    )


def test_created_ticket_shows_in_the_admin_with_its_comments(world, client):
    ticket_id = world.caller.post("create_ticket", document_example(world)).json()["ticket_id"]
    client.force_login(UserFactory(organisation=world.tenant.organisation, is_superuser=True))
    assert "new test ticket" in client.get(reverse("admin:tickets_ticket_changelist")).content.decode()
    page = client.get(reverse("admin:tickets_ticket_change", args=[ticket_id]))
    assert page.status_code == 200
    assert "Hi welcome!" in page.content.decode()
