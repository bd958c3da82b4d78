from django.contrib import admin
from django.db.models import Case, When

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


class ItemInline(ReadOnlyInline):
    model = SyncItemResult
    fields = ("position", "external_id", "outcome", "message", "appointment")
    readonly_fields = fields

    def get_queryset(self, request):
        failed_first = Case(When(outcome=ItemOutcome.FAILED, then=0), default=1)
        return super().get_queryset(request).order_by(failed_first, "position")


@admin.register(SyncRun)
class SyncRunAdmin(ReadOnlyAdmin):
    list_display = ("started_at", "organisation", "channel", "client", "received", "created", "updated", "unchanged",
                    "failed", "duration_ms", "dry_run")
    list_filter = (WithFailuresFilter, "channel", "dry_run")
    list_select_related = ("organisation", "client")
    inlines = (ItemInline,)

    def has_view_permission(self, request, obj=None):
        return request.user.is_active and request.user.is_staff
