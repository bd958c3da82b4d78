"""Issue #16 (Trust II) finding 3: non-ASCII digits pass str.isdigit() but make int() raise (a 500)."""

import pytest

from healthdesk.exceptions import Invalid, NotFound
from tests.factories import TicketFactory
from tickets import selectors as ticket_selectors
from tickets import services as ticket_services

NOT_ASCII = ["²", "٣", "３", "1²"]


@pytest.mark.parametrize("value", NOT_ASCII)
def test_urgency_status_in_other_digits_is_an_unknown_urgency_naming_the_field(tenant, value):
    with pytest.raises(NotFound) as caught:
        ticket_selectors.urgency_find(organisation=tenant.organisation, name_or_id=value)
    assert caught.value.field == "urgency_status"


@pytest.mark.parametrize("value", NOT_ASCII)
def test_rating_in_other_digits_is_refused_naming_the_field(tenant, value):
    ticket = TicketFactory(organisation=tenant.organisation, resident=tenant.resident)
    with pytest.raises(Invalid) as caught:
        ticket_services.ticket_rate(ticket=ticket, actor=tenant.actor, rating=value, resident=tenant.resident)
    assert caught.value.field == "rating"
    ticket.refresh_from_db()
    assert ticket.rating is None
