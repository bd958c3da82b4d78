"""Derived filters (overdue, due today, unassigned, unresolved, open) at their edges, in the organisation's zone."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from tests.factories import TicketFactory
from tickets import selectors
from tickets.choices import TicketStatus

pytestmark = pytest.mark.django_db

AMSTERDAM = ZoneInfo("Europe/Amsterdam")
# 22:30 in Amsterdam on 1 March is 21:30 UTC: "today" there ends 90 minutes later, not at UTC midnight.
NOW = datetime(2026, 3, 1, 22, 30, tzinfo=AMSTERDAM)


def ids(tenant, derived):
    qs = selectors.ticket_list(organisation=tenant.organisation, derived=derived, now=NOW)
    return {t.title for t in qs}


@pytest.fixture
def board(tenant):
    make = lambda title, **kw: TicketFactory(organisation=tenant.organisation, resident=tenant.resident,  # noqa: E731
                                             title=title, **kw)
    make("due a minute ago", due_at=NOW - timedelta(minutes=1))
    make("due late tonight", due_at=NOW + timedelta(minutes=80))
    make("due just after local midnight", due_at=NOW + timedelta(minutes=95))
    make("due tomorrow", due_at=NOW + timedelta(days=1))
    make("closed but overdue", due_at=NOW - timedelta(days=2), status=TicketStatus.CLOSED)
    make("assigned and on hold", due_at=NOW + timedelta(days=3), status=TicketStatus.ON_HOLD, assignee=tenant.staff)
    return tenant


def test_overdue_is_due_passed_and_not_closed(board):
    assert ids(board, "overdue") == {"due a minute ago"}


def test_due_today_uses_the_organisations_day(board):
    # Due today = due at any time of the local day and not closed, so an overdue ticket can be due today too.
    assert ids(board, "duetoday") == {"due a minute ago", "due late tonight"}


def test_unassigned_excludes_closed_and_assigned(board):
    assert ids(board, "unassigned") == {"due a minute ago", "due late tonight", "due just after local midnight",
                                        "due tomorrow"}


def test_unresolved_is_everything_not_closed(board):
    assert ids(board, "unresolved") == ids(board, "unassigned") | {"assigned and on hold"}


def test_open_excludes_on_hold_and_closed(board):
    assert ids(board, "open") == ids(board, "unassigned")
    assert ids(board, "onhold") == {"assigned and on hold"}
    assert ids(board, "closed") == {"closed but overdue"}


def test_today_bounds_in_another_zone(tenant):
    tenant.organisation.time_zone = "America/Los_Angeles"
    start, end = selectors.today_bounds(tenant.organisation, NOW)
    assert start == datetime(2026, 3, 1, tzinfo=ZoneInfo("America/Los_Angeles"))
    assert end - start == timedelta(days=1)


def test_unknown_filter_names_the_field(tenant):
    from healthdesk.exceptions import Invalid

    with pytest.raises(Invalid) as caught:
        selectors.ticket_list(organisation=tenant.organisation, derived="someday")
    assert caught.value.field == "status"


def test_another_organisations_ticket_is_not_found(tenant, other_tenant):
    from healthdesk.exceptions import NotFound

    theirs = TicketFactory(organisation=other_tenant.organisation, resident=other_tenant.resident)
    with pytest.raises(NotFound):
        selectors.ticket_get(organisation=tenant.organisation, pk=theirs.pk)
    assert theirs.pk not in {t.pk for t in selectors.ticket_list(organisation=tenant.organisation)}
