"""Derived ticket filters at their edges, in the organisation's time zone, and the created-time range."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from healthdesk.exceptions import Invalid, NotFound
from tests.factories import OrganisationFactory, ResidentFactory, TicketFactory, UserFactory
from tickets import selectors
from tickets.choices import DerivedFilter, TicketStatus
from tickets.models import Ticket

pytestmark = pytest.mark.django_db

# Auckland is UTC+13 in November: "today" there is mostly "yesterday" or "tomorrow" in UTC.
ZONE = ZoneInfo("Pacific/Auckland")
NOW = datetime(2026, 11, 23, 15, 0, tzinfo=ZONE)


@pytest.fixture
def org():
    return OrganisationFactory(slug="kiwi-care", time_zone="Pacific/Auckland")


@pytest.fixture
def tickets(org):
    """One ticket per edge, named by what it is."""
    staff = UserFactory(organisation=org)
    resident = ResidentFactory(organisation=org)

    def make(**fields):
        return TicketFactory(organisation=org, resident=resident, **fields)

    return {
        "due_minute_ago": make(due_at=NOW - timedelta(minutes=1)),
        "due_yesterday": make(due_at=NOW - timedelta(days=1)),
        "due_later_today": make(due_at=NOW + timedelta(hours=1)),
        "due_today_late": make(due_at=datetime(2026, 11, 23, 23, 59, tzinfo=ZONE)),
        "due_just_after_midnight": make(due_at=datetime(2026, 11, 24, 0, 0, tzinfo=ZONE)),
        "due_tomorrow": make(due_at=NOW + timedelta(days=1)),
        "closed_overdue": make(due_at=NOW - timedelta(hours=2), status=TicketStatus.CLOSED),
        "closed_due_today": make(due_at=NOW + timedelta(hours=2), status=TicketStatus.CLOSED),
        "on_hold_overdue": make(due_at=NOW - timedelta(hours=3), status=TicketStatus.ON_HOLD),
        "assigned": make(due_at=NOW + timedelta(days=3), assignee=staff, status=TicketStatus.IN_PROGRESS),
        "reopened": make(due_at=NOW + timedelta(days=3), status=TicketStatus.REOPENED),
        "no_due": make(due_at=None),
    }


def names(org, tickets, derived):
    found = set(selectors.ticket_list(organisation=org, derived=derived, now=NOW).values_list("pk", flat=True))
    return {name for name, ticket in tickets.items() if ticket.pk in found}


def test_today_bounds_are_the_local_day(org):
    start, end = selectors.today_bounds(org, NOW)
    assert start == datetime(2026, 11, 23, tzinfo=ZONE)
    assert end == datetime(2026, 11, 24, tzinfo=ZONE)
    assert start.astimezone(ZoneInfo("UTC")) == datetime(2026, 11, 22, 11, 0, tzinfo=ZoneInfo("UTC"))


def test_today_bounds_follow_a_daylight_saving_change():
    org = OrganisationFactory(slug="dutch", time_zone="Europe/Amsterdam")
    start, end = selectors.today_bounds(org, datetime(2026, 10, 25, 12, 0, tzinfo=ZoneInfo("Europe/Amsterdam")))
    utc = ZoneInfo("UTC")
    assert end.astimezone(utc) - start.astimezone(utc) == timedelta(hours=25)


def test_overdue_is_due_passed_and_not_closed(org, tickets):
    assert names(org, tickets, DerivedFilter.OVERDUE) == {"due_minute_ago", "due_yesterday", "on_hold_overdue"}


def test_duetoday_is_the_local_day_and_not_closed(org, tickets):
    expected = {"due_minute_ago", "due_later_today", "due_today_late", "on_hold_overdue"}
    assert names(org, tickets, DerivedFilter.DUE_TODAY) == expected


def test_unresolved_is_everything_not_closed(org, tickets):
    assert names(org, tickets, DerivedFilter.UNRESOLVED) == set(tickets) - {"closed_overdue", "closed_due_today"}


def test_unassigned_is_no_assignee_and_not_closed(org, tickets):
    expected = set(tickets) - {"closed_overdue", "closed_due_today", "assigned"}
    assert names(org, tickets, DerivedFilter.UNASSIGNED) == expected


def test_open_excludes_on_hold_and_closed(org, tickets):
    expected = set(tickets) - {"closed_overdue", "closed_due_today", "on_hold_overdue"}
    assert names(org, tickets, DerivedFilter.OPEN) == expected


def test_onhold_and_closed(org, tickets):
    assert names(org, tickets, DerivedFilter.ON_HOLD) == {"on_hold_overdue"}
    assert names(org, tickets, DerivedFilter.CLOSED) == {"closed_overdue", "closed_due_today"}


def test_unknown_filter_is_invalid_naming_status(org):
    with pytest.raises(Invalid) as raised:
        selectors.derived_filter_q("someday", organisation=org)
    assert raised.value.field == "status"


def test_created_range_is_inclusive_at_both_ends(org):
    resident = ResidentFactory(organisation=org)
    at = datetime(2026, 11, 21, 17, 1, 51, tzinfo=ZONE)
    inside = [TicketFactory(organisation=org, resident=resident) for _ in range(3)]
    before = TicketFactory(organisation=org, resident=resident)
    after = TicketFactory(organisation=org, resident=resident)
    for ticket, created in zip(inside, (at, at + timedelta(hours=1), at + timedelta(hours=2)), strict=True):
        Ticket.objects.filter(pk=ticket.pk).update(created_at=created)
    Ticket.objects.filter(pk=before.pk).update(created_at=at - timedelta(microseconds=1))
    Ticket.objects.filter(pk=after.pk).update(created_at=at + timedelta(hours=2, microseconds=1))

    found = selectors.ticket_list(organisation=org, created_from=at, created_to=at + timedelta(hours=2))
    assert set(found.values_list("pk", flat=True)) == {t.pk for t in inside}


def test_list_is_scoped_to_the_organisation(org, tickets):
    other = OrganisationFactory(slug="elsewhere")
    TicketFactory(organisation=other)
    listed = selectors.ticket_list(organisation=org)
    assert {t.organisation_id for t in listed} == {org.pk}
    with pytest.raises(NotFound):
        selectors.ticket_get(organisation=other, pk=tickets["assigned"].pk)
