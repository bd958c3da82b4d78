"""The Webcamconsult API (users, clients, appointments) over the shared schema; see api-docs/webcamconsult.txt."""
