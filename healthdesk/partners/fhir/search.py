"""FHIR search parameters → querysets over the domain selectors' rows.

Every search reads a page by id (`_count` rows after the `_cursor` id), so a page costs the same on the first
and the millionth row; the Bundle carries no `total` (optional in FHIR) for the same reason.
"""

from django.db.models import DateTimeField, Exists, F, Func, OuterRef, Prefetch, Q, Value
from django.db.models.functions import Concat, Lower

from directory import selectors as directory_selectors
from directory.models import ResidentIdentifier
from healthdesk.exceptions import Invalid
from healthdesk.partners.fhir import fields, serializers
from scheduling import selectors as scheduling_selectors
from scheduling.choices import AppointmentKind
from scheduling.models import Attendee

DEFAULT_COUNT = 20
MAX_COUNT = 200
# Parameters every search takes (paging and result shaping), beside the resource's own.
COMMON = {"_count", "_cursor", "_format", "_include", "_total"}


def split(values):
    """FHIR repeats a parameter for AND and separates values with commas for OR."""
    return [[v for v in value.split(",") if v] for value in values]


def any_of(values, q_for):
    query = Q()
    for value in values:
        query |= q_for(value)
    return query


def apply_dates(queryset, field, values, parameter, zone):
    for group in split(values):
        query = Q()
        for value in group:
            prefix, start, end = fields.date_range(value, parameter, zone)
            query |= _date_q(field, prefix, start, end)
        queryset = queryset.filter(query)
    return queryset


def _date_q(field, prefix, start, end):
    if prefix == "eq":
        return Q(**{f"{field}__gte": start}) & (Q(**{f"{field}__lt": end}) if end else Q())
    if prefix == "gt":
        return Q(**{f"{field}__gte": end}) if end else Q(pk__in=[])
    if prefix == "ge":
        return Q(**{f"{field}__gte": start})
    if prefix == "lt":
        return Q(**{f"{field}__lt": start})
    return Q(**{f"{field}__lt": end}) if end else Q()  # le


def apply_ids(queryset, values, parameter):
    for group in split(values):
        queryset = queryset.filter(pk__in=[fields.integer_id(value, parameter) for value in group])
    return queryset


def apply_strings(queryset, values, q_for):
    """FHIR string search: case-insensitive, matching the start of the value (of any word of a name)."""
    for group in split(values):
        queryset = queryset.filter(any_of([v.strip().lower() for v in group], q_for))
    return queryset


def _name_starts(value, *names):
    query = Q()
    for name in names:
        query |= Q(**{f"{name}__istartswith": value}) | Q(**{f"{name}__icontains": f" {value}"})
    return query


def with_family(queryset):
    """Annotates `fhir_family`: the surname with its prefix, as the resource shows it."""
    family = Concat("surname_prefix", Value(" "), "last_name")
    return queryset.annotate(fhir_family=Lower(family), fhir_last=Lower("last_name"))


class Search:
    """One resource type's search: its parameters, its base rows, how a page of rows becomes resources."""

    resource_type = ""
    parameters = set()

    def __init__(self, *, organisation, params):
        self.organisation = organisation
        self.params = params
        unknown = sorted(set(params) - self.parameters - COMMON)
        # FHIR's lenient handling: unknown parameters are ignored, and the self link shows what was applied.
        self.applied = {name: params.getlist(name) for name in params if name not in unknown and name != "_cursor"}
        self.count = self._count()

    def _count(self):
        raw = self.params.get("_count")
        if raw is None:
            return DEFAULT_COUNT
        if not fields.ASCII_DIGITS.match(raw):
            raise Invalid("_count: expected a whole number.", field="_count")
        return max(1, min(int(raw), MAX_COUNT))

    def values(self, name):
        return self.params.getlist(name)

    def page(self):
        """The rows of this page and whether another follows: `_count + 1` rows after the cursor, by id."""
        rows = self.prepare(self.rows())
        cursor = self.params.get("_cursor")
        if cursor is not None:
            rows = rows.filter(pk__gt=fields.integer_id(cursor, "_cursor"))
        rows = list(rows.order_by("pk")[: self.count + 1])
        return rows[: self.count], len(rows) > self.count

    def rows(self):
        queryset = self.base()
        queryset = apply_ids(queryset, self.values("_id"), "_id")
        return apply_dates(queryset, "updated_at", self.values("_lastUpdated"), "_lastUpdated", self.organisation.zone)

    def base(self):
        raise NotImplementedError

    def prepare(self, rows):
        """What a page's rows fetch with them (related rows the resources show)."""
        return rows

    def resources(self, rows):
        raise NotImplementedError

    def included(self, rows):
        return []


class PatientSearch(Search):
    resource_type = "Patient"
    parameters = {"_id", "_lastUpdated", "identifier", "name", "family", "given", "birthdate", "gender", "active"}

    def base(self):
        return directory_selectors.resident_list(organisation=self.organisation, include_archived=True)

    def rows(self):
        queryset = super().rows()
        if self.values("name") or self.values("family"):
            queryset = with_family(queryset)
        queryset = apply_strings(
            queryset,
            self.values("name"),
            lambda v: _name_starts(v, "first_name", "fhir_family", "fhir_last") | Q(fhir_family__istartswith=v),
        )
        queryset = apply_strings(
            queryset, self.values("family"), lambda v: Q(fhir_family__istartswith=v) | Q(fhir_last__istartswith=v)
        )
        queryset = apply_strings(queryset, self.values("given"), lambda v: _name_starts(v, "first_name"))
        for group in split(self.values("birthdate")):
            query = Q()
            for value in group:
                prefix, first, after = fields.date_only_range(value, "birthdate")
                query |= _date_q("date_of_birth", prefix, first, after)
            queryset = queryset.filter(query)
        for group in split(self.values("gender")):
            queryset = queryset.filter(
                gender__in=[g for g in group if g != "unknown"] + ([""] if "unknown" in group else [])
            )
        for group in split(self.values("active")):
            if set(group) - {"true", "false"}:
                raise Invalid("active: expected true or false.", field="active")
            if len(set(group)) == 1:
                queryset = queryset.filter(archived_at__isnull=group[0] == "true")
        for group in split(self.values("identifier")):
            queryset = queryset.filter(any_of(group, self._identifier_q))
        return queryset

    def _identifier_q(self, token):
        system, bar, value = token.rpartition("|")
        if not bar:
            system, value = None, token
        by_partner = ResidentIdentifier.objects.filter(resident=OuterRef("pk"), value=value)
        if system == serializers.REFERENCE_CODE_SYSTEM:
            return Q(reference_code=value)
        if system == serializers.CUSTOMER_NUMBER_SYSTEM:
            return Q(customer_number=value)
        if system and system.startswith(serializers.PARTNER_ID_SYSTEM):
            return Exists(by_partner.filter(system=system[len(serializers.PARTNER_ID_SYSTEM) :]))
        if system:
            return Q(pk__in=[])
        return Q(reference_code=value) | Q(customer_number=value) | Exists(by_partner)

    def prepare(self, rows):
        return patients(rows)

    def resources(self, rows):
        return [serializers.patient(row) for row in rows]


def patients(residents):
    """Patients with their identifiers: one more query for any number of residents."""
    return residents.prefetch_related("identifiers")


class PractitionerSearch(Search):
    resource_type = "Practitioner"
    parameters = {"_id", "_lastUpdated", "name", "family", "given", "active"}

    def base(self):
        return directory_selectors.practitioner_list(organisation=self.organisation)

    def rows(self):
        queryset = super().rows()
        queryset = apply_strings(queryset, self.values("name"), lambda v: _name_starts(v, "first_name", "last_name"))
        queryset = apply_strings(queryset, self.values("family"), lambda v: Q(last_name__istartswith=v))
        queryset = apply_strings(queryset, self.values("given"), lambda v: _name_starts(v, "first_name"))
        return queryset

    def resources(self, rows):
        return [serializers.practitioner(row) for row in rows]


APPOINTMENT_STATUSES = {"booked", "arrived", "fulfilled", "cancelled"}


class AppointmentSearch(Search):
    resource_type = "Appointment"
    parameters = {"_id", "_lastUpdated", "patient", "actor", "practitioner", "date", "status"}
    includes = {"Appointment:patient", "Appointment:actor", "Appointment:practitioner"}

    def __init__(self, *, organisation, params, now):
        super().__init__(organisation=organisation, params=params)
        self.now = now
        unknown = sorted(set(params.getlist("_include")) - self.includes)
        if unknown:
            raise Invalid(f"_include: not supported: {', '.join(unknown)}.", field="_include")

    def base(self):
        return appointment_rows(organisation=self.organisation)

    def rows(self):
        queryset = super().rows()
        for group in split(self.values("patient")):
            ids = [fields.reference_id(v, ("Patient",), "patient")[1] for v in group]
            queryset = queryset.filter(Exists(self._attendees().filter(resident_id__in=ids)))
        for group in split(self.values("practitioner")):
            ids = [fields.reference_id(v, ("Practitioner",), "practitioner")[1] for v in group]
            queryset = queryset.filter(practitioner_id__in=ids)
        for group in split(self.values("actor")):
            query = Q()
            for value in group:
                kind, pk = fields.reference_id(value, ("Patient", "Practitioner"), "actor")
                if kind in (None, "Patient"):
                    query |= Q(Exists(self._attendees().filter(resident_id=pk)))
                if kind in (None, "Practitioner"):
                    query |= Q(practitioner_id=pk)
            queryset = queryset.filter(query)
        queryset = apply_dates(queryset, "starts_at", self.values("date"), "date", self.organisation.zone)
        for group in split(self.values("status")):
            unknown = set(group) - APPOINTMENT_STATUSES
            if unknown:
                raise Invalid(f"status: not an appointment status here: {', '.join(sorted(unknown))}.", field="status")
            queryset = queryset.filter(any_of(group, self._status_q))
        return queryset

    def _attendees(self):
        return Attendee.objects.filter(appointment=OuterRef("pk"), deleted_at__isnull=True)

    def _status_q(self, status):
        """The rows serializers.appointment_status() names `status`, as a filter."""
        live = Q(cancelled_at__isnull=True)
        if status == "cancelled":
            return ~live
        ended = Q(fhir_ends_at__lte=self.now)
        arrived = Q(Exists(self._attendees().filter(arrived=True, cancelled_at__isnull=True)))
        if status == "fulfilled":
            return live & ended
        if status == "arrived":
            return live & ~ended & arrived
        return live & ~ended & ~arrived

    def resources(self, rows):
        return [serializers.appointment(row, self.now) for row in rows]

    def included(self, rows):
        kinds = set(self.values("_include"))
        found = []
        if kinds & {"Appointment:patient", "Appointment:actor"}:
            ids = {a.resident_id for row in rows for a in row.attendees.all()}
            residents = patients(
                directory_selectors.resident_list(organisation=self.organisation, include_archived=True).filter(
                    pk__in=ids
                )
            )
            found += [serializers.patient(r) for r in residents.order_by("pk")]
        if kinds & {"Appointment:practitioner", "Appointment:actor"}:
            ids = {row.practitioner_id for row in rows if row.practitioner_id}
            users = directory_selectors.user_list(organisation=self.organisation, active_only=False).filter(pk__in=ids)
            found += [serializers.practitioner(u) for u in users.order_by("pk")]
        return found


class EndsAt(Func):
    """An appointment's end (start + duration) in SQL, for each database's own date arithmetic."""

    output_field = DateTimeField()

    def __init__(self):
        super().__init__(F("starts_at"), F("duration_minutes"))

    def as_postgresql(self, compiler, connection, **extra):
        return self.as_sql(compiler, connection, template="(%(expressions)s)", arg_joiner=" + interval '1 minute' * ")

    def as_sqlite(self, compiler, connection, **extra):
        # Django stores SQLite datetimes as ISO text in UTC; datetime() answers in the same form.
        return self.as_sql(
            compiler, connection, template="datetime(%(expressions)s || ' minutes')", arg_joiner=", '+' || "
        )


def appointment_rows(*, organisation):
    """Appointments with people in them (not unavailable blocks), their practitioner and live attendees with
    their residents, and `fhir_ends_at` for the status search."""
    return (
        scheduling_selectors.appointment_list(organisation=organisation)
        .exclude(kind=AppointmentKind.UNAVAILABLE)
        .select_related("practitioner")
        .prefetch_related(None)
        .prefetch_related(_live_attendees())
        .annotate(fhir_ends_at=EndsAt())
    )


def _live_attendees():
    return Prefetch(
        "attendees",
        queryset=Attendee.objects.filter(deleted_at__isnull=True).select_related("resident").order_by("id"),
    )
