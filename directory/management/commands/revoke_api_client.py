from django.core.management.base import BaseCommand, CommandError

from directory import services
from directory.actors import Actor
from directory.models import ApiClient


class Command(BaseCommand):
    help = "Revoke an API client by its public key: its secret and access tokens stop working at once."

    def add_arguments(self, parser):
        parser.add_argument("key")

    def handle(self, *args, key, **options):
        client = ApiClient.objects.filter(key=key).first()
        if client is None:
            raise CommandError(f"No API client with key {key!r}.")
        services.api_client_revoke(client=client, actor=Actor.system(channel="revoke_api_client"))
        self.stdout.write(self.style.SUCCESS(f"Revoked {client.name} ({client.key})"))
