"""Webcamconsult's wire formats: 24-hex ids and ISO 8601 times with milliseconds in the organisation's zone."""

import re
from datetime import date, datetime, time, timedelta
from datetime import timezone as fixed_offset

from django.utils import timezone
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from healthdesk import dates
from healthdesk.exceptions import Invalid

# Webcamconsult ids look like MongoDB ObjectIds. Ours are reversible: a marker naming the kind of row (the ASCII
# of "user", "clnt", …) and the row id in 16 hex digits, so a client id sent as a user_id is simply unknown.
ID_MARKERS = {"user": "75736572", "client": "636c6e74", "appointment": "61707074", "division": "6469766e"}
ID_PATTERN = re.compile(r"^[0-9a-f]{24}$")
ID_SCHEMA = {"type": "string", "pattern": "^[0-9a-f]{24}$", "example": "1234567890abcdef12345678"}


def encode_id(kind, pk):
    return None if pk is None else f"{ID_MARKERS[kind]}{pk:016x}"


def decode_id(kind, value):
    """The row id inside a wire id of this kind, or None when it is not one."""
    if not isinstance(value, str) or not ID_PATTERN.match(value) or not value.startswith(ID_MARKERS[kind]):
        return None
    return int(value[8:], 16) or None


def format_time(value, zone):
    """`2015-07-01T15:41:24.306+02:00`: milliseconds and the organisation's offset."""
    if value is None:
        return None
    # Before 1937 Amsterdam's offset had seconds (+00:19:32), which ISO 8601/RFC 3339 offsets cannot carry: the
    # same instant is written in the offset cut to whole minutes.
    offset = value.astimezone(zone).utcoffset()
    minutes = fixed_offset(timedelta(minutes=offset // timedelta(minutes=1)))
    return value.astimezone(minutes).isoformat(timespec="milliseconds")


def format_birth_date(day, zone):
    """A date as midnight in the zone, `2014-12-18T00:00:00.000+01:00`."""
    if day is None:
        return None
    # Zones had second-exact offsets before ~1940 (Amsterdam +00:19:32); like Rails, show whole minutes.
    offset = datetime.combine(day, time.min, tzinfo=zone).utcoffset()
    minutes = fixed_offset(timedelta(minutes=offset // timedelta(minutes=1)))
    return datetime.combine(day, time.min, tzinfo=minutes).isoformat(timespec="milliseconds")


@extend_schema_field(ID_SCHEMA)
class WireIdField(serializers.Field):
    """A row id as 24 lowercase hex characters; anything else is an invalid id."""

    default_error_messages = {"invalid": "is not a valid id"}

    def __init__(self, kind, **kwargs):
        self.kind = kind
        super().__init__(**kwargs)

    def to_representation(self, value):
        return encode_id(self.kind, getattr(value, "pk", value))

    def to_internal_value(self, data):
        pk = decode_id(self.kind, data)
        if pk is None:
            self.fail("invalid")
        return pk


@extend_schema_field({"type": "array", "items": ID_SCHEMA})
class WireIdListField(serializers.Field):
    """The ids of a (prefetched) to-many relation, read only."""

    def __init__(self, kind, **kwargs):
        self.kind = kind
        kwargs["read_only"] = True
        super().__init__(**kwargs)

    def to_representation(self, value):
        return [encode_id(self.kind, row.pk) for row in value.all()]


class ZonedMixin:
    @property
    def zone(self):
        return self.context.get("zone") or timezone.get_current_timezone()


@extend_schema_field({"type": "string", "format": "date-time", "example": "2015-07-01T15:41:24.306+02:00"})
class TimestampField(ZonedMixin, serializers.DateTimeField):
    """ISO 8601 in and out; a time without offset is read in the organisation's zone."""

    default_error_messages = {"invalid": "is not a valid ISO 8601 time"}

    # A stored time must lie in the range every list can read back; a filter bound may lie anywhere.
    checks_range = True

    def default_timezone(self):
        return self.zone

    def to_internal_value(self, value):
        try:
            moment = super().to_internal_value(value)
        except OverflowError:
            # Year 1 read in a zone ahead of UTC lands before year 1: no time at all.
            raise serializers.ValidationError(f"must be {dates.RANGE_TEXT}") from None
        if self.checks_range:
            try:
                dates.moment_check(moment, field=self.field_name)
            except Invalid:
                raise serializers.ValidationError(f"must be {dates.RANGE_TEXT}") from None
        return moment

    def to_representation(self, value):
        return format_time(value, self.zone)


@extend_schema_field({"type": "string", "format": "date-time", "example": "2015-07-01T00:00:00.000+02:00"})
class BoundaryField(TimestampField):
    """A `from`/`to` filter: a full time, or a bare date meaning the start (or, for `to`, the end) of that day."""

    checks_range = False

    def __init__(self, *, end=False, **kwargs):
        self.end = end
        super().__init__(**kwargs)

    def to_internal_value(self, value):
        day = _bare_date(value)
        if day is None:
            return super().to_internal_value(value)
        return datetime.combine(day, time.max if self.end else time.min, tzinfo=self.zone)


def _bare_date(value):
    if isinstance(value, str) and len(value) == 10:
        try:
            return date.fromisoformat(value)
        except ValueError:
            return None
    return None


@extend_schema_field({"type": "string", "format": "date-time", "example": "2014-12-18T00:00:00.000+01:00"})
class BirthDateField(ZonedMixin, serializers.Field):
    """A date shown, as the document does, as midnight in the organisation's zone. Input is a date or a time;
    the calendar date as written is kept, so no offset can move a birthday to the day before."""

    default_error_messages = {"invalid": "is not a valid date"}

    def to_representation(self, value):
        return format_birth_date(value, self.zone)

    def to_internal_value(self, data):
        if not isinstance(data, str):
            self.fail("invalid")
        day = _bare_date(data)
        if day is not None:
            return day
        try:
            parsed = datetime.fromisoformat(data.replace("Z", "+00:00"))
        except ValueError:
            self.fail("invalid")
        return parsed.date()
