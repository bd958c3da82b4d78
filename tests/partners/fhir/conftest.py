"""FHIR test fixtures: a client sending `Authorization: Bearer <secret>`, and resources validated by the FHIR R4
model of a maintained library (fhir.resources' R4B package: R4B changed none of these resources' members)."""

import json

import pytest
from fhir.resources.R4B import get_fhir_model_class

from tests.streaming import consumed


class FhirApi:
    def __init__(self, client, secret):
        self.client = client
        self.secret = secret

    def get(self, path, **params):
        headers = {"HTTP_AUTHORIZATION": f"Bearer {self.secret}"} if self.secret else {}
        return consumed(self.client.get(path, params, HTTP_ACCEPT="application/fhir+json", **headers))


def body(response):
    return json.loads(response.content)


def valid(resource):
    """Parse with the FHIR model of its type: raises on any member FHIR R4 does not allow."""
    return get_fhir_model_class(resource["resourceType"]).model_validate(resource)


@pytest.fixture
def api(client, tenant):
    return FhirApi(client, tenant.secret)


@pytest.fixture
def other_api(client, other_tenant):
    return FhirApi(client, other_tenant.secret)
