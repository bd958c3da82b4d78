"""Deterministic benchmark data at scale: `python bench/seed.py --scale 10k|100k|1m [--database-url URL]`.

One big organisation (slug `bench`) owns the bulk; two small ones exist so tenant scoping has something to
filter out. Rows are generated from a fixed random seed and a date anchor (today, UTC, unless `--anchor`), with
ids assigned here so foreign keys need no round trip. PostgreSQL gets them through psycopg 3 `COPY` in one
transaction, then `VACUUM ANALYZE` and sequence resets; SQLite falls back to `bulk_create` in chunks.

Writes `bench/results/credentials.json`: the API client's key and secret (made through
`directory.services.api_client_create`), the admin login, and sample ids the scenarios of `run.py` use.
"""

import argparse
import itertools
import json
import math
import os
import random
import sys
import time
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench import _django  # noqa: E402

SCALES = {
    # tickets, attendees, residents, staff users per organisation
    "10k": {"tickets": 10_000, "attendees": 10_000, "residents": 2_000, "users": 40},
    "100k": {"tickets": 100_000, "attendees": 100_000, "residents": 20_000, "users": 100},
    "1m": {"tickets": 1_000_000, "attendees": 1_000_000, "residents": 100_000, "users": 250},
}
SMALL_ORG_SHARE = 50  # every 50th generated row belongs to one of the two small organisations
MESSAGES_PER_TICKET = 2
ASSESSMENTS_PER_TICKET = 2
GROUP_EVERY = 20  # one appointment in 20 is a group appointment
GROUP_SIZE = 4
INVOICE_EVERY = 5  # one attendee in 5 has an invoice
UPDOX_PATIENTS = 5_000  # residents with an Updox patient id, so synced items can name existing patients
ADMIN_USERNAME = "bench-admin"
ADMIN_PASSWORD = "bench-admin-password-7d41"  # noqa: S105  (throwaway data on 127.0.0.1)
SEED = 20261123

FIRST_NAMES = ["Anna", "Bram", "Carla", "Daan", "Eva", "Finn", "Greet", "Hugo", "Iris", "Joost", "Kim", "Lars",
               "Mila", "Noor", "Otto", "Pien", "Quinten", "Roos", "Sem", "Tess", "Umar", "Vera", "Wim", "Yara"]
LAST_NAMES = ["Akkermans", "Bakker", "Claassen", "Dekker", "Evers", "Fransen", "Gerritsen", "Hendriks", "Jansen",
              "Kok", "Lammers", "Mulder", "Nijland", "Peters", "Smit", "Visser", "de Vries", "Willems", "Zwart"]
TITLES = ["Fall risk review", "Medication question", "Wound care follow-up", "Family call request",
          "Nutrition check", "Mobility aid broken", "Sleep pattern change", "Skin integrity check"]
CATEGORIES = ["Breathing", "Cognition", "Continence", "Falls", "Medication", "Mobility", "Nutrition", "Skin"]
URGENCIES = ["Routine", "Soon", "Urgent"]
DIVISIONS = ["North wing", "South wing", "Home care", "Day care", "Rehabilitation"]
STATUSES = ["new"] * 30 + ["in_progress"] * 20 + ["on_hold"] * 10 + ["reopened"] * 5 + ["closed"] * 35
PRIORITIES = ["low"] * 30 + ["medium"] * 45 + ["high"] * 20 + ["urgent"] * 5
DUE_HOURS = {"low": 72, "medium": 24, "high": 8, "urgent": 4}
ASSESSMENT_STATUSES = ["issue", "no_issue", "potential_issue"]
CANCELLATION_REASONS = [10, 20, 30, 31, 40, 50, 60]
CHUNK = 5_000


class Plan:
    """Row counts and id ranges for one scale; every id is computable from an index, so FKs need no lookups."""

    def __init__(self, scale, anchor):
        sizes = SCALES[scale]
        self.scale = scale
        self.anchor = datetime.combine(anchor, datetime.min.time(), tzinfo=UTC)
        self.tickets = sizes["tickets"]
        self.attendees = sizes["attendees"]
        self.residents = sizes["residents"]
        self.users = sizes["users"]
        # Individual appointments have one attendee, group ones GROUP_SIZE: solve for the appointment count.
        per_block = (GROUP_EVERY - 1) + GROUP_SIZE
        self.appointments = math.ceil(self.attendees * GROUP_EVERY / per_block)


def org_of(i, orgs):
    """The organisation index (0 = bench) of generated row i."""
    if i % SMALL_ORG_SHARE:
        return 0
    return 1 + (i // SMALL_ORG_SHARE) % (len(orgs) - 1)


class Writer:
    """Writes generated rows for one model: COPY on PostgreSQL, bulk_create in chunks elsewhere."""

    def __init__(self, connection, progress):
        self.connection = connection
        self.progress = progress
        self.postgres = connection.vendor == "postgresql"

        self.dropped = []  # index definitions to rebuild once the rows are in

    def write(self, model, columns, rows, total):
        self.progress.set_description(f"{model._meta.db_table:<28}")
        if self.postgres:
            self._drop_indexes(model)
            self._copy(model, columns, rows)
        else:
            self._bulk_create(model, columns, rows)

    def _drop_indexes(self, model):
        """Drop the table's plain indexes (not those backing a constraint): building one over loaded rows is
        many times faster than maintaining it row by row."""
        with self.connection.cursor() as cursor:
            cursor.execute(
                "SELECT i.indexname, i.indexdef FROM pg_indexes i WHERE i.schemaname = current_schema() "
                "AND i.tablename = %s AND NOT EXISTS (SELECT 1 FROM pg_constraint c "
                "WHERE c.conindid = (quote_ident(i.schemaname) || '.' || quote_ident(i.indexname))::regclass)",
                [model._meta.db_table],
            )
            for name, definition in cursor.fetchall():
                cursor.execute(f'DROP INDEX "{name}"')
                self.dropped.append(definition)

    def rebuild_indexes(self):
        self.progress.set_description(f"{len(self.dropped)} indexes")
        with self.connection.cursor() as cursor:
            cursor.execute("SET LOCAL maintenance_work_mem = '512MB'")
            for definition in self.dropped:
                cursor.execute(definition)

    def _copy(self, model, columns, rows):
        # Non-null columns not generated get the field's default, once; nullable ones stay NULL.
        fields = {f.column: f for f in model._meta.concrete_fields}
        extra = [c for c, f in fields.items() if c not in columns and not f.null]
        constants = tuple(self._text_default(fields[c]) for c in extra)
        names = ", ".join(f'"{c}"' for c in (*columns, *extra))
        with self.connection.cursor() as cursor:
            raw = cursor.cursor
            with raw.copy(f'COPY "{model._meta.db_table}" ({names}) FROM STDIN') as copy:
                n = 0
                for n, row in enumerate(rows, 1):
                    copy.write_row(row + constants)
                    if n % CHUNK == 0:
                        self.progress.update(CHUNK)
                self.progress.update(n % CHUNK)

    @staticmethod
    def _text_default(field):
        value = field.get_default()
        if field.get_internal_type() == "JSONField":
            return json.dumps(value)
        return value

    def _bulk_create(self, model, columns, rows):
        attnames = [model._meta.get_field(c.removesuffix("_id")).attname if c.endswith("_id") else c for c in columns]
        # bulk_create would stamp auto_now(_add) fields with the current time; the generated times must stay.
        for field in model._meta.concrete_fields:
            field.auto_now = field.auto_now_add = False
        batch = []
        for row in rows:
            batch.append(model(**dict(zip(attnames, row, strict=True))))
            if len(batch) == CHUNK:
                model.objects.bulk_create(batch)
                self.progress.update(len(batch))
                batch = []
        if batch:
            model.objects.bulk_create(batch)
            self.progress.update(len(batch))


def seed(plan, writer):
    """Create the small reference rows through the ORM, then stream the big tables."""
    from django.contrib.auth.hashers import make_password

    from directory import services as directory_services
    from directory.models import Division, Organisation, Resident, ResidentIdentifier, ResidentType, User
    from scheduling.models import Appointment, Attendee, Invoice
    from tickets.models import Category, CategoryAssessment, Message, Ticket, Urgency

    rng = random.Random(SEED)
    anchor = plan.anchor
    orgs = [
        Organisation.objects.create(name="Bench Care", slug="bench", time_zone="Europe/Amsterdam"),
        Organisation.objects.create(name="Small Care North", slug="bench-small-1", time_zone="Europe/Amsterdam"),
        Organisation.objects.create(name="Small Care South", slug="bench-small-2", time_zone="UTC"),
    ]
    org_ids = [o.pk for o in orgs]

    # Staff: one password hash for everyone (hashing is the slow part), the admin gets its own.
    password = make_password("bench-staff-password-not-for-login")
    users = []
    for o, org in enumerate(orgs):
        count = plan.users if o == 0 else 5
        for u in range(count):
            first, last = FIRST_NAMES[u % len(FIRST_NAMES)], LAST_NAMES[(u * 7) % len(LAST_NAMES)]
            users.append(User(
                username=f"{org.slug}-staff-{u}", password=password, first_name=first, last_name=last,
                email=f"staff{u}@{org.slug}.example", organisation=org, initials=first[0],
                roles=["clinician"] if u % 3 else ["front_desk", "admin"], is_staff=True,
            ))
    users = User.objects.bulk_create(users)
    users_by_org = [[u.pk for u in users if u.organisation_id == org.pk] for org in orgs]
    admin = User.objects.create_superuser(
        username=ADMIN_USERNAME, password=ADMIN_PASSWORD, email="admin@bench.example", organisation=orgs[0],
        first_name="Bench", last_name="Admin",
    )

    def per_org(model, names):
        made = model.objects.bulk_create(model(organisation=org, name=n) for org in orgs for n in names)
        return [[r.pk for r in made if r.organisation_id == org.pk] for org in orgs]

    categories = per_org(Category, CATEGORIES)
    urgencies = per_org(Urgency, URGENCIES)
    divisions = per_org(Division, DIVISIONS)
    per_org(ResidentType, ["Nursing home", "Assisted living", "Home care"])
    issued = directory_services.api_client_create(organisation=orgs[0], name="bench load generator")

    # Residents: bench owns the first share, the small organisations the rest, in contiguous id ranges.
    next_id = {m: (m.objects.order_by("-pk").values_list("pk", flat=True).first() or 0) + 1
               for m in (Resident, Ticket, Message, CategoryAssessment, Appointment, Attendee, Invoice)}
    small = plan.residents // SMALL_ORG_SHARE
    resident_ranges = [(next_id[Resident], plan.residents - 2 * small)]
    resident_ranges.append((resident_ranges[0][0] + resident_ranges[0][1], small))
    resident_ranges.append((resident_ranges[1][0] + small, small))

    def resident_for(o, k):
        start, count = resident_ranges[o]
        return start + k % count

    def residents():
        for o, (start, count) in enumerate(resident_ranges):
            for k in range(count):
                first, last = FIRST_NAMES[k % len(FIRST_NAMES)], LAST_NAMES[(k // 7) % len(LAST_NAMES)]
                created = anchor - timedelta(days=1500 - (k % 1500), minutes=k % 1440)
                yield (
                    start + k, org_ids[o], first, last, first[0], ["male", "female", "other"][k % 3],
                    date(1930 + k % 60, 1 + k % 12, 1 + k % 28), f"resident{k}@{orgs[o].slug}.example",
                    f"+3161{k:07d}", f"Room {k % 400}", "active" if k % 10 else "inactive",
                    f"REF-{k:07d}", f"C{k:07d}", created, created + timedelta(days=k % 30),
                )

    writer.write(Resident, ["id", "organisation_id", "first_name", "last_name", "initials", "gender",
                            "date_of_birth", "email", "phone_number", "location", "state", "reference_code",
                            "customer_number", "created_at", "updated_at"], residents(), plan.residents)
    identifiers = min(UPDOX_PATIENTS, resident_ranges[0][1])
    ResidentIdentifier.objects.bulk_create(
        ResidentIdentifier(organisation=orgs[0], resident_id=resident_for(0, k), system="updox", value=f"P{k}")
        for k in range(identifiers)
    )

    ticket_start = next_id[Ticket]
    span_minutes = 3 * 365 * 24 * 60  # tickets spread over three years up to the anchor

    def tickets():
        for i in range(plan.tickets):
            o = org_of(i, orgs)
            created = anchor - timedelta(minutes=span_minutes * (plan.tickets - i) // plan.tickets)
            status, priority = rng.choice(STATUSES), rng.choice(PRIORITIES)
            # Open tickets cluster near the anchor so overdue / due today / on hold all have rows.
            due = created + timedelta(hours=DUE_HOURS[priority]) if status == "closed" else (
                anchor + timedelta(hours=rng.randint(-72, 72)))
            staff = users_by_org[o]
            assignee = staff[i % len(staff)] if i % 4 else None
            yield (
                ticket_start + i, org_ids[o], f"{TITLES[i % len(TITLES)]} #{i}", priority,
                urgencies[o][i % len(URGENCIES)], status, resident_for(o, rng.randrange(10**9)), staff[0], assignee,
                due, created, created + timedelta(minutes=rng.randint(1, 4000)),
                created + timedelta(days=2) if status == "closed" else None, "care" if i % 3 else "support",
            )

    writer.write(Ticket, ["id", "organisation_id", "title", "priority", "urgency_id", "status", "resident_id",
                          "created_by_id", "assignee_id", "due_at", "created_at", "updated_at", "closed_at",
                          "ticket_type"], tickets(), plan.tickets)

    def messages():
        for i in range(plan.tickets):
            o = org_of(i, orgs)
            created = anchor - timedelta(minutes=span_minutes * (plan.tickets - i) // plan.tickets)
            for m in range(MESSAGES_PER_TICKET):
                yield (
                    next_id[Message] + i * MESSAGES_PER_TICKET + m, ticket_start + i,
                    f"Update {m + 1} on ticket {i}: observed, discussed with family, plan adjusted.",
                    "admin" if m % 2 else "user", users_by_org[o][m % len(users_by_org[o])],
                    created + timedelta(hours=m + 1), m % 2 == 0,
                )

    writer.write(Message, ["id", "ticket_id", "body", "sender_kind", "author_id", "created_at",
                           "visible_to_requester"], messages(), plan.tickets * MESSAGES_PER_TICKET)

    def assessments():
        for i in range(plan.tickets):
            o = org_of(i, orgs)
            for a in range(ASSESSMENTS_PER_TICKET):
                yield (
                    next_id[CategoryAssessment] + i * ASSESSMENTS_PER_TICKET + a, ticket_start + i,
                    categories[o][(i + a * 3) % len(CATEGORIES)], ASSESSMENT_STATUSES[(i + a) % 3],
                )

    writer.write(CategoryAssessment, ["id", "ticket_id", "category_id", "status"], assessments(),
                 plan.tickets * ASSESSMENTS_PER_TICKET)

    # Appointments: two years around the anchor; every GROUP_EVERY-th is a group of GROUP_SIZE attendees.
    appointment_start, attendee_start = next_id[Appointment], next_id[Attendee]
    appointment_span = 2 * 365 * 24 * 4  # quarter hours

    def appointment_plan():
        """(appointment index, organisation index, kind, starts_at, attendee count) until attendees run out."""
        left = plan.attendees
        for a in itertools.count():
            if left <= 0:
                return
            group = a % GROUP_EVERY == GROUP_EVERY - 1
            size = min(GROUP_SIZE if group else 1, left)
            left -= size
            starts = anchor - timedelta(days=365) + timedelta(minutes=15 * (a * appointment_span // plan.appointments))
            yield a, org_of(a, orgs), "group" if group else "individual", starts, size

    def appointments():
        for a, o, kind, starts, _ in appointment_plan():
            staff = users_by_org[o]
            cancelled = starts - timedelta(days=1) if a % 20 == 3 else None
            deleted = starts - timedelta(days=2) if a % 50 == 7 else None
            created = starts - timedelta(days=14)
            yield (
                appointment_start + a, org_ids[o], kind, staff[a % len(staff)], staff[0],
                divisions[o][a % len(DIVISIONS)], starts, 30 if kind == "individual" else 60,
                GROUP_SIZE if kind == "group" else None, f"Consult {a}", cancelled,
                CANCELLATION_REASONS[a % 7] if cancelled else None, deleted, created,
                created + timedelta(minutes=a % 10_000),
            )

    writer.write(Appointment, ["id", "organisation_id", "kind", "practitioner_id", "created_by_id", "division_id",
                               "starts_at", "duration_minutes", "max_attendees", "summary", "cancelled_at",
                               "cancellation_reason", "deleted_at", "created_at", "updated_at"],
                 appointments(), plan.appointments)

    attendee_rows = []  # (attendee id, organisation index) of attendees that get an invoice

    def attendees():
        n = 0
        for a, o, _, starts, size in appointment_plan():
            base = rng.randrange(10**9)
            for s in range(size):
                cancelled = starts - timedelta(hours=5) if n % 25 == 11 else None
                deleted = starts - timedelta(hours=7) if n % 40 == 13 else None
                created = starts - timedelta(days=14)
                if n % INVOICE_EVERY == 0 and not deleted:
                    attendee_rows.append((attendee_start + n, o, starts.date()))
                yield (
                    attendee_start + n, org_ids[o], appointment_start + a, resident_for(o, base + s * 101),
                    starts < anchor and not cancelled, cancelled, CANCELLATION_REASONS[n % 7] if cancelled else None,
                    deleted, n % 2 == 0, n % 3 == 0, 20 if starts < anchor else None, created,
                    # updated_at spreads over the last year, so `updated_at:>` filters select a real share.
                    anchor - timedelta(minutes=(n * 7919) % (365 * 24 * 60)),
                )
                n += 1

    writer.write(Attendee, ["id", "organisation_id", "appointment_id", "resident_id", "arrived", "cancelled_at",
                            "cancellation_reason", "deleted_at", "email_reminder_sent", "sms_reminder_sent",
                            "invoice_status", "created_at", "updated_at"], attendees(), plan.attendees)

    def invoices():
        for k, (attendee_id, o, issued_on) in enumerate(attendee_rows):
            yield (
                next_id[Invoice] + k, org_ids[o], attendee_id, 100_000 + k, 20 if k % 3 else 10, issued_on,
                Decimal("85.00") + k % 40, Decimal("0.00"), anchor, anchor,
            )

    writer.write(Invoice, ["id", "organisation_id", "attendee_id", "number", "status", "issue_date",
                           "total_amount", "tax_amount", "created_at", "updated_at"], invoices(), len(attendee_rows))

    sample_resident = resident_for(0, 17)
    return {
        "organisation": {"id": orgs[0].pk, "slug": orgs[0].slug},
        "api_client": {"key": issued.client.key, "secret": issued.secret},
        "admin": {"username": admin.username, "password": ADMIN_PASSWORD},
        "samples": {
            "ticket_id": ticket_start + 1 + plan.tickets // 2,  # odd index: a bench-organisation ticket
            "patient_id": sample_resident,
            # 90 % into the bench organisation's residents: where a FHIR `next` link's cursor lands deep in a list.
            "deep_resident_id": resident_for(0, resident_ranges[0][1] * 9 // 10),
            "updated_after": (anchor - timedelta(days=7)).strftime("%Y-%m-%dT%H:%M:%SZ"),
            "updox_patient_ids": identifiers,
        },
    }


def disable_foreign_key_triggers(connection):
    """Skip the per-row foreign-key triggers for this transaction (as pg_restore --disable-triggers does): ids are
    generated consistent. Needs a superuser; without one the checks run at commit, slower but the same result."""
    from django.db import DatabaseError, transaction

    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL synchronous_commit = off")
        try:
            with transaction.atomic():
                cursor.execute("SET LOCAL session_replication_role = replica")
        except DatabaseError:
            print("not a superuser: foreign keys are checked row by row (slower)", file=sys.stderr)


def reset(connection):
    """Empty every table of the project's apps (bench databases only), restarting their id sequences."""
    from django.apps import apps

    tables = [m._meta.db_table for app in ("directory", "tickets", "scheduling", "sync")
              for m in apps.get_app_config(app).get_models(include_auto_created=True)]
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(f"TRUNCATE {', '.join(tables)} RESTART IDENTITY CASCADE")
        else:
            from django.core.management import call_command

            call_command("flush", interactive=False, verbosity=0)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--scale", choices=SCALES, default="10k")
    parser.add_argument("--database-url", default=os.environ.get("DATABASE_URL", _django.DEFAULT_DATABASE_URL))
    parser.add_argument("--anchor", type=date.fromisoformat, default=datetime.now(UTC).date(),
                        help="The 'today' the data is generated around (default: today, UTC).")
    args = parser.parse_args(argv)

    _django.ensure_database(args.database_url)
    _django.setup(args.database_url)
    from django.core.management import call_command
    from django.core.management.color import no_style
    from django.db import connection, transaction
    from tqdm import tqdm

    started = time.perf_counter()
    call_command("migrate", interactive=False, verbosity=0)
    call_command("createcachetable", verbosity=0)
    reset(connection)
    plan = Plan(args.scale, args.anchor)
    total = plan.residents + plan.tickets * (1 + MESSAGES_PER_TICKET + ASSESSMENTS_PER_TICKET) + plan.appointments \
        + plan.attendees + plan.attendees // INVOICE_EVERY
    with tqdm(total=total, unit="row", unit_scale=True, smoothing=0.1) as progress, transaction.atomic():
        if connection.vendor == "postgresql":
            disable_foreign_key_triggers(connection)
        writer = Writer(connection, progress)
        info = seed(plan, writer)
        if writer.postgres:
            writer.rebuild_indexes()
        progress.total = progress.n
        progress.set_description("done")
    copied = time.perf_counter() - started

    from django.apps import apps

    models = [m for app in ("directory", "tickets", "scheduling", "sync")
              for m in apps.get_app_config(app).get_models()]
    with connection.cursor() as cursor:
        for statement in connection.ops.sequence_reset_sql(no_style(), models):
            cursor.execute(statement)
        # VACUUM too on PostgreSQL: a table that autovacuum has visited marks its pages all-visible, so index-only
        # scans (deep pages, counts) skip the heap; freshly COPYed rows would otherwise measure a state that
        # production only sees in the minutes after a bulk load.
        cursor.execute("VACUUM ANALYZE" if connection.vendor == "postgresql" else "ANALYZE")
    elapsed = time.perf_counter() - started

    from scheduling.models import Attendee
    from tickets.models import Ticket

    org_id = info["organisation"]["id"]
    info.update(
        scale=args.scale,
        database_url=args.database_url,
        anchor=args.anchor.isoformat(),
        seeded_at=datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
        seed_seconds=round(elapsed, 1),
        counts={
            "tickets": Ticket.objects.count(),
            "bench_tickets": Ticket.objects.filter(organisation_id=org_id).count(),
            "attendees": Attendee.objects.count(),
            "bench_live_attendees": Attendee.objects.filter(
                organisation_id=org_id, deleted_at__isnull=True).count(),
            "rows": progress.n,
        },
    )
    _django.RESULTS.mkdir(parents=True, exist_ok=True)
    _django.CREDENTIALS.write_text(json.dumps(info, indent=2) + "\n")
    print(f"seeded {args.scale}: {progress.n:,} rows in {elapsed:.1f} s "
          f"(inserts {copied:.1f} s, vacuum, analyze and sequences {elapsed - copied:.1f} s); "
          f"credentials in {_django.CREDENTIALS.relative_to(_django.ROOT)}")


if __name__ == "__main__":
    main()
