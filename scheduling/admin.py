from django import forms
from django.contrib import admin
from django.template.response import TemplateResponse

from healthdesk.admin_scoping import OrganisationScopedAdmin, ReadOnlyAdmin, ReadOnlyInline
from scheduling import services
from scheduling.choices import CancellationReason
from scheduling.models import Appointment, AppointmentEvent, Attendee, Invoice


class MomentSetFilter(admin.SimpleListFilter):
    """Yes/no on whether a moment (cancelled_at, deleted_at) is set."""

    field = ""

    def lookups(self, request, model_admin):
        return [("yes", self.title.capitalize()), ("no", f"Not {self.title}")]

    def queryset(self, request, queryset):
        if self.value() in ("yes", "no"):
            return queryset.filter(**{f"{self.field}__isnull": self.value() == "no"})
        return queryset


class CancelledFilter(MomentSetFilter):
    title = parameter_name = "cancelled"
    field = "cancelled_at"


class DeletedFilter(MomentSetFilter):
    title = parameter_name = "deleted"
    field = "deleted_at"


class AttendeeInline(ReadOnlyInline):
    model = Attendee
    fields = ("resident", "arrived", "cancelled_at", "cancellation_reason", "deleted_at")
    readonly_fields = fields


class AppointmentEventInline(ReadOnlyInline):
    model = AppointmentEvent
    fields = ("created_at", "kind", "note", "attendee", "actor_user", "actor_client", "channel")
    readonly_fields = fields


EDITABLE = ("kind", "starts_at", "duration_minutes", "practitioner", "division", "max_attendees", "summary",
            "details", "location_ref", "calendar_ref", "type_ref", "blocked", "state")


class CancelForm(forms.Form):
    reason = forms.TypedChoiceField(choices=CancellationReason.choices, coerce=int, label="Cancellation reason")
    note = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 3}))


class ScheduleActions:
    def _cancel_with_reason(self, request, queryset, cancel, noun):
        """Ask for a Cliniko reason code and a note, then cancel each selected row through `cancel`."""
        form = CancelForm(request.POST if "apply" in request.POST else None)
        if form.is_valid():
            reason, note = form.cleaned_data["reason"], form.cleaned_data["note"]
            self.apply_each(request, queryset, lambda row: cancel(row, reason, note), "Cancelled")
            return None
        return TemplateResponse(request, "admin/scheduling/cancel.html", {
            **self.admin_site.each_context(request), "title": f"Cancel {noun}", "form": form,
            "rows": list(queryset), "noun": noun, "action": request.POST.get("action"),
        })



@admin.register(Appointment)
class AppointmentAdmin(ScheduleActions, OrganisationScopedAdmin):
    list_display = ("starts_at", "kind", "practitioner", "summary", "state", "cancelled_at", "deleted_at")
    list_filter = ("kind", "practitioner", "division", CancelledFilter, DeletedFilter, "starts_at")
    search_fields = ("summary", "source_id", "=id")
    list_select_related = ("practitioner",)
    fields = (*EDITABLE, "original_starts_at", "started_at", "cancelled_at", "cancellation_reason",
              "cancellation_note", "deleted_at", "source_system", "source_id", "created_at", "updated_at")
    readonly_fields = ("original_starts_at", "started_at", "cancelled_at", "cancellation_reason",
                       "cancellation_note", "deleted_at", "source_system", "source_id", "created_at", "updated_at")
    inlines = (AttendeeInline, AppointmentEventInline)
    actions = ("cancel", "soft_delete", "restore")

    def save_model(self, request, obj, form, change):
        actor = self.actor(request)
        data = {name: form.cleaned_data[name] for name in EDITABLE if name in form.cleaned_data}
        if change:
            changed = {name: data[name] for name in form.changed_data if name in data}
            services.appointment_update(appointment=Appointment.objects.get(pk=obj.pk), actor=actor, **changed)
            return
        starts_at = data.pop("starts_at")
        created = services.appointment_create(
            organisation=request.user.organisation, actor=actor, starts_at=starts_at, **data
        )
        obj.pk, obj._state.adding = created.pk, False

    @admin.action(description="Cancel with a reason…")
    def cancel(self, request, queryset):
        actor = self.actor(request)
        return self._cancel_with_reason(request, queryset, lambda a, reason, note: services.appointment_cancel(
            appointment=a, actor=actor, reason=reason, note=note), "appointments")

    @admin.action(description="Delete (soft, restorable)")
    def soft_delete(self, request, queryset):
        actor = self.actor(request)
        self.apply_each(request, queryset, lambda a: services.appointment_delete(appointment=a, actor=actor), "Deleted")

    @admin.action(description="Restore")
    def restore(self, request, queryset):
        actor = self.actor(request)
        self.apply_each(
            request, queryset, lambda a: services.appointment_restore(appointment=a, actor=actor), "Restored"
        )

    def has_delete_permission(self, request, obj=None):
        return False  # deletion is soft, through the action


@admin.register(Attendee)
class AttendeeAdmin(ScheduleActions, OrganisationScopedAdmin):
    list_display = ("resident", "appointment", "arrived", "cancelled_at", "cancellation_reason", "deleted_at")
    list_filter = (CancelledFilter, DeletedFilter, "arrived")
    search_fields = ("resident__first_name", "resident__surname_prefix", "resident__last_name", "=id")
    list_select_related = ("resident", "appointment")
    readonly_fields = ("appointment", "resident", "cancelled_at", "cancellation_reason", "cancellation_note",
                       "deleted_at", "email_reminder_sent", "sms_reminder_sent", "created_at", "updated_at")
    fields = ("appointment", "resident", "arrived", "notes", "booking_ip_address", "online_booking_policy_accepted",
              "invoice_status", "treatment_note_status", *readonly_fields[2:])
    actions = ("mark_arrived", "cancel", "soft_delete", "restore")

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def save_model(self, request, obj, form, change):
        changed = {name: form.cleaned_data[name] for name in form.changed_data if name in services.ATTENDEE_FIELDS}
        services.attendee_update(attendee=Attendee.objects.get(pk=obj.pk), actor=self.actor(request), **changed)

    @admin.action(description="Cancel with a reason… (group appointments)")
    def cancel(self, request, queryset):
        actor = self.actor(request)
        return self._cancel_with_reason(request, queryset, lambda a, reason, note: services.attendee_cancel(
            attendee=a, actor=actor, reason=reason, note=note), "attendees")

    @admin.action(description="Mark arrived")
    def mark_arrived(self, request, queryset):
        actor = self.actor(request)
        self.apply_each(request, queryset, lambda a: services.attendee_update(attendee=a, actor=actor, arrived=True),
                   "Marked arrived")

    @admin.action(description="Delete (soft, restorable)")
    def soft_delete(self, request, queryset):
        actor = self.actor(request)
        self.apply_each(request, queryset, lambda a: services.attendee_delete(attendee=a, actor=actor), "Deleted")

    @admin.action(description="Restore")
    def restore(self, request, queryset):
        actor = self.actor(request)
        self.apply_each(request, queryset, lambda a: services.attendee_restore(attendee=a, actor=actor), "Restored")


@admin.register(Invoice)
class InvoiceAdmin(ReadOnlyAdmin):
    list_display = ("number", "attendee", "status", "total_amount", "issue_date")
    list_filter = ("status",)
    list_select_related = ("attendee",)
    search_fields = ("=number",)


@admin.register(AppointmentEvent)
class AppointmentEventAdmin(ReadOnlyAdmin):
    organisation_path = "appointment__organisation"
    list_display = ("created_at", "appointment", "attendee", "kind", "note", "actor_user", "actor_client", "channel")
    list_filter = ("kind", "channel")
    list_select_related = ("appointment", "attendee", "actor_user", "actor_client")
