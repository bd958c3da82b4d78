import csv

from django.contrib import admin
from django.http import HttpResponse
from django.utils import timezone
from django.utils.html import format_html

from healthdesk.admin_scoping import OrganisationScopedAdmin, OrganisationScopedInline, ReadOnlyAdmin, ReadOnlyInline
from tickets import selectors, services
from tickets.choices import DerivedFilter
from tickets.models import Attachment, Category, CategoryAssessment, Message, Ticket, TicketEvent, Urgency


@admin.register(Category)
class CategoryAdmin(OrganisationScopedAdmin):
    list_display = ("name", "id", "organisation")
    list_filter = ("organisation",)
    search_fields = ("name",)


@admin.register(Urgency)
class UrgencyAdmin(OrganisationScopedAdmin):
    list_display = ("name", "id", "organisation")
    list_filter = ("organisation",)
    search_fields = ("name",)


class DerivedStateFilter(admin.SimpleListFilter):
    """Overdue, due today and unassigned are computed from due time and assignee, in the organisation's zone."""

    title = "state"
    parameter_name = "derived"

    def lookups(self, request, model_admin):
        return [(d.value, d.label) for d in DerivedFilter]

    def queryset(self, request, queryset):
        if not self.value():
            return queryset
        organisation = request.user.organisation
        if organisation is None:  # a superuser without an organisation: day bounds in UTC
            from directory.models import Organisation

            organisation = Organisation(time_zone="UTC")
        return queryset.filter(selectors.derived_filter_q(self.value(), organisation=organisation))


class MessageInline(OrganisationScopedInline):
    model = Message
    fields = ("created_at", "sender_kind", "sender_name", "category", "body", "visible_to_requester")
    readonly_fields = ("created_at", "sender_name")
    extra = 1
    can_delete = False

    def has_change_permission(self, request, obj=None):
        return False


class AssessmentInline(ReadOnlyInline):
    model = CategoryAssessment
    readonly_fields = ("category", "status")


class AttachmentInline(ReadOnlyInline):
    model = Attachment
    fields = ("name", "content_type", "size", "created_at")
    readonly_fields = fields


class EventInline(ReadOnlyInline):
    model = TicketEvent
    fields = ("created_at", "kind", "from_value", "to_value", "note", "actor_user", "actor_client", "channel")
    readonly_fields = fields


CREATE_FIELDS = ("title", "resident", "priority", "status", "ticket_type", "group_name", "urgency", "assignee",
                 "notify_sms", "notify_email", "state", "start_date", "end_date")


@admin.register(Ticket)
class TicketAdmin(OrganisationScopedAdmin):
    list_display = ("id", "title", "status", "priority", "urgency", "resident", "assignee", "due", "created_at")
    list_filter = ("status", DerivedStateFilter, "priority", "assessments__category", "assignee", "created_at")
    search_fields = (
        "title", "resident__first_name", "resident__surname_prefix", "resident__last_name",
        "resident__reference_code", "=id",
    )
    list_select_related = ("resident", "assignee", "urgency")
    autocomplete_fields = ("resident", "assignee")
    # No date_hierarchy: its MIN/MAX and DISTINCT date queries scan the whole table; the created date filter
    # covers the same need through the index.
    readonly_fields = ("due_at", "closed_at", "rating", "rated_at", "resolution_type", "resolution_subject",
                       "sent_to_family_at", "sent_to_healthcare_pro_at", "sent_to_primary_at", "created_at",
                       "updated_at")
    inlines = (MessageInline, AssessmentInline, AttachmentInline, EventInline)
    actions = ("assign_to_me", "close", "reopen", "export_csv")

    def has_delete_permission(self, request, obj=None):
        # No delete here the services cannot audit: a ticket is closed, keeping its history.
        return False

    def get_fields(self, request, obj=None):
        return (*CREATE_FIELDS, *self.readonly_fields)

    def get_search_results(self, request, queryset, search_term):
        """`#12` is ticket 12, as staff write ticket numbers."""
        number = search_term.strip()
        if number.startswith("#") and number[1:].isascii() and number[1:].isdigit():
            return queryset.filter(pk=int(number[1:])), False
        return super().get_search_results(request, queryset, search_term)

    @admin.display(description="due", ordering="due_at")
    def due(self, obj):
        if obj.due_at is None:
            return "—"
        text = timezone.localtime(obj.due_at).strftime("%Y-%m-%d %H:%M")
        if not obj.is_closed and obj.due_at < timezone.now():
            return format_html('<strong style="color:#ba2121">{} overdue</strong>', text)
        return text

    def save_model(self, request, obj, form, change):
        actor = self.actor(request)
        data = form.cleaned_data
        if not change:
            created = services.ticket_create(
                organisation=request.user.organisation or data["resident"].organisation, actor=actor,
                **{name: data.get(name) for name in CREATE_FIELDS if name in data and data.get(name) is not None},
            )
            obj.pk, obj._state.adding = created.pk, False
            return
        original = Ticket.objects.get(pk=obj.pk)
        updates = {name: data[name] for name in form.changed_data if name in services.TICKET_UPDATABLE}
        if updates:
            services.ticket_update(ticket=original, actor=actor, **updates)
        if "assignee" in form.changed_data:
            services.ticket_assign(ticket=original, actor=actor, assignee=data["assignee"])
        if "status" in form.changed_data:
            services.ticket_status_change(ticket=original, actor=actor, status=data["status"])

    def save_formset(self, request, form, formset, change):
        if formset.model is not Message:
            return super().save_formset(request, form, formset, change)
        for message in formset.save(commit=False):
            services.ticket_message_add(
                ticket=form.instance, actor=self.actor(request), body=message.body, category=message.category,
                sender_kind=message.sender_kind, visible_to_requester=message.visible_to_requester,
            )
        return None


    @admin.action(description="Assign to me")
    def assign_to_me(self, request, queryset):
        actor = self.actor(request)
        self.apply_each(
            request, queryset, lambda t: services.ticket_assign(ticket=t, actor=actor, assignee=request.user),
            "Assigned",
        )

    @admin.action(description="Close (resolved by staff)")
    def close(self, request, queryset):
        actor = self.actor(request)
        self.apply_each(request, queryset, lambda t: services.ticket_close(
            ticket=t, actor=actor, resolution_type="Resolved", resolution_subject="Closed in the back office"),
            "Closed")

    @admin.action(description="Reopen")
    def reopen(self, request, queryset):
        actor = self.actor(request)
        self.apply_each(request, queryset, lambda t: services.ticket_reopen(
            ticket=t, actor=actor, reason="Reopened in the back office", sender_kind="admin"), "Reopened")

    @admin.action(description="Export CSV")
    def export_csv(self, request, queryset):
        response = HttpResponse(content_type="text/csv")
        response["Content-Disposition"] = 'attachment; filename="tickets.csv"'
        writer = csv.writer(response)
        writer.writerow(["id", "title", "status", "priority", "resident", "assignee", "due_at", "created_at"])
        for t in queryset.select_related("resident", "assignee").iterator(chunk_size=2000):
            writer.writerow([t.pk, t.title, t.status, t.priority, t.resident, t.assignee or "", local(t.due_at),
                             local(t.created_at)])
        return response


def local(moment):
    """A time as the staff member reads it: in the organisation's zone (activated per request), with its offset."""
    return timezone.localtime(moment).isoformat(timespec="minutes") if moment else ""


@admin.register(TicketEvent)
class TicketEventAdmin(ReadOnlyAdmin):
    organisation_path = "ticket__organisation"
    list_display = ("created_at", "ticket", "kind", "from_value", "to_value", "actor_user", "actor_client", "channel")
    list_filter = ("kind", "channel")
    list_select_related = ("ticket", "actor_user", "actor_client")
