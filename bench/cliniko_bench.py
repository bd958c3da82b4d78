"""Cliniko attendee lists deep into a large table: timings and query plans on PostgreSQL.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/hd_cliniko_bench python bench/cliniko_bench.py [--rows 1000000]

Fills one organisation with `--rows` attendees (10% deleted, 5% cancelled) on 10 000 appointments, unless the
database already holds them, then times the documented requests through the real URL conf, views and
serializers, and prints the plan of each list's COUNT and page query. Use a throwaway database: it is migrated
and written to.
"""

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "healthdesk.settings")
os.environ.setdefault("HEALTHDESK_TESTING", "1")
os.environ.setdefault("HEALTHDESK_CLINIKO_RATE_LIMIT", "1000000/min")

import django  # noqa: E402

django.setup()

import base64  # noqa: E402

from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

from directory import services as directory_services  # noqa: E402
from directory.models import Organisation  # noqa: E402
from scheduling.models import Attendee  # noqa: E402

SLUG = "cliniko-bench"
APPOINTMENTS = 10_000


def populate(rows):
    organisation = Organisation.objects.filter(slug=SLUG).first()
    if organisation is None:
        organisation = directory_services.organisation_create(slug=SLUG, name="Cliniko bench")
    if Attendee.objects.filter(organisation=organisation).count() < rows:
        print(f"filling {rows:,} attendees …", flush=True)
        started = time.perf_counter()
        residents = rows // APPOINTMENTS
        with connection.cursor() as cursor:
            cursor.execute("DELETE FROM scheduling_attendee WHERE organisation_id = %s", [organisation.pk])
            cursor.execute("DELETE FROM scheduling_appointment WHERE organisation_id = %s", [organisation.pk])
            cursor.execute("DELETE FROM directory_resident WHERE organisation_id = %s", [organisation.pk])
            cursor.execute(
                """
                INSERT INTO directory_resident (organisation_id, first_name, preferred_first_name, surname_prefix,
                    last_name, titles, initials, gender, email, phone_number, fax_number, home_address1,
                    home_address2, home_city, home_state, home_zip, country, location, state, in_home_care, demo,
                    customer_number, account_number, reference_code, caretracker_id, notes, photo,
                    photo_content_type, photo_file_size, created_via, created_at, updated_at)
                SELECT %s, 'Patient' || i, '', '', 'Bench', '', '', '', '', '', '', '', '', '', '', '', '', '',
                    'active', false, false, '', '', '', '', '', '', '', 0, 'bench', now(), now()
                FROM generate_series(1, %s) AS i
                """,
                [organisation.pk, residents],
            )
            cursor.execute(
                """
                INSERT INTO scheduling_appointment (organisation_id, kind, starts_at, duration_minutes, state,
                    location_ref, calendar_ref, type_ref, summary, details, blocked, cancellation_note,
                    external_participant_ids, inloop_json, created_at, updated_at)
                SELECT %s, 'group', timestamp '2024-01-01' + i * interval '1 hour', 30, 'idle', '', '', '', '',
                    '', false, '', '[]', '{}', now(), now()
                FROM generate_series(1, %s) AS i
                """,
                [organisation.pk, APPOINTMENTS],
            )
            cursor.execute(
                """
                WITH a AS (SELECT array_agg(id ORDER BY id) AS ids FROM scheduling_appointment
                           WHERE organisation_id = %(org)s),
                     r AS (SELECT array_agg(id ORDER BY id) AS ids FROM directory_resident
                           WHERE organisation_id = %(org)s)
                INSERT INTO scheduling_attendee (organisation_id, appointment_id, resident_id, email_reminder_sent,
                    sms_reminder_sent, created_at, updated_at, deleted_at, cancelled_at, cancellation_reason)
                SELECT %(org)s, a.ids[1 + i %% %(apps)s], r.ids[1 + i / %(apps)s], false, false,
                    timestamp '2020-01-01' + i * interval '1 second',
                    timestamp '2020-01-01' + i * interval '1 second' + (i %% 977) * interval '1 minute',
                    CASE WHEN i %% 10 = 0 THEN timestamp '2024-06-01' END,
                    CASE WHEN i %% 20 = 5 THEN timestamp '2024-06-01' END,
                    CASE WHEN i %% 20 = 5 THEN 50 END
                FROM a, r, generate_series(0, %(rows)s - 1) AS i
                """,
                {"org": organisation.pk, "apps": APPOINTMENTS, "rows": rows},
            )
        print(f"filled in {time.perf_counter() - started:.1f} s", flush=True)
    with connection.cursor() as cursor:
        # What autovacuum does for a live table: statistics, and the visibility map index-only scans rely on.
        cursor.execute("VACUUM ANALYZE scheduling_attendee")
    return organisation


def timed(client, url, repeat):
    samples, queries = [], None
    for _ in range(repeat):
        with CaptureQueriesContext(connection) as captured:
            started = time.perf_counter()
            response = client.get(url)
            samples.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200, response.content[:300]
        queries = captured
    return statistics.median(samples), response.json(), queries


def explain(sql):
    with connection.cursor() as cursor:
        cursor.execute("EXPLAIN (ANALYZE, BUFFERS OFF, TIMING OFF, SUMMARY ON) " + sql)
        return "\n".join("      " + row[0] for row in cursor.fetchall())


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--plans", action="store_true", help="print EXPLAIN ANALYZE of each list's queries")
    args = parser.parse_args()
    if connection.vendor != "postgresql":
        sys.exit("Run against PostgreSQL (DATABASE_URL=postgres://…): the bench measures production plans.")
    call_command("migrate", verbosity=0)
    call_command("createcachetable", verbosity=0)
    organisation = populate(args.rows)
    issued = directory_services.api_client_create(organisation=organisation, name="bench")
    auth = "Basic " + base64.b64encode(f"{issued.secret}:".encode()).decode()
    client = Client(headers={"Authorization": auth, "User-Agent": "healthdesk bench (ops@example.org)"})
    some = Attendee.objects.filter(organisation=organisation, deleted_at__isnull=True).order_by("id")[5000]
    live = args.rows * 85 // 100
    last = -(-live // 100)
    cases = [
        ("default list, page 1", "/v1/attendees?per_page=100"),
        ("default list, middle page", f"/v1/attendees?per_page=100&page={last // 2}"),
        ("default list, last page", f"/v1/attendees?per_page=100&page={last}"),
        ("sort updated_at:desc, deep page", f"/v1/attendees?per_page=100&sort=updated_at:desc&page={last // 2}"),
        ("deleted list, last page", f"/v1/attendees/deleted?per_page=100&page={args.rows // 1000}"),
        ("cancelled list, page 200", "/v1/attendees/cancelled?per_page=100&page=200"),
        ("patient_id filter", f"/v1/attendees?q[]=patient_id:={some.resident_id}"),
        ("booking_id filter", f"/v1/attendees?q[]=booking_id:={some.appointment_id}"),
        ("booking nested list", f"/v1/group_appointments/{some.appointment_id}/attendees"),
        ("created_at window, deep page",
         "/v1/attendees?per_page=100&q[]=created_at:>2020-01-03T00:00:00Z&q[]=created_at:<2020-01-10T00:00:00Z"
         "&page=40"),
        ("id range", f"/v1/attendees?q[]=id:>={some.pk}&q[]=id:<{some.pk + 5000}&page=10"),
    ]
    middle = client.get(f"/v1/attendees?per_page=100&page={last // 2}").json()["links"]["next"]
    deep_desc = client.get(f"/v1/attendees?per_page=100&sort=updated_at:desc&page={last // 2}").json()
    cases += [
        ("links.next from the middle page", middle),
        ("links.next, updated_at:desc, deep", deep_desc["links"]["next"]),
    ]
    print(f"\n{'request':<36} {'median ms':>10} {'db ms':>8} {'queries':>8} {'total_entries':>14}")
    for name, url in cases:
        median, body, queries = timed(client, url, args.repeat)
        db = sum(float(query["time"]) for query in queries.captured_queries) * 1000
        print(f"{name:<36} {median:>10.1f} {db:>8.1f} {len(queries):>8} {body['total_entries']:>14,}")
        if args.plans:
            for query in queries.captured_queries:
                if "scheduling_attendee" in query["sql"]:
                    print(f"    {query['sql'][:160]}…\n{explain(query['sql'])}")


if __name__ == "__main__":
    main()
