"""The mapping between Cliniko's fields and the shared schema, one explicit field list per resource."""

from dataclasses import dataclass
from datetime import datetime

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from healthdesk.partners.cliniko import vocab
from healthdesk.partners.cliniko.fields import (
    LINK_SCHEMA,
    NULLABLE_LINK_SCHEMA,
    ClinikoInput,
    IdField,
    LinkField,
    OptionalLinkField,
    SelfLinkField,
    UtcDateTimeField,
    division_business_id,
    in_date_range,
    organisation_business_id,
)
from healthdesk.partners.serializers import OutputSerializer
from scheduling.choices import AppointmentKind, CancellationReason


# Attendees -------------------------------------------------------------------------------------------------
class AttendeeOutput(OutputSerializer):
    """An attendee in the document's key order; booking, patient and invoices as links."""

    id = serializers.IntegerField(source="pk")
    created_at = UtcDateTimeField()
    updated_at = UtcDateTimeField()
    arrived = serializers.BooleanField(allow_null=True)
    booking_ip_address = serializers.IPAddressField(allow_null=True)
    cancellation_note = serializers.CharField(allow_null=True)
    cancellation_reason = serializers.IntegerField(allow_null=True)
    cancellation_reason_description = serializers.SerializerMethodField()
    email_reminder_sent = serializers.BooleanField()
    invoice_status = serializers.IntegerField(allow_null=True)
    notes = serializers.CharField(allow_null=True)
    online_booking_policy_accepted = serializers.BooleanField(allow_null=True)
    sms_reminder_sent = serializers.BooleanField()
    treatment_note_status = serializers.IntegerField(allow_null=True)
    deleted_at = UtcDateTimeField(allow_null=True)
    cancelled_at = UtcDateTimeField(allow_null=True)
    booking = LinkField("bookings/{}", source="appointment_id")
    patient = LinkField("patients/{}", source="resident_id")
    invoices = LinkField("attendees/{}/invoices", source="pk")
    links = SelfLinkField("attendees/{}", source="pk")

    def get_cancellation_reason_description(self, attendee) -> str:
        return vocab.cancellation_reason_description(attendee.cancellation_reason)


class AttendeeCreateInput(ClinikoInput):
    booking_id = IdField()
    patient_id = IdField()
    arrived = serializers.BooleanField(required=False, allow_null=True)
    notes = serializers.CharField(required=False, allow_null=True, allow_blank=True)


class AttendeeUpdateInput(ClinikoInput):
    arrived = serializers.BooleanField(required=False, allow_null=True)
    notes = serializers.CharField(required=False, allow_null=True, allow_blank=True)
    online_booking_policy_accepted = serializers.BooleanField(required=False, allow_null=True)


class CancelInput(ClinikoInput):
    """`cancellation_reason` is mandatory: one of 10, 20, 30, 31, 40, 50, 60 (a number or a numeric string)."""

    cancellation_reason = serializers.ChoiceField(choices=CancellationReason.choices)
    cancellation_note = serializers.CharField(required=False, allow_null=True, allow_blank=True)

    def validate_cancellation_reason(self, value):
        return int(value)


# Appointments and bookings ---------------------------------------------------------------------------------
def _note(value):
    return value or None


class AppointmentTimesOutput(OutputSerializer):
    """What every booking type shares; `ends_at` is the start plus the duration."""

    @extend_schema_field(LINK_SCHEMA)
    def get_business(self, appointment):
        if appointment.division_id is not None:
            business = division_business_id(appointment.division_id)
        else:
            business = organisation_business_id(appointment.organisation_id)
        return {"links": {"self": f"{self.context['root']}businesses/{business}"}}

    id = serializers.IntegerField(source="pk")
    created_at = UtcDateTimeField()
    updated_at = UtcDateTimeField()
    starts_at = UtcDateTimeField()
    ends_at = UtcDateTimeField()
    deleted_at = UtcDateTimeField(allow_null=True)


class IndividualAppointmentOutput(AppointmentTimesOutput):
    """An individual appointment; the attendance fields are its one attendee's."""

    cancelled_at = UtcDateTimeField(allow_null=True)
    cancellation_note = serializers.SerializerMethodField()
    cancellation_reason = serializers.IntegerField(allow_null=True)
    cancellation_reason_description = serializers.SerializerMethodField()
    booking_ip_address = serializers.SerializerMethodField()
    did_not_arrive = serializers.SerializerMethodField()
    patient_arrived = serializers.SerializerMethodField()
    email_reminder_sent = serializers.SerializerMethodField()
    sms_reminder_sent = serializers.SerializerMethodField()
    invoice_status = serializers.SerializerMethodField()
    treatment_note_status = serializers.SerializerMethodField()
    online_booking_policy_accepted = serializers.SerializerMethodField()
    notes = serializers.CharField(source="details", allow_null=True)
    patient_name = serializers.SerializerMethodField()
    conflicts = LinkField("individual_appointments/{}/conflicts", source="pk")
    business = serializers.SerializerMethodField()
    practitioner = OptionalLinkField("practitioners/{}", source="practitioner_id")
    patient = serializers.SerializerMethodField()
    attendees = LinkField("individual_appointments/{}/attendees", source="pk")
    links = SelfLinkField("individual_appointments/{}", source="pk")

    def attendee(self, appointment):
        # The prefetched attendees (deleted ones left out); an individual appointment has at most one.
        attendees = list(appointment.attendees.all())
        return attendees[0] if attendees else None

    def _from_attendee(self, appointment, name, default=None):
        attendee = self.attendee(appointment)
        return getattr(attendee, name) if attendee is not None else default

    def get_cancellation_note(self, appointment) -> str | None:
        return _note(appointment.cancellation_note)

    def get_cancellation_reason_description(self, appointment) -> str:
        return vocab.cancellation_reason_description(appointment.cancellation_reason)

    def get_booking_ip_address(self, appointment) -> str | None:
        return self._from_attendee(appointment, "booking_ip_address")

    def get_did_not_arrive(self, appointment) -> bool:
        return self._from_attendee(appointment, "arrived") is False

    def get_patient_arrived(self, appointment) -> bool:
        return self._from_attendee(appointment, "arrived") is True

    def get_email_reminder_sent(self, appointment) -> bool:
        return self._from_attendee(appointment, "email_reminder_sent", False)

    def get_sms_reminder_sent(self, appointment) -> bool:
        return self._from_attendee(appointment, "sms_reminder_sent", False)

    def get_invoice_status(self, appointment) -> int | None:
        return self._from_attendee(appointment, "invoice_status")

    def get_treatment_note_status(self, appointment) -> int | None:
        return self._from_attendee(appointment, "treatment_note_status")

    def get_online_booking_policy_accepted(self, appointment) -> bool | None:
        return self._from_attendee(appointment, "online_booking_policy_accepted")

    def get_patient_name(self, appointment) -> str | None:
        attendee = self.attendee(appointment)
        return attendee.resident.full_name if attendee is not None else None

    @extend_schema_field(NULLABLE_LINK_SCHEMA)
    def get_patient(self, appointment):
        attendee = self.attendee(appointment)
        if attendee is None:
            return None
        return {"links": {"self": f"{self.context['root']}patients/{attendee.resident_id}"}}


class GroupAppointmentOutput(AppointmentTimesOutput):
    max_attendees = serializers.IntegerField(allow_null=True)
    notes = serializers.CharField(source="details", allow_null=True)
    patient_ids = serializers.SerializerMethodField()
    business = serializers.SerializerMethodField()
    practitioner = OptionalLinkField("practitioners/{}", source="practitioner_id")
    attendees = LinkField("group_appointments/{}/attendees", source="pk")
    links = SelfLinkField("group_appointments/{}", source="pk")

    def get_patient_ids(self, appointment) -> list[int]:
        return [a.resident_id for a in appointment.attendees.all() if a.cancelled_at is None]


class UnavailableBlockOutput(AppointmentTimesOutput):
    notes = serializers.CharField(source="details", allow_null=True)
    business = serializers.SerializerMethodField()
    practitioner = OptionalLinkField("practitioners/{}", source="practitioner_id")
    links = SelfLinkField("bookings/{}", source="pk")


BOOKING_SHAPES = {
    AppointmentKind.INDIVIDUAL: IndividualAppointmentOutput,
    AppointmentKind.GROUP: GroupAppointmentOutput,
    AppointmentKind.UNAVAILABLE: UnavailableBlockOutput,
}


class BookingOutput(OutputSerializer):
    """A booking in the shape of its own type, with `links.self` pointing at `/v1/bookings/:id`."""

    def to_representation(self, appointment):
        data = BOOKING_SHAPES[appointment.kind](appointment, context=self.context).data
        data["links"] = {"self": f"{self.context['root']}bookings/{appointment.pk}"}
        return data


class AppointmentInput(ClinikoInput):
    """Fields individual and group appointments share. `appointment_type_id` and `business_id` are accepted
    and ignored: healthdesk has no appointment types or businesses."""

    starts_at = UtcDateTimeField()
    ends_at = UtcDateTimeField(required=False, allow_null=True)
    practitioner_id = IdField(required=False, allow_null=True)
    appointment_type_id = IdField(required=False, allow_null=True)
    business_id = IdField(required=False, allow_null=True)
    notes = serializers.CharField(required=False, allow_null=True, allow_blank=True)

    def validate_starts_at(self, value):
        return in_date_range(value)

    def validate_ends_at(self, value):
        return in_date_range(value)

    def validate(self, data):
        starts_at = data.get("starts_at") or getattr(self.instance, "starts_at", None)
        ends_at = data.get("ends_at")
        if ends_at is not None and starts_at is not None and ends_at <= starts_at:
            raise serializers.ValidationError({"ends_at": "must be after starts_at"})
        return data

    def to_domain(self):
        """The validated fields as appointment service arguments."""
        data = dict(self.validated_data)
        data.pop("appointment_type_id", None)
        data.pop("business_id", None)
        fields = {}
        if "starts_at" in data:
            fields["starts_at"] = data["starts_at"]
        if data.get("ends_at") is not None:
            starts_at = data.get("starts_at") or self.instance.starts_at
            fields["duration_minutes"] = int((data["ends_at"] - starts_at).total_seconds() // 60)
        if "practitioner_id" in data:
            fields["practitioner"] = data["practitioner_id"]
        if "notes" in data:
            fields["details"] = data["notes"] or ""
        if "patient_id" in data:
            fields["resident"] = data["patient_id"]
        if data.get("max_attendees") is not None or "max_attendees" in data:
            fields["max_attendees"] = data["max_attendees"]
        return fields


class IndividualAppointmentInput(AppointmentInput):
    patient_id = IdField()


class GroupAppointmentInput(AppointmentInput):
    max_attendees = serializers.IntegerField(required=False, allow_null=True, min_value=1, max_value=10_000)


# Practitioners ---------------------------------------------------------------------------------------------
class PractitionerOutput(OutputSerializer):
    """A staff member who sees patients. What healthdesk does not keep (designation, description, the online
    booking flag, the linked user, reference numbers, per-practitioner lists) is null, never invented."""

    id = serializers.IntegerField(source="pk")
    created_at = UtcDateTimeField(source="date_joined")
    updated_at = UtcDateTimeField()
    first_name = serializers.CharField()
    last_name = serializers.CharField()
    title = serializers.CharField(source="titles")
    label = serializers.SerializerMethodField()
    designation = serializers.SerializerMethodField()
    description = serializers.SerializerMethodField()
    show_in_online_bookings = serializers.SerializerMethodField()
    default_appointment_type = serializers.SerializerMethodField()
    practitioner_reference_numbers = serializers.SerializerMethodField()
    user = serializers.SerializerMethodField()
    appointments = serializers.SerializerMethodField()
    invoices = serializers.SerializerMethodField()
    links = SelfLinkField("practitioners/{}", source="pk")

    def get_label(self, user) -> str:
        return user.get_full_name() or user.username

    def get_designation(self, user) -> str | None:
        return None

    def get_description(self, user) -> str | None:
        return None

    def get_show_in_online_bookings(self, user) -> bool | None:
        return None

    @extend_schema_field(NULLABLE_LINK_SCHEMA)
    def get_default_appointment_type(self, user):
        return None

    @extend_schema_field(NULLABLE_LINK_SCHEMA)
    def get_practitioner_reference_numbers(self, user):
        return None

    @extend_schema_field(NULLABLE_LINK_SCHEMA)
    def get_user(self, user):
        return None

    @extend_schema_field(NULLABLE_LINK_SCHEMA)
    def get_appointments(self, user):
        return None

    @extend_schema_field(NULLABLE_LINK_SCHEMA)
    def get_invoices(self, user):
        return None


# Businesses ------------------------------------------------------------------------------------------------
class BusinessOutput(OutputSerializer):
    """A business is the organisation or one of its divisions (see `fields.organisation_business_id`). healthdesk
    keeps names, not addresses, registration or contact details: those keys are null."""

    NULL_KEYS = (
        "address_1", "address_2", "business_registration_name", "business_registration_value", "city",
        "contact_information", "country", "country_code", "display_name", "email_reply_to", "post_code",
        "show_in_online_bookings", "state", "website_address", "practitioners", "appointments",
    )
    id = serializers.IntegerField()
    business_name = serializers.CharField(source="name")
    created_at = UtcDateTimeField(allow_null=True)
    updated_at = UtcDateTimeField()
    address_1 = serializers.CharField(allow_null=True)
    address_2 = serializers.CharField(allow_null=True)
    business_registration_name = serializers.CharField(allow_null=True)
    business_registration_value = serializers.CharField(allow_null=True)
    city = serializers.CharField(allow_null=True)
    contact_information = serializers.CharField(allow_null=True)
    country = serializers.CharField(allow_null=True)
    country_code = serializers.CharField(allow_null=True)
    display_name = serializers.CharField(allow_null=True)
    email_reply_to = serializers.CharField(allow_null=True)
    post_code = serializers.CharField(allow_null=True)
    show_in_online_bookings = serializers.BooleanField(allow_null=True)
    state = serializers.CharField(allow_null=True)
    website_address = serializers.CharField(allow_null=True)
    practitioners = OptionalLinkField("{}")
    appointments = OptionalLinkField("{}")
    links = SelfLinkField("businesses/{}", source="id")


@dataclass
class Business:
    """What a business row holds: an id in the business number space, a name and times; the rest is unknown."""

    id: int
    name: str
    created_at: datetime | None
    updated_at: datetime

    def __getattr__(self, name):
        # Everything else a Cliniko business has is unknown to healthdesk: null.
        if name not in BusinessOutput.NULL_KEYS:
            raise AttributeError(name)


def businesses(organisation, divisions):
    """The organisation first, then its divisions (Division keeps no creation time: `created_at` is null)."""
    rows = [Business(organisation_business_id(organisation.pk), organisation.name, organisation.created_at,
                     organisation.updated_at)]
    rows += [Business(division_business_id(d.pk), d.name, None, d.updated_at) for d in divisions]
    return rows


# Patients --------------------------------------------------------------------------------------------------
PATIENT_FIELD_NAMES = {
    "titles": "title", "home_address1": "address_1", "home_address2": "address_2", "home_city": "city",
    "home_state": "state", "home_zip": "post_code", "reference_code": "old_reference_id", "gender": "sex",
    "phone_number": "patient_phone_numbers", "fax_number": "patient_phone_numbers",
}


class PhoneNumberOutput(OutputSerializer):
    phone_type = serializers.CharField()
    number = serializers.CharField()


class PatientOutput(OutputSerializer):
    """A patient is a resident; Cliniko's address and reference names map onto the resident's columns."""

    id = serializers.IntegerField(source="pk")
    created_at = UtcDateTimeField()
    updated_at = UtcDateTimeField()
    archived_at = UtcDateTimeField(allow_null=True)
    first_name = serializers.CharField()
    last_name = serializers.CharField()
    preferred_first_name = serializers.CharField()
    title = serializers.CharField(source="titles")
    email = serializers.CharField()
    date_of_birth = serializers.DateField(allow_null=True)
    sex = serializers.SerializerMethodField()
    gender = serializers.SerializerMethodField()
    address_1 = serializers.CharField(source="home_address1")
    address_2 = serializers.CharField(source="home_address2")
    city = serializers.CharField(source="home_city")
    state = serializers.CharField(source="home_state")
    post_code = serializers.CharField(source="home_zip")
    country = serializers.CharField()
    notes = serializers.CharField()
    old_reference_id = serializers.CharField(source="reference_code")
    patient_phone_numbers = serializers.SerializerMethodField()
    links = SelfLinkField("patients/{}", source="pk")

    def get_sex(self, resident) -> str | None:
        return vocab.SEX.get(resident.gender)

    def get_gender(self, resident) -> str | None:
        return vocab.SEX.get(resident.gender)

    @extend_schema_field(PhoneNumberOutput(many=True))
    def get_patient_phone_numbers(self, resident):
        numbers = [("Home", resident.phone_number), ("Fax", resident.fax_number)]
        return [{"phone_type": kind, "number": number} for kind, number in numbers if number]


class PhoneNumberInput(ClinikoInput):
    phone_type = serializers.ChoiceField(choices=["Mobile", "Home", "Work", "Fax", "Other"])
    number = serializers.CharField(max_length=40)


class PatientInput(ClinikoInput):
    first_name = serializers.CharField(max_length=255)
    last_name = serializers.CharField(max_length=255)
    preferred_first_name = serializers.CharField(max_length=255, required=False, allow_blank=True, allow_null=True)
    title = serializers.CharField(max_length=100, required=False, allow_blank=True, allow_null=True)
    email = serializers.EmailField(required=False, allow_blank=True, allow_null=True)
    date_of_birth = serializers.DateField(required=False, allow_null=True)
    sex = serializers.CharField(required=False, allow_blank=True, allow_null=True)
    address_1 = serializers.CharField(max_length=255, required=False, allow_blank=True, allow_null=True)
    address_2 = serializers.CharField(max_length=255, required=False, allow_blank=True, allow_null=True)
    city = serializers.CharField(max_length=100, required=False, allow_blank=True, allow_null=True)
    state = serializers.CharField(max_length=100, required=False, allow_blank=True, allow_null=True)
    post_code = serializers.CharField(max_length=20, required=False, allow_blank=True, allow_null=True)
    country = serializers.CharField(max_length=100, required=False, allow_blank=True, allow_null=True)
    notes = serializers.CharField(required=False, allow_blank=True, allow_null=True)
    old_reference_id = serializers.CharField(max_length=100, required=False, allow_blank=True, allow_null=True)
    patient_phone_numbers = PhoneNumberInput(many=True, required=False)

    def validate_sex(self, value):
        if not value:
            return ""
        gender = vocab.GENDER_FROM_SEX.get(value.strip().lower())
        if gender is None:
            raise serializers.ValidationError("must be Male, Female or Other")
        return gender

    def validate_patient_phone_numbers(self, numbers):
        kinds = [n["phone_type"] for n in numbers]
        if kinds.count("Fax") > 1 or len(kinds) - kinds.count("Fax") > 1:
            raise serializers.ValidationError("holds at most one fax and one other number")
        return numbers

    def to_domain(self):
        """The validated fields as resident service arguments."""
        fields = {}
        reverse = {api: column for column, api in PATIENT_FIELD_NAMES.items() if api != "patient_phone_numbers"}
        for name, value in self.validated_data.items():
            if name == "patient_phone_numbers":
                fields["phone_number"] = next((n["number"] for n in value if n["phone_type"] != "Fax"), "")
                fields["fax_number"] = next((n["number"] for n in value if n["phone_type"] == "Fax"), "")
            elif name == "date_of_birth":
                fields[name] = value
            else:
                fields[reverse.get(name, name)] = value or ""
        return fields


# Invoices --------------------------------------------------------------------------------------------------
class InvoiceOutput(OutputSerializer):
    id = serializers.IntegerField(source="pk")
    number = serializers.IntegerField()
    issue_date = serializers.DateField()
    status = serializers.IntegerField()
    status_description = serializers.SerializerMethodField()
    total_amount = serializers.DecimalField(max_digits=12, decimal_places=2)
    tax_amount = serializers.DecimalField(max_digits=12, decimal_places=2)
    net_amount = serializers.SerializerMethodField()
    notes = serializers.CharField()
    closed_at = UtcDateTimeField(allow_null=True)
    deleted_at = UtcDateTimeField(allow_null=True)
    created_at = UtcDateTimeField()
    updated_at = UtcDateTimeField()
    appointment = LinkField("bookings/{}", source="attendee.appointment_id")
    patient = LinkField("patients/{}", source="attendee.resident_id")
    links = SelfLinkField("invoices/{}", source="pk")

    def get_status_description(self, invoice) -> str:
        return vocab.INVOICE_STATUS_DESCRIPTIONS.get(invoice.status, "")

    def get_net_amount(self, invoice) -> str:
        return str(invoice.total_amount - invoice.tax_amount)
