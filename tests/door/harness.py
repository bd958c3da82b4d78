"""The door: healthdesk as a deployer runs it, driven over real HTTP.

`provision()` makes a throwaway database (PostgreSQL when the suite runs on it, else an SQLite file), migrates it
with the production settings, and issues two organisations their API clients and staff through the project's own
commands. `Gunicorn` serves it with `healthdesk/gunicorn.py` and production settings (DEBUG off, a real
SECRET_KEY, Redis when it answers). Every secret the harness issues is appended to `issued-secrets.txt` in the
log folder, and every server writes its log there, so a later check can prove no secret reached a log line.
"""

import contextlib
import json
import os
import re
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parents[2]
LOG_DIR = Path(os.environ.get("HEALTHDESK_DOOR_LOG_DIR", BASE_DIR / "var" / "door-logs"))
ISSUED_SECRETS = LOG_DIR / "issued-secrets.txt"

# Variables of the test process that must not leak into a production-shaped server.
# DJANGO_ALLOW_ASYNC_UNSAFE: the browser suite's conftest sets it for Playwright; a deployed site never has it.
_TEST_ONLY = (
    "HEALTHDESK_TESTING",
    "DJANGO_SETTINGS_MODULE",
    "PYTEST_CURRENT_TEST",
    "PYTEST_XDIST_WORKER",
    "DJANGO_ALLOW_ASYNC_UNSAFE",
)


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def redis_url(db=14):
    """The machine's Redis on a database of the door's own (14 unless told), or None when no Redis answers."""
    try:
        with socket.create_connection(("127.0.0.1", 6379), timeout=0.5) as sock:
            sock.sendall(b"PING\r\n")
            if sock.recv(16).startswith(b"+PONG"):
                return f"redis://127.0.0.1:6379/{db}"
    except OSError:
        return None
    return None


def record_secret(secret):
    LOG_DIR.mkdir(parents=True, exist_ok=True)
    with ISSUED_SECRETS.open("a") as issued:
        issued.write(secret + "\n")


@dataclass
class Credentials:
    organisation: str
    key: str
    secret: str


@dataclass
class Site:
    """A migrated, production-configured healthdesk database and the environment that serves it."""

    env: dict
    var_dir: Path
    database_url: str
    clients: dict = field(default_factory=dict)  # organisation slug -> Credentials
    staff: dict = field(default_factory=dict)  # username -> password
    _drop: callable = None

    def manage(self, *args, check=True, env=None):
        return subprocess.run(
            [sys.executable, "manage.py", *args],
            cwd=BASE_DIR,
            env={**self.env, **(env or {})},
            capture_output=True,
            text=True,
            check=check,
        )

    def shell(self, script):
        """Run Python in `manage.py shell` against this site; what it prints."""
        return self.manage("shell", "-c", script).stdout

    def issue_client(self, slug, name="door app"):
        result = self.manage("create_api_client", slug, "--name", name, "--json")
        issued = json.loads(result.stdout)
        record_secret(issued["secret"])
        credentials = Credentials(slug, issued["key"], issued["secret"])
        self.clients.setdefault(slug, credentials)
        return credentials

    def create_staff(self, slug, username, *, group="Organisation admin", superuser=False):
        password = secrets.token_urlsafe(18)
        record_secret(password)
        script = (
            "from django.contrib.auth.models import Group\n"
            "from directory.models import Organisation, User\n"
            f"user = User.objects.create_user({username!r}, password={password!r}, is_staff=True,"
            f" is_superuser={superuser!r}, organisation=Organisation.objects.get(slug={slug!r}))\n"
            f"user.groups.add(Group.objects.get(name={group!r}))\n"
        )
        self.manage("shell", "-c", script)
        self.staff[username] = password
        return password

    def close(self):
        if self._drop:
            self._drop()
        shutil.rmtree(self.var_dir, ignore_errors=True)


def production_env(database_url, var_dir, *, redis=True, redis_db=14, **extra):
    env = {name: value for name, value in os.environ.items() if name not in _TEST_ONLY}
    secret_key = secrets.token_urlsafe(50)
    record_secret(secret_key)
    env.update(
        DJANGO_SETTINGS_MODULE="healthdesk.settings",
        DEBUG="0",
        SECRET_KEY=secret_key,
        ALLOWED_HOSTS="127.0.0.1,localhost,healthdesk.test",
        DATABASE_URL=database_url,
        HEALTHDESK_VAR_DIR=str(var_dir),
        PYTHONUNBUFFERED="1",
        # Every door client comes from 127.0.0.1, as every client does behind one proxy: the README's advice for
        # that case is to raise the per-address failure limit (the per-key limit still holds).
        HEALTHDESK_AUTH_FAILURES_PER_ADDRESS="100000/min",
    )
    url = redis_url(redis_db) if redis else None
    if url:
        env["REDIS_URL"] = url
    else:
        env.pop("REDIS_URL", None)
    env.update(extra)
    return env


def _postgres_database(base_url):
    """A new empty database on the suite's PostgreSQL server, and how to drop it."""
    import psycopg

    parts = urllib.parse.urlsplit(base_url)
    name = f"hd_door_{os.getpid()}_{secrets.token_hex(3)}"
    admin_url = urllib.parse.urlunsplit(parts._replace(path="/postgres"))
    with psycopg.connect(admin_url, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')

    def drop():
        with psycopg.connect(admin_url, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

    return urllib.parse.urlunsplit(parts._replace(path=f"/{name}")), drop


def provision(organisations=("sunny-meadows", "oak-lodge"), *, postgres_server=None, redis=True, redis_db=14,
              **extra_env):
    """Migrate a new database with production settings and issue each organisation an API client.

    `migrate` alone makes the schema, as a deployer runs it. The database is made on `postgres_server` (a URL)
    when given, else on the suite's PostgreSQL server when the suite runs on one, else it is an SQLite file.
    `redis=False` serves without Redis even when one answers (the database cache then counts the rate limits);
    `redis_db` keeps a suite's counters apart from another's.
    """
    var_dir = Path(tempfile.mkdtemp(prefix="healthdesk-door-"))
    suite_url = postgres_server or os.environ.get("DATABASE_URL", "")
    drop = None
    if suite_url.startswith(("postgres://", "postgresql://")):
        database_url, drop = _postgres_database(suite_url)
    else:
        database_url = f"sqlite:///{var_dir / 'door.sqlite3'}"
    env = production_env(database_url, var_dir, redis=redis, redis_db=redis_db, **extra_env)
    site = Site(env=env, var_dir=var_dir, database_url=database_url)
    site._drop = drop
    site.manage("migrate", "--noinput")
    site.manage("collectstatic", "--noinput")
    for slug in organisations:
        site.manage(
            "create_organisation", slug, "--name", slug.replace("-", " ").title(), "--time-zone", "Europe/Amsterdam"
        )
        site.issue_client(slug)
    return site


class Gunicorn:
    """gunicorn serving a Site with the project's own configuration file, logging to LOG_DIR/<name>.log."""

    def __init__(self, site, *, name="gunicorn", workers=2, port=None, env=None, args=(), database_url=None):
        self.site = site
        self.port = port or free_port()
        self.name = name
        self.log_path = LOG_DIR / f"{name}-{self.port}.log"
        self.env = {
            **site.env,
            "GUNICORN_BIND": f"127.0.0.1:{self.port}",
            "GUNICORN_WORKERS": str(workers),
            **({"DATABASE_URL": database_url} if database_url else {}),
            **(env or {}),
        }
        self.args = args
        self.process = None

    @property
    def url(self):
        return f"http://127.0.0.1:{self.port}"

    def start(self, timeout=30):
        LOG_DIR.mkdir(parents=True, exist_ok=True)
        self._log = self.log_path.open("ab")
        self.process = subprocess.Popen(
            self.command(),
            cwd=BASE_DIR,
            env=self.env,
            stdout=self._log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        wait_until_serving(self.url, timeout=timeout, process=self.process, log_path=self.log_path)
        return self

    def command(self):
        return [sys.executable, "-m", "gunicorn", "-c", "python:healthdesk.gunicorn", *self.args, "healthdesk.wsgi"]

    def stop(self):
        if self.process and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait()
        if self.process:
            self._log.close()

    def log(self):
        return self.log_path.read_text(errors="replace")

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        self.stop()


class DevServer(Gunicorn):
    """The development server exactly as `make run` starts it: `bin/devserver`, with DEBUG on."""

    def __init__(self, site, **kwargs):
        super().__init__(site, **kwargs)
        self.env.update(DEBUG="1", PYTHON=sys.executable)

    def command(self):
        return [str(BASE_DIR / "bin" / "devserver")]


def wait_until_serving(url, *, timeout, process=None, log_path=None):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process is not None and process.poll() is not None:
            tail = log_path.read_text(errors="replace")[-3000:] if log_path else ""
            raise RuntimeError(f"server exited with {process.returncode}:\n{tail}")
        try:
            urllib.request.urlopen(urllib.request.Request(url + "/healthz", headers=FORWARDED_HTTPS), timeout=2)
            return
        except urllib.error.HTTPError:
            return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError(f"{url} did not answer within {timeout}s")


# What the TLS-terminating proxy adds: without it production settings redirect every request to https.
FORWARDED_HTTPS = {"X-Forwarded-Proto": "https"}


@dataclass
class Answer:
    status: int
    headers: dict
    body: bytes
    raw_headers: list = field(default_factory=list)  # (name, value) as sent, repeated ones (Set-Cookie) kept

    def json(self):
        return json.loads(self.body)


def request(method, url, *, headers=None, body=None, timeout=30):
    """One real HTTP request; header names are sent exactly as given (http.client keeps underscores)."""
    import http.client

    parts = urllib.parse.urlsplit(url)
    conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=timeout)
    target = parts.path + (f"?{parts.query}" if parts.query else "")
    if isinstance(body, dict | list):
        body = json.dumps(body).encode()
        headers = {"Content-Type": "application/json", **(headers or {})}
    elif isinstance(body, str):
        body = body.encode()
    try:
        # The server may answer (413, 400) before reading the whole body: its answer is still there to read.
        with contextlib.suppress(BrokenPipeError, ConnectionResetError):
            conn.request(method, target, body=body, headers=headers or {})
        response = conn.getresponse()
        raw = response.getheaders()
        return Answer(response.status, {k.lower(): v for k, v in raw}, response.read(), raw)
    finally:
        conn.close()


NGINX_SITE = BASE_DIR / "deploy" / "nginx" / "healthdesk.conf"
NGINX_BINARY = shutil.which("nginx") or "/usr/sbin/nginx"

# The http block a distribution's nginx.conf provides around sites-enabled, with every path under the test's dir.
_NGINX_MAIN = """\
{user}worker_processes 1;
events {{ worker_connections 256; }}
http {{
    client_body_temp_path {dir}/body;
    proxy_temp_path {dir}/proxy;
    fastcgi_temp_path {dir}/fastcgi;
    uwsgi_temp_path {dir}/uwsgi;
    scgi_temp_path {dir}/scgi;
    access_log {dir}/access.log;
    default_type application/octet-stream;
    include {dir}/healthdesk.conf;
}}
"""


def self_signed_certificate(directory, host="localhost"):
    """A throwaway certificate for `host` (and 127.0.0.1), made with openssl as a deployer would test one."""
    cert, key = Path(directory) / "tls.pem", Path(directory) / "tls.key"
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2", "-subj", f"/CN={host}",
         "-addext", f"subjectAltName=DNS:{host},IP:127.0.0.1", "-keyout", str(key), "-out", str(cert)],
        check=True, capture_output=True,
    )
    return cert, key


class Nginx:
    """nginx as an unprivileged test process serving deploy/nginx/healthdesk.conf rendered for loopback."""

    def __init__(self, upstreams, *, static_root, name="nginx"):
        self.dir = Path(tempfile.mkdtemp(prefix="healthdesk-nginx-"))
        self.http_port, self.https_port = free_port(), free_port()
        self.certificate, self.key = self_signed_certificate(self.dir)
        self.log_path = LOG_DIR / f"{name}-{self.https_port}.log"
        placeholders = {
            "@SERVER_NAME@": "localhost 127.0.0.1",
            "@HTTP_LISTEN@": f"127.0.0.1:{self.http_port}",
            "@HTTPS_LISTEN@": f"127.0.0.1:{self.https_port}",
            "@HTTPS_PORT@": str(self.https_port),
            "@TLS_CERTIFICATE@": str(self.certificate),
            "@TLS_CERTIFICATE_KEY@": str(self.key),
            "@STATIC_ROOT@": str(static_root),
            "@UPSTREAM_SERVERS@": " ".join(f"server {upstream};" for upstream in upstreams),
        }
        site = NGINX_SITE.read_text()
        for placeholder, value in placeholders.items():
            site = site.replace(placeholder, value)
        directives = [line for line in site.splitlines() if not line.lstrip().startswith("#")]
        assert not re.search(r"@[A-Z_]+@", "\n".join(directives)), "a placeholder of healthdesk.conf is unrendered"
        (self.dir / "healthdesk.conf").write_text(site)
        # Run as root (a CI container), nginx's workers would become nobody and be refused the 0700 temp dirs.
        user = "user root root;\n" if os.geteuid() == 0 else ""
        (self.dir / "nginx.conf").write_text(_NGINX_MAIN.format(dir=self.dir, user=user))
        self.process = None

    @property
    def url(self):
        return f"https://localhost:{self.https_port}"

    @property
    def http_url(self):
        return f"http://127.0.0.1:{self.http_port}"

    def start(self, timeout=15):
        LOG_DIR.mkdir(parents=True, exist_ok=True)
        directives = f"daemon off; pid {self.dir}/nginx.pid; error_log {self.log_path} info;"
        command = [NGINX_BINARY, "-p", str(self.dir), "-c", str(self.dir / "nginx.conf"), "-g", directives]
        checked = subprocess.run([*command, "-t"], capture_output=True, text=True)
        if checked.returncode:
            raise RuntimeError(f"nginx -t refused the rendered site:\n{checked.stderr}")
        self.process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                                        start_new_session=True)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"nginx exited with {self.process.returncode}: {self.log_path.read_text()[-2000:]}")
            try:
                socket.create_connection(("127.0.0.1", self.https_port), timeout=1).close()
                return self
            except OSError:
                time.sleep(0.1)
        raise RuntimeError("nginx did not listen in time")

    def stop(self):
        if self.process and self.process.poll() is None:
            self.process.send_signal(signal.SIGQUIT)
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        shutil.rmtree(self.dir, ignore_errors=True)

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        self.stop()
