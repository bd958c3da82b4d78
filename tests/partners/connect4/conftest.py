"""Connect4 test fixtures and the contract every endpoint test class inherits."""

from dataclasses import dataclass
from datetime import timedelta
from xml.etree import ElementTree

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import timezone

from directory import services as directory_services
from directory.models import AccessToken
from tests.conftest import Tenant
from tests.factories import CategoryFactory, UrgencyFactory
from tests.streaming import consumed
from tickets import services as ticket_services
from tickets.services import AssessmentInput

URGENCIES = ["No Issue", "Potential Issue", "Issue", "Exception"]
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00\x00\x00\rIHDR" + b"\x00" * 64


def png(name="scan.png"):
    return SimpleUploadedFile(name, PNG, content_type="application/octet-stream")


@dataclass
class Caller:
    """A partner app of one organisation: its access token and the two headers, as the document asks."""

    http: Client
    tenant: Tenant
    token: str

    def headers(self, key=None, secret=None):
        return {"HTTP_API_KEY": key or self.tenant.key, "HTTP_API_SECRET": secret or self.tenant.secret}

    def url(self, name, token=None):
        return f"/api/{token or self.token}/{name}"

    def get(self, name, params=None, *, token=None, headers=None, **extra):
        return consumed(self.http.get(
            self.url(name, token), params or {}, **(self.headers() if headers is None else headers), **extra
        ))

    def post(self, name, data=None, *, token=None, headers=None, query="", **extra):
        url = self.url(name, token) + (f"?{query}" if query else "")
        return consumed(self.http.post(url, data or {}, **(self.headers() if headers is None else headers), **extra))

    def call(self, method, name, params=None, **kwargs):
        return getattr(self, method)(name, params, **kwargs)


def setup_provider(tenant):
    """Categories and urgency statuses for an organisation, as a Connect4 provider has them."""
    urgencies = [UrgencyFactory(organisation=tenant.organisation, name=name) for name in URGENCIES]
    categories = [
        CategoryFactory(organisation=tenant.organisation, name=name)
        for name in ("Clinical Edit", "Emergency", "Activity Level", "Weight Gain")
    ]
    return urgencies, categories


@dataclass
class World:
    """Organisation A with a ticket that has an assessment, comments and an attachment; B beside it."""

    caller: Caller
    other: Caller
    urgencies: list
    categories: list
    ticket: object
    other_ticket: object

    @property
    def tenant(self):
        return self.caller.tenant


def make_caller(tenant):
    return Caller(Client(), tenant, directory_services.access_token_issue(client=tenant.client))


@pytest.fixture
def caller(tenant):
    return make_caller(tenant)


@pytest.fixture
def world(tenant, other_tenant):
    urgencies, categories = setup_provider(tenant)
    setup_provider(other_tenant)
    ticket = ticket_services.ticket_create(
        organisation=tenant.organisation, actor=tenant.actor, title="Ticket  commment", resident=tenant.resident,
        urgency=urgencies[2], first_message="General remark",
        assessments=[
            AssessmentInput(categories[0].pk, "no_issue", "comment 1"),
            AssessmentInput(categories[1].pk, "issue", "comment 2"),
        ],
        attachments=[("attachment_1", png())],
    )
    other_ticket = ticket_services.ticket_create(
        organisation=other_tenant.organisation, actor=other_tenant.actor, title="Oak ticket",
        resident=other_tenant.resident, attachments=[("attachment_1", png("oak.png"))],
    )
    return World(make_caller(tenant), make_caller(other_tenant), urgencies, categories, ticket, other_ticket)


def xml_of(response):
    assert response["Content-Type"].startswith("application/xml")
    return ElementTree.fromstring(response.content)


class Connect4Contract:
    """What every authenticated Connect4 endpoint must do, whatever it serves: the document's credentials
    (token in the path, api_key and api_secret headers, all of the same live client) and the XML twin."""

    endpoint = ""
    method = "get"

    def params(self, world):
        return {}

    def call(self, world, caller=None, **kwargs):
        caller = caller or world.caller
        return caller.call(self.method, self.endpoint, self.params(world), **kwargs)

    def assert_invalid_credentials(self, response):
        assert response.status_code == 401
        assert response.json() == {"status": False, "message": "Invalid Credentials"}

    def test_valid_credentials_answer_200_with_status_true(self, world):
        response = self.call(world)
        assert response.status_code == 200, response.content
        assert response.json()["status"] is True

    def test_missing_headers_are_invalid_credentials(self, world):
        self.assert_invalid_credentials(self.call(world, headers={}))

    def test_missing_secret_is_invalid_credentials(self, world):
        self.assert_invalid_credentials(self.call(world, headers={"HTTP_API_KEY": world.tenant.key}))

    def test_wrong_secret_is_invalid_credentials(self, world):
        self.assert_invalid_credentials(self.call(world, headers=world.caller.headers(secret="not-the-secret")))

    def test_wrong_key_is_invalid_credentials(self, world):
        self.assert_invalid_credentials(self.call(world, headers=world.caller.headers(key="0" * 32)))

    def test_unknown_token_is_invalid_credentials(self, world):
        self.assert_invalid_credentials(self.call(world, token="356kdpiamhkz7a43nu0e2ldr9"))

    def test_expired_token_is_invalid_credentials(self, world):
        AccessToken.objects.filter(client=world.tenant.client).update(expires_at=timezone.now() - timedelta(1))
        self.assert_invalid_credentials(self.call(world))

    def test_revoked_client_is_invalid_credentials(self, world):
        directory_services.api_client_revoke(client=world.tenant.client)
        self.assert_invalid_credentials(self.call(world))

    def test_another_clients_token_is_invalid_credentials(self, world):
        self.assert_invalid_credentials(self.call(world, token=world.other.token))

    def test_another_clients_headers_are_invalid_credentials(self, world):
        self.assert_invalid_credentials(self.call(world, headers=world.other.headers()))

    def test_invalid_credentials_answer_in_xml_when_asked(self, world):
        response = self.call(world, headers={}, HTTP_ACCEPT="application/xml")
        assert response.status_code == 401
        root = xml_of(response)
        assert root.findtext("status") == "false"
        assert root.findtext("message") == "Invalid Credentials"

    def test_an_unknown_format_falls_back_to_json(self, world):
        if self.method == "get":
            response = world.caller.call("get", self.endpoint, {**self.params(world), "format": "AAA"})
        else:
            response = world.caller.call(self.method, self.endpoint, self.params(world), query="format=AAA")
        assert response.status_code == 200
        assert response["Content-Type"].startswith("application/json")
        assert response.json()["status"] is True

    def test_xml_has_the_same_structure(self, world):
        json_body = self.call(world).json()
        root = xml_of(self.call(world, HTTP_ACCEPT="application/xml"))
        assert root.tag == "response"
        assert [child.tag for child in root] == list(json_body)
