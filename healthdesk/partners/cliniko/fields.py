"""Cliniko's formats: UTC `2016-06-28T21:33:26Z` times, integer ids (numbers or numeric strings on input),
and linked records as `{"links": {"self": url}}`."""

from datetime import UTC

from django.db.models import BigIntegerField, Case, F, When
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field, inline_serializer
from rest_framework import serializers

from healthdesk import dates
from healthdesk.exceptions import Invalid
from healthdesk.partners.cliniko.wire import api_root

MAX_ID = 2**63 - 1
CANT_BE_BLANK = "can’t be blank"


def in_date_range(value):
    """`value` if the system can store it (healthdesk.dates), else this field's 422."""
    try:
        return dates.moment_check(value, field="value")
    except Invalid:
        raise serializers.ValidationError(f"must be {dates.RANGE_TEXT}") from None


def utc(value):
    if value is None:
        return None
    return value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


@extend_schema_field(OpenApiTypes.DATETIME)
class UtcDateTimeField(serializers.DateTimeField):
    """Output `2016-06-28T21:33:26Z`; input any ISO 8601 time, an offset-less one read as UTC."""

    def to_representation(self, value):
        return utc(value)

    def enforce_timezone(self, value):
        return value if value.tzinfo else value.replace(tzinfo=UTC)


@extend_schema_field(OpenApiTypes.INT)
class IdField(serializers.Field):
    """An id sent as `7` or `"7"` (Cliniko's newer clients send strings); rendered as an integer."""

    default_error_messages = {"invalid": "is not a valid id"}

    def to_internal_value(self, data):
        if isinstance(data, bool):
            self.fail("invalid")
        if isinstance(data, int):
            number = data
        elif isinstance(data, str) and data.strip().isdigit() and data.strip().isascii():
            number = int(data.strip())
        else:
            self.fail("invalid")
        if not 0 < number <= MAX_ID:
            self.fail("invalid")
        return number

    def to_representation(self, value):
        return int(value)


# Businesses: Cliniko's places of practice are healthdesk's organisation and its divisions. One number space,
# unambiguous and stable: organisation N is business 2N (even), division N is business 2N + 1 (odd).
def organisation_business_id(organisation_id):
    return 2 * organisation_id


def division_business_id(division_id):
    return 2 * division_id + 1


def business_id_expression():
    """The ORM expression of an appointment's business id: its division's, else its organisation's."""
    return Case(
        When(division_id__isnull=True, then=F("organisation_id") * 2),
        default=F("division_id") * 2 + 1,
        output_field=BigIntegerField(),
    )


LINK_SCHEMA = inline_serializer(
    "ClinikoLink", {"links": inline_serializer("ClinikoSelf", {"self": serializers.URLField()})}
)
# A link that is absent as null (a deleted individual appointment has no live patient).
NULLABLE_LINK_SCHEMA = inline_serializer(
    "ClinikoOptionalLink", {"links": inline_serializer("ClinikoOptionalSelf", {"self": serializers.URLField()})},
    allow_null=True,
)


@extend_schema_field(LINK_SCHEMA)
class LinkField(serializers.Field):
    """A linked record: `{"links": {"self": "<absolute …/v1/path>"}}` from a template such as `bookings/{}`."""

    def __init__(self, template, **kwargs):
        self.template = template
        kwargs["read_only"] = True
        super().__init__(**kwargs)

    def url(self, value):
        root = self.context.get("root") or api_root(self.context["request"])
        return root + self.template.format(value)

    def to_representation(self, value):
        return {"links": {"self": self.url(value)}}


@extend_schema_field(NULLABLE_LINK_SCHEMA)
class OptionalLinkField(LinkField):
    """A link to a record that may be absent (an appointment without practitioner): null then."""

    def to_representation(self, value):
        return None if value is None else super().to_representation(value)


@extend_schema_field(inline_serializer("ClinikoSelfLinks", {"self": serializers.URLField()}))
class SelfLinkField(LinkField):
    """The object's own `links`: `{"self": url}`."""

    def to_representation(self, value):
        return {"self": self.url(value)}


class ClinikoInput(serializers.Serializer):
    """Input base: missing or null required values read `can’t be blank`, as Cliniko's validation says."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            field.error_messages["required"] = CANT_BE_BLANK
            field.error_messages["null"] = CANT_BE_BLANK
            field.error_messages["blank"] = CANT_BE_BLANK
