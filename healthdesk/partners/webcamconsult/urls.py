"""Webcamconsult's paths at the site root. URL names follow the document's resource names; the aliases (the
documented double slash, `//users.json`, and `clients/<id>.json` beside the documented `client/<id>.json`) reach
the same views and stay out of the schema. (`[/]` rather than `/`: Django's check warns of a route starting with a
slash, which is exactly what the double slash is.)"""

from django.urls import path, re_path

from healthdesk.partners.webcamconsult import views

app_name = "webcamconsult"


def alias(view):
    return view.as_view(schema=None)


urlpatterns = [
    path("users.json", views.WebcamconsultUserCollection.as_view(), name="user_collection"),
    path("users/<str:user_id>.json", views.WebcamconsultUser.as_view(), name="user"),
    path("clients.json", views.WebcamconsultClientCollection.as_view(), name="client_collection"),
    path("client/<str:client_id>.json", views.WebcamconsultClient.as_view(), name="client"),
    path("appointments.json", views.WebcamconsultAppointmentCollection.as_view(), name="appointment_collection"),
    path("appointment/<str:appointment_id>.json", views.WebcamconsultAppointment.as_view(), name="appointment"),
    re_path(r"^[/]+users\.json$", alias(views.WebcamconsultUserCollection)),
    re_path(r"^[/]+users/(?P<user_id>[^/]+)\.json$", alias(views.WebcamconsultUser)),
    re_path(r"^[/]+clients\.json$", alias(views.WebcamconsultClientCollection)),
    re_path(r"^[/]*clients?/(?P<client_id>[^/]+)\.json$", alias(views.WebcamconsultClient)),
    re_path(r"^[/]+appointments\.json$", alias(views.WebcamconsultAppointmentCollection)),
    re_path(r"^[/]*appointments?/(?P<appointment_id>[^/]+)\.json$", alias(views.WebcamconsultAppointment)),
]
