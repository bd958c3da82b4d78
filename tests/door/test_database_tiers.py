"""The database tiers a larger deployment adds, each a real server started by the test: a streaming replica that
serves reads (DATABASE_REPLICA_URL) and PgBouncer pooling by transaction (DATABASE_POOL_MODE=transaction)."""

import concurrent.futures
import time

import pytest

from tests.door.harness import FORWARDED_HTTPS, Gunicorn, provision, request
from tests.door.postgres import Cluster, PgBouncer, binaries_missing

RESIDENTS = 2_500  # more than one streamed chunk (CURSOR_CHUNK), so a list needs several fetches


@pytest.fixture(scope="module")
def primary():
    reason = binaries_missing()
    if reason:
        pytest.skip(reason)
    cluster = Cluster.primary()
    yield cluster
    cluster.stop()


@pytest.fixture(scope="module")
def replica(primary):
    cluster = primary.replica()
    yield cluster
    cluster.stop()


def database_of(site):
    return site.database_url.rsplit("/", 1)[1]


def seed_residents(site, count):
    site.manage(
        "shell",
        "-c",
        "from directory.models import Organisation, Resident\n"
        "org = Organisation.objects.get(slug='sunny-meadows')\n"
        f"Resident.objects.bulk_create(Resident(organisation=org, first_name='R', last_name=f'N{{i}}')"
        f" for i in range({count}))\n",
    )


def webcamconsult(site, slug="sunny-meadows"):
    return {**FORWARDED_HTTPS, "Authorization": f"Token token={site.clients[slug].secret}"}


def client_names(server, site, cookies=""):
    headers = webcamconsult(site) | ({"Cookie": cookies} if cookies else {})
    answer = request("GET", server.url + "/clients.json", headers=headers)
    assert answer.status == 200, answer.body
    return [client["last_name"] for client in answer.json()]


def caught_up(primary, replica, database, timeout=20):
    target = primary.sql("SELECT pg_current_wal_insert_lsn()::text", database)[0][0]
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if replica.sql(f"SELECT pg_last_wal_replay_lsn() >= '{target}'::pg_lsn", database)[0][0]:
            return
        time.sleep(0.1)
    raise AssertionError("the replica did not catch up")


def test_reads_go_to_the_replica_and_a_writer_reads_its_own_writes(primary, replica):
    site = provision(postgres_server=primary.url)
    database = database_of(site)
    replica_url = f"postgres://postgres@127.0.0.1:{replica.port}/{database}"
    try:
        with Gunicorn(site, name="replica", env={"DATABASE_REPLICA_URL": replica_url}) as server:
            assert client_names(server, site) == []
            caught_up(primary, replica, database)
            replica.sql("SELECT pg_wal_replay_pause()")
            try:
                created = request(
                    "POST",
                    server.url + "/clients.json",
                    headers=webcamconsult(site),
                    body={"client": {"last_name": "Dijk", "surname_prefix": "van", "email": "dijk@example.org"}},
                )
                # The replica is read-only: the write went to the primary, and the answer read it back there.
                assert created.status == 200, created.body
                assert created.json()["client"]["last_name"] == "Dijk"
                pin = created.headers["set-cookie"].split(";", 1)[0]
                assert pin.startswith("healthdesk_primary=")

                assert client_names(server, site) == [], "a plain read is served by the paused replica"
                assert client_names(server, site, cookies=pin) == ["Dijk"], "the writer is pinned to the primary"
            finally:
                replica.sql("SELECT pg_wal_replay_resume()")
            caught_up(primary, replica, database)
            assert client_names(server, site) == ["Dijk"]
            assert "Traceback" not in server.log()
    finally:
        site.close()


def test_pgbouncer_in_transaction_mode_serves_streamed_lists_and_writes(primary):
    site = provision(postgres_server=primary.url)
    seed_residents(site, RESIDENTS)
    bouncer = PgBouncer(primary.port)
    env = {"DATABASE_URL": bouncer.url(database_of(site)), "DATABASE_POOL_MODE": "transaction"}
    try:
        with Gunicorn(site, name="pgbouncer", workers=3, env=env) as server:

            def read_all(_):
                return len(client_names(server, site))

            def create(n):
                body = {"client": {"last_name": f"Pool{n}", "email": f"pool{n}@example.org"}}
                return request("POST", server.url + "/clients.json", headers=webcamconsult(site), body=body).status

            with concurrent.futures.ThreadPoolExecutor(max_workers=6) as pool:
                reads = list(pool.map(read_all, range(12)))
                writes = list(pool.map(create, range(24)))
            assert set(writes) == {200}
            assert reads == [RESIDENTS] * 12, "every streamed list arrived whole through the pooler"
            assert len(client_names(server, site)) == RESIDENTS + 24
            assert "Traceback" not in server.log()
    finally:
        bouncer.stop()
        site.close()
