from django.contrib import admin
from django.db.models import Case, When
from django.urls import reverse
from django.utils.html import format_html

from healthdesk.admin_scoping import ReadOnlyAdmin, ReadOnlyInline
from sync.choices import ItemOutcome
from sync.models import SyncItemResult, SyncRun


class WithFailuresFilter(admin.SimpleListFilter):
    title = "outcome"
    parameter_name = "with_failures"

    def lookups(self, request, model_admin):
        return [("yes", "With failures"), ("no", "All items succeeded")]

    def queryset(self, request, queryset):
        if self.value() == "yes":
            return queryset.filter(failed__gt=0)
        if self.value() == "no":
            return queryset.filter(failed=0)
        return queryset


FAILED_FIRST = Case(When(outcome=ItemOutcome.FAILED, then=0), default=1)
SHOWN_ON_RUN = 50


class ItemInline(ReadOnlyInline):
    """The run's first items, failed ones first: a 10 000-item run is read page by page in its items list."""

    model = SyncItemResult
    fields = ("item", "external_id", "outcome", "message", "appointment")
    readonly_fields = fields
    verbose_name_plural = f"items (the first {SHOWN_ON_RUN}, failed first; every item in the run's items list)"

    def has_view_permission(self, request, obj=None):
        return request.user.is_active and request.user.is_staff  # whoever may read the run reads its items

    def get_queryset(self, request):
        items = super().get_queryset(request)
        run_id = request.resolver_match.kwargs.get("object_id") if request.resolver_match else None
        first = items.filter(run_id=run_id).order_by(FAILED_FIRST, "position").values("pk")[:SHOWN_ON_RUN]
        return items.filter(pk__in=first).order_by(FAILED_FIRST, "position")

    @admin.display(description="item")
    def item(self, obj):
        return obj.position + 1  # as a person counts them, and as sync_appointments prints them


@admin.register(SyncRun)
class SyncRunAdmin(ReadOnlyAdmin):
    list_display = ("started_at", "organisation", "channel", "client", "received", "created", "updated", "unchanged",
                    "failed", "duration_ms", "dry_run")
    list_filter = (WithFailuresFilter, "channel", "dry_run")
    list_select_related = ("organisation", "client")
    readonly_fields = ("all_items",)
    inlines = (ItemInline,)

    def has_view_permission(self, request, obj=None):
        return request.user.is_active and request.user.is_staff

    @admin.display(description="items")
    def all_items(self, obj):
        items = reverse("admin:sync_syncitemresult_changelist")
        return format_html(
            '<a href="{}?run__id__exact={}&outcome__exact=failed">{} failed</a> · '
            '<a href="{}?run__id__exact={}">all {} items</a>',
            items, obj.pk, obj.failed, items, obj.pk, obj.received,
        )


@admin.register(SyncItemResult)
class SyncItemResultAdmin(ReadOnlyAdmin):
    """Every item of every run, a page at a time: which one failed, and why."""

    organisation_path = "run__organisation"
    list_display = ("run", "item", "external_id", "outcome", "message", "appointment")
    list_filter = ("outcome",)
    list_select_related = ("run",)
    search_fields = ("=external_id", "message")
    list_per_page = 100

    def has_view_permission(self, request, obj=None):
        return request.user.is_active and request.user.is_staff

    def get_queryset(self, request):
        return super().get_queryset(request).order_by(FAILED_FIRST, "run_id", "position")

    def lookup_allowed(self, lookup, value, request=None):
        return lookup == "run__id__exact" or super().lookup_allowed(lookup, value, request)

    @admin.display(description="item", ordering="position")
    def item(self, obj):
        return obj.position + 1
