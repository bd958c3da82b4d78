"""nginx rendered from deploy/nginx/healthdesk.conf, on loopback TLS in front of the door's gunicorn."""

import pytest
import requests

from tests.door.harness import Nginx


@pytest.fixture(scope="session")
def proxy(door_site, door_server):
    with Nginx([f"127.0.0.1:{door_server.port}"], static_root=door_site.var_dir / "static") as nginx:
        yield nginx


@pytest.fixture
def https(proxy):
    """A requests session that trusts only the proxy's throwaway certificate."""
    with requests.Session() as session:
        session.trust_env = False  # an environment CA bundle would override verify
        session.verify = str(proxy.certificate)
        yield session
