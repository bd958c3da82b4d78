"""Fixtures for the door suite: one production-shaped site and gunicorn per test session."""

import pytest

from tests.door.harness import Gunicorn, provision


@pytest.fixture(scope="session")
def door_site():
    """A migrated production-settings database with two organisations, each with an API client."""
    site = provision()
    yield site
    site.close()


@pytest.fixture(scope="session")
def door_server(door_site):
    """gunicorn with healthdesk/gunicorn.py and production settings, serving door_site."""
    with Gunicorn(door_site, name="door") as server:
        yield server
