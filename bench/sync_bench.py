"""Time the appointment sync engine: N new items, the same batch again (unchanged), then all of them changed.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/hd_bench .venv/bin/python bench/sync_bench.py [--items 10000]

Runs in a throwaway test database (created, then dropped), so it never touches real data.
"""

import argparse
import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tests.settings")

import django  # noqa: E402

django.setup()

from django.db import connection  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

from directory.actors import Actor  # noqa: E402
from directory.services import organisation_create  # noqa: E402
from sync.services import appointments_sync  # noqa: E402


def batch(count, summary):
    return [
        {"id": str(n), "patientId": f"p{n % (count // 2 or 1)}", "date": f"2016-01-{n % 28 + 1:02d}T09:00:00",
         "duration": 30, "cancelled": n % 10 == 0, "blocked": n % 50 == 0, "summary": summary,
         "locationId": "loc", "calendarId": "cal", "typeId": "type"}
        for n in range(count)
    ]


def timed(label, organisation, items):
    with CaptureQueriesContext(connection) as queries:
        start, cpu = time.perf_counter(), time.process_time()
        report = appointments_sync(organisation=organisation, actor=Actor.system(channel="bench"), system="bench",
                                   items=items)
        elapsed, cpu = time.perf_counter() - start, time.process_time() - cpu
    run = report.run
    # CPU time is this process only (Python and the driver); wall minus CPU is mostly the database.
    print(f"{label:<8} {len(items):>6} items {elapsed:6.2f} s wall {cpu:6.2f} s cpu "
          f"{len(items) / elapsed:6.0f} items/s "
          f"{len(queries):>5} queries  created={run.created} updated={run.updated} unchanged={run.unchanged} "
          f"failed={run.failed}")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--items", type=int, default=10_000)
    count = parser.parse_args().items
    original_name = connection.settings_dict["NAME"]
    connection.creation.create_test_db(verbosity=0, autoclobber=True)
    try:
        print(f"{connection.vendor}, {count} items")
        organisation = organisation_create(slug="bench", name="Bench", time_zone="Europe/Amsterdam")
        timed("new", organisation, batch(count, "first"))
        timed("again", organisation, batch(count, "first"))
        timed("changed", organisation, batch(count, "second"))
    finally:
        connection.creation.destroy_test_db(original_name, verbosity=0)


if __name__ == "__main__":
    main()
