"""Issue #16 finding 2 (deletes): a revoke is audited as `revoke`; the admin offers no delete it cannot audit."""

import pytest
from django.contrib.auth.models import Permission
from django.urls import reverse

from directory.models import ApiClient, AuditEvent, Resident
from tests.factories import TicketFactory
from tickets.models import Ticket

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff_client(client, tenant):
    tenant.staff.user_permissions.set(Permission.objects.all())
    client.force_login(tenant.staff)
    return client


def test_a_revoke_in_the_admin_is_recorded_as_revoke(staff_client, tenant):
    staff_client.post(reverse("admin:directory_apiclient_changelist"),
                      {"action": "revoke", "_selected_action": [tenant.client.pk]})
    actions = list(AuditEvent.objects.filter(object_type="directory.apiclient", object_id=str(tenant.client.pk))
                   .exclude(action="create").values_list("action", flat=True))
    assert actions == ["revoke"]


@pytest.mark.parametrize("model", [Ticket, Resident, ApiClient])
def test_no_unaudited_delete_is_offered(staff_client, tenant, model):
    TicketFactory(organisation=tenant.organisation, resident=tenant.resident)
    url = reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist")
    form = staff_client.get(url).context["action_form"]  # None when the list offers no action at all
    actions = dict(form.fields["action"].choices) if form else {}
    assert "delete_selected" not in actions


@pytest.mark.parametrize("model, row", [(Resident, "resident"), (ApiClient, "client")])
def test_a_forged_delete_is_refused(staff_client, tenant, model, row):
    obj = getattr(tenant, row)
    url = reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_delete", args=[obj.pk])
    assert staff_client.post(url, {"post": "yes"}).status_code == 403
    assert model.objects.filter(pk=obj.pk).exists()
