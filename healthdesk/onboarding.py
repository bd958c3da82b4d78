"""Onboarding spans the domain apps, so it lives in the project package: commands and the admin call it."""

from django.db import transaction

from directory import services as directory_services
from tickets import services as ticket_services


@transaction.atomic
def organisation_onboard(*, slug, name, time_zone="UTC"):
    """Create an organisation ready for every partner API: with the default urgency statuses."""
    organisation = directory_services.organisation_create(slug=slug, name=name, time_zone=time_zone)
    ticket_services.urgency_defaults_create(organisation=organisation)
    return organisation
