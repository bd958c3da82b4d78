from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.contrib.auth.models import Group
from django.db import transaction
from django.db.models import Case, IntegerField, When
from django.utils.html import format_html

from directory import audit, notifications, services
from directory.choices import DeliveryStatus
from directory.models import (
    AccessToken,
    ApiClient,
    AuditEvent,
    Contact,
    Delivery,
    Division,
    Organisation,
    Resident,
    ResidentIdentifier,
    ResidentType,
    User,
)
from healthdesk.admin_scoping import OrganisationScopedAdmin, OrganisationScopedInline, ReadOnlyAdmin, ReadOnlyInline
from healthdesk.onboarding import organisation_onboard


@admin.register(Organisation)
class OrganisationAdmin(OrganisationScopedAdmin):
    organisation_path = "pk"
    list_display = ("name", "slug", "time_zone", "created_at")
    search_fields = ("name", "slug")
    fieldsets = (
        (None, {"fields": ("name", "slug", "time_zone")}),
        ("Due time per priority (hours)", {"fields": (
            "due_hours_urgent", "due_hours_high", "due_hours_medium", "due_hours_low",
        )}),
    )

    # Organisations are made and removed by superusers (or ops commands) only; an organisation admin changes
    # their own organisation's settings, and the scoped queryset hides every other organisation.
    def has_add_permission(self, request):
        return request.user.is_superuser

    def has_delete_permission(self, request, obj=None):
        return request.user.is_superuser

    def save_model(self, request, obj, form, change):
        if change:
            obj.save()
            return
        created = organisation_onboard(slug=obj.slug, name=obj.name, time_zone=obj.time_zone)
        obj.pk, obj._state.adding, obj.created_at = created.pk, False, created.created_at
        obj.save()  # the due-time policy from the form


@admin.register(User)
class UserAdmin(DjangoUserAdmin, OrganisationScopedAdmin):
    list_display = ("username", "display_name", "email", "organisation", "is_staff", "is_active", "last_login")
    list_filter = ("is_staff", "is_active", "organisation")
    search_fields = ("username", "email", "first_name", "last_name")
    list_select_related = ("organisation",)
    fieldsets = (
        *DjangoUserAdmin.fieldsets,
        ("healthdesk", {"fields": (
            "organisation", "titles", "initials", "address", "postal_code", "city", "phone", "roles",
        )}),
    )
    add_fieldsets = (
        *DjangoUserAdmin.add_fieldsets,
        ("healthdesk", {"fields": ("organisation", "email", "first_name", "last_name")}),
    )
    # What only a superuser may set: anyone else could grant themselves every organisation's data with them.
    SUPERUSER_ONLY = {"is_superuser", "user_permissions", "organisation"}

    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        return queryset if request.user.is_superuser else queryset.exclude(is_superuser=True)

    def get_fieldsets(self, request, obj=None):
        fieldsets = super().get_fieldsets(request, obj)
        if request.user.is_superuser:
            return fieldsets
        return [
            (name, {**options, "fields": [f for f in options["fields"] if f not in self.SUPERUSER_ONLY]})
            for name, options in fieldsets
        ]

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        field = super().formfield_for_manytomany(db_field, request, **kwargs)
        if db_field.name == "groups" and field is not None and not request.user.is_superuser:
            field.queryset = field.queryset.filter(pk__in=grantable_groups(request.user))
        return field

    def user_change_password(self, request, id, form_url=""):
        """Django's password page, recorded in the audit trail: that the password changed, never the hash."""
        with transaction.atomic():
            response = super().user_change_password(request, id, form_url)
            if request.method == "POST" and response.status_code == 302:
                user = self.get_object(request, id)
                audit.record(actor=self.actor(request), organisation=user.organisation, action=audit.UPDATE,
                             instance=user, changes={"password": "changed"})
        return response

    def save_model(self, request, obj, form, change):
        """Through the directory services, so every edit is checked and audited."""
        fields = {name: form.cleaned_data[name] for name in form.changed_data if name in services.USER_FIELDS}
        if request.user.is_superuser and "is_superuser" in form.changed_data:
            fields["is_superuser"] = form.cleaned_data["is_superuser"]
        if change:
            services.user_update(user=obj, actor=self.actor(request), **fields)
            return
        organisation = (form.cleaned_data.get("organisation") if request.user.is_superuser else None) \
            or request.user.organisation
        password = form.cleaned_data.get("password1") if form.cleaned_data.get("usable_password", True) else None
        created = services.user_create(organisation=organisation, actor=self.actor(request), password=password,
                                       **{**fields, "username": form.cleaned_data["username"]})
        obj.pk, obj._state.adding, obj._state.db = created.pk, False, created._state.db


def grantable_groups(user):
    """The groups whose every permission `user` holds: staff grant only what they hold."""
    held = user.get_all_permissions()
    return [
        group.pk for group in Group.objects.prefetch_related("permissions__content_type")
        if all(f"{p.content_type.app_label}.{p.codename}" in held for p in group.permissions.all())
    ]


@admin.register(Division)
class DivisionAdmin(OrganisationScopedAdmin):
    list_display = ("name", "organisation")
    list_filter = ("organisation",)
    search_fields = ("name",)


@admin.register(ResidentType)
class ResidentTypeAdmin(OrganisationScopedAdmin):
    list_display = ("name", "organisation")
    search_fields = ("name",)


class ResidentIdentifierInline(ReadOnlyInline):
    model = ResidentIdentifier
    fields = ("system", "value")
    readonly_fields = ("system", "value")


class ContactInline(OrganisationScopedInline):
    """The resident's family, healthcare professional and primary contacts: who ticket notices go to."""

    model = Contact
    fields = ("kind", "name", "relation", "email", "phone")
    extra = 0


def _contact_fields(contact):
    return {name: getattr(contact, name) for name in ContactInline.fields}


RESIDENT_ADMIN_EXCLUDED = {"organisation", "divisions", "photo", "created_by", "updated_by", "created_via"}


@admin.register(Resident)
class ResidentAdmin(OrganisationScopedAdmin):
    list_display = ("__str__", "date_of_birth", "reference_code", "state", "in_home_care", "location", "records")
    list_filter = ("state", "in_home_care", "divisions")
    # Every word must match some field, so "van Dijk" and "Maria van Dijk" find her through the surname prefix.
    search_fields = (
        "first_name", "surname_prefix", "last_name", "reference_code", "customer_number", "identifiers__value", "=id",
    )
    # Named residents first: the nameless ones a sync creates ("Resident 13") sort after them.
    ordering = (Case(When(first_name="", last_name="", then=1), default=0, output_field=IntegerField()).asc(),
                "last_name", "first_name", "id")
    list_select_related = ("organisation",)
    filter_horizontal = ("divisions",)
    readonly_fields = ("created_via", "created_at", "updated_at", "archived_at")
    inlines = (ContactInline, ResidentIdentifierInline)

    def has_delete_permission(self, request, obj=None):
        # No delete here the services cannot audit: a resident is archived (audited), keeping their history.
        return False

    @admin.display(description="records")
    def records(self, obj):
        return format_html(
            '<a href="/admin/tickets/ticket/?resident__exact={0}">Tickets</a> · '
            '<a href="/admin/scheduling/attendee/?resident__exact={0}">Appointments</a>', obj.pk,
        )

    def save_model(self, request, obj, form, change):
        fields = {
            name: value for name, value in form.cleaned_data.items()
            if name not in RESIDENT_ADMIN_EXCLUDED and name in services.RESIDENT_FIELDS
        }
        if change:
            services.resident_update(resident=obj, actor=self.actor(request), **fields)
        else:
            organisation = form.cleaned_data.get("organisation") or request.user.organisation
            created = services.resident_create(organisation=organisation, actor=self.actor(request), **fields)
            obj.pk, obj._state.adding, obj._state.db = created.pk, False, created._state.db

    def save_formset(self, request, form, formset, change):
        if formset.model is not Contact:
            return super().save_formset(request, form, formset, change)
        actor = self.actor(request)
        formset.save(commit=False)  # sorts the rows into new, changed and deleted without writing
        for contact in formset.deleted_objects:
            notifications.contact_delete(contact=contact, actor=actor)
        for contact, _changed in formset.changed_objects:
            notifications.contact_update(contact=contact, actor=actor, **_contact_fields(contact))
        for contact in formset.new_objects:
            created = notifications.contact_create(resident=form.instance, actor=actor, **_contact_fields(contact))
            contact.pk = created.pk
        return None


@admin.register(ApiClient)
class ApiClientAdmin(OrganisationScopedAdmin):
    list_display = ("name", "key", "organisation", "is_vendor", "created_at", "last_used_at", "revoked_at")
    list_filter = ("is_vendor", "organisation")
    search_fields = ("name", "key")
    list_select_related = ("organisation",)
    fields = ("name", "organisation", "is_vendor", "granted_organisations", "key", "created_at", "last_used_at",
              "revoked_at")
    readonly_fields = ("key", "created_at", "last_used_at", "revoked_at")
    filter_horizontal = ("granted_organisations",)
    actions = ("revoke", "rotate")

    def has_delete_permission(self, request, obj=None):
        # No unaudited delete: a client is revoked (audited) and kept as the actor of its audit events.
        return False

    def save_model(self, request, obj, form, change):
        if change:
            fields = {name: form.cleaned_data[name] for name in services.API_CLIENT_FIELDS if name in form.cleaned_data}
            services.api_client_update(client=obj, actor=self.actor(request), **fields)
            return
        issued = services.api_client_create(
            organisation=form.cleaned_data["organisation"], name=form.cleaned_data["name"],
            is_vendor=form.cleaned_data.get("is_vendor", False), created_by=request.user, actor=self.actor(request),
        )
        obj.pk, obj._state.adding, obj.key = issued.client.pk, False, issued.client.key
        messages.warning(
            request, f"Key {issued.client.key} — secret {issued.secret} (shown only now: copy it to the partner app).",
        )

    @admin.action(description="Revoke the selected clients")
    def revoke(self, request, queryset):
        for client in queryset:
            services.api_client_revoke(client=client, actor=self.actor(request))
        messages.success(request, f"Revoked {queryset.count()} client(s).")

    @admin.action(description="Rotate the secret of the selected clients")
    def rotate(self, request, queryset):
        for client in queryset:
            issued = services.api_client_rotate(client=client, actor=self.actor(request))
            messages.warning(request, f"{client.name}: new secret {issued.secret} (shown only now).")


@admin.register(AccessToken)
class AccessTokenAdmin(ReadOnlyAdmin):
    organisation_path = "client__organisation"
    list_display = ("token_prefix", "client", "created_at", "expires_at")
    list_select_related = ("client",)
    exclude = ("token_digest",)


@admin.register(AuditEvent)
class AuditEventAdmin(ReadOnlyAdmin):
    """The audit trail: readable by staff of the organisation, editable by nobody."""

    list_display = ("created_at", "action", "object_type", "object_id", "actor_user", "actor_client", "channel")
    list_filter = ("action", "object_type", "channel")
    search_fields = ("=object_id",)
    list_select_related = ("actor_user", "actor_client")


class DeliveryFailedFilter(admin.SimpleListFilter):
    """Failed deliveries first of all: those still to be retried, and those given up on."""

    title = "outcome"
    parameter_name = "outcome"

    def lookups(self, request, model_admin):
        return [("failed", "Failed"), ("retrying", "Failed, will retry"), ("given_up", "Failed, given up"),
                ("unsent", "Not sent yet")]

    def queryset(self, request, queryset):
        value = self.value()
        if value == "failed":
            return queryset.filter(status=DeliveryStatus.FAILED)
        if value == "retrying":
            return queryset.filter(status=DeliveryStatus.FAILED, next_attempt_at__isnull=False)
        if value == "given_up":
            return queryset.filter(status=DeliveryStatus.FAILED, next_attempt_at__isnull=True)
        if value == "unsent":
            return queryset.exclude(status=DeliveryStatus.SENT)
        return queryset


@admin.register(Delivery)
class DeliveryAdmin(ReadOnlyAdmin):
    list_display = ("created_at", "purpose", "channel", "recipient", "status", "attempts", "next_attempt_at",
                    "sent_at", "about", "last_error")
    list_filter = (DeliveryFailedFilter, "status", "purpose", "channel", "created_at")
    search_fields = ("recipient", "=subject_id", "key")
    list_select_related = ("subject_type",)
    actions = ("retry_now",)

    @admin.display(description="about")
    def about(self, obj):
        return f"{obj.subject_type.model} #{obj.subject_id}"

    @admin.action(description="Retry the selected failed deliveries now")
    def retry_now(self, request, queryset):
        count = 0
        for delivery in queryset.filter(status=DeliveryStatus.FAILED):
            notifications.delivery_retry_now(delivery=delivery, actor=self.actor(request))
            count += 1
        messages.success(request, f"{count} failed deliveries handed to the task queue again.")
