"""Staff find people the way Dutch names are written, and tickets by number and by resident's reference code."""

import pytest
from django.contrib.auth.models import Permission

from tests.factories import ResidentFactory, TicketFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff_client(client, tenant):
    tenant.staff.user_permissions.set(Permission.objects.all())
    client.force_login(tenant.staff)
    return client


@pytest.fixture
def maria(tenant):
    return ResidentFactory(organisation=tenant.organisation, first_name="Maria", surname_prefix="van",
                           last_name="Dijk", reference_code="R-1002")


def results(client, url, term):
    return list(client.get(url, {"q": term}).context["cl"].result_list)


@pytest.mark.parametrize("term", ["van Dijk", "Maria van Dijk", "Dijk", "maria dijk", "R-1002"])
def test_residents_are_found_by_their_name_as_written(staff_client, maria, term):
    assert results(staff_client, "/admin/directory/resident/", term) == [maria]


def test_a_wrong_prefix_finds_nobody(staff_client, maria):
    assert results(staff_client, "/admin/directory/resident/", "de Dijk") == []


@pytest.mark.parametrize("term", ["van Dijk", "Maria van Dijk", "R-1002"])
def test_tickets_are_found_by_their_residents_name_and_reference_code(staff_client, tenant, maria, term):
    ticket = TicketFactory(organisation=tenant.organisation, resident=maria)
    TicketFactory(organisation=tenant.organisation, resident=tenant.resident)
    assert results(staff_client, "/admin/tickets/ticket/", term) == [ticket]


def test_hash_number_finds_the_ticket(staff_client, tenant):
    tickets = TicketFactory.create_batch(3, organisation=tenant.organisation, resident=tenant.resident)
    assert results(staff_client, "/admin/tickets/ticket/", f"#{tickets[1].pk}") == [tickets[1]]


def test_named_residents_sort_before_the_nameless_ones_a_sync_creates(staff_client, tenant, maria):
    nameless = ResidentFactory(organisation=tenant.organisation, first_name="", surname_prefix="", last_name="")
    listed = list(staff_client.get("/admin/directory/resident/").context["cl"].result_list)
    assert listed.index(maria) < listed.index(nameless)
    assert listed[-1] == nameless
