from collections import Counter

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone
from tqdm import tqdm

from directory.models import Delivery
from scheduling import reminders

BATCH = 200


class Command(BaseCommand):
    help = ("Send one email and/or SMS reminder to each live attendee of an upcoming appointment. Safe to run "
            "from cron every few minutes, twice at once, or again after a crash: no reminder is sent twice.")

    def add_arguments(self, parser):
        parser.add_argument("--within", type=float, default=settings.HEALTHDESK_REMINDER_WITHIN_HOURS,
                            metavar="HOURS", help="Remind of appointments starting within this many hours.")

    def handle(self, *args, within, **options):
        if within <= 0:
            raise CommandError("--within must be a positive number of hours.")
        now = timezone.now()
        due = reminders.reminder_due_ids(within_hours=within, now=now)
        queued = []
        with tqdm(total=len(due), disable=len(due) < 500, file=self.stderr, desc="attendees") as bar:
            for start in range(0, len(due), BATCH):
                batch = due[start:start + BATCH]
                queued += reminders.reminders_queue(attendee_ids=batch, within_hours=within, now=now)
                bar.update(len(batch))
        outcome = Counter(Delivery.objects.filter(pk__in=[d.pk for d in queued]).values_list("status", flat=True))
        channels = Counter(d.channel for d in queued)
        self.stdout.write(
            f"{len(due)} attendee(s) owed a reminder within {within:g} h: "
            f"{channels['email']} email and {channels['sms']} SMS queued; "
            + (", ".join(f"{n} {status}" for status, n in sorted(outcome.items())) or "nothing to send") + "."
        )
