"""Issue #16 finding 3: nobody — no staff group, not even a superuser — may add, change or delete audit events."""

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse

from directory import staff_groups
from directory.audit import record
from directory.models import AuditEvent, User

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("group", [staff_groups.FRONT_DESK, staff_groups.CLINICIAN, staff_groups.ORGANISATION_ADMIN])
def test_no_staff_group_may_write_audit_events(group):
    staff_groups.ensure_staff_groups()
    codenames = set(Group.objects.get(name=group).permissions.filter(
        content_type__app_label="directory").values_list("codename", flat=True))
    assert codenames & {"add_auditevent", "change_auditevent", "delete_auditevent"} == set()


def test_the_organisation_admin_may_still_read_the_audit_trail():
    staff_groups.ensure_staff_groups()
    group = Group.objects.get(name=staff_groups.ORGANISATION_ADMIN)
    assert group.permissions.filter(codename="view_auditevent").exists()


def test_a_superuser_cannot_add_change_or_delete_an_audit_event_in_the_admin(client, tenant):
    root = User.objects.create_superuser("root", "root@example.com", "x" * 16)
    record(actor=tenant.actor, organisation=tenant.organisation, action="update", instance=tenant.resident,
           changes={"first_name": ["A", "B"]})
    event = AuditEvent.objects.get(object_id=str(tenant.resident.pk), action="update")
    client.force_login(root)
    assert client.post(reverse("admin:directory_auditevent_add"), {"action": "create"}).status_code == 403
    change = client.post(reverse("admin:directory_auditevent_change", args=[event.pk]), {"action": "delete"})
    assert change.status_code in (302, 403)
    assert client.post(reverse("admin:directory_auditevent_delete", args=[event.pk]), {"post": "yes"}
                       ).status_code == 403
    event.refresh_from_db()
    assert (event.action, event.changes) == ("update", {"first_name": ["A", "B"]})
