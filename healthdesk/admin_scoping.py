"""Organisation scoping for the back office: a staff user sees and picks only their organisation's rows."""

from django.contrib import admin, messages
from django.contrib.admin.utils import get_fields_from_path
from django.core.paginator import Paginator
from django.db import connection
from django.utils.functional import cached_property

from directory.actors import Actor
from healthdesk.exceptions import DomainError


class EstimatedCountPaginator(Paginator):
    """Avoids COUNT(*) over a whole big table: on PostgreSQL an unfiltered list uses the planner's row estimate.

    Filtered lists (an organisation's rows, a search) are counted exactly, through the indexes behind them.
    """

    @cached_property
    def count(self):
        query = getattr(self.object_list, "query", None)
        if query is not None and not query.where and connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SELECT reltuples::bigint FROM pg_class WHERE relname = %s",
                               [self.object_list.model._meta.db_table])
                row = cursor.fetchone()
            if row and row[0] > 100_000:
                return row[0]
        return super().count


def organisation_limit(related_model, request):
    """The filter that keeps a related table's choices to the staff user's organisation ({} for superusers and
    tables with no organisation)."""
    if request.user.is_superuser:
        return {}
    if related_model._meta.model_name == "organisation":
        return {"pk": request.user.organisation_id}
    if any(f.name == "organisation" for f in related_model._meta.fields):
        return {"organisation": request.user.organisation_id}
    return {}


class OrganisationRelatedFilter(admin.RelatedFieldListFilter):
    """A related-field filter whose choices are the staff user's organisation's rows only: Django's lists
    every row of the related table, which would show one organisation's staff and categories to another."""

    def field_choices(self, field, request, model_admin):
        ordering = self.field_admin_ordering(field, request, model_admin)
        limit = organisation_limit(field.related_model, request)
        return field.get_choices(include_blank=False, ordering=ordering, limit_choices_to=limit)


class OrganisationScopedAdmin(admin.ModelAdmin):
    """Limits querysets and foreign-key choices to the staff user's organisation; superusers see all.

    `organisation_path` is the ORM path from the model to its organisation.
    """

    organisation_path = "organisation"
    show_full_result_count = False  # no COUNT(*) over the whole table on big changelists
    paginator = EstimatedCountPaginator

    def scope(self, request, queryset, path=None):
        if request.user.is_superuser:
            return queryset
        path = path or self.organisation_path
        return queryset.filter(**{path: request.user.organisation_id})

    def get_queryset(self, request):
        return self.scope(request, super().get_queryset(request))

    def get_list_filter(self, request):
        """Every plain related-field filter gets organisation-scoped choices."""
        scoped = []
        for entry in super().get_list_filter(request):
            if isinstance(entry, str) and get_fields_from_path(self.model, entry)[-1].is_relation:
                entry = (entry, OrganisationRelatedFilter)
            scoped.append(entry)
        return scoped

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        return self._scoped(super().formfield_for_foreignkey(db_field, request, **kwargs), db_field, request)

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        return self._scoped(super().formfield_for_manytomany(db_field, request, **kwargs), db_field, request)

    @staticmethod
    def _scoped(field, db_field, request):
        if field is not None:
            field.queryset = field.queryset.filter(**organisation_limit(db_field.related_model, request))
        return field

    @staticmethod
    def actor(request):
        return Actor.staff(request.user, channel="admin")

    def apply_each(self, request, queryset, action, done):
        """Run an action's service call on each selected row; a refusal is reported for its row only."""
        count = 0
        for row in queryset:
            try:
                action(row)
                count += 1
            except DomainError as exc:
                messages.error(request, f"{row}: {exc.message}")
        if count:
            messages.success(request, f"{done}: {count}.")


class ReadOnlyAdmin(OrganisationScopedAdmin):
    """History and run records: readable by staff, editable by nobody."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class OrganisationScopedInline(admin.TabularInline):
    """An inline whose foreign-key and many-to-many choices are the staff user's organisation's rows only, so a
    forged choice of another organisation is a form error instead of reaching the services."""

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        return OrganisationScopedAdmin._scoped(super().formfield_for_foreignkey(db_field, request, **kwargs),
                                               db_field, request)

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        return OrganisationScopedAdmin._scoped(super().formfield_for_manytomany(db_field, request, **kwargs),
                                               db_field, request)


class ReadOnlyInline(OrganisationScopedInline):
    """An inline of history or child rows that is shown, never added to, changed or deleted here."""

    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False
