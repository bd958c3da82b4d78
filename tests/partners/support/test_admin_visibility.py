"""A ticket raised through the support API is the row the back office shows, with its conversation."""

import pytest
from django.urls import reverse

from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_raised_ticket_shows_in_admin_with_conversation(api, tenant, client):
    body = {"type": "Payment", "subject": "Unable to pay online", "userId": str(tenant.resident.pk),
            "comments": "connection timeout from the app"}
    ticket_id = api.post("/api/v1/raise_ticket", body).json()["ticketId"]
    staff = UserFactory(organisation=tenant.organisation, is_superuser=True)
    client.force_login(staff)
    changelist = client.get(reverse("admin:tickets_ticket_changelist"))
    assert "Unable to pay online" in changelist.content.decode()
    page = client.get(reverse("admin:tickets_ticket_change", args=[ticket_id]))
    assert page.status_code == 200
    assert "connection timeout from the app" in page.content.decode()
