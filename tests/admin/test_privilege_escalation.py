"""Issue #16 finding 1: an organisation admin grants only what they hold, only inside their organisation, and never
superuser; they cannot reach organisation creation or another organisation's settings."""

import json

import pytest
from django.contrib.auth.models import Group, Permission
from django.urls import reverse

from directory import staff_groups
from directory.models import Organisation, User
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def org_admin(client, tenant):
    staff_groups.ensure_staff_groups()
    tenant.staff.groups.set([Group.objects.get(name=staff_groups.ORGANISATION_ADMIN)])
    client.force_login(tenant.staff)
    return client


def _change_form_data(client, user):
    url = reverse("admin:directory_user_change", args=[user.pk])
    response = client.get(url)
    assert response.status_code == 200
    form = response.context["adminform"].form
    data = {}
    for name, field in form.fields.items():
        value = form.initial.get(name)
        if value is None or field.disabled:
            continue
        if name == "roles":
            data[name] = json.dumps(value)
        elif isinstance(value, (list, tuple)):
            data[name] = [getattr(v, "pk", v) for v in value]
        elif isinstance(value, bool):
            if value:
                data[name] = "on"
        else:
            data[name] = getattr(value, "pk", value)
    data.pop("password", None)
    data.update({"last_login_0": "", "last_login_1": "", "date_joined_0": "2024-01-01", "date_joined_1": "10:00"})
    return url, data


def test_an_organisation_admin_cannot_make_themselves_superuser(org_admin, tenant, other_tenant):
    me = tenant.staff
    url, data = _change_form_data(org_admin, me)
    everything = list(Permission.objects.values_list("pk", flat=True))
    data.update({"is_superuser": "on", "user_permissions": everything, "first_name": "Renamed"})
    response = org_admin.post(url, data)
    assert response.status_code == 302, response.context["adminform"].form.errors if response.context else ""
    me.refresh_from_db()
    assert me.first_name == "Renamed"  # the honest part of the post is saved; the forged part ignored
    assert not me.is_superuser
    assert me.user_permissions.count() == 0


def test_an_organisation_admin_cannot_move_a_user_to_another_organisation(org_admin, tenant, other_tenant):
    colleague = UserFactory(organisation=tenant.organisation, username="colleague")
    url, data = _change_form_data(org_admin, colleague)
    data["organisation"] = other_tenant.organisation.pk
    org_admin.post(url, data)
    colleague.refresh_from_db()
    assert colleague.organisation == tenant.organisation


def test_the_user_form_offers_no_superuser_permissions_or_organisation(org_admin, tenant):
    form = org_admin.get(reverse("admin:directory_user_change", args=[tenant.staff.pk])).context["adminform"].form
    assert "is_superuser" not in form.fields and "user_permissions" not in form.fields
    assert "organisation" not in form.fields or form.fields["organisation"].disabled


def test_staff_grant_only_groups_whose_permissions_they_hold(client, tenant):
    staff_groups.ensure_staff_groups()
    front_desk = Group.objects.get(name=staff_groups.FRONT_DESK)
    # A front-desk member who may also edit users must not hand out the organisation admin group.
    tenant.staff.groups.set([front_desk])
    tenant.staff.user_permissions.set(Permission.objects.filter(codename__in=["view_user", "change_user"]))
    colleague = UserFactory(organisation=tenant.organisation, username="colleague")
    client.force_login(tenant.staff)
    url, data = _change_form_data(client, colleague)
    data["groups"] = [Group.objects.get(name=staff_groups.ORGANISATION_ADMIN).pk]
    response = client.post(url, data)
    assert response.status_code == 200  # the form refuses the choice
    assert not colleague.groups.exists()


def test_an_organisation_admin_cannot_create_organisations_or_change_another(org_admin, tenant, other_tenant):
    count = Organisation.objects.count()
    response = org_admin.post(reverse("admin:directory_organisation_add"),
                              {"name": "Mine now", "slug": "mine-now", "time_zone": "UTC"})
    assert response.status_code == 403
    assert Organisation.objects.count() == count
    theirs = reverse("admin:directory_organisation_change", args=[other_tenant.organisation.pk])
    org_admin.post(theirs, {"name": "Taken over", "slug": other_tenant.organisation.slug, "time_zone": "UTC",
                            "due_hours_urgent": 1, "due_hours_high": 1, "due_hours_medium": 1, "due_hours_low": 1})
    other_tenant.organisation.refresh_from_db()
    assert other_tenant.organisation.name == "Oak Lodge"


def test_an_organisation_admin_cannot_edit_a_superuser(org_admin, tenant):
    root = User.objects.create_superuser("root", "root@example.com", "x" * 16, organisation=tenant.organisation)
    response = org_admin.get(reverse("admin:directory_user_change", args=[root.pk]))
    assert response.status_code == 302
