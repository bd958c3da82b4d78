"""PostgreSQL clusters and PgBouncer started by a test, on ports of their own, from Debian's binaries.

Both refuse to run as root, so when the tests run as root (CI) the servers run as the `postgres` user.
"""

import glob
import os
import shutil
import signal
import subprocess
import tempfile
import time
from pathlib import Path

from tests.door.harness import free_port

BIN = Path(max(glob.glob("/usr/lib/postgresql/*/bin"), default="/nonexistent"))
PGBOUNCER = shutil.which("pgbouncer") or "/usr/sbin/pgbouncer"


def binaries_missing():
    """Why these tests cannot run here, or None."""
    if not (BIN / "initdb").exists() or not (BIN / "pg_basebackup").exists():
        return "PostgreSQL server binaries (initdb, pg_basebackup) are not installed"
    if not Path(PGBOUNCER).exists():
        return "pgbouncer is not installed"
    return None


def _as_server_user(command):
    return ["runuser", "-u", "postgres", "--", *command] if os.geteuid() == 0 else command


def _run(command):
    subprocess.run(_as_server_user(command), check=True, capture_output=True, text=True)


def _server_dir(prefix):
    path = Path(tempfile.mkdtemp(prefix=prefix))
    if os.geteuid() == 0:
        shutil.chown(path, "postgres", "postgres")
    return path


class Cluster:
    """One PostgreSQL server: a primary made with initdb, or a streaming replica made with pg_basebackup."""

    def __init__(self, data_dir, port):
        self.data_dir = data_dir
        self.port = port

    @property
    def url(self):
        return f"postgres://postgres@127.0.0.1:{self.port}/postgres"

    @classmethod
    def primary(cls):
        root = _server_dir("healthdesk-pg-primary-")
        cluster = cls(root / "data", free_port())
        _run([str(BIN / "initdb"), "-D", str(cluster.data_dir), "-U", "postgres", "--auth=trust", "-E", "UTF8"])
        cluster._configure(
            "wal_level = replica\nmax_wal_senders = 4\nfsync = off\n",
            hba="host replication all 127.0.0.1/32 trust\n",
        )
        return cluster.start()

    def replica(self):
        """A hot standby streaming from this server, started on a port of its own."""
        root = _server_dir("healthdesk-pg-replica-")
        replica = Cluster(root / "data", free_port())
        _run(
            [
                str(BIN / "pg_basebackup"),
                "-h",
                "127.0.0.1",
                "-p",
                str(self.port),
                "-U",
                "postgres",
                "-D",
                str(replica.data_dir),
                "-R",
                "-X",
                "stream",
            ]
        )
        replica._configure("hot_standby = on\n")
        return replica.start()

    def _configure(self, extra, hba=""):
        settings = (
            f"port = {self.port}\nlisten_addresses = '127.0.0.1'\nunix_socket_directories = '{self.data_dir}'\n" + extra
        )
        _run(["sh", "-c", f"printf '%s' \"$0\" >> {self.data_dir}/postgresql.auto.conf", settings])
        if hba:
            _run(["sh", "-c", f"printf '%s' \"$0\" >> {self.data_dir}/pg_hba.conf", hba])

    def start(self):
        _run(
            [
                str(BIN / "pg_ctl"),
                "-D",
                str(self.data_dir),
                "-l",
                str(self.data_dir.parent / "server.log"),
                "-w",
                "start",
            ]
        )
        return self

    def stop(self):
        subprocess.run(
            _as_server_user([str(BIN / "pg_ctl"), "-D", str(self.data_dir), "-m", "immediate", "-w", "stop"]),
            capture_output=True,
        )
        shutil.rmtree(self.data_dir.parent, ignore_errors=True)

    def sql(self, statement, database="postgres"):
        import psycopg

        with psycopg.connect(f"postgres://postgres@127.0.0.1:{self.port}/{database}", autocommit=True) as conn:
            rows = conn.execute(statement)
            return rows.fetchall() if rows.description else None


class PgBouncer:
    """PgBouncer in front of a PostgreSQL server, pooling by transaction, as large deployments run it."""

    def __init__(self, server_port, pool_mode="transaction"):
        self.dir = _server_dir("healthdesk-pgbouncer-")
        self.port = free_port()
        config = self.dir / "pgbouncer.ini"
        auth = self.dir / "users.txt"
        auth.write_text('"postgres" ""\n')
        config.write_text(
            "[databases]\n"
            f"* = host=127.0.0.1 port={server_port}\n"
            "[pgbouncer]\n"
            f"listen_addr = 127.0.0.1\nlisten_port = {self.port}\nunix_socket_dir =\n"
            f"auth_type = trust\nauth_file = {auth}\npool_mode = {pool_mode}\n"
            "default_pool_size = 4\nmax_client_conn = 200\nignore_startup_parameters = extra_float_digits,options\n"
            f"logfile = {self.dir / 'pgbouncer.log'}\n"
        )
        if os.geteuid() == 0:
            for path in (config, auth):
                shutil.chown(path, "postgres", "postgres")
        self.process = subprocess.Popen(
            _as_server_user([PGBOUNCER, str(config)]),
            stdout=subprocess.DEVNULL,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        self._wait()

    def _wait(self):
        import psycopg

        deadline = time.monotonic() + 15
        while True:
            try:
                psycopg.connect(f"postgres://postgres@127.0.0.1:{self.port}/postgres", connect_timeout=1).close()
                return
            except psycopg.OperationalError:
                if time.monotonic() > deadline or self.process.poll() is not None:
                    raise
                time.sleep(0.2)

    def url(self, database):
        return f"postgres://postgres@127.0.0.1:{self.port}/{database}"

    def stop(self):
        os.killpg(self.process.pid, signal.SIGTERM)
        self.process.wait(timeout=10)
        shutil.rmtree(self.dir, ignore_errors=True)
