from django.urls import path

from healthdesk.partners.updox import views

urlpatterns = [
    path("io/syncAppointments", views.UpdoxAppointmentsSync.as_view(), name="AppointmentsSync"),
    # Updox's client gem posts the same method here (the document's title is the method's current name).
    path("api/io/AppointmentsSync", views.UpdoxAppointmentsSyncApiPath.as_view(), name="AppointmentsSync-api"),
]
