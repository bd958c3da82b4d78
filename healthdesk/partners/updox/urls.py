from django.urls import path

from healthdesk.partners.updox import views

urlpatterns = [
    path("io/syncAppointments", views.UpdoxAppointmentsSync.as_view(), name="AppointmentsSync"),
]
