"""Issue #16 finding 4: the ticket page's message inline offers only the organisation's categories, and a forged
category of another organisation is a form error, never a 500."""

import pytest
from django.contrib.auth.models import Permission
from django.urls import reverse

from tests.factories import CategoryFactory, TicketFactory
from tickets.models import Message

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff_client(client, tenant):
    tenant.staff.user_permissions.set(Permission.objects.all())
    client.force_login(tenant.staff)
    return client


def _reply(tenant, ticket, category):
    return {
        "resident": tenant.resident.pk, "title": ticket.title, "priority": "medium", "status": "new",
        "notify_sms": "unknown", "notify_email": "unknown",
        "messages-TOTAL_FORMS": "1", "messages-INITIAL_FORMS": "0", "messages-0-body": "We are on our way",
        "messages-0-sender_kind": "admin", "messages-0-category": category.pk,
        "assessments-TOTAL_FORMS": "0", "assessments-INITIAL_FORMS": "0",
        "attachments-TOTAL_FORMS": "0", "attachments-INITIAL_FORMS": "0",
        "events-TOTAL_FORMS": "0", "events-INITIAL_FORMS": "0",
    }


def test_the_message_inline_lists_only_the_organisations_categories(staff_client, tenant, other_tenant):
    CategoryFactory(organisation=tenant.organisation, name="Ours")
    CategoryFactory(organisation=other_tenant.organisation, name="Theirs")
    ticket = TicketFactory(organisation=tenant.organisation, resident=tenant.resident)
    response = staff_client.get(reverse("admin:tickets_ticket_change", args=[ticket.pk]))
    formset = next(f for f in response.context["inline_admin_formsets"] if f.formset.prefix == "messages")
    organisations = set(formset.formset.empty_form.fields["category"].queryset.values_list("organisation", flat=True))
    assert organisations == {tenant.organisation.pk}


def test_a_forged_category_of_another_organisation_is_a_form_error(staff_client, tenant, other_tenant):
    theirs = CategoryFactory(organisation=other_tenant.organisation, name="Theirs")
    ticket = TicketFactory(organisation=tenant.organisation, resident=tenant.resident)
    response = staff_client.post(reverse("admin:tickets_ticket_change", args=[ticket.pk]),
                                 _reply(tenant, ticket, theirs))
    assert response.status_code == 200
    assert "Select a valid choice" in response.content.decode()
    assert not Message.objects.filter(ticket=ticket).exists()
