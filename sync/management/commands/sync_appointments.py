import json

from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from directory import services as directory_services
from directory.actors import Actor
from directory.models import ApiClient
from healthdesk.exceptions import DomainError
from sync import services
from sync.choices import ItemOutcome

CHANNEL = "sync_appointments"
SHOWN_FAILURES = 20


class Command(BaseCommand):
    help = (
        "Import appointments from a JSON file in the appointment-sync format ({\"appointments\": [...]}) "
        "through the same engine as the sync endpoint; every run is recorded."
    )

    def add_arguments(self, parser):
        parser.add_argument("slug", help="The organisation's slug (the sync accountId).")
        parser.add_argument("file", help="JSON file: {\"appointments\": [...]} or a bare list of items.")
        parser.add_argument("--client", metavar="KEY", help="Record the run for this API client (its key).")
        parser.add_argument("--system", default="updox", help="Partner system the ids belong to (default updox).")
        parser.add_argument("--dry-run", action="store_true", help="Validate and count; write no appointments.")

    def handle(self, *args, slug, file, client, system, dry_run, **options):
        try:
            organisation = directory_services.organisation_get(slug=slug)
        except DomainError as exc:
            raise CommandError(exc.message) from exc
        actor = Actor.system(channel=CHANNEL)
        if client:
            api_client = ApiClient.objects.filter(key=client, revoked_at__isnull=True).first()
            if api_client is None or directory_services.api_client_organisation_for(
                client=api_client, slug=slug
            ) is None:
                raise CommandError(f"No live API client {client!r} granted {slug!r}.")
            actor = Actor.api(api_client, channel=CHANNEL)
        items = self._read(file)
        with tqdm(total=len(items), unit="item", desc="sync", disable=None) as bar:
            report = services.appointments_sync(
                organisation=organisation, actor=actor, system=system, items=items, dry_run=dry_run,
                progress=bar.update,
            )
        self._summary(report)
        if report.run.failed:
            # cron and scripts see the failure in the exit status; the run and its good items are kept.
            raise CommandError(f"{report.run.failed} of {report.run.received} items failed.")

    def _read(self, path):
        try:
            with open(path, encoding="utf-8") as handle:
                data = json.load(handle)
        except OSError as exc:
            raise CommandError(f"Cannot read {path}: {exc.strerror}.") from exc
        except ValueError as exc:
            raise CommandError(f"{path} is not valid JSON: {exc}.") from exc
        items = data.get("appointments") if isinstance(data, dict) else data
        if not isinstance(items, list):
            raise CommandError(f"{path}: expected {{\"appointments\": [...]}} or a list of appointments.")
        return items

    def _summary(self, report):
        run = report.run
        prefix = "Dry run, nothing written: " if run.dry_run else ""
        self.stdout.write(
            f"{prefix}{run.received} received, {run.created} created, {run.updated} updated, "
            f"{run.unchanged} unchanged, {run.failed} failed in {run.duration_ms} ms (run {run.pk})."
        )
        failures = [s for s in report.statuses if s.outcome == ItemOutcome.FAILED]
        for status in failures[:SHOWN_FAILURES]:
            line = f"  item {status.position + 1} (id {status.external_id}): {status.message}"
            self.stdout.write(self.style.WARNING(line))
        if len(failures) > SHOWN_FAILURES:
            self.stdout.write(f"  … and {len(failures) - SHOWN_FAILURES} more failures; see the run in the admin.")
