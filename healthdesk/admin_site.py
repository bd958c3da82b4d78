"""The back office's admin site: the index is a dashboard of what needs attention today."""

from django.contrib import admin

from scheduling import selectors as scheduling_selectors
from sync import selectors as sync_selectors
from tickets import selectors as ticket_selectors
from tickets.choices import DerivedFilter, TicketStatus

TICKETS = "/admin/tickets/ticket/"


class HealthdeskAdminSite(admin.AdminSite):
    site_header = "healthdesk back office"
    site_title = "healthdesk"
    index_title = "Today"
    index_template = "admin/healthdesk_index.html"

    def index(self, request, extra_context=None):
        organisation = None if request.user.is_superuser else request.user.organisation
        counts = ticket_selectors.ticket_dashboard(organisation=organisation)
        open_by_status = [
            (label, counts[value], f"{TICKETS}?status__exact={value}")
            for value, label in TicketStatus.choices if value != TicketStatus.CLOSED
        ]
        attention = [
            ("Overdue", counts[DerivedFilter.OVERDUE], f"{TICKETS}?derived={DerivedFilter.OVERDUE}"),
            ("Due today", counts[DerivedFilter.DUE_TODAY], f"{TICKETS}?derived={DerivedFilter.DUE_TODAY}"),
            ("Unassigned", counts[DerivedFilter.UNASSIGNED], f"{TICKETS}?derived={DerivedFilter.UNASSIGNED}"),
        ]
        context = {
            "open_by_status": open_by_status,
            "attention": attention,
            "appointments_today": list(scheduling_selectors.appointments_today(organisation=organisation)[:20]),
            "failed_runs": list(sync_selectors.sync_run_list(organisation=organisation, failed_only=True)[:5]),
            **(extra_context or {}),
        }
        return super().index(request, extra_context=context)
