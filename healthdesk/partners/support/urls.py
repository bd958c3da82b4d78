"""The support API's paths, exactly as documented, under /api/v1/; URL names are the document's endpoint names."""

from django.urls import path

from healthdesk.partners.support import views

app_name = "support"

urlpatterns = [
    path("api/v1/raise_ticket", views.SupportRaiseTicket.as_view(), name="raise_ticket"),
    path("api/v1/get_tickets/<str:userId>", views.SupportGetTickets.as_view(), name="get_tickets"),
    path("api/v1/get_tickets/<str:userId>/<str:status>", views.SupportGetTickets.as_view(), name="get_tickets"),
    path(
        "api/v1/get_tickets/<str:userId>/<str:status>/<str:assigned_admin>",
        views.SupportGetTickets.as_view(),
        name="get_tickets",
    ),
    path("api/v1/send_message", views.SupportSendMessage.as_view(), name="send_message"),
    path(
        "api/v1/get_ticket_details/<str:ticketId>", views.SupportGetTicketDetails.as_view(), name="get_ticket_details"
    ),
    # What support-API clients in the field ask: the conversation as the requester sees it when the flag is 1.
    path(
        "api/v1/get_ticket_details/<str:ticketId>/<str:dontShowToUser>",
        views.SupportGetTicketDetailsForRequester.as_view(),
        name="get_ticket_details",
    ),
    path("api/v1/close_ticket/<str:ticketId>", views.SupportCloseTicket.as_view(), name="close_ticket"),
    path("api/v1/assign_ticket_to_admin", views.SupportAssignTicketToAdmin.as_view(), name="assign_ticket_to_admin"),
    path("api/v1/reopen_ticket", views.SupportReopenTicket.as_view(), name="reopen_ticket"),
    path("api/v1/ticket_rating", views.SupportTicketRating.as_view(), name="ticket_rating"),
]
