from django.core.management.base import BaseCommand, CommandError

from healthdesk.exceptions import DomainError
from healthdesk.onboarding import organisation_onboard


class Command(BaseCommand):
    help = "Create a care provider organisation (the tenant every row belongs to)."

    def add_arguments(self, parser):
        parser.add_argument("slug", help="Short id; the Updox accountId and support account_id.")
        parser.add_argument("--name", required=True)
        # Required: "due today", reminders and every partner date are computed in it, and UTC is no care home's zone.
        parser.add_argument(
            "--time-zone", required=True, help="IANA zone the organisation works in, e.g. Europe/Amsterdam."
        )

    def handle(self, *args, slug, name, time_zone, **options):
        try:
            organisation = organisation_onboard(slug=slug, name=name, time_zone=time_zone)
        except DomainError as exc:
            raise CommandError(exc.message) from exc
        self.stdout.write(self.style.SUCCESS(f"Created organisation {organisation.slug} ({organisation.time_zone})"))
