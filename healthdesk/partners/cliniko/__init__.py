"""The Cliniko partner API: attendees and the bookings, appointments, patients and invoices they link to."""
