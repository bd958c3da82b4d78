"""The staff roles a care provider recognises, as permission groups kept in step after every migrate."""

from django.contrib.auth.models import Group, Permission

FRONT_DESK = "Front desk"
CLINICIAN = "Clinician"
ORGANISATION_ADMIN = "Organisation admin"

DOMAIN_APPS = ("directory", "tickets", "scheduling", "sync")

# The audit trail is evidence: every group may at most read it, whatever else it is given.
VIEW_ONLY = {"directory.auditevent"}

# app_label.model -> actions, per group; anything unlisted is not granted.
GRANTS = {
    FRONT_DESK: {
        "directory.resident": ("view", "add", "change"),
        "directory.contact": ("view", "add", "change"),  # the desk takes the family's new phone number
        "directory.division": ("view",),
        "directory.user": ("view",),  # to pick a colleague as a ticket's assignee
        "tickets.ticket": ("view", "add", "change"),
        "tickets.message": ("view", "add"),
        "tickets.attachment": ("view", "add"),
        "tickets.categoryassessment": ("view",),
        "tickets.category": ("view",),
        "tickets.urgency": ("view",),
        "tickets.ticketevent": ("view",),
        "scheduling.appointment": ("view", "add", "change"),
        "scheduling.attendee": ("view", "change"),
        "scheduling.appointmentevent": ("view",),
        "sync.syncrun": ("view",),
    },
    CLINICIAN: {
        "directory.resident": ("view", "change"),
        "directory.contact": ("view",),
        "directory.user": ("view",),
        "tickets.ticket": ("view", "add", "change"),
        "tickets.message": ("view", "add"),
        "tickets.attachment": ("view", "add"),
        "tickets.categoryassessment": ("view",),
        "tickets.category": ("view",),
        "tickets.urgency": ("view",),
        "tickets.ticketevent": ("view",),
        "scheduling.appointment": ("view",),
        "scheduling.attendee": ("view", "change"),
        "scheduling.appointmentevent": ("view",),
        "scheduling.invoice": ("view",),
    },
}


def ensure_staff_groups(**kwargs):
    """Create or refresh the three groups; the organisation admin gets every domain permission but writing the
    audit trail."""
    permissions = Permission.objects.select_related("content_type").filter(content_type__app_label__in=DOMAIN_APPS)
    by_code = {f"{p.content_type.app_label}.{p.codename}": p for p in permissions}
    for name, grants in GRANTS.items():
        wanted = [
            by_code[f"{model.split('.')[0]}.{action}_{model.split('.')[1]}"]
            for model, actions in grants.items() for action in actions
            if f"{model.split('.')[0]}.{action}_{model.split('.')[1]}" in by_code
        ]
        Group.objects.get_or_create(name=name)[0].permissions.set(wanted)
    everything = [
        p for code, p in by_code.items()
        if f"{p.content_type.app_label}.{p.content_type.model}" not in VIEW_ONLY or p.codename.startswith("view_")
    ]
    Group.objects.get_or_create(name=ORGANISATION_ADMIN)[0].permissions.set(everything)
