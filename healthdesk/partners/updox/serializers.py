"""AppointmentsSync in and out. Items stay raw JSON here: the sync engine parses each one on its own, so one bad
item fails alone instead of failing the request."""

from django.conf import settings
from rest_framework import serializers
from rest_framework.exceptions import APIException

from healthdesk.partners.serializers import OutputSerializer


class TooManyItems(APIException):
    status_code = 413
    default_code = "too_many_items"


class UpdoxAuthInput(serializers.Serializer):
    applicationId = serializers.CharField(help_text="Vendor application id: the API client's key.")
    applicationPassword = serializers.CharField(help_text="Vendor password: the API client's secret.")
    accountId = serializers.CharField(help_text="Practice account: the organisation's slug.")
    userId = serializers.CharField(required=False, allow_blank=True, help_text="Accepted and ignored.")


class UpdoxAppointmentItem(serializers.Serializer):
    """One appointment as the document lists it; documents the schema, the engine does the parsing."""

    id = serializers.CharField(help_text="The vendor's appointment id (string or number).")
    updoxId = serializers.IntegerField(required=False, allow_null=True, help_text="healthdesk's appointment id.")
    patientId = serializers.CharField(required=False, help_text="The vendor's patient id.")
    date = serializers.CharField(help_text="A date (2015-12-30) or a date-time; local to the practice.")
    duration = serializers.IntegerField(required=False, help_text="Minutes (number or numeric string).")
    cancelled = serializers.BooleanField(required=False, help_text='true/false or "true"/"false".')
    blocked = serializers.BooleanField(required=False, help_text="A block of unavailable time, no patient.")
    locationId = serializers.CharField(required=False)
    calendarId = serializers.CharField(required=False)
    typeId = serializers.CharField(required=False)
    summary = serializers.CharField(required=False)
    details = serializers.CharField(required=False)


class AppointmentsSyncRequest(serializers.Serializer):
    """The documented request, for the schema; `auth` is read by UpdoxAuthentication, items by the engine."""

    appointments = UpdoxAppointmentItem(many=True)
    auth = UpdoxAuthInput()


class RawItems(serializers.ListField):
    """A list whose items stay as parsed from the JSON body, unchecked: each is already JSON, and the engine
    parses each one on its own. A per-item child field cost a field validation per item of 10 000."""

    def run_child_validation(self, data):
        return list(data)


class AppointmentsSyncInput(serializers.Serializer):
    appointments = RawItems(child=serializers.JSONField(allow_null=True))

    def validate_appointments(self, value):
        limit = settings.HEALTHDESK_SYNC_MAX_ITEMS
        if len(value) > limit:
            raise TooManyItems(f"appointments: at most {limit} items per request; got {len(value)}.")
        return value


class UpdoxItemStatusOutput(OutputSerializer):
    id = serializers.JSONField(source="external_id", help_text="The item's id exactly as it was sent.")
    success = serializers.BooleanField()
    message = serializers.CharField(help_text="created, updated, unchanged, or what is wrong, naming the field.")


class AppointmentsSyncOutput(serializers.Serializer):
    successful = serializers.BooleanField()
    responseMessage = serializers.CharField()
    responseCode = serializers.IntegerField()
    statuses = UpdoxItemStatusOutput(many=True)


class UpdoxErrorOutput(serializers.Serializer):
    successful = serializers.BooleanField(help_text="Always false.")
    responseMessage = serializers.CharField(help_text="What is wrong, naming the field.")
    responseCode = serializers.IntegerField(help_text="HTTP status × 10: 4000, 4010, 4030, 4130, …")
