"""The mapping between Connect4's keys and the schema, field by field; input serializers named `<Endpoint>Input`."""

import os
import re

from django.core.files.uploadedfile import UploadedFile
from rest_framework import serializers

from healthdesk.partners import paging
from healthdesk.partners.connect4 import vocab
from healthdesk.partners.connect4.fields import (
    BlankAsNullField,
    Connect4DateField,
    Connect4DateTimeField,
    UpdatedSinceField,
    format_date,
    format_datetime,
)
from healthdesk.partners.serializers import OutputSerializer
from tickets.services import AssessmentInput


class Connect4Serializer(OutputSerializer):
    """A plain serializer whose OpenAPI component is named `Connect4<Class>`, so names shared with other
    partners' serializers (MessageEnvelope, …) never collide in the one schema."""

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        cls.Meta = type("Meta", (OutputSerializer.Meta,), {"ref_name": f"Connect4{cls.__name__}"})


# Output ------------------------------------------------------------------------------------------------------
class TicketOut(Connect4Serializer):
    """A ticket as `tickets` and `ticket_detail` show it, including the document's `sentsent_to_primary`."""

    id = serializers.IntegerField()
    title = serializers.CharField()
    ticket_type = BlankAsNullField()
    ticket_status = serializers.SerializerMethodField()
    urgency_status_id = serializers.IntegerField(source="urgency_id", allow_null=True)
    resident_id = serializers.IntegerField()
    employee_id = serializers.SerializerMethodField()
    state = serializers.BooleanField()
    sms = serializers.BooleanField(source="notify_sms", allow_null=True)
    email = serializers.BooleanField(source="notify_email", allow_null=True)
    start_date = Connect4DateTimeField()
    end_date = Connect4DateTimeField()
    sent_to_family = Connect4DateTimeField(source="sent_to_family_at")
    sent_to_healthcare_pro = Connect4DateTimeField(source="sent_to_healthcare_pro_at")
    sentsent_to_primary = Connect4DateTimeField(source="sent_to_primary_at")
    created_at = Connect4DateTimeField()
    updated_at = Connect4DateTimeField()

    def get_ticket_status(self, ticket) -> str:
        return vocab.ticket_status_word(ticket.status)

    def get_employee_id(self, ticket) -> int | None:
        # The employee in charge: the assignee, else the staff member who raised it (null when an app did).
        return ticket.assignee_id or ticket.created_by_id


class ResidentOut(Connect4Serializer):
    """A resident with every key of the document's `all_residents` example."""

    id = serializers.IntegerField()
    provider_id = serializers.IntegerField(source="organisation_id")
    first_name = serializers.CharField()
    last_name = serializers.SerializerMethodField()
    dob = Connect4DateField(source="date_of_birth")
    email = BlankAsNullField()
    phone_number = BlankAsNullField()
    fax_number = BlankAsNullField()
    home_address1 = serializers.CharField()
    home_address2 = serializers.CharField()
    home_city = serializers.CharField()
    home_state = serializers.CharField()
    home_zip = serializers.CharField()
    location = serializers.CharField()
    state = serializers.CharField()
    resident_type_id = serializers.IntegerField(allow_null=True)
    in_home_care = serializers.BooleanField()
    demo = serializers.BooleanField()
    customer_number = BlankAsNullField()
    account_number = BlankAsNullField()
    caretracker_id = BlankAsNullField()
    photo_file_name = serializers.SerializerMethodField()
    photo_content_type = serializers.CharField()
    photo_file_size = serializers.IntegerField()
    review_updates = serializers.BooleanField(allow_null=True)
    last_status_update = Connect4DateTimeField()
    next_status_update = Connect4DateTimeField()
    # The document shows 0 where nobody is recorded.
    creator_id = serializers.SerializerMethodField()
    updater_id = serializers.SerializerMethodField()
    created_at = Connect4DateTimeField()
    updated_at = Connect4DateTimeField()

    def get_last_name(self, resident) -> str | None:
        return " ".join(p for p in (resident.surname_prefix, resident.last_name) if p) or None

    def get_photo_file_name(self, resident) -> str:
        return os.path.basename(resident.photo.name) if resident.photo else ""

    def get_creator_id(self, resident) -> int:
        return resident.created_by_id or 0

    def get_updater_id(self, resident) -> int:
        return resident.updated_by_id or 0


# all_residents streams up to a whole provider's residents, where a serializer per row costs a quarter of a
# millisecond: rows are read as plain values and shaped by resident_row, which gives exactly what ResidentOut
# gives (a test compares the two) and stays the only shape at run time; ResidentOut documents it.
RESIDENT_COLUMNS = (
    "id", "organisation_id", "first_name", "surname_prefix", "last_name", "date_of_birth", "email", "phone_number",
    "fax_number", "home_address1", "home_address2", "home_city", "home_state", "home_zip", "location", "state",
    "resident_type_id", "in_home_care", "demo", "customer_number", "account_number", "caretracker_id", "photo",
    "photo_content_type", "photo_file_size", "review_updates", "last_status_update", "next_status_update",
    "created_by_id", "updated_by_id", "created_at", "updated_at",
)


def resident_row(values, zone):
    """One entry of all_residents' `residents` from RESIDENT_COLUMNS values."""
    v = values
    return {
        "id": v["id"], "provider_id": v["organisation_id"], "first_name": v["first_name"],
        "last_name": " ".join(p for p in (v["surname_prefix"], v["last_name"]) if p) or None,
        "dob": format_date(v["date_of_birth"]), "email": v["email"] or None,
        "phone_number": v["phone_number"] or None, "fax_number": v["fax_number"] or None,
        "home_address1": v["home_address1"], "home_address2": v["home_address2"], "home_city": v["home_city"],
        "home_state": v["home_state"], "home_zip": v["home_zip"], "location": v["location"], "state": v["state"],
        "resident_type_id": v["resident_type_id"], "in_home_care": v["in_home_care"], "demo": v["demo"],
        "customer_number": v["customer_number"] or None, "account_number": v["account_number"] or None,
        "caretracker_id": v["caretracker_id"] or None,
        "photo_file_name": os.path.basename(v["photo"]) if v["photo"] else "",
        "photo_content_type": v["photo_content_type"], "photo_file_size": v["photo_file_size"],
        "review_updates": v["review_updates"],
        "last_status_update": format_datetime(v["last_status_update"], zone),
        "next_status_update": format_datetime(v["next_status_update"], zone),
        "creator_id": v["created_by_id"] or 0, "updater_id": v["updated_by_id"] or 0,
        "created_at": format_datetime(v["created_at"], zone), "updated_at": format_datetime(v["updated_at"], zone),
    }


class CategoryOut(Connect4Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()


class AttachmentOut(Connect4Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    content_type = serializers.CharField()
    size = serializers.IntegerField()
    url = serializers.SerializerMethodField()

    def get_url(self, attachment) -> str:
        return self.context["attachment_url"](attachment)


class CommentOut(Connect4Serializer):
    commented_by = serializers.SerializerMethodField()
    commented_on = Connect4DateTimeField(source="created_at")
    title = serializers.CharField(source="body")

    def get_commented_by(self, message) -> str:
        if message.sender_name:
            return message.sender_name
        return str(message.author) if message.author else ""


def comments_keyed(messages, context):
    """The document's `{"comment378": {…}}` shape."""
    return {f"comment{m.pk}": CommentOut(m, context=context).data for m in messages}


def categories_keyed(ticket, context):
    """`categories` keyed by category id: status and title of each assessed or commented category, with its
    comments. A category commented on but never assessed has status null."""
    names = {a.category_id: a.category.name for a in ticket.assessments.all()}
    statuses = {a.category_id: vocab.category_status_word(a.status) for a in ticket.assessments.all()}
    comments = {}
    for message in ticket.messages.all():
        if message.category_id is not None:
            names.setdefault(message.category_id, message.category.name)
            comments.setdefault(message.category_id, []).append(message)
    return {
        str(category_id): {
            **comments_keyed(comments.get(category_id, []), context),
            "status": statuses.get(category_id),
            "title": names[category_id],
        }
        for category_id in sorted(names)
    }


# Input -------------------------------------------------------------------------------------------------------
class TicketsInput(Connect4Serializer):
    """The optional filters and paging of `tickets` (healthdesk extensions; absent, the documented list)."""

    status = serializers.CharField(required=False, help_text="Comma-separated: New, In Progress, Reopen, …")
    resident_id = serializers.IntegerField(required=False, min_value=1)
    updated_since = UpdatedSinceField(required=False)
    page = paging.page_field()
    per_page = paging.per_page_field()

    def validate_status(self, value):
        words = [w for w in value.split(",") if w.strip()]
        if not words:
            raise serializers.ValidationError("Give at least one ticket status.")
        return [vocab.ticket_status_from_word(w, field="status") for w in words]

    def validate(self, attrs):
        return paging.with_paging_defaults(attrs)


class ResidentsInput(Connect4Serializer):
    """Optional paging of `all_residents` (a healthdesk extension; absent, the documented whole list)."""

    page = paging.page_field()
    per_page = paging.per_page_field()

    def validate(self, attrs):
        return paging.with_paging_defaults(attrs)


class TicketDetailInput(Connect4Serializer):
    id = serializers.IntegerField(help_text="Unique ID of the ticket.")


class UpdateStatusInput(Connect4Serializer):
    id = serializers.IntegerField(help_text="Unique ID of the ticket.")
    status = serializers.CharField(help_text="New, In Progress, On Hold, Reopen or Closed.")

    def validate_status(self, value):
        return vocab.ticket_status_from_word(value, field="status")


class CreateCommentInput(Connect4Serializer):
    ticket_id = serializers.IntegerField()
    comment = serializers.CharField(max_length=10_000)
    category_id = serializers.IntegerField(required=False, allow_null=True)


_CATEGORY_KEY = re.compile(r"^category_(\d+)$")
_CATEGORY_COMMENT_KEY = re.compile(r"^category_comments_(\d+)$")
_ATTACHMENT_KEY = re.compile(r"^attachment_(\d+)$")


class CreateTicketInput(Connect4Serializer):
    """`create_ticket`; `category_<id>`, `category_comments_<id>` and `attachment_<n>` are read by name."""

    title = serializers.CharField(
        required=False, allow_blank=True, max_length=255, help_text="Also accepted as `regarding`."
    )
    regarding = serializers.CharField(required=False, allow_blank=True, max_length=255, write_only=True)
    resident_id = serializers.IntegerField()
    urgency_status = serializers.CharField(max_length=100, help_text="A name (No Issue, Exception, …) or an id.")
    ticket_status = serializers.CharField(help_text="New, In Progress, On Hold or Closed.")
    sms = serializers.BooleanField(required=False, allow_null=True, default=None)
    email = serializers.BooleanField(required=False, allow_null=True, default=None)
    state = serializers.BooleanField(required=False, default=False)
    general_comments = serializers.CharField(required=False, allow_blank=True, default="", max_length=10_000)

    def validate_ticket_status(self, value):
        return vocab.ticket_status_from_word(value, field="ticket_status")

    def validate(self, attrs):
        title = (attrs.pop("title", "") or attrs.pop("regarding", "") or "").strip()
        attrs.pop("regarding", None)
        if not title:
            raise serializers.ValidationError({"title": "title/regarding required"})
        attrs["title"] = title
        attrs["assessments"] = self._assessments()
        attrs["attachments"] = self._attachments()
        return attrs

    def _assessments(self):
        statuses, comments = {}, {}
        for key, value in self.initial_data.items():
            if match := _CATEGORY_KEY.match(key):
                statuses[int(match[1])] = (key, value)
            elif match := _CATEGORY_COMMENT_KEY.match(key):
                comments[int(match[1])] = (key, value)
        for category_id, (key, _) in comments.items():
            if category_id not in statuses:
                raise serializers.ValidationError({key: f"Give category_{category_id} with its comment."})
        return [
            AssessmentInput(
                category_id=category_id,
                status=vocab.category_status_from_word(value, field=key),
                comment=str(comments.get(category_id, ("", ""))[1]),
            )
            for category_id, (key, value) in sorted(statuses.items())
        ]

    def _attachments(self):
        files = []
        for key in self.initial_data:
            if match := _ATTACHMENT_KEY.match(key):
                upload = self.initial_data.get(key)
                if not isinstance(upload, UploadedFile):
                    raise serializers.ValidationError({key: "Send the file as multipart/form-data."})
                files.append((int(match[1]), key, upload))
        return [(key, upload) for _, key, upload in sorted(files, key=lambda f: f[0])]


# Envelopes, as the OpenAPI schema shows them ---------------------------------------------------------------
class ErrorEnvelope(Connect4Serializer):
    status = serializers.BooleanField(default=False)
    message = serializers.CharField()


class MessageEnvelope(Connect4Serializer):
    status = serializers.BooleanField(default=True)
    message = serializers.CharField()


class AuthorizeEnvelope(MessageEnvelope):
    access_token = serializers.CharField()


class TicketsEnvelope(Connect4Serializer):
    status = serializers.BooleanField(default=True)
    ticket = TicketOut(many=True)
    page = serializers.IntegerField(required=False, help_text="Only when page or per_page was given.")
    per_page = serializers.IntegerField(required=False, help_text="Only when page or per_page was given.")
    next_page = serializers.IntegerField(
        required=False, allow_null=True, help_text="Only when page or per_page was given; null on the last page."
    )


class TicketWithDetailsOut(Connect4Serializer):
    ticket_attachments = AttachmentOut(many=True)
    ticket = TicketOut()
    categories = serializers.DictField(
        child=serializers.DictField(), help_text='Keyed by category id: status, title and "comment<id>" entries.'
    )
    general_comments = serializers.DictField(
        child=CommentOut(), help_text='Comments without a category, keyed "comment<id>" (healthdesk extension).'
    )


class TicketDetailEnvelope(Connect4Serializer):
    status = serializers.BooleanField(default=True)
    ticket_with_details = TicketWithDetailsOut()


class ResidentsEnvelope(Connect4Serializer):
    status = serializers.BooleanField(default=True)
    residents = ResidentOut(many=True)


class CategoriesEnvelope(Connect4Serializer):
    status = serializers.BooleanField(default=True)
    categories = CategoryOut(many=True)


class CreateTicketEnvelope(MessageEnvelope):
    ticket_id = serializers.IntegerField()


class CreateTicketUpload(CreateTicketInput):
    """`create_ticket` as multipart: the fields plus files (the schema shows the first of attachment_1…n)."""

    attachment_1 = serializers.FileField(required=False, help_text="attachment_1 … attachment_n: one file each.")
