from django.db import models

from directory.models import ApiClient, Organisation, User
from sync.choices import ItemOutcome


class SyncRun(models.Model):
    """One batch pushed by a partner system or imported from a file, with its counts."""

    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="sync_runs")
    client = models.ForeignKey(ApiClient, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    user = models.ForeignKey(User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    channel = models.CharField(max_length=40, help_text="Endpoint or command that ran it.")
    dry_run = models.BooleanField(default=False)
    started_at = models.DateTimeField()
    duration_ms = models.PositiveIntegerField(default=0)
    received = models.PositiveIntegerField(default=0)
    created = models.PositiveIntegerField(default=0)
    updated = models.PositiveIntegerField(default=0)
    unchanged = models.PositiveIntegerField(default=0)
    failed = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["-started_at", "-id"]
        indexes = [
            models.Index(fields=["organisation", "started_at"], name="syncrun_org_started"),
            models.Index(fields=["failed", "started_at"], name="syncrun_failed"),
        ]

    def __str__(self):
        return f"{self.channel} run {self.started_at:%Y-%m-%d %H:%M} ({self.received} items)"


class SyncItemResult(models.Model):
    run = models.ForeignKey(SyncRun, on_delete=models.CASCADE, related_name="items")
    position = models.PositiveIntegerField()
    external_id = models.CharField(max_length=255, blank=True)
    outcome = models.CharField(max_length=10, choices=ItemOutcome.choices)
    message = models.TextField(blank=True)
    appointment = models.ForeignKey(
        "scheduling.Appointment", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["run", "position"]
        indexes = [models.Index(fields=["run", "outcome"], name="syncitem_run_outcome")]

    def __str__(self):
        return f"#{self.position} {self.external_id}: {self.outcome}"
