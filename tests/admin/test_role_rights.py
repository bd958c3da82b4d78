"""The staff groups fit the day's work: front desk and clinicians assign colleagues, see a resident's contacts and
a ticket's attachments and assessments — within their organisation only."""

import pytest
from django.contrib.auth.models import Group

from directory import notifications
from directory.staff_groups import CLINICIAN, FRONT_DESK
from tests.factories import CategoryAssessmentFactory, CategoryFactory, TicketFactory, UserFactory

pytestmark = pytest.mark.django_db


def member(client, tenant, group):
    user = UserFactory(organisation=tenant.organisation, roles=["front_desk"])
    user.groups.add(Group.objects.get(name=group))
    client.force_login(user)
    return user


@pytest.mark.parametrize("group", [FRONT_DESK, CLINICIAN])
def test_picks_an_assignee_among_their_organisations_staff(client, tenant, other_tenant, group):
    member(client, tenant, group)
    colleague = UserFactory(organisation=tenant.organisation, last_name="Colleague")
    outsider = UserFactory(organisation=other_tenant.organisation, last_name="Colleague")
    answer = client.get("/admin/autocomplete/", {"app_label": "tickets", "model_name": "ticket",
                                                 "field_name": "assignee", "term": "Colleague"})
    assert answer.status_code == 200
    ids = {row["id"] for row in answer.json()["results"]}
    assert str(colleague.pk) in ids and str(outsider.pk) not in ids


@pytest.mark.parametrize("group", [FRONT_DESK, CLINICIAN])
def test_sees_a_residents_contacts_and_a_tickets_assessments(client, tenant, group):
    member(client, tenant, group)
    notifications.contact_create(resident=tenant.resident, actor=tenant.actor, kind="family", name="Joke Jansen",
                                 relation="daughter", phone="+31612345678")
    resident_page = client.get(f"/admin/directory/resident/{tenant.resident.pk}/change/").content.decode()
    assert "Joke Jansen" in resident_page
    ticket = TicketFactory(organisation=tenant.organisation, resident=tenant.resident)
    CategoryAssessmentFactory(ticket=ticket, category=CategoryFactory(organisation=tenant.organisation,
                                                                      name="Weight Gain"))
    ticket_page = client.get(f"/admin/tickets/ticket/{ticket.pk}/change/").content.decode()
    assert "Weight Gain" in ticket_page
    assert "attachment" in ticket_page.lower()
