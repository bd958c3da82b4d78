"""Shared start-up for the bench scripts: repository on sys.path, a PostgreSQL URL, Django set up."""

import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results"
CREDENTIALS = RESULTS / "credentials.json"
DEFAULT_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/hd_bench"
# Fixed values: the bench runs on a private address with throwaway data, never with production secrets.
BENCH_SECRET_KEY = "bench-only-secret-key-9f3c1a7e5b2d4f6a8c0e1b3d5f7a9c2e4b6d8f0a-never-in-production"
BENCH_ENV = {
    "DEBUG": "0",
    "SECRET_KEY": BENCH_SECRET_KEY,
    "ALLOWED_HOSTS": "127.0.0.1",
    "SECURE_SSL_REDIRECT": "0",
    "SECURE_HSTS_SECONDS": "0",
    "DJANGO_SETTINGS_MODULE": "bench.settings",
    # A load generator is one client hammering one key: partner rate limits would turn the run into 429s.
    "HEALTHDESK_CLINIKO_RATE_LIMIT": "100000000/min",
    "HEALTHDESK_API_RATE": "100000000/min",
    # Production counts rate limits in Redis; the database cache would add SQL to every request.
    "REDIS_URL": "redis://127.0.0.1:6379/2",
    "LOG_LEVEL": "WARNING",
}


def setup(database_url):
    """Point Django at `database_url` with the bench settings and set it up."""
    if str(ROOT) not in sys.path:
        sys.path.insert(0, str(ROOT))
    os.environ.update(BENCH_ENV)
    os.environ["DATABASE_URL"] = database_url
    import django

    django.setup()


def ensure_database(database_url):
    """Create the PostgreSQL database named in the URL when it does not exist yet (a fresh machine)."""
    import dj_database_url
    import psycopg
    from psycopg import sql

    config = dj_database_url.parse(database_url)
    if "postgresql" not in config["ENGINE"]:
        return
    params = {
        "host": config["HOST"] or "127.0.0.1",
        "port": config["PORT"] or 5432,
        "user": config["USER"] or None,
        "password": config["PASSWORD"] or None,
        "dbname": "postgres",
        "autocommit": True,
    }
    with psycopg.connect(**{k: v for k, v in params.items() if v is not None}) as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [config["NAME"]]).fetchone()
        if not exists:
            conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(config["NAME"])))
