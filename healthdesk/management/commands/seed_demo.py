"""Demo data through the domain services, so it carries the same events and rules as real use."""

import json as jsonlib
import random
from datetime import timedelta

from django.contrib.auth.models import Group
from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils import timezone

from directory import notifications
from directory import services as directory_services
from directory.actors import Actor
from directory.choices import ContactKind
from directory.models import Division, Organisation, User
from directory.staff_groups import CLINICIAN, FRONT_DESK, ensure_staff_groups
from healthdesk.onboarding import organisation_onboard
from scheduling import services as scheduling_services
from scheduling.choices import AppointmentKind
from tickets import services as ticket_services
from tickets.choices import Priority, SenderKind, TicketStatus
from tickets.models import Category, Urgency

DEMO_SLUG = "demo"
DEMO_PASSWORD = "healthdesk-demo"
ASSESSMENTS = ["issue", "no_issue", "potential_issue"]
CATEGORIES = ["Clinical Edit", "Emergency", "Activity Level", "Weight Gain"]
RESIDENTS = [
    ("Anna", "", "Jansen", "female"), ("Pieter", "de", "Vries", "male"), ("Maria", "van", "Dijk", "female"),
    ("Johannes", "", "Bakker", "male"), ("Elisabeth", "", "Visser", "female"), ("Hendrik", "", "Smit", "male"),
    ("Cornelia", "de", "Boer", "female"), ("Willem", "", "Mulder", "male"), ("Geertruida", "", "Bos", "female"),
    ("Jacobus", "van den", "Berg", "male"), ("Margaretha", "", "Vos", "female"), ("Theodorus", "de", "Ester", "male"),
]
TICKET_TITLES = [
    "Fell in the bathroom", "Missed evening medication", "Weight loss over two weeks", "Refuses meals",
    "Wound dressing needs review", "Family asks for care plan meeting", "Hearing aid lost", "Confused at night",
    "Blood pressure high", "Physio exercises skipped", "New walking frame needed", "Skin rash on arm",
]


class Command(BaseCommand):
    help = "Create a demo organisation with staff, residents, tickets, appointments and an API client."

    def add_arguments(self, parser):
        parser.add_argument("--if-empty", action="store_true", help="Do nothing when any organisation exists.")
        parser.add_argument("--json", action="store_true", help="Print the demo credentials as one JSON object.")

    def handle(self, *args, if_empty=False, json=False, **options):
        if if_empty and Organisation.objects.exists():
            return self._report("Database already has data; demo seeding skipped.", json=json)
        if Organisation.objects.filter(slug=DEMO_SLUG).exists():
            return self._report("Demo organisation already present; nothing to do.", json=json)
        random.seed(20161122)
        with transaction.atomic():
            issued = self._seed()
        return self._report("Demo data created.", json=json, issued=issued)

    def _report(self, outcome, *, json, issued=None):
        """One JSON object with --json (the secret only when just issued: only its digest is kept), else text."""
        login = {"url": "http://127.0.0.1:8000/admin/", "users": ["admin", "frontdesk"], "password": DEMO_PASSWORD}
        if json:
            payload = {"organisation": DEMO_SLUG, "created": issued is not None, "login": login}
            if issued is not None:
                payload |= {"key": issued.client.key, "secret": issued.secret}
            self.stdout.write(jsonlib.dumps(payload))
            return
        self.stdout.write(self.style.SUCCESS(outcome) if issued else outcome)
        if issued is not None:
            self.stdout.write(f"API client: key {issued.client.key}  secret {issued.secret}  (shown once)")
        self.stdout.write(f"Admin login: {login['url']}  user 'admin' or 'frontdesk', password '{DEMO_PASSWORD}'")

    def _seed(self):
        organisation = organisation_onboard(slug=DEMO_SLUG, name="Demo Care", time_zone="Europe/Amsterdam")
        system = Actor.system(channel="seed_demo")
        categories = Category.objects.bulk_create(
            Category(organisation=organisation, name=name) for name in CATEGORIES
        )
        divisions = Division.objects.bulk_create(
            Division(organisation=organisation, name=name) for name in ("Riverside wing", "Garden wing")
        )
        if not User.objects.filter(username="admin").exists():
            User.objects.create_superuser("admin", "admin@demo.example", DEMO_PASSWORD, organisation=organisation)
        frontdesk = directory_services.user_create(
            organisation=organisation, actor=system, username="frontdesk", password=DEMO_PASSWORD,
            email="frontdesk@demo.example", first_name="Fenna", last_name="Frontdesk", is_staff=True,
            roles=["front_desk"],
        )
        clinician = directory_services.user_create(
            organisation=organisation, actor=system, username="jakkermans", password=DEMO_PASSWORD,
            email="jakkermans@demo.example", titles="Dokter", initials="J", last_name="Akkermans",
            address="Vlietlaan 1", postal_code="3011AA", city="Ergens", is_staff=True, roles=["consultant"],
        )
        ensure_staff_groups()
        frontdesk.groups.add(Group.objects.get(name=FRONT_DESK))
        clinician.groups.add(Group.objects.get(name=CLINICIAN))
        residents = [
            directory_services.resident_create(
                organisation=organisation, actor=system, first_name=first, surname_prefix=prefix, last_name=last,
                gender=gender, initials=first[0], date_of_birth=timezone.now().date().replace(year=1930 + i * 2),
                home_address1=f"{10 + i} Dorpsstraat", home_city="Utrecht", home_zip=f"35{i:02d}AB",
                location=f"Room {100 + i}", reference_code=f"R-{1000 + i}", divisions=[divisions[i % 2]],
            )
            for i, (first, prefix, last, gender) in enumerate(RESIDENTS)
        ]
        staff = Actor.staff(frontdesk, channel="seed_demo")
        # Family and GP contacts for the first residents, so ticket notices and the resident's page have someone.
        for i, resident in enumerate(residents[:4]):
            notifications.contact_create(
                resident=resident, actor=system, kind=ContactKind.FAMILY, name=f"Family of {resident.first_name}",
                relation="daughter" if i % 2 else "son", email=f"family{i}@demo.example", phone=f"+3161234567{i}",
            )
            notifications.contact_create(
                resident=resident, actor=system, kind=ContactKind.HEALTHCARE_PRO, name="Dr. Huisarts",
                relation="general practitioner", email="gp@demo.example",
            )
        urgencies = list(Urgency.objects.filter(organisation=organisation))
        for i, title in enumerate(TICKET_TITLES):
            ticket = ticket_services.ticket_create(
                organisation=organisation, actor=staff, title=title, resident=residents[i % len(residents)],
                priority=[Priority.LOW, Priority.MEDIUM, Priority.HIGH, Priority.URGENT][i % 4],
                urgency=urgencies[i % len(urgencies)], ticket_type="Care", group_name="Nursing",
                notify_email=i < 4,
                first_message=f"Reported by the night shift: {title.lower()}.", sender_kind=SenderKind.USER,
                assessments=[
                    ticket_services.AssessmentInput(
                        categories[i % 4].pk, ASSESSMENTS[i % 3], "Checked during the morning round."
                    ),
                ],
            )
            if i % 3 == 1:
                ticket_services.ticket_assign(ticket=ticket, actor=staff, assignee=clinician)
                ticket_services.ticket_status_change(ticket=ticket, actor=staff, status=TicketStatus.IN_PROGRESS)
            if i % 4 == 3:
                ticket_services.ticket_close(
                    ticket=ticket, actor=staff, resolution_type="Resolved", resolution_subject="Handled on site"
                )
        # Today's round in the organisation's own day (some already past), then the coming days.
        day_start, _ = organisation.day_bounds()
        for i, resident in enumerate(residents[8:12]):
            scheduling_services.appointment_create(
                organisation=organisation, actor=staff, starts_at=day_start + timedelta(hours=9 + 2 * i),
                practitioner=clinician, division=divisions[i % 2], duration_minutes=30, resident=resident,
                summary="Morning round" if i < 2 else "Afternoon check", details="Today",
            )
        now = timezone.now().replace(minute=0, second=0, microsecond=0)
        for i, resident in enumerate(residents[:8]):
            scheduling_services.appointment_create(
                organisation=organisation, actor=staff, starts_at=now + timedelta(days=i % 4, hours=9 + i),
                practitioner=clinician, division=divisions[i % 2], duration_minutes=30, resident=resident,
                summary="Consult", details="Routine check",
            )
        group = scheduling_services.appointment_create(
            organisation=organisation, actor=staff, starts_at=now + timedelta(days=2, hours=14),
            kind=AppointmentKind.GROUP, practitioner=clinician, duration_minutes=60, max_attendees=6,
            summary="Chair yoga",
        )
        for resident in residents[8:]:
            scheduling_services.attendee_create(appointment=group, actor=staff, resident=resident)
        return directory_services.api_client_create(
            organisation=organisation, name="Demo partner app", is_vendor=True, created_by=frontdesk, actor=system
        )
