"""The ops commands: organisations, API clients, demo data."""

import json
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from directory import services
from directory.models import ApiClient, Organisation
from scheduling.models import Appointment
from tickets.models import Ticket

pytestmark = pytest.mark.django_db


def run(*args):
    out = StringIO()
    call_command(*args, stdout=out)
    return out.getvalue()


def test_create_organisation_and_a_client_whose_json_credentials_work():
    run("create_organisation", "riverside", "--name", "Riverside", "--time-zone", "Europe/London")
    riverside = Organisation.objects.get(slug="riverside")
    assert riverside.time_zone == "Europe/London"
    # Ready for Connect4 apps: the urgency statuses they send exist from the start.
    assert list(riverside.urgencies.values_list("name", flat=True)) == [
        "No Issue", "Potential Issue", "Issue", "Exception"
    ]
    payload = json.loads(run("create_api_client", "riverside", "--name", "Partner app", "--json"))
    assert payload["organisation"] == "riverside"
    client = services.api_client_authenticate_pair(key=payload["key"], secret=payload["secret"])
    assert client is not None and client.organisation.slug == "riverside"


def test_bad_arguments_are_command_errors():
    with pytest.raises(CommandError):
        run("create_organisation", "Bad Slug", "--name", "x", "--time-zone", "Europe/Amsterdam")
    with pytest.raises(CommandError):
        run("create_organisation", "fine", "--name", "x", "--time-zone", "Mars/Olympus")
    with pytest.raises(CommandError):
        run("create_api_client", "nobody", "--name", "x")
    assert not Organisation.objects.exists()


def test_revoke_api_client(tenant):
    output = run("revoke_api_client", tenant.key)
    assert "Revoked" in output
    assert ApiClient.objects.get(pk=tenant.client.pk).revoked_at is not None
    assert services.api_client_authenticate(secret=tenant.secret) is None
    with pytest.raises(CommandError):
        run("revoke_api_client", "no-such-key")


def test_seed_demo_is_safe_to_run_twice():
    first = run("seed_demo")
    counts = (Ticket.objects.count(), Appointment.objects.count(), ApiClient.objects.count())
    assert counts[0] > 0 and counts[1] > 0 and counts[2] == 1
    assert "secret" in first and "Admin login" in first
    from directory.models import User

    assert User.objects.get(username="frontdesk").groups.filter(name="Front desk").exists()
    second = run("seed_demo")
    assert "already present" in second
    assert (Ticket.objects.count(), Appointment.objects.count(), ApiClient.objects.count()) == counts


def test_seed_demo_json_credentials_authenticate():
    payload = json.loads(run("seed_demo", "--json"))
    assert services.api_client_authenticate(secret=payload["secret"]).organisation.slug == "demo"
    assert payload["created"] is True and payload["login"]["users"] == ["admin", "frontdesk"]


def test_seed_demo_json_on_a_seeded_database_is_still_one_json_object():
    run("seed_demo")
    for args in (("seed_demo", "--json"), ("seed_demo", "--json", "--if-empty")):
        payload = json.loads(run(*args))
        assert payload["created"] is False and payload["organisation"] == "demo"
        assert "secret" not in payload, "only the secret's digest is kept, so it cannot be shown again"


def test_create_organisation_requires_its_time_zone():
    with pytest.raises(CommandError, match="--time-zone"):
        run("create_organisation", "riverside", "--name", "Riverside")
    assert not Organisation.objects.filter(slug="riverside").exists()


def test_seed_demo_fills_the_today_page(django_capture_on_commit_callbacks):
    from directory.models import Contact, Delivery, Organisation
    from scheduling import selectors as scheduling_selectors

    with django_capture_on_commit_callbacks(execute=True):  # notices are queued once the seed commits
        run("seed_demo")
    demo = Organisation.objects.get(slug="demo")
    assert scheduling_selectors.appointments_today(organisation=demo).count() >= 4
    assert Contact.objects.filter(organisation=demo).count() >= 8
    assert Delivery.objects.filter(organisation=demo).exists(), "ticket notices went to the contacts"
