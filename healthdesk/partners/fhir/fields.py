"""FHIR's value formats and search-parameter syntax: ids, instants, dates with prefixes, references."""

import re
from datetime import UTC, date, datetime, time, timedelta

from django.utils import timezone

from healthdesk.exceptions import Invalid

PREFIXES = ("eq", "ne", "gt", "lt", "ge", "le", "sa", "eb")
SUPPORTED_PREFIXES = ("eq", "gt", "lt", "ge", "le")
DATE_VALUE = re.compile(
    r"^(?P<year>\d{4})(-(?P<month>\d{2})(-(?P<day>\d{2})"
    r"(T(?P<hour>\d{2}):(?P<minute>\d{2})(:(?P<second>\d{2})(\.\d+)?)?(?P<tz>Z|[+-]\d{2}:\d{2})?)?)?)?$"
)
ASCII_DIGITS = re.compile(r"^[0-9]{1,18}$")


def instant(moment):
    """An aware datetime as FHIR's `instant`, in UTC to the millisecond."""
    return moment.astimezone(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def version_of(moment):
    """A resource's version: the microsecond of its last change, so a version changes exactly when the row does."""
    return str(int(moment.timestamp() * 1_000_000))


def integer_id(value, parameter):
    """A numeric FHIR id (ASCII digits only: `int()` would take `²` or `٣`)."""
    if not ASCII_DIGITS.match(value or ""):
        raise Invalid(f"{parameter}: not a known id: {value!r}.", field=parameter)
    return int(value)


def prefixed_id(value, prefix, parameter):
    """An id of the form `<prefix><digits>` (Organization ids `org-1`, `div-3`), or None when it is not one."""
    if not value.startswith(prefix) or not ASCII_DIGITS.match(value[len(prefix) :]):
        return None
    return int(value[len(prefix) :])


def reference_id(value, resource_types, parameter):
    """`Patient/12`, a full URL ending in it, or a bare `12` → (type or None, id)."""
    parts = value.rstrip("/").split("/")
    if len(parts) >= 2 and parts[-2] in resource_types:
        return parts[-2], integer_id(parts[-1], parameter)
    if len(parts) == 1:
        return None, integer_id(parts[0], parameter)
    raise Invalid(f"{parameter}: expected a reference to {' or '.join(resource_types)}: {value!r}.", field=parameter)


def date_range(value, parameter, zone):
    """A FHIR date search value with its prefix → (prefix, start, end): the implicit range [start, end) that the
    value's precision gives (a day, a month, a year), in `zone` when the value carries no offset."""
    prefix, text = (value[:2], value[2:]) if value[:2] in PREFIXES else ("eq", value)
    if prefix not in SUPPORTED_PREFIXES:
        raise Invalid(f"{parameter}: the prefix {prefix!r} is not supported.", field=parameter)
    match = DATE_VALUE.match(text)
    if not match:
        raise Invalid(f"{parameter}: not a FHIR date or dateTime: {text!r}.", field=parameter)
    parts = {k: int(v) for k, v in match.groupdict().items() if v and k != "tz"}
    try:
        if "hour" in parts:
            tz = match["tz"]
            if tz is None:
                raise Invalid(f"{parameter}: a time needs its offset (Z or ±hh:mm).", field=parameter)
            start = datetime.fromisoformat(text.replace("Z", "+00:00"))
            step = timedelta(seconds=1) if "second" in parts else timedelta(minutes=1)
            return prefix, start, start + step
        day_start = date(parts["year"], parts.get("month", 1), parts.get("day", 1))
    except ValueError:
        raise Invalid(f"{parameter}: not a valid date: {text!r}.", field=parameter) from None
    if "day" in parts:
        day_end = day_start + timedelta(days=1)
    elif "month" in parts:
        day_end = (day_start.replace(day=28) + timedelta(days=4)).replace(day=1)
    else:
        day_end = day_start.replace(year=day_start.year + 1) if day_start.year < 9999 else date.max
    start = timezone.make_aware(datetime.combine(day_start, time.min), zone)
    end = timezone.make_aware(datetime.combine(day_end, time.min), zone) if day_end != date.max else None
    return prefix, start, end


def date_only_range(value, parameter):
    """A date search on a date field (birthdate) → (prefix, first day, day after)."""
    prefix, start, end = date_range(value, parameter, UTC)
    return prefix, start.date(), end.date() if end else date.max
