"""Contacts, an in-memory SMS outbox and a local SMS gateway (127.0.0.1 only: tests never reach the internet)."""

import json
import socket
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from directory.choices import ContactKind
from directory.models import Contact
from healthdesk import sms


@pytest.fixture(autouse=True)
def sms_outbox():
    sms.outbox.clear()
    yield sms.outbox
    sms.outbox.clear()


@pytest.fixture
def contacts(tenant):
    """The tenant resident's three contacts: family by email and SMS, a GP by email, the primary by SMS."""
    make = lambda kind, name, email="", phone="": Contact.objects.create(  # noqa: E731
        organisation=tenant.organisation, resident=tenant.resident, kind=kind, name=name, email=email, phone=phone,
    )
    return {
        ContactKind.FAMILY: make(ContactKind.FAMILY, "Anna Visser", "daughter@example.com", "+31600000001"),
        ContactKind.HEALTHCARE_PRO: make(ContactKind.HEALTHCARE_PRO, "Dr. Huisarts", "gp@example.com"),
        ContactKind.PRIMARY: make(ContactKind.PRIMARY, "Piet Visser", phone="+31600000003"),
    }


class Gateway:
    """A local SMS gateway: records what it is sent and answers with `status`."""

    def __init__(self):
        self.requests = []
        self.status = 200
        gateway = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                gateway.requests.append({"headers": dict(self.headers), "json": json.loads(body)})
                payload = json.dumps({"id": f"msg-{len(gateway.requests)}"}).encode()
                self.send_response(gateway.status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/messages"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def close(self):
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def gateway(settings):
    """The HTTP gateway backend pointed at a local server."""
    server = Gateway()
    settings.SMS_BACKEND = "healthdesk.sms.HttpGatewayBackend"
    settings.SMS_GATEWAY_URL = server.url
    settings.SMS_GATEWAY_KEY = "test-gateway-key"
    settings.SMS_GATEWAY_TIMEOUT = 5
    yield server
    server.close()


@pytest.fixture
def closed_port():
    """A local port nothing listens on: connecting to it is refused."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def silent_port():
    """A local port that accepts connections and never answers: a hung gateway, slow until its timeout."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        s.listen(16)
        yield s.getsockname()[1]
