from django.core.management.base import BaseCommand

from directory.actors import Actor
from tickets import notifications


class Command(BaseCommand):
    help = ("Email the assignee (or the organisation's admins when unassigned) about each ticket that became "
            "overdue, once per ticket and due time. Safe to run from cron every few minutes.")

    def handle(self, *args, **options):
        escalated, unreachable = notifications.tickets_escalate_overdue(actor=Actor.system(channel="escalate_overdue"))
        self.stdout.write(f"{escalated} overdue ticket(s) escalated.")
        if unreachable:
            self.stdout.write(self.style.WARNING(
                f"{unreachable} overdue ticket(s) have no assignee with an email and no admin to tell."
            ))
