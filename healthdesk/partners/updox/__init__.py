"""The Updox AppointmentsSync API: vendors push their practices' appointments to `POST /io/syncAppointments`."""
