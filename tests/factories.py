"""factory-boy factories for every domain model; each builds rows of one organisation consistently."""

from datetime import timedelta

import factory
from django.utils import timezone

from directory.models import Division, Organisation, Resident, User
from scheduling.choices import AppointmentKind
from scheduling.models import Appointment, Attendee, Invoice
from tickets.choices import Priority, TicketStatus
from tickets.models import Category, CategoryAssessment, Message, Ticket, Urgency


class OrganisationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organisation
        django_get_or_create = ("slug",)

    name = factory.Sequence(lambda n: f"Care Home {n}")
    slug = factory.Sequence(lambda n: f"care-home-{n}")
    time_zone = "Europe/Amsterdam"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User

    organisation = factory.SubFactory(OrganisationFactory)
    username = factory.Sequence(lambda n: f"staff{n}")
    email = factory.Sequence(lambda n: f"staff{n}@example.com")
    first_name = "Jan"
    last_name = factory.Sequence(lambda n: f"Akkermans{n}")
    titles = "Dokter"
    initials = "J"
    is_staff = True
    roles = factory.LazyFunction(lambda: ["consultant"])
    password = factory.django.Password("correct horse battery staple")


class DivisionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Division

    organisation = factory.SubFactory(OrganisationFactory)
    name = factory.Sequence(lambda n: f"Division {n}")


class ResidentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Resident

    organisation = factory.SubFactory(OrganisationFactory)
    first_name = factory.Sequence(lambda n: f"Resident{n}")
    last_name = "Ester"
    surname_prefix = "de"
    gender = "male"
    date_of_birth = factory.LazyFunction(lambda: timezone.now().date().replace(year=1937, month=1, day=21))
    home_address1 = "123 Mockingbird Lane"
    home_city = "New York"
    home_zip = "534412"
    location = "Assisted Living Apt. 204"


class CategoryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Category

    organisation = factory.SubFactory(OrganisationFactory)
    name = factory.Sequence(lambda n: f"Category {n}")


class UrgencyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Urgency
        django_get_or_create = ("organisation", "name")

    organisation = factory.SubFactory(OrganisationFactory)
    name = "No Issue"


class TicketFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Ticket

    organisation = factory.SubFactory(OrganisationFactory)
    resident = factory.SubFactory(ResidentFactory, organisation=factory.SelfAttribute("..organisation"))
    title = factory.Sequence(lambda n: f"Ticket {n}")
    priority = Priority.MEDIUM
    status = TicketStatus.NEW
    due_at = factory.LazyFunction(lambda: timezone.now() + timedelta(hours=24))


class MessageFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Message

    ticket = factory.SubFactory(TicketFactory)
    body = factory.Sequence(lambda n: f"Message {n}")
    sender_name = "max"


class CategoryAssessmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CategoryAssessment

    ticket = factory.SubFactory(TicketFactory)
    category = factory.SubFactory(CategoryFactory, organisation=factory.SelfAttribute("..ticket.organisation"))
    status = "issue"


class AppointmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Appointment

    organisation = factory.SubFactory(OrganisationFactory)
    kind = AppointmentKind.INDIVIDUAL
    practitioner = factory.SubFactory(UserFactory, organisation=factory.SelfAttribute("..organisation"))
    starts_at = factory.LazyFunction(lambda: timezone.now() + timedelta(days=1))
    original_starts_at = factory.SelfAttribute("starts_at")
    duration_minutes = 30


class AttendeeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Attendee

    organisation = factory.SubFactory(OrganisationFactory)
    appointment = factory.SubFactory(AppointmentFactory, organisation=factory.SelfAttribute("..organisation"))
    resident = factory.SubFactory(ResidentFactory, organisation=factory.SelfAttribute("..organisation"))


class InvoiceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Invoice

    organisation = factory.SubFactory(OrganisationFactory)
    attendee = factory.SubFactory(AttendeeFactory, organisation=factory.SelfAttribute("..organisation"))
    number = factory.Sequence(lambda n: n + 1)
    issue_date = factory.LazyFunction(lambda: timezone.now().date())
    total_amount = "50.00"
