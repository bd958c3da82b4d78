"""The support API's formats: ids as numeric strings, times as `2016-11-22 05:01:51` in the organisation's zone,
and the `dd-mm-yyyy H:m` range bounds of get_tickets."""

from datetime import UTC, datetime, time, timedelta

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

DATETIME_FORMAT = "%Y-%m-%d %H:%M:%S"
ID_MAX = 2**63 - 1


def _zone(field):
    return field.context["organisation"].zone


@extend_schema_field(OpenApiTypes.STR)
class SupportIdField(serializers.Field):
    """An id rendered as a numeric string (`"91"`)."""

    def __init__(self, **kwargs):
        kwargs.setdefault("read_only", True)
        super().__init__(**kwargs)

    def to_representation(self, value):
        return str(value)


class SupportIdInput(serializers.IntegerField):
    """An id given as a number or numeric string."""

    def __init__(self, **kwargs):
        kwargs.setdefault("min_value", 1)
        kwargs.setdefault("max_value", ID_MAX)
        super().__init__(**kwargs)


@extend_schema_field(OpenApiTypes.STR)
class SupportDateTimeField(serializers.Field):
    """A moment as `2016-11-22 05:01:51`, local to the organisation (its zone comes from the context)."""

    def __init__(self, **kwargs):
        kwargs.setdefault("read_only", True)
        super().__init__(**kwargs)

    def to_representation(self, value):
        return value.astimezone(_zone(self)).strftime(DATETIME_FORMAT)


@extend_schema_field(OpenApiTypes.STR)
class SupportRangeBoundField(serializers.Field):
    """A `dd-mm-yyyy H:m` bound in the organisation's zone (a bare `dd-mm-yyyy` means the whole day).

    The range is inclusive at the given precision: an end bound covers its whole last minute (or day).
    """

    default_error_messages = {"invalid": "Expected dd-mm-yyyy H:m, for example 21-11-2016 17:01."}

    def __init__(self, *, end=False, **kwargs):
        self.end = end
        super().__init__(**kwargs)

    def to_internal_value(self, data):
        text = str(data).strip()
        for pattern, step in (("%d-%m-%Y %H:%M", timedelta(minutes=1)), ("%d-%m-%Y", timedelta(days=1))):
            try:
                parsed = datetime.strptime(text, pattern)
            except ValueError:
                continue
            if step == timedelta(days=1):
                parsed = datetime.combine(parsed.date(), time.min)
            start = parsed.replace(tzinfo=_zone(self))
            try:
                bound = start + step - timedelta(microseconds=1) if self.end else start
                # Stored in UTC: a bound at the calendar's edge (01-01-0001 east of UTC) has no UTC moment.
                bound.astimezone(UTC)
            except OverflowError:
                raise serializers.ValidationError("The moment is out of range.", code="invalid") from None
            return bound
        raise serializers.ValidationError(self.error_messages["invalid"], code="invalid")

    def to_representation(self, value):
        return value.astimezone(_zone(self)).strftime("%d-%m-%Y %H:%M")
