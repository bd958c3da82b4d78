"""Connect4's date formats: `2016/02/12 03:00:34 -0800` in the organisation's time zone, dates `1937/01/21`."""

from datetime import UTC, datetime

from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

DATETIME_FORMAT = "%Y/%m/%d %H:%M:%S %z"
DATE_FORMAT = "%Y/%m/%d"
# What `updated_since` accepts: the document's own format first, then ISO 8601 variants.
_DATETIME_INPUTS = (DATETIME_FORMAT, "%Y/%m/%d %H:%M:%S", "%Y/%m/%d")


def format_datetime(value, zone):
    if value is None:
        return None
    return value.astimezone(zone).strftime(DATETIME_FORMAT)


def format_date(value):
    return None if value is None else value.strftime(DATE_FORMAT)


def parse_datetime(text, zone):
    """An aware datetime from the document's format or ISO 8601; naive input is read in `zone`."""
    text = str(text).strip()
    parsed = None
    for pattern in _DATETIME_INPUTS:
        try:
            parsed = datetime.strptime(text, pattern)
            break
        except ValueError:
            continue
    if parsed is None:
        try:
            parsed = datetime.fromisoformat(text)
        except ValueError:
            raise serializers.ValidationError(
                "Use the format 2016/02/12 03:00:34 -0800 or ISO 8601."
            ) from None
    if timezone.is_naive(parsed):
        parsed = parsed.replace(tzinfo=zone)
    try:
        # In UTC: Python accepts offsets up to ±23:59, PostgreSQL only up to ±15:59.
        return parsed.astimezone(UTC)
    except OverflowError:
        raise serializers.ValidationError("The moment is out of range.") from None


@extend_schema_field({"type": "string", "nullable": True, "example": "2016/02/12 03:00:34 -0800"})
class Connect4DateTimeField(serializers.Field):
    """A timestamp in the organisation's zone (serializer context `zone`)."""

    def __init__(self, **kwargs):
        kwargs.setdefault("read_only", True)
        super().__init__(**kwargs)

    def to_representation(self, value):
        return format_datetime(value, self.context["zone"])


@extend_schema_field({"type": "string", "nullable": True, "example": "1937/01/21"})
class Connect4DateField(serializers.Field):
    def __init__(self, **kwargs):
        kwargs.setdefault("read_only", True)
        super().__init__(**kwargs)

    def to_representation(self, value):
        return format_date(value)


@extend_schema_field({"type": "string", "nullable": True})
class BlankAsNullField(serializers.Field):
    """Text that the document shows as null when empty (email, phone_number, …)."""

    def __init__(self, **kwargs):
        kwargs.setdefault("read_only", True)
        super().__init__(**kwargs)

    def to_representation(self, value):
        return value or None


@extend_schema_field(OpenApiTypes.DATETIME)
class UpdatedSinceField(serializers.Field):
    """Input timestamp in the document's format or ISO 8601, read in the organisation's zone."""

    def to_internal_value(self, data):
        return parse_datetime(data, self.context["zone"])
