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
_TEST_ONLY = ("HEALTHDESK_TESTING", "DJANGO_SETTINGS_MODULE", "PYTEST_CURRENT_TEST", "PYTEST_XDIST_WORKER")


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


def production_env(database_url, var_dir, *, redis_db=14, **extra):
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
    )
    redis = redis_url(redis_db)
    if redis:
        env["REDIS_URL"] = redis
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


def provision(organisations=("sunny-meadows", "oak-lodge"), *, redis_db=14, **extra_env):
    """Migrate a new database with production settings and issue each organisation an API client."""
    var_dir = Path(tempfile.mkdtemp(prefix="healthdesk-door-"))
    suite_url = os.environ.get("DATABASE_URL", "")
    drop = None
    if suite_url.startswith(("postgres://", "postgresql://")):
        database_url, drop = _postgres_database(suite_url)
    else:
        database_url = f"sqlite:///{var_dir / 'door.sqlite3'}"
    env = production_env(database_url, var_dir, redis_db=redis_db, **extra_env)
    site = Site(env=env, var_dir=var_dir, database_url=database_url)
    site._drop = drop
    site.manage("migrate", "--noinput")
    site.manage("createcachetable")
    site.manage("collectstatic", "--noinput")
    for slug in organisations:
        site.manage(
            "create_organisation", slug, "--name", slug.replace("-", " ").title(), "--time-zone", "Europe/Amsterdam"
        )
        site.issue_client(slug)
    return site


class Gunicorn:
    """gunicorn serving a Site with the project's own configuration file, logging to LOG_DIR/<name>.log."""

    def __init__(self, site, *, name="gunicorn", workers=2, port=None, env=None, args=()):
        self.site = site
        self.port = port or free_port()
        self.name = name
        self.log_path = LOG_DIR / f"{name}-{self.port}.log"
        self.env = {
            **site.env,
            "GUNICORN_BIND": f"127.0.0.1:{self.port}",
            "GUNICORN_WORKERS": str(workers),
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
            [sys.executable, "-m", "gunicorn", "-c", "python:healthdesk.gunicorn", *self.args, "healthdesk.wsgi"],
            cwd=BASE_DIR,
            env=self.env,
            stdout=self._log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        wait_until_serving(self.url, timeout=timeout, process=self.process, log_path=self.log_path)
        return self

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
