"""Every documented support path resolves to a support view, and every support view keeps the partner's base."""

import pytest
from django.urls import get_resolver, resolve
from drf_spectacular.generators import SchemaGenerator

from healthdesk.partners.base import partner_for_path
from healthdesk.partners.support import views
from healthdesk.partners.support.wire import SUPPORT

DOCUMENTED = {
    "/api/v1/raise_ticket": views.SupportRaiseTicket,
    "/api/v1/get_tickets/0": views.SupportGetTickets,
    "/api/v1/get_tickets/6/unresolved": views.SupportGetTickets,
    "/api/v1/get_tickets/6/overdue/jdoe": views.SupportGetTickets,
    "/api/v1/send_message": views.SupportSendMessage,
    "/api/v1/get_ticket_details/91": views.SupportGetTicketDetails,
    "/api/v1/get_ticket_details/91/1": views.SupportGetTicketDetailsForRequester,
    "/api/v1/close_ticket/91": views.SupportCloseTicket,
    "/api/v1/assign_ticket_to_admin": views.SupportAssignTicketToAdmin,
    "/api/v1/reopen_ticket": views.SupportReopenTicket,
    "/api/v1/ticket_rating": views.SupportTicketRating,
}


@pytest.mark.parametrize(("path", "view"), DOCUMENTED.items())
def test_documented_paths_resolve_to_their_support_view(path, view):
    match = resolve(path)
    assert match.func.view_class is view
    assert match.namespace == "support"
    assert partner_for_path(path) is SUPPORT


def _support_views(patterns):
    for pattern in patterns:
        if hasattr(pattern, "url_patterns"):
            yield from _support_views(pattern.url_patterns)
        elif str(pattern.pattern).startswith("api/v1/"):
            yield pattern.callback.view_class


def test_every_support_route_uses_the_support_base_view():
    found = set(_support_views(get_resolver().url_patterns))
    assert found == set(DOCUMENTED.values())
    for view in found:
        assert issubclass(view, views.SupportView)
        assert view.partner is SUPPORT
        assert view.authentication_classes == (views.SupportAuthentication,)


def test_every_support_operation_is_in_the_schema_under_the_support_tag():
    schema = SchemaGenerator().get_schema(request=None, public=True)
    operations = [
        (path, method, operation)
        for path, item in schema["paths"].items() if path.startswith("/api/v1/")
        for method, operation in item.items()
    ]
    assert {(path, method) for path, method, _ in operations} >= {
        ("/api/v1/raise_ticket", "post"),
        ("/api/v1/get_tickets/{userId}/{status}/{assigned_admin}", "get"),
        ("/api/v1/get_tickets/{userId}", "post"),
        ("/api/v1/send_message", "post"),
        ("/api/v1/get_ticket_details/{ticketId}", "get"),
        ("/api/v1/close_ticket/{ticketId}", "get"),
        ("/api/v1/close_ticket/{ticketId}", "post"),
        ("/api/v1/assign_ticket_to_admin", "post"),
        ("/api/v1/reopen_ticket", "post"),
        ("/api/v1/ticket_rating", "post"),
    }
    for path, method, operation in operations:
        assert operation["tags"] == ["support"], (path, method)
        assert "401" in operation["responses"], (path, method)
        assert operation["security"] == [{"supportToken": []}], (path, method)
