"""Ticket services: create-and-close at once, close → reopen → close, assignment and rating rules."""

import pytest

from healthdesk.exceptions import Conflict, Invalid, NotFound, PermissionDenied
from tests.factories import ResidentFactory, TicketFactory, UserFactory
from tickets import services
from tickets.choices import EventKind, SenderKind, TicketStatus
from tickets.models import Message, Ticket, TicketEvent

pytestmark = pytest.mark.django_db


def counts():
    return Ticket.objects.count(), Message.objects.count(), TicketEvent.objects.count()


def test_create_closed_creates_and_closes_with_resolution_and_first_message(tenant):
    ticket = services.ticket_create_closed(
        organisation=tenant.organisation, actor=tenant.api_actor, title="Unable to pay online",
        resident=tenant.resident, ticket_type="Payment", first_message="connection timeout",
        sender_kind=SenderKind.USER, sender_name="max",
        resolution_type="Solved", resolution_subject="Card re-entered",
    )
    ticket.refresh_from_db()
    assert ticket.status == TicketStatus.CLOSED
    assert ticket.closed_at is not None
    assert (ticket.resolution_type, ticket.resolution_subject) == ("Solved", "Card re-entered")
    assert [(m.sender_kind, m.sender_name, m.body) for m in ticket.messages.all()] == [
        ("user", "max", "connection timeout")
    ]
    assert list(ticket.events.values_list("kind", flat=True)) == [
        EventKind.CREATED, EventKind.MESSAGE_ADDED, EventKind.CLOSED
    ]


@pytest.mark.parametrize(
    ("resolution_type", "resolution_subject", "field"),
    [("", "Card re-entered", "resolution_type"), ("Solved", "  ", "resolution_subject")],
)
def test_create_closed_needs_both_resolution_fields_and_writes_nothing(tenant, resolution_type, resolution_subject,
                                                                       field):
    before = counts()
    with pytest.raises(Invalid) as raised:
        services.ticket_create_closed(
            organisation=tenant.organisation, actor=tenant.api_actor, title="Unable to pay online",
            resident=tenant.resident, first_message="help",
            resolution_type=resolution_type, resolution_subject=resolution_subject,
        )
    assert raised.value.field == field
    assert counts() == before


def test_create_closed_with_unknown_resident_writes_nothing(tenant, other_tenant):
    before = counts()
    with pytest.raises(NotFound):
        services.ticket_create_closed(
            organisation=tenant.organisation, actor=tenant.api_actor, title="x", resident=other_tenant.resident,
            resolution_type="Solved", resolution_subject="Done",
        )
    assert counts() == before


def test_close_reopen_close(tenant):
    ticket = TicketFactory(organisation=tenant.organisation, resident=tenant.resident)
    services.ticket_close(ticket=ticket, actor=tenant.api_actor)
    with pytest.raises(Conflict):
        services.ticket_close(ticket=ticket, actor=tenant.api_actor)
    reopened = services.ticket_reopen(ticket=ticket, actor=tenant.api_actor, reason="Still broken")
    assert reopened.status == TicketStatus.REOPENED
    assert reopened.closed_at is None
    assert ticket.messages.get().body == "Still broken"
    with pytest.raises(Conflict):
        services.ticket_reopen(ticket=ticket, actor=tenant.api_actor, reason="again")
    closed = services.ticket_close(ticket=ticket, actor=tenant.api_actor)
    assert closed.status == TicketStatus.CLOSED
    assert list(ticket.events.values_list("kind", flat=True)) == [
        EventKind.CLOSED, EventKind.REOPENED, EventKind.MESSAGE_ADDED, EventKind.CLOSED
    ]


def test_assign_refuses_another_organisations_or_inactive_staff(tenant, other_tenant):
    ticket = TicketFactory(organisation=tenant.organisation, resident=tenant.resident)
    inactive = UserFactory(organisation=tenant.organisation, is_active=False)
    for assignee in (other_tenant.staff, inactive):
        with pytest.raises(NotFound):
            services.ticket_assign(ticket=ticket, actor=tenant.api_actor, assignee=assignee)
    ticket.refresh_from_db()
    assert ticket.assignee is None
    assert not ticket.events.exists()


@pytest.mark.parametrize("rating", [0, 6, "x", None])
def test_rating_out_of_range_is_invalid(tenant, rating):
    ticket = TicketFactory(organisation=tenant.organisation, resident=tenant.resident)
    with pytest.raises(Invalid) as raised:
        services.ticket_rate(ticket=ticket, actor=tenant.api_actor, rating=rating, resident=tenant.resident)
    assert raised.value.field == "rating"
    ticket.refresh_from_db()
    assert ticket.rating is None


def test_only_the_requester_rates_and_a_new_rating_replaces_the_old(tenant):
    ticket = TicketFactory(organisation=tenant.organisation, resident=tenant.resident)
    someone_else = ResidentFactory(organisation=tenant.organisation)
    with pytest.raises(PermissionDenied):
        services.ticket_rate(ticket=ticket, actor=tenant.api_actor, rating=5, resident=someone_else)
    services.ticket_rate(ticket=ticket, actor=tenant.api_actor, rating=2, resident=tenant.resident.pk)
    services.ticket_rate(ticket=ticket, actor=tenant.api_actor, rating="4", resident=tenant.resident)
    ticket.refresh_from_db()
    assert ticket.rating == 4
    assert list(ticket.events.values_list("from_value", "to_value")) == [("", "2"), ("2", "4")]
