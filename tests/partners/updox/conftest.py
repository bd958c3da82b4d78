"""Updox fixtures: a vendor client granted the tenant's practice, and a poster that fills in the `auth` block."""

import pytest

from directory import services as directory_services
from tests.partners.updox.support import URL, Vendor


@pytest.fixture
def vendor(tenant):
    issued = directory_services.api_client_create(organisation=tenant.organisation, name="EHR vendor", is_vendor=True)
    return Vendor(issued.client, issued.secret, tenant.organisation.slug)


@pytest.fixture
def sync(client, vendor):
    """POST a batch with the vendor's credentials; returns the response."""

    def post(appointments, auth=None, raw=None):
        body = raw if raw is not None else {"appointments": appointments, "auth": auth or vendor.auth()}
        return client.post(URL, body, content_type="application/json")

    return post

