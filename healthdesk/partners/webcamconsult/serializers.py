"""The mapping between Webcamconsult's objects and the shared schema, field by field.

Output serializers read model rows; input serializers (`<Endpoint>Input`) validate one wrapped object and yield
domain field names (`duration` → `duration_minutes`) ready for a service call.
"""

from types import SimpleNamespace

from drf_spectacular.utils import extend_schema_field, extend_schema_serializer
from rest_framework import serializers

from directory import credentials
from directory.choices import Gender
from directory.models import User
from healthdesk.partners.webcamconsult import vocab
from healthdesk.partners.webcamconsult.fields import (
    ID_SCHEMA,
    BirthDateField,
    BoundaryField,
    TimestampField,
    WireIdField,
    WireIdListField,
    encode_id,
    format_birth_date,
    format_time,
)

MAX_PER_PAGE = 1000
MAX_PAGE = 1_000_000


class TextField(serializers.CharField):
    """Text that may be sent as null, stored blank (the schema keeps no null strings)."""

    def __init__(self, **kwargs):
        kwargs.setdefault("required", False)
        kwargs.setdefault("allow_blank", True)
        kwargs.setdefault("allow_null", True)
        super().__init__(**kwargs)

    def validate_empty_values(self, data):
        if data is None:
            return True, ""
        return super().validate_empty_values(data)


class WebcamconsultInput(serializers.Serializer):
    """An input object: unknown attributes are refused by name; generated ones (which the document's own
    examples send back, e.g. `full_name`, `id`, `state`) are accepted and ignored."""

    generated: tuple = ()

    def to_internal_value(self, data):
        if isinstance(data, dict):
            unknown = sorted(set(data) - set(self.fields) - set(self.generated))
            if unknown:
                raise serializers.ValidationError(
                    {name: [serializers.ErrorDetail("is not a known attribute", code="unknown")] for name in unknown}
                )
        return super().to_internal_value(data)


# Users -----------------------------------------------------------------------------------------------------
class UserOutput(serializers.Serializer):
    id = WireIdField("user", source="pk")
    titles = serializers.CharField()
    initials = serializers.CharField()
    last_name = serializers.CharField()
    full_name = serializers.CharField(source="display_name")
    email = serializers.EmailField()
    address = serializers.CharField()
    postal_code = serializers.CharField()
    city = serializers.CharField()
    roles = serializers.ListField(child=serializers.CharField())


class UserInput(WebcamconsultInput):
    generated = ("id", "full_name", "roles")

    titles = TextField(max_length=100)
    initials = TextField(max_length=20)
    last_name = serializers.CharField(max_length=150)
    email = serializers.EmailField(max_length=254)
    address = TextField(max_length=200)
    postal_code = TextField(max_length=20)
    city = TextField(max_length=100)


# Clients ---------------------------------------------------------------------------------------------------
class ClientOutput(serializers.Serializer):
    id = WireIdField("client", source="pk")
    # Optional on a client, so "" when none is on file: a plain string, not format "email".
    email = serializers.CharField(help_text="An email address, or empty when none is on file.")
    titles = serializers.CharField()
    initials = serializers.CharField()
    surname_prefix = serializers.CharField()
    last_name = serializers.CharField()
    client_full_name = serializers.SerializerMethodField()
    external = serializers.CharField(allow_null=True)
    gender = serializers.SerializerMethodField()
    date_of_birth = BirthDateField(allow_null=True)
    reference_code = serializers.CharField()
    division_ids = WireIdListField("division", source="divisions")

    def get_client_full_name(self, resident) -> str:
        return vocab.client_full_name(resident)

    @extend_schema_field({"type": ["string", "null"], "enum": [*Gender.values, None]})
    def get_gender(self, resident):
        return resident.gender or None


class ClientListOutput(ClientOutput):
    """A list row also carries the client's own join token, as the document's list shows."""

    authentication_token = serializers.SerializerMethodField()

    def get_authentication_token(self, resident) -> str:
        return credentials.resident_join_token(resident.pk)


class ClientInput(WebcamconsultInput):
    generated = ("id", "client_full_name", "authentication_token")

    email = TextField(max_length=254)
    titles = TextField(max_length=100)
    initials = TextField(max_length=20)
    surname_prefix = TextField(max_length=50)
    last_name = serializers.CharField(max_length=255)
    external = serializers.CharField(
        max_length=255, required=False, allow_null=True, allow_blank=True
    )
    gender = serializers.ChoiceField(
        choices=Gender.values, required=False, allow_null=True, allow_blank=True
    )
    date_of_birth = BirthDateField(required=False, allow_null=True)
    reference_code = TextField(max_length=100)
    division_ids = serializers.ListField(
        child=WireIdField("division"), required=False, max_length=1000, source="divisions"
    )

    def validate_email(self, value):
        return serializers.EmailField().run_validation(value) if value else value

    def validate_gender(self, value):
        return value or ""


# Appointments ----------------------------------------------------------------------------------------------
class AppointmentOutput(serializers.Serializer):
    id = WireIdField("appointment", source="pk")
    user_id = WireIdField("user", source="practitioner_id", allow_null=True)
    client_id = serializers.SerializerMethodField()
    created_by_user_id = WireIdField("user", source="created_by_id", allow_null=True)
    date = TimestampField(source="starts_at")
    orig_date = TimestampField(source="original_starts_at", allow_null=True)
    started_at = TimestampField(allow_null=True)
    created_at = TimestampField()
    state = serializers.CharField()
    division_id = WireIdField("division", allow_null=True)
    duration = serializers.IntegerField(source="duration_minutes")
    external_participant_ids = serializers.ListField(child=serializers.CharField())
    inloop_json = serializers.DictField()

    @extend_schema_field({**ID_SCHEMA, "type": ["string", "null"]})
    def get_client_id(self, appointment):
        # The single live attendee, from the prefetched attendees: no query per row.
        attendee = next(iter(appointment.attendees.all()), None)
        return encode_id("client", attendee.resident_id) if attendee else None


class AppointmentInput(WebcamconsultInput):
    generated = ("id", "state", "orig_date", "started_at", "created_at")

    user_id = WireIdField("user", source="practitioner")
    client_id = WireIdField("client", source="resident")
    created_by_user_id = WireIdField("user", required=False, allow_null=True, source="created_by")
    date = TimestampField(source="starts_at")
    division_id = WireIdField("division", required=False, allow_null=True, source="division")
    duration = serializers.IntegerField(min_value=1, max_value=24 * 60, required=False, source="duration_minutes")
    external_participant_ids = serializers.ListField(
        child=serializers.CharField(max_length=255), required=False, max_length=100
    )
    inloop_json = serializers.DictField(required=False)


# List rows -------------------------------------------------------------------------------------------------
# Lists stream up to 100 000 rows, where a serializer per row costs a quarter of a millisecond: rows are read as
# plain values and shaped by these functions, which produce exactly what the serializers above produce (a test
# compares every list row with its detail).
USER_COLUMNS = ("id", "titles", "initials", "last_name", "email", "address", "postal_code", "city", "roles")
CLIENT_COLUMNS = (
    "id", "email", "titles", "initials", "surname_prefix", "last_name", "external", "gender", "date_of_birth",
    "reference_code",
)
APPOINTMENT_COLUMNS = (
    "id", "practitioner_id", "attendee_resident_id", "created_by_id", "starts_at", "original_starts_at",
    "started_at", "created_at", "state", "division_id", "duration_minutes", "external_participant_ids",
    "inloop_json",
)


def user_row(values, zone):
    row = SimpleNamespace(**values)
    return {
        "id": encode_id("user", row.id), "titles": row.titles, "initials": row.initials,
        "last_name": row.last_name, "full_name": User.display_name.fget(row), "email": row.email,
        "address": row.address, "postal_code": row.postal_code, "city": row.city, "roles": row.roles,
    }


def client_row(values, division_ids, zone):
    row = SimpleNamespace(**values)
    return {
        "id": encode_id("client", row.id), "email": row.email, "titles": row.titles, "initials": row.initials,
        "surname_prefix": row.surname_prefix, "last_name": row.last_name,
        "client_full_name": vocab.client_full_name(row), "external": row.external, "gender": row.gender or None,
        "date_of_birth": format_birth_date(row.date_of_birth, zone), "reference_code": row.reference_code,
        "division_ids": [encode_id("division", pk) for pk in division_ids],
        "authentication_token": credentials.resident_join_token(row.id),
    }


def appointment_row(values, zone):
    row = SimpleNamespace(**values)
    return {
        "id": encode_id("appointment", row.id), "user_id": encode_id("user", row.practitioner_id),
        "client_id": encode_id("client", row.attendee_resident_id),
        "created_by_user_id": encode_id("user", row.created_by_id), "date": format_time(row.starts_at, zone),
        "orig_date": format_time(row.original_starts_at, zone), "started_at": format_time(row.started_at, zone),
        "created_at": format_time(row.created_at, zone), "state": row.state,
        "division_id": encode_id("division", row.division_id), "duration": row.duration_minutes,
        "external_participant_ids": row.external_participant_ids, "inloop_json": row.inloop_json,
    }


# List parameters -------------------------------------------------------------------------------------------
class ListQuery(serializers.Serializer):
    """Optional paging; without it a list is the whole collection, as documented."""

    # Bounded so the row offset stays a 64-bit integer the database accepts.
    page = serializers.IntegerField(
        min_value=1, max_value=MAX_PAGE, required=False, help_text="Page number, from 1."
    )
    per_page = serializers.IntegerField(
        min_value=1, max_value=MAX_PER_PAGE, required=False, help_text="Rows per page (default 100 when paging)."
    )


class AppointmentListQuery(ListQuery):
    """Paging plus a window on the appointment's date; `from`/`to` take a time or a bare date."""

    def get_fields(self):
        fields = super().get_fields()
        fields["from"] = BoundaryField(required=False, help_text="Appointments on or after this time or date.")
        fields["to"] = BoundaryField(end=True, required=False, help_text="Appointments on or before this time or date.")
        return fields


# Documented wrappers (schema only) -------------------------------------------------------------------------
def wrapped(name, key, serializer):
    return type(name, (serializers.Serializer,), {key: serializer, "__doc__": f"`{{\"{key}\": {{…}}}}`"})


class StatusOutput(serializers.Serializer):
    status = serializers.CharField(default="ok")


@extend_schema_serializer(component_name="WebcamconsultErrors")
class ErrorsOutput(serializers.Serializer):
    errors = serializers.DictField(child=serializers.ListField(child=serializers.CharField()))
