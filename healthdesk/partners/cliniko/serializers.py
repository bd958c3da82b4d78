"""The mapping between Cliniko's fields and the shared schema, one explicit field list per resource."""

from rest_framework import serializers

from healthdesk.partners.cliniko import vocab
from healthdesk.partners.cliniko.fields import (
    ClinikoInput,
    IdField,
    LinkField,
    SelfLinkField,
    UtcDateTimeField,
)
from scheduling.choices import CancellationReason


# Attendees -------------------------------------------------------------------------------------------------
class AttendeeOutput(serializers.Serializer):
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
