"""A front-desk day in the back office, driven in headless Chromium as a person would."""

import re

import pytest
from django.contrib.auth.models import Group

from directory.staff_groups import FRONT_DESK, ORGANISATION_ADMIN
from scheduling.choices import AppointmentKind
from scheduling.models import Attendee
from tests.browser.conftest import CHROMIUM
from tests.factories import AppointmentFactory, AttendeeFactory, ResidentFactory, TicketFactory, UserFactory
from tickets.models import Message, Ticket, TicketEvent

PASSWORD = "correct horse battery staple"

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(CHROMIUM is None, reason="Debian's chromium is not installed; .ci/run installs it"),
]


def staff(tenant, group, username):
    user = UserFactory(organisation=tenant.organisation, username=username, is_staff=True)
    user.groups.add(Group.objects.get(name=group))
    return user


def log_in(page, username):
    page.goto("/admin/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.click("input[type=submit]")
    page.wait_for_selector("#dashboard")


def run_action(page, row_id, action):
    page.check(f"input[name=_selected_action][value='{row_id}']")
    page.select_option("select[name=action]", action)
    page.click("button[name=index]")


@pytest.mark.django_db(transaction=True)
def test_front_desk_triages_a_ticket_from_the_dashboard(page, tenant):
    resident = ResidentFactory(organisation=tenant.organisation, first_name="Geertruida", last_name="Bos")
    ticket = TicketFactory(organisation=tenant.organisation, resident=resident, title="Hearing aid lost")
    staff(tenant, FRONT_DESK, "fenna")

    log_in(page, "fenna")
    assert page.locator("section[aria-label='Needs attention']").is_visible()

    page.goto("/admin/directory/resident/?q=Geertruida")
    page.click("text=Geertruida")
    assert "Geertruida" in page.input_value("#id_first_name")

    page.goto(f"/admin/tickets/ticket/{ticket.pk}/change/")
    page.fill("textarea[name='messages-0-body']", "We found it under the bed.")
    page.click("input[name=_continue]")
    page.wait_for_selector(".messagelist .success")

    page.goto("/admin/tickets/ticket/")
    run_action(page, ticket.pk, "assign_to_me")
    page.wait_for_selector(".messagelist .success")
    run_action(page, ticket.pk, "close")
    page.wait_for_selector(".messagelist .success")

    page.goto(f"/admin/tickets/ticket/{ticket.pk}/change/")
    history = page.locator("#events-group").inner_text()
    assert re.search(r"Assigned", history) and re.search(r"Closed", history)

    ticket.refresh_from_db()
    assert ticket.status == "closed" and ticket.assignee.username == "fenna"
    assert Message.objects.get(ticket=ticket).body == "We found it under the bed."
    assert list(TicketEvent.objects.filter(ticket=ticket).values_list("kind", flat=True)) == [
        "message_added", "assigned", "closed"
    ]


@pytest.mark.django_db(transaction=True)
def test_front_desk_cancels_a_group_attendee_with_a_reason(page, tenant):
    group = AppointmentFactory(organisation=tenant.organisation, practitioner=tenant.staff,
                               kind=AppointmentKind.GROUP, summary="Chair yoga")
    attendee = AttendeeFactory(organisation=tenant.organisation, appointment=group, resident=tenant.resident)
    staff(tenant, FRONT_DESK, "fenna")

    log_in(page, "fenna")
    page.goto("/admin/scheduling/attendee/")
    run_action(page, attendee.pk, "cancel")
    page.select_option("#id_reason", "40")
    page.fill("#id_note", "Visiting family")
    page.click("input[name=apply]")
    page.wait_for_selector(".messagelist .success")

    attendee = Attendee.objects.get(pk=attendee.pk)
    assert (attendee.cancellation_reason, attendee.cancellation_note) == (40, "Visiting family")
    assert attendee.cancelled_at is not None


@pytest.mark.django_db(transaction=True)
def test_an_organisation_admin_sees_a_new_api_secret_exactly_once(page, tenant):
    staff(tenant, ORGANISATION_ADMIN, "olga")

    log_in(page, "olga")
    page.goto("/admin/directory/apiclient/add/")
    page.fill("#id_name", "Pharmacy app")
    page.select_option("#id_organisation", str(tenant.organisation.pk))
    page.click("input[name=_save]")
    notice = page.locator(".messagelist .warning").inner_text()
    secret = re.search(r"secret (\S+)", notice).group(1)

    from directory.services import api_client_authenticate

    assert api_client_authenticate(secret=secret).name == "Pharmacy app"
    page.reload()
    assert secret not in page.content()
    page.click("text=Pharmacy app")
    assert secret not in page.content()


@pytest.mark.django_db(transaction=True)
def test_another_organisations_staff_cannot_reach_the_ticket_by_url(page, tenant, other_tenant):
    ticket = TicketFactory(organisation=tenant.organisation, resident=tenant.resident, title="Private matter")
    outsider = UserFactory(organisation=other_tenant.organisation, username="outsider", is_staff=True)
    outsider.groups.add(Group.objects.get(name=FRONT_DESK))

    log_in(page, "outsider")
    page.goto(f"/admin/tickets/ticket/{ticket.pk}/change/")
    assert "Private matter" not in page.content()
    assert "doesn’t exist" in page.inner_text(".messagelist")
    page.goto("/admin/tickets/ticket/")
    assert "Private matter" not in page.content()
    assert Ticket.objects.get(pk=ticket.pk).title == "Private matter"
