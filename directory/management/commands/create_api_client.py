import json as jsonlib

from django.core.management.base import BaseCommand, CommandError

from directory import services
from directory.actors import Actor
from healthdesk.exceptions import DomainError


class Command(BaseCommand):
    help = "Create an API client for an organisation and print its key and secret, once."

    def add_arguments(self, parser):
        parser.add_argument("slug", help="The organisation's slug.")
        parser.add_argument("--name", required=True, help="Who uses it, e.g. the partner app's name.")
        parser.add_argument("--vendor", action="store_true", help="A vendor may be granted more organisations.")
        parser.add_argument("--json", action="store_true", help="Print one JSON object on stdout.")

    def handle(self, *args, slug, name, vendor, json: bool, **options):
        try:
            organisation = services.organisation_get(slug=slug)
        except DomainError as exc:
            raise CommandError(exc.message) from exc
        issued = services.api_client_create(
            organisation=organisation, name=name, is_vendor=vendor, actor=Actor.system(channel="create_api_client")
        )
        if json:
            payload = {"organisation": organisation.slug, "key": issued.client.key, "secret": issued.secret}
            self.stdout.write(jsonlib.dumps(payload))
            return
        self.stdout.write(f"API client {name!r} for {organisation.slug}")
        self.stdout.write(f"  key:    {issued.client.key}")
        self.stdout.write(f"  secret: {issued.secret}")
        self.stdout.write(self.style.WARNING("The secret is shown only now; healthdesk keeps just its digest."))

