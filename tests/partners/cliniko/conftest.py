"""Shared fixtures for the Cliniko API: an authenticated client per organisation and appointment builders."""

import base64
import json

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from scheduling.choices import AppointmentKind
from tests.factories import AppointmentFactory, AttendeeFactory, ResidentFactory, UserFactory

USER_AGENT = "Really helpful app (devs@helpfulapp.com)"


def basic(key):
    return "Basic " + base64.b64encode(f"{key}:".encode()).decode()


class ClinikoClient:
    """A partner app: HTTP Basic with the API key, a User-Agent, JSON bodies."""

    def __init__(self, key, **headers):
        self.http = Client(headers={"Authorization": basic(key), "User-Agent": USER_AGENT, **headers})

    def get(self, url, params=None, **extra):
        return self.http.get(url, params or {}, **extra)

    def _send(self, method, url, body, **extra):
        data = body if isinstance(body, (str, bytes)) else json.dumps(body)
        return getattr(self.http, method)(url, data, content_type="application/json", **extra)

    def post(self, url, body=None, **extra):
        return self._send("post", url, {} if body is None else body, **extra)

    def put(self, url, body=None, **extra):
        return self._send("put", url, {} if body is None else body, **extra)

    def patch(self, url, body=None, **extra):
        return self._send("patch", url, {} if body is None else body, **extra)

    def delete(self, url, **extra):
        return self.http.delete(url, **extra)

    def count_queries(self, url, params=None):
        self.get(url, params)  # warm: the client's last-used stamp is written at most once a minute
        with CaptureQueriesContext(connection) as queries:
            response = self.get(url, params)
        assert response.status_code == 200, response.content
        return len(queries)


@pytest.fixture
def api(tenant):
    return ClinikoClient(tenant.secret)


@pytest.fixture
def other_api(other_tenant):
    return ClinikoClient(other_tenant.secret)


class Book:
    """Builds one organisation's appointments and attendees."""

    def __init__(self, tenant):
        self.tenant = tenant
        self.organisation = tenant.organisation
        self.practitioner = UserFactory(organisation=self.organisation)

    def patient(self, **fields):
        return ResidentFactory(organisation=self.organisation, **fields)

    def appointment(self, kind=AppointmentKind.INDIVIDUAL, **fields):
        return AppointmentFactory(
            organisation=self.organisation, practitioner=self.practitioner, kind=kind, **fields
        )

    def group(self, **fields):
        return self.appointment(kind=AppointmentKind.GROUP, **fields)

    def attendee(self, appointment=None, resident=None, **fields):
        return AttendeeFactory(
            organisation=self.organisation,
            appointment=appointment or self.appointment(),
            resident=resident or self.tenant.resident,
            **fields,
        )


@pytest.fixture
def book(tenant):
    return Book(tenant)


@pytest.fixture
def other_book(other_tenant):
    return Book(other_tenant)
