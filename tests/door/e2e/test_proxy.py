"""What the proxy itself promises: HTTPS only, forwarded headers it vouches for, the app's limits."""

import http.server
import json
import threading

import pytest
import requests

from tests.door.harness import Nginx, request

SPOOFED = {
    "X_Forwarded_Proto": "http",
    "X-Forwarded_For": "203.0.113.66",
    "X_Forwarded-Host": "evil.example",
    "X_Real_IP": "203.0.113.67",
    "X-Forwarded-For": "203.0.113.68",
    "X-Forwarded-Proto": "http",
}


class _Echo(http.server.BaseHTTPRequestHandler):
    def do_GET(self):
        body = json.dumps(list(self.headers.items())).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


@pytest.fixture(scope="module")
def echo_proxy(tmp_path_factory):
    """The same site file in front of a server that answers with the header lines it received."""
    echo = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Echo)
    threading.Thread(target=echo.serve_forever, daemon=True).start()
    try:
        static = tmp_path_factory.mktemp("static")
        with Nginx([f"127.0.0.1:{echo.server_address[1]}"], static_root=static, name="nginx-echo") as nginx:
            yield nginx
    finally:
        echo.shutdown()


def test_gunicorn_alone_trusts_an_underscored_forwarded_proto(door_server):
    """Why the proxy must drop them: header_map "dangerous" turns X_Forwarded_Proto into HTTP_X_FORWARDED_PROTO."""
    plain = request("GET", door_server.url + "/admin/login/")
    spoofed = request("GET", door_server.url + "/admin/login/", headers={"X_Forwarded_Proto": "https"})
    assert plain.status == 301
    assert spoofed.status == 200


def test_proxy_drops_client_forwarded_headers_in_every_spelling(echo_proxy):
    headers = {**SPOOFED, "api_key": "k-123", "api_secret": "s-456"}
    with requests.Session() as session:
        session.trust_env = False
        answer = session.get(echo_proxy.url + "/api/authorize", headers=headers, verify=str(echo_proxy.certificate))
    received = answer.json()
    names = [name.lower().replace("_", "-") for name, _ in received]
    values = dict((name.lower(), value) for name, value in received)
    # Connect4's underscored credentials pass through unchanged.
    assert values["api_key"] == "k-123" and values["api_secret"] == "s-456"
    # Exactly one of each forwarded header reaches the app, and it is the proxy's.
    assert names.count("x-forwarded-proto") == 1 and values["x-forwarded-proto"] == "https"
    assert names.count("x-forwarded-for") == 1 and values["x-forwarded-for"] == "127.0.0.1"
    assert names.count("x-real-ip") == 1 and values["x-real-ip"] == "127.0.0.1"
    assert "x-forwarded-host" not in names
    assert values["host"] == f"localhost:{echo_proxy.https_port}"


def test_plain_http_is_redirected_to_the_proxy_https_port(proxy):
    answer = request("GET", proxy.http_url + "/v1/attendees?page=2")
    assert answer.status == 301
    assert answer.headers["location"] == f"https://127.0.0.1:{proxy.https_port}/v1/attendees?page=2"


def test_spoofed_proto_over_https_still_reaches_the_app_as_https(https, proxy):
    answer = https.get(proxy.url + "/admin/login/", headers=SPOOFED, allow_redirects=False)
    assert answer.status_code == 200
    assert answer.headers["strict-transport-security"].startswith("max-age=")


def test_long_cliniko_request_line_passes_the_proxy(echo_proxy):
    # ~12 KiB of q[] filters: over nginx's default 8k buffer, under the 16k the site file allows. (gunicorn's own
    # request-line limit behind it is set in healthdesk/gunicorn.py.)
    query = "&".join(f"q[]=patient_id:={n:012d}" for n in range(450))
    assert 11_000 < len(query) < 15_000
    with requests.Session() as session:
        session.trust_env = False
        answer = session.get(f"{echo_proxy.url}/v1/attendees?{query}", verify=str(echo_proxy.certificate))
    assert answer.status_code == 200, answer.text[:200]


def test_body_over_the_app_limit_is_refused_by_the_proxy(https, proxy):
    answer = https.post(proxy.url + "/io/syncAppointments", data=b"x" * (26 * 1024 * 1024))
    assert answer.status_code == 413


def test_static_files_are_served_by_the_proxy(https, proxy):
    answer = https.get(proxy.url + "/static/admin/css/base.css")
    assert answer.status_code == 200
    assert answer.headers["server"].startswith("nginx")
    assert "x-frame-options" not in answer.headers  # served from STATIC_ROOT, not by Django
