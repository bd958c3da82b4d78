"""Shared fixtures: two organisations side by side, with named personas and credentials for each."""

import time
from dataclasses import dataclass

import pytest

from directory import services as directory_services
from directory.actors import Actor
from tests.factories import OrganisationFactory, ResidentFactory, UserFactory


@dataclass
class Tenant:
    """An organisation with a staff member, a resident and a live API client (key + plain secret)."""

    organisation: object
    staff: object
    resident: object
    client: object
    secret: str

    @property
    def key(self):
        return self.client.key

    @property
    def actor(self):
        return Actor.staff(self.staff)

    @property
    def api_actor(self):
        return Actor.api(self.client, channel="test")


def make_tenant(slug, name):
    organisation = OrganisationFactory(slug=slug, name=name, time_zone="Europe/Amsterdam")
    staff = UserFactory(organisation=organisation, username=f"{slug}-frontdesk")
    resident = ResidentFactory(organisation=organisation)
    issued = directory_services.api_client_create(organisation=organisation, name=f"{name} app")
    return Tenant(organisation, staff, resident, issued.client, issued.secret)


def pytest_collection_modifyitems(config, items):
    """Tests marked `postgres` need PostgreSQL's behaviour (row locks, backends to terminate): skip elsewhere."""
    from django.conf import settings

    if settings.DATABASES["default"]["ENGINE"].endswith("postgresql"):
        return
    skip = pytest.mark.skip(reason="needs PostgreSQL; .ci/run runs the suite there too")
    for item in items:
        if "postgres" in item.keywords:
            item.add_marker(skip)


@pytest.fixture(autouse=True)
def openapi_contract():
    """Fail the test if any partner response it produced breaks the OpenAPI document."""
    from tests import contract

    contract.violations.clear()
    yield
    found, contract.violations[:] = list(contract.violations), []
    assert not found, "responses that break the OpenAPI document:\n" + "\n".join(found)


@pytest.fixture
def tenant(db):
    """Organisation A: the one under test."""
    return make_tenant("sunny-meadows", "Sunny Meadows")


@pytest.fixture
def other_tenant(db):
    """Organisation B: must never see or change A's rows."""
    return make_tenant("oak-lodge", "Oak Lodge")


@pytest.fixture
def system_actor():
    return Actor.system(channel="test")


def pytest_sessionstart(session):
    session.config.attack_started = time.time()


def pytest_terminal_summary(terminalreporter, config):
    """The attack suite's scorecards, one line per family (tests/attack/), whichever worker ran it."""
    from tests.attack.scorecard import lines_since

    lines = lines_since(config.attack_started - 1) if hasattr(config, "attack_started") else []
    if lines:
        terminalreporter.section("attack scorecards")
        for line in lines:
            terminalreporter.write_line(line)
