from collections import Counter

from django.core.management.base import BaseCommand
from tqdm import tqdm

from directory import notifications
from directory.models import Delivery


class Command(BaseCommand):
    help = ("Hand every due delivery (never sent, or failed and past its back-off time) to the task queue. "
            "Safe to run from cron every few minutes, and twice at once: a delivery is only ever claimed once.")

    def add_arguments(self, parser):
        parser.add_argument("--limit", type=int, default=1000, help="Most deliveries per run (default 1000).")

    def handle(self, *args, limit, **options):
        due = notifications.delivery_due_ids(limit=limit)
        for delivery_id in tqdm(due, disable=len(due) < 100, file=self.stderr, desc="deliveries"):
            notifications.delivery_enqueue(delivery_id=delivery_id)
        outcome = Counter(Delivery.objects.filter(pk__in=due).values_list("status", flat=True))
        summary = ", ".join(f"{count} {status}" for status, count in sorted(outcome.items())) or "nothing"
        self.stdout.write(f"{len(due)} due deliveries handed to the task queue: {summary}.")
