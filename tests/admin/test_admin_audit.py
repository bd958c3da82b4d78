"""Issue #16 finding 2: edits made in the admin leave a true audit trail."""

import pytest
from django.contrib.auth.models import Permission
from django.urls import reverse

from directory.models import AuditEvent, User
from tests.admin.test_privilege_escalation import _change_form_data
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def root(client, tenant):
    user = User.objects.create_superuser("root", "root@example.com", "x" * 16, organisation=tenant.organisation)
    client.force_login(user)
    return client


def _events(obj, action="update"):
    return list(AuditEvent.objects.filter(object_type=obj._meta.label_lower, object_id=str(obj.pk), action=action)
                .values_list("changes", "channel"))


def test_a_user_edit_in_the_admin_records_the_superuser_flag(root, tenant):
    colleague = UserFactory(organisation=tenant.organisation, username="colleague")
    url, data = _change_form_data(root, colleague)
    data.update({"is_superuser": "on", "first_name": "Anna"})
    assert root.post(url, data).status_code == 302
    [(changes, channel)] = _events(colleague)
    assert channel == "admin"
    assert changes["is_superuser"] == [False, True] and changes["first_name"] == ["Jan", "Anna"]


def test_a_password_change_in_the_admin_is_recorded_without_the_hash(root, tenant):
    colleague = UserFactory(organisation=tenant.organisation, username="colleague")
    url = reverse("admin:auth_user_password_change", args=[colleague.pk])
    response = root.post(url, {"password1": "gq7-Vz2m!Lp9xw", "password2": "gq7-Vz2m!Lp9xw",
                               "usable_password": "true"})
    assert response.status_code == 302
    colleague.refresh_from_db()
    [(changes, channel)] = _events(colleague)
    assert changes == {"password": "changed"} and channel == "admin"
    assert colleague.password not in str(changes)


def test_a_resident_edit_in_the_admin_records_what_changed(client, tenant):
    tenant.staff.user_permissions.set(Permission.objects.filter(content_type__app_label="directory"))
    client.force_login(tenant.staff)
    resident = tenant.resident
    url = reverse("admin:directory_resident_change", args=[resident.pk])
    form = client.get(url).context["adminform"].form
    data = {}
    for name in form.fields:
        value = form.initial.get(name)
        if value is None or name == "photo":
            continue
        if isinstance(value, bool):
            if value:
                data[name] = "on"
        elif isinstance(value, (list, tuple)):
            data[name] = [getattr(v, "pk", v) for v in value]
        else:
            data[name] = getattr(value, "pk", value)
    old_first_name = resident.first_name
    data.update({"first_name": "Wilhelmina", "contacts-TOTAL_FORMS": "0", "contacts-INITIAL_FORMS": "0",
                 "identifiers-TOTAL_FORMS": "0", "identifiers-INITIAL_FORMS": "0"})
    response = client.post(url, data)
    assert response.status_code == 302, response.context["adminform"].form.errors if response.context else ""
    [(changes, channel)] = _events(resident)
    assert changes["first_name"] == [old_first_name, "Wilhelmina"]


def test_renaming_an_api_client_in_the_admin_is_recorded(root, tenant):
    url = reverse("admin:directory_apiclient_change", args=[tenant.client.pk])
    data = {"name": "Renamed app", "organisation": tenant.organisation.pk, "granted_organisations": []}
    response = root.post(url, data)
    assert response.status_code == 302, response.content[:2000]
    tenant.client.refresh_from_db()
    assert tenant.client.name == "Renamed app"
    [(changes, channel)] = _events(tenant.client)
    assert changes == {"name": ["Sunny Meadows app", "Renamed app"]} and channel == "admin"
