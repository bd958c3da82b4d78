"""`manage.py sync_appointments`: a file through the same engine, a summary, dry runs and client checks."""

import json
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from directory.models import ResidentIdentifier
from scheduling.models import Appointment
from sync.models import SyncRun

pytestmark = pytest.mark.django_db


def batch_file(tmp_path, appointments, wrap=True):
    path = tmp_path / "batch.json"
    path.write_text(json.dumps({"appointments": appointments} if wrap else appointments))
    return str(path)


def items():
    return [
        {"id": 1, "patientId": "789", "date": "2015-12-30", "duration": 500, "cancelled": False},
        {"id": 2, "patientId": "790", "date": "2015-12-31T10:00:00", "duration": "30"},
        {"id": 3, "date": "not a date"},
    ]


def sync(*args):
    out = StringIO()
    call_command("sync_appointments", *args, stdout=out)
    return out.getvalue()


def sync_with_failures(*args):
    """The output of a run in which some items failed; the command must exit non-zero for cron to see it."""
    out = StringIO()
    with pytest.raises(CommandError, match="1 of 3 items failed") as failed:
        call_command("sync_appointments", *args, stdout=out)
    assert failed.value.returncode == 1
    return out.getvalue()


def test_imports_a_file_and_prints_a_summary(tmp_path, tenant):
    output = sync_with_failures(tenant.organisation.slug, batch_file(tmp_path, items()))
    assert "3 received, 2 created, 0 updated, 0 unchanged, 1 failed" in output
    assert "item 3 (id 3): date:" in output, "items are numbered from 1, as a person counts them"
    assert Appointment.objects.filter(organisation=tenant.organisation, source_system="updox").count() == 2
    assert ResidentIdentifier.objects.filter(system="updox", value="789").get().resident.created_via == (
        "sync_appointments"
    )
    run = SyncRun.objects.get()
    assert (run.channel, run.client, run.dry_run) == ("sync_appointments", None, False)
    output = sync_with_failures(tenant.organisation.slug, batch_file(tmp_path, items(), wrap=False))
    assert "2 unchanged, 1 failed" in output


def test_dry_run_writes_no_appointments(tmp_path, tenant):
    output = sync_with_failures(tenant.organisation.slug, batch_file(tmp_path, items()), "--dry-run")
    assert output.startswith("Dry run, nothing written: 3 received, 2 created")
    assert Appointment.objects.count() == 0
    assert SyncRun.objects.get().dry_run is True


def test_a_run_without_failures_exits_zero(tmp_path, tenant):
    output = sync(tenant.organisation.slug, batch_file(tmp_path, items()[:2]))
    assert "2 received, 2 created, 0 updated, 0 unchanged, 0 failed" in output


def test_run_is_recorded_for_a_granted_client(tmp_path, tenant):
    sync_with_failures(tenant.organisation.slug, batch_file(tmp_path, items()), "--client", tenant.key)
    assert SyncRun.objects.get().client == tenant.client


def test_refuses_a_client_of_another_organisation(tmp_path, tenant, other_tenant):
    with pytest.raises(CommandError, match="granted"):
        sync(tenant.organisation.slug, batch_file(tmp_path, items()), "--client", other_tenant.key)
    assert Appointment.objects.count() == 0


def test_refuses_unknown_organisation_and_bad_files(tmp_path, tenant):
    with pytest.raises(CommandError, match="no-such"):
        sync("no-such", batch_file(tmp_path, items()))
    bad = tmp_path / "bad.json"
    bad.write_text("{not json")
    with pytest.raises(CommandError, match="not valid JSON"):
        sync(tenant.organisation.slug, str(bad))
    with pytest.raises(CommandError, match="Cannot read"):
        sync(tenant.organisation.slug, str(tmp_path / "missing.json"))
    with pytest.raises(CommandError, match="expected"):
        sync(tenant.organisation.slug, batch_file(tmp_path, {"id": 1}, wrap=True))
    assert Appointment.objects.count() == 0 and SyncRun.objects.count() == 0
