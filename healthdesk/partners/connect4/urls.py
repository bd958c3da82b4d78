"""Connect4's paths at the site root, exactly as documented; URL names are the document's endpoint names."""

from django.urls import path

from healthdesk.partners.connect4 import views

app_name = "connect4"

urlpatterns = [
    path("api/authorize", views.Connect4Authorize.as_view(), name="authorize"),
    path("api/<str:access_token>/tickets", views.Connect4Tickets.as_view(), name="tickets"),
    path("api/<str:access_token>/ticket_detail", views.Connect4TicketDetail.as_view(), name="ticket_detail"),
    path("api/<str:access_token>/all_residents", views.Connect4AllResidents.as_view(), name="all_residents"),
    path(
        "api/<str:access_token>/provider_categories",
        views.Connect4ProviderCategories.as_view(),
        name="provider_categories",
    ),
    path("api/<str:access_token>/create_ticket", views.Connect4CreateTicket.as_view(), name="create_ticket"),
    path("api/<str:access_token>/update_status", views.Connect4UpdateStatus.as_view(), name="update_status"),
    path("api/<str:access_token>/create_comment", views.Connect4CreateComment.as_view(), name="create_comment"),
    path("api/<str:access_token>/attachment/<int:pk>", views.Connect4Attachment.as_view(), name="attachment"),
]
