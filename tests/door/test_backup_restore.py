"""Backup and restore as deploy/README.md says: pg_dump -Fc, pg_restore into a new database, serve the restored one.

The restored database must answer the partner APIs with the same rows: a backup that restores but cannot be
served (a missing table, a lost sequence, a digest that no longer matches) is no backup.
"""

import base64
import json
import os
import subprocess
import urllib.parse

import pytest

from tests.door.harness import FORWARDED_HTTPS, Gunicorn, provision, record_secret, request

pytestmark = pytest.mark.skipif(
    not os.environ.get("DATABASE_URL", "").startswith(("postgres://", "postgresql://")),
    reason="pg_dump/pg_restore back up PostgreSQL, production's database; this run is on SQLite",
)


def read_rows(server, secret):
    """What a partner app reads: every resident (Connect4), every appointment and its attendees (Cliniko)."""
    rows = {}
    token_answer = request("POST", server.url + "/api/authorize",
                           headers={**FORWARDED_HTTPS, "api_key": secret[0], "api_secret": secret[1]})
    assert token_answer.status == 200, token_answer.body
    token = token_answer.json()["access_token"]
    residents = request("GET", f"{server.url}/api/{token}/all_residents",
                        headers={**FORWARDED_HTTPS, "api_key": secret[0], "api_secret": secret[1]})
    assert residents.status == 200, residents.body
    rows["residents"] = residents.json()
    basic = base64.b64encode(f"{secret[1]}:".encode()).decode()
    cliniko = {**FORWARDED_HTTPS, "Authorization": f"Basic {basic}", "User-Agent": "door backup (ops@example.org)"}
    attendees = request("GET", server.url + "/v1/attendees?per_page=100", headers=cliniko)
    assert attendees.status == 200, attendees.body
    rows["attendees"] = attendees.json()
    return rows


def new_database_url(url, suffix):
    parts = urllib.parse.urlsplit(url)
    name = parts.path.lstrip("/") + suffix
    return name, urllib.parse.urlunsplit(parts._replace(path=f"/{name}"))


def psql(url, sql):
    admin = urllib.parse.urlunsplit(urllib.parse.urlsplit(url)._replace(path="/postgres"))
    subprocess.run(["psql", "-q", "-d", admin, "-c", sql], check=True, capture_output=True)


def test_a_restored_backup_serves_the_same_rows(tmp_path):
    site = provision(organisations=())
    name, restored_url = new_database_url(site.database_url, "_restored")
    try:
        demo = json.loads(site.manage("seed_demo", "--json").stdout)
        record_secret(demo["secret"])
        credentials = (demo["key"], demo["secret"])
        with Gunicorn(site, name="backup-original", workers=1) as server:
            before = read_rows(server, credentials)
            port = server.port  # the same address for both, as Cliniko's links carry it
        assert before["residents"]["residents"] and before["attendees"]["attendees"]

        dump = tmp_path / "healthdesk.dump"
        subprocess.run(["pg_dump", "-Fc", "-d", site.database_url, "-f", str(dump)], check=True)
        psql(site.database_url, f'CREATE DATABASE "{name}"')
        subprocess.run(["pg_restore", "--no-owner", "--no-privileges", "--exit-on-error", "-d", restored_url,
                        str(dump)], check=True)

        with Gunicorn(site, name="backup-restored", workers=1, port=port, database_url=restored_url) as server:
            after = read_rows(server, credentials)
        assert after == before
    finally:
        psql(site.database_url, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        site.close()
