"""Staff see and enter times in their organisation's zone: a care home in Amsterdam works in Amsterdam time, and
"due today" (computed in that zone by the selectors) must agree with the times the page shows."""

import zoneinfo

from django.utils import timezone


class OrganisationTimeZoneMiddleware:
    """Activates the signed-in staff member's organisation's time zone for the request (UTC without one)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        zone = None
        user = getattr(request, "user", None)
        # Partner requests carry no session, so this costs them nothing; staff pay one small query.
        if user is not None and user.is_authenticated and getattr(user, "organisation_id", None):
            try:
                zone = zoneinfo.ZoneInfo(user.organisation.time_zone)
            except (zoneinfo.ZoneInfoNotFoundError, ValueError):
                zone = None
        if zone is None:
            timezone.deactivate()
        else:
            timezone.activate(zone)
        try:
            return self.get_response(request)
        finally:
            timezone.deactivate()
