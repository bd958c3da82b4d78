"""Clamp appointment times stored outside healthdesk.dates' range (issue #16.3) and flag each row.

Such a row (a BC timestamp on PostgreSQL, a start near 9999 whose end overflows) made every appointment list of
its organisation answer 422 or 500. Its times move to the nearest bound, its duration shrinks so the end fits,
and an `AppointmentEvent` of kind `date_clamped` keeps the row findable. The times are changed by UPDATEs that
never read them: a driver cannot read a BC timestamp back.
"""

from datetime import timedelta

from django.db import migrations
from django.db.models import Q

from healthdesk.dates import EARLIEST, LATEST

# The longest duration a sync accepts; a start inside the range plus this cannot overflow Python's year 9999.
LONGEST = timedelta(days=366)
NOTE = "Times outside 1900-01-01..9000-12-31 (UTC) clamped into it (issue #16.3)."


def clamp_out_of_range_dates(apps, schema_editor):
    Appointment = apps.get_model("scheduling", "Appointment")
    AppointmentEvent = apps.get_model("scheduling", "AppointmentEvent")
    flagged = set()
    for name in ("starts_at", "original_starts_at", "started_at"):
        for bound, lookup in ((EARLIEST, "lt"), (LATEST, "gt")):
            rows = Appointment.objects.filter(**{f"{name}__{lookup}": bound})
            flagged.update(rows.values_list("pk", flat=True))
            rows.update(**{name: bound})
    # Starts are readable now; shorten the durations whose end would leave the range.
    near_end = Appointment.objects.filter(
        Q(starts_at__gt=LATEST - LONGEST) | Q(duration_minutes__gt=LONGEST // timedelta(minutes=1))
    ).values_list("pk", "starts_at", "duration_minutes")
    for pk, starts_at, minutes in near_end:
        room = int((LATEST - starts_at) // timedelta(minutes=1))
        if minutes > room:
            Appointment.objects.filter(pk=pk).update(duration_minutes=room)
            flagged.add(pk)
    AppointmentEvent.objects.bulk_create(
        AppointmentEvent(appointment_id=pk, kind="date_clamped", note=NOTE, channel="migration")
        for pk in sorted(flagged)
    )


class Migration(migrations.Migration):
    dependencies = [("scheduling", "0003_attendee_counts")]

    operations = [migrations.RunPython(clamp_out_of_range_dates, migrations.RunPython.noop)]
