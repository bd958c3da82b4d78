"""Reads on sync runs."""

from sync.models import SyncRun


def sync_run_list(*, organisation, failed_only=False):
    """Runs newest first; `organisation=None` lists every organisation's (a superuser's view)."""
    qs = SyncRun.objects.select_related("organisation", "client")
    if organisation is not None:
        qs = qs.filter(organisation=organisation)
    if failed_only:
        qs = qs.filter(failed__gt=0)
    return qs.order_by("-started_at", "-id")
