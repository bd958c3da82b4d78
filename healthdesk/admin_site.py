"""The back office's admin site: the index is a dashboard of what needs attention today."""

from django.contrib import admin
from django_otp import devices_for_user, user_has_device
from django_otp.forms import OTPAuthenticationForm

from scheduling import selectors as scheduling_selectors
from sync import selectors as sync_selectors
from tickets import selectors as ticket_selectors
from tickets.choices import DerivedFilter, TicketStatus

TICKETS = "/admin/tickets/ticket/"


class OptionalOTPAuthenticationForm(OTPAuthenticationForm):
    """Password login, plus a TOTP code for staff who enrolled a device: the second factor is opt-in per user."""

    def clean_otp(self, user):
        if user is None or not user_has_device(user):
            return
        if not self.cleaned_data.get("otp_device"):
            # The login page shows no device picker: use the staff member's (first) authenticator.
            self.cleaned_data["otp_device"] = next(devices_for_user(user)).persistent_id
        super().clean_otp(user)


class HealthdeskAdminSite(admin.AdminSite):
    site_header = "healthdesk back office"
    site_title = "healthdesk"
    index_title = "Today"
    site_url = None  # there is no public site: "View site" led to a 404
    index_template = "admin/healthdesk_index.html"
    login_form = OptionalOTPAuthenticationForm
    login_template = "admin/healthdesk_login.html"

    def has_permission(self, request):
        user = request.user
        if not super().has_permission(request):
            return False
        # A session that skipped the second factor (e.g. opened before enrolment) is not enough.
        return not user_has_device(user) or user.is_verified()

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
