"""The document's request and response examples, for the OpenAPI schema (made valid JSON: no trailing commas,
`email` for the list's `emails`)."""

from drf_spectacular.utils import OpenApiExample

ID = "1234567890abcdef12345678"
TIME = "2015-07-01T15:41:24.306+02:00"

USER_IN = {
    "titles": "Dokter", "initials": "J", "last_name": "Akkermans", "email": "jakkermans@example.com",
    "address": "Vlietlaan 1", "postal_code": "3011AA", "city": "Ergens",
}
USER = {"id": ID, **USER_IN, "full_name": "Dokter J Akkermans", "roles": ["consultant"]}

CLIENT_IN = {
    "email": "urias@sensestudios.com", "titles": "Dr.", "initials": "T", "surname_prefix": "de",
    "last_name": "Ester", "gender": "male", "date_of_birth": "2014-12-18T00:00:00.000+01:00",
    "reference_code": "12345", "division_ids": ["5492ba6da19ea682ea000001", "5492ba6da19ea682ea000001"],
}
CLIENT = {"id": "5492ba6da19ea682ea000001", **CLIENT_IN, "client_full_name": "Dhr. Dr. T de Ester", "external": None}

APPOINTMENT_IN = {
    "user_id": ID, "client_id": ID, "created_by_user_id": ID, "date": TIME, "division_id": ID, "duration": 100,
    "external_participant_ids": [ID, ID], "inloop_json": {"email": "someemail@somedomain.com"},
}
APPOINTMENT = {
    "id": ID, **APPOINTMENT_IN, "state": "idle", "orig_date": TIME, "started_at": None, "created_at": TIME,
}

OK = OpenApiExample("Deleted", value={"status": "ok"}, response_only=True)
EMAIL_TAKEN = OpenApiExample(
    "Email taken (Accept-Language: nl)", value={"errors": {"email": ["is al in gebruik"]}}, response_only=True,
    status_codes=["422"],
)
UNAUTHENTICATED = OpenApiExample(
    "No token", value={"errors": {"authentication": ["token is missing"]}}, response_only=True, status_codes=["401"]
)
NOT_FOUND = OpenApiExample("Unknown id", value={"errors": {"id": ["not found"]}}, response_only=True,
                           status_codes=["404"])


def request_and_response(key, sent, answered):
    return [
        OpenApiExample("Request", value={key: sent}, request_only=True),
        OpenApiExample("Response", value={key: answered}, response_only=True),
    ]


def listed(name, row):
    # drf-spectacular wraps a list response's example in the array itself.
    return OpenApiExample(name, value=row, response_only=True)


def response(key, answered):
    return OpenApiExample("Response", value={key: answered}, response_only=True)
