"""Shared fixtures for the Webcamconsult API: an authenticated caller per organisation, wire ids, and the
checks every endpoint test uses (401 shape, not found for another organisation, nothing written)."""

import json
from dataclasses import dataclass

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from healthdesk.partners.webcamconsult.fields import encode_id


def wid(kind, pk):
    return encode_id(kind, pk)


@dataclass
class Answer:
    status: int
    body: object
    headers: object


class Caller:
    """Calls the API as one organisation's app: `Authorization: Token token=<secret>`, JSON bodies."""

    def __init__(self, secret=None, language=None):
        self.client = Client()
        self.secret = secret
        self.language = language

    def headers(self, extra):
        headers = {}
        if self.secret is not None:
            headers["HTTP_AUTHORIZATION"] = f"Token token={self.secret}"
        if self.language:
            headers["HTTP_ACCEPT_LANGUAGE"] = self.language
        headers.update(extra)
        return headers

    def call(self, method, url, body=None, raw=None, **extra):
        if url.startswith("//"):
            # A bare `//users.json` would be read as a host name; the document's URLs are absolute.
            url = f"http://testserver{url}"
        data = raw if raw is not None else (json.dumps(body) if body is not None else "")
        response = self.client.generic(
            method, url, data, content_type="application/json", **self.headers(extra)
        )
        content = b"".join(response.streaming_content) if response.streaming else response.content
        parsed = json.loads(content) if content else None
        return Answer(response.status_code, parsed, response)

    def get(self, url, **extra):
        return self.call("GET", url, **extra)

    def post(self, url, body=None, **extra):
        return self.call("POST", url, body, **extra)

    def put(self, url, body=None, **extra):
        return self.call("PUT", url, body, **extra)

    def delete(self, url, body=None, **extra):
        return self.call("DELETE", url, body, **extra)

    def count_queries(self, url):
        """The queries one list request costs, its streamed body consumed inside the count; measured on a second
        call so the client's once-a-minute last-used stamp is not counted."""
        self.get(url)
        with CaptureQueriesContext(connection) as queries:
            answer = self.get(url)
        assert answer.status == 200, answer.body
        return len(queries), answer.body


@pytest.fixture
def api(tenant):
    return Caller(tenant.secret)


@pytest.fixture
def other_api(other_tenant):
    return Caller(other_tenant.secret)


@pytest.fixture
def anonymous(tenant):
    return Caller()


def assert_unauthenticated(answer):
    assert answer.status == 401
    assert answer.headers["WWW-Authenticate"] == 'Token realm="Application"'
    assert list(answer.body) == ["errors"]
    assert list(answer.body["errors"]) == ["authentication"]


def assert_not_found(answer):
    assert answer.status == 404, answer.body
    assert answer.body == {"errors": {"id": ["not found"]}}


def assert_invalid(answer, field):
    assert answer.status == 422, answer.body
    assert field in answer.body["errors"], answer.body
    assert all(isinstance(m, str) and m for m in answer.body["errors"][field])
