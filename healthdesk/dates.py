"""The one range of dates healthdesk stores and computes with: 1900-01-01 00:00 UTC to 9000-12-31 23:59 UTC.

Outside it, a wall-clock time in a zone like Europe/Amsterdam (+00:19:32 in 1900) or an end computed as start +
duration can leave Python's years 1-9999 or land before year 1 on PostgreSQL (a BC timestamp no driver reads
back), and one such row broke every list of its organisation (issue #16). Every start and every end a service
writes must lie inside; the lower bound keeps a day of margin for any zone, the upper a year and more.
"""

from datetime import UTC, datetime, timedelta

from healthdesk.exceptions import Invalid

EARLIEST = datetime(1900, 1, 1, tzinfo=UTC)
LATEST = datetime(9000, 12, 31, 23, 59, tzinfo=UTC)
RANGE_TEXT = "between 1900-01-01 and 9000-12-31 (UTC)"


def moment_check(moment, *, field):
    """`moment` (an aware datetime, or None) if it lies in the range; Invalid naming `field` if not."""
    if moment is None:
        return None
    if getattr(moment, "tzinfo", 0) is None:
        moment = moment.replace(tzinfo=UTC)  # how Django stores a naive time (with a warning)
    try:
        inside = EARLIEST <= moment <= LATEST
    except (OverflowError, TypeError):
        inside = False
    if not inside:
        raise Invalid(f"{field}: must be {RANGE_TEXT}.", field=field)
    return moment


def span_check(starts_at, duration_minutes, *, field="starts_at", duration_field="duration_minutes"):
    """The end (start + duration) of a span whose start and end both lie in the range; Invalid naming `field`
    for a start outside, `duration_field` for an end outside."""
    starts_at = moment_check(starts_at, field=field)
    if starts_at is None:
        return None
    try:
        ends_at = starts_at + timedelta(minutes=int(duration_minutes or 0))
    except (OverflowError, ValueError, TypeError):
        ends_at = None
    if ends_at is None or not EARLIEST <= ends_at <= LATEST:
        raise Invalid(f"{duration_field}: the end must be {RANGE_TEXT}.", field=duration_field)
    return ends_at
