"""Every model is in the back office, opens, and shows a staff member only their organisation's rows."""

import pytest
from django.contrib import admin
from django.contrib.auth.models import Permission
from django.urls import reverse

from directory.models import ApiClient, Resident, User
from scheduling.models import Appointment
from tests.factories import AppointmentFactory, AttendeeFactory, TicketFactory, UserFactory
from tickets.models import Message, Ticket, TicketEvent

pytestmark = pytest.mark.django_db

DOMAIN_APPS = {"directory", "tickets", "scheduling", "sync"}


def domain_models():
    from django.apps import apps

    return [m for app in DOMAIN_APPS for m in apps.get_app_config(app).get_models()]


def changelist(model):
    return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist")


@pytest.fixture
def superuser(db):
    return User.objects.create_superuser("root", "root@example.com", "x" * 16)


@pytest.fixture
def staff_client(client, tenant):
    tenant.staff.user_permissions.set(Permission.objects.all())
    client.force_login(tenant.staff)
    return client


def test_every_domain_model_is_registered():
    missing = [m.__name__ for m in domain_models() if m not in admin.site._registry]
    # Inline-only rows, and AttendeeCount: bookkeeping the database's triggers keep, nobody's to read or edit.
    assert missing == [] or set(missing) <= {"ResidentIdentifier", "Contact", "CategoryAssessment", "Message",
                                              "Attachment", "SyncItemResult", "AttendeeCount"}


def test_every_changelist_opens_for_a_superuser(client, superuser, tenant):
    TicketFactory(organisation=tenant.organisation, resident=tenant.resident)
    AttendeeFactory(organisation=tenant.organisation)
    client.force_login(superuser)
    for model in admin.site._registry:
        if model._meta.app_label in DOMAIN_APPS:
            response = client.get(changelist(model))
            assert response.status_code == 200, model


def test_staff_see_only_their_organisations_rows(staff_client, tenant, other_tenant):
    mine = TicketFactory(organisation=tenant.organisation, resident=tenant.resident, title="Mine")
    theirs = TicketFactory(organisation=other_tenant.organisation, resident=other_tenant.resident, title="Theirs")
    page = staff_client.get(changelist(Ticket)).content.decode()
    assert "Mine" in page and "Theirs" not in page
    assert staff_client.get(reverse("admin:tickets_ticket_change", args=[mine.pk])).status_code == 200
    # Another organisation's object is not found by URL, not only hidden from menus.
    response = staff_client.get(reverse("admin:tickets_ticket_change", args=[theirs.pk]))
    assert response.status_code == 302 and "/admin/" in response["Location"]
    for model, row in [(Resident, other_tenant.resident), (ApiClient, other_tenant.client)]:
        url = reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_change", args=[row.pk])
        assert staff_client.get(url).status_code == 302


def test_ticket_actions_go_through_the_services(staff_client, tenant):
    ticket = TicketFactory(organisation=tenant.organisation, resident=tenant.resident)
    url = changelist(Ticket)
    staff_client.post(url, {"action": "assign_to_me", "_selected_action": [ticket.pk]})
    staff_client.post(url, {"action": "close", "_selected_action": [ticket.pk]})
    ticket.refresh_from_db()
    assert ticket.assignee == tenant.staff and ticket.status == "closed"
    kinds = list(TicketEvent.objects.filter(ticket=ticket).values_list("kind", "channel"))
    assert kinds == [("assigned", "admin"), ("closed", "admin")]


def test_adding_a_reply_in_the_admin_records_a_message_event(staff_client, tenant):
    ticket = TicketFactory(organisation=tenant.organisation, resident=tenant.resident)
    url = reverse("admin:tickets_ticket_change", args=[ticket.pk])
    form = staff_client.get(url).context["adminform"].form
    data = {name: form.initial.get(name) or "" for name in form.fields}
    data.update({
        "resident": tenant.resident.pk, "priority": "medium", "status": "new", "notify_sms": "unknown",
        "notify_email": "unknown",
        "messages-TOTAL_FORMS": "1", "messages-INITIAL_FORMS": "0", "messages-0-body": "We are on our way",
        "messages-0-sender_kind": "admin", "messages-0-visible_to_requester": "on",
        "assessments-TOTAL_FORMS": "0", "assessments-INITIAL_FORMS": "0",
        "attachments-TOTAL_FORMS": "0", "attachments-INITIAL_FORMS": "0",
        "events-TOTAL_FORMS": "0", "events-INITIAL_FORMS": "0",
    })
    data = {k: v for k, v in data.items() if v is not None}
    response = staff_client.post(url, data)
    assert response.status_code == 302, response.context["adminform"].form.errors if response.context else ""
    message = Message.objects.get(ticket=ticket)
    assert (message.body, message.author) == ("We are on our way", tenant.staff)
    assert TicketEvent.objects.filter(ticket=ticket, kind="message_added", channel="admin").exists()


def test_creating_an_api_client_shows_the_secret_once(staff_client, tenant):
    response = staff_client.post(
        reverse("admin:directory_apiclient_add"),
        {"name": "Pharmacy app", "organisation": tenant.organisation.pk}, follow=True,
    )
    shown = [str(m) for m in response.context["messages"]]
    assert any("secret" in m for m in shown)
    created = ApiClient.objects.get(name="Pharmacy app")
    secret = next(m for m in shown if "secret" in m).split("secret ")[1].split(" ")[0]
    from directory.services import api_client_authenticate

    assert api_client_authenticate(secret=secret) == created
    page = staff_client.get(reverse("admin:directory_apiclient_change", args=[created.pk])).content.decode()
    assert secret not in page


def test_appointment_actions_cancel_delete_restore(staff_client, tenant):
    appointment = AppointmentFactory(organisation=tenant.organisation, practitioner=tenant.staff)
    url = changelist(Appointment)
    asked = staff_client.post(url, {"action": "cancel", "_selected_action": [appointment.pk]})
    assert "Cancellation reason" in asked.content.decode()
    appointment.refresh_from_db()
    assert appointment.cancelled_at is None  # nothing happens until a reason is chosen
    staff_client.post(url, {"action": "cancel", "_selected_action": [appointment.pk], "apply": "1", "reason": "50",
                            "note": "Family visit"})
    staff_client.post(url, {"action": "soft_delete", "_selected_action": [appointment.pk]})
    appointment.refresh_from_db()
    assert (appointment.cancellation_reason, appointment.cancellation_note) == (50, "Family visit")
    assert appointment.deleted_at is not None
    staff_client.post(url, {"action": "restore", "_selected_action": [appointment.pk]})
    appointment.refresh_from_db()
    assert appointment.deleted_at is None


def test_staff_choices_are_limited_to_their_organisation(staff_client, tenant, other_tenant):
    UserFactory(organisation=other_tenant.organisation, username="outsider")
    form = staff_client.get(reverse("admin:tickets_ticket_add")).context["adminform"].form
    assert set(form.fields["urgency"].queryset.values_list("organisation", flat=True)) <= {tenant.organisation.pk}
    assert "outsider" not in set(form.fields["assignee"].queryset.values_list("username", flat=True))


def test_staff_groups_exist_with_sensible_permissions():
    from django.contrib.auth.models import Group

    from directory.staff_groups import CLINICIAN, FRONT_DESK, ORGANISATION_ADMIN

    front_desk = set(Group.objects.get(name=FRONT_DESK).permissions.values_list("codename", flat=True))
    assert {"add_ticket", "change_appointment", "view_syncrun"} <= front_desk
    assert "add_apiclient" not in front_desk and "delete_ticket" not in front_desk
    clinician = set(Group.objects.get(name=CLINICIAN).permissions.values_list("codename", flat=True))
    assert "change_attendee" in clinician and "add_appointment" not in clinician
    assert Group.objects.get(name=ORGANISATION_ADMIN).permissions.filter(codename="add_apiclient").exists()


def test_dashboard_counts_link_into_filtered_lists(client, tenant):
    from datetime import timedelta

    from django.contrib.auth.models import Group
    from django.utils import timezone

    from directory.staff_groups import FRONT_DESK

    an_hour_ago = timezone.now() - timedelta(hours=1)
    TicketFactory(organisation=tenant.organisation, resident=tenant.resident, due_at=an_hour_ago)
    TicketFactory(organisation=tenant.organisation, resident=tenant.resident, assignee=tenant.staff)
    other = TicketFactory(due_at=an_hour_ago)  # another organisation's overdue ticket
    assert other.organisation != tenant.organisation
    tenant.staff.groups.add(Group.objects.get(name=FRONT_DESK))
    client.force_login(tenant.staff)
    response = client.get("/admin/")
    attention = dict((label, (count, url)) for label, count, url in response.context["attention"])
    assert attention["Overdue"] == (1, "/admin/tickets/ticket/?derived=overdue")
    assert attention["Unassigned"][0] == 1
    overdue_page = client.get(attention["Overdue"][1])
    assert overdue_page.status_code == 200
    assert overdue_page.context["cl"].result_count == 1
