"""Reads on the directory, always within one organisation."""

from django.db.models import Exists, OuterRef, Q

from directory.models import Division, Resident, User
from healthdesk.exceptions import NotFound
from healthdesk.numbers import ascii_int


def _get(qs, pk, field):
    try:
        return qs.get(pk=ascii_int(pk))
    except (qs.model.DoesNotExist, ValueError, TypeError):
        raise NotFound(f"Unknown {qs.model._meta.verbose_name}.", field=field) from None


def resident_list(*, organisation, include_archived=False):
    qs = Resident.objects.filter(organisation=organisation)
    if not include_archived:
        qs = qs.filter(archived_at__isnull=True)
    return qs.order_by("id")


def resident_get(*, organisation, pk, field="resident_id", include_archived=True):
    """One resident of the organisation; `include_archived=False` treats an archived one as not found."""
    return _get(resident_list(organisation=organisation, include_archived=include_archived), pk, field)


def resident_division_pairs(*, residents):
    """(resident id, division id) for these residents, ordered by resident then division: to be read beside a
    resident list ordered by id, so a list of any length costs two queries."""
    links = Resident.divisions.through.objects.filter(resident_id__in=residents.values("id"))
    return links.order_by("resident_id", "division_id").values_list("resident_id", "division_id")


def user_list(*, organisation, active_only=True):
    qs = User.objects.filter(organisation=organisation)
    if active_only:
        qs = qs.filter(is_active=True)
    return qs.order_by("id")


def user_get(*, organisation, pk, field="user_id", active_only=True):
    return _get(user_list(organisation=organisation, active_only=active_only), pk, field)


def practitioner_list(*, organisation):
    """Staff who see patients, inactive ones too: consultants and clinicians, and anyone who is an appointment's
    practitioner. FHIR's Practitioner and Cliniko's practitioners both read this one rule."""
    # The appointment model through the reverse relation: directory does not import scheduling.
    appointment = User._meta.get_field("appointments").related_model
    sees_patients = Exists(appointment.objects.filter(practitioner=OuterRef("pk")))
    roles = Q(roles__icontains='"consultant"') | Q(roles__icontains='"clinician"')
    return user_list(organisation=organisation, active_only=False).filter(roles | sees_patients)


def practitioner_get(*, organisation, pk, field="practitioner_id"):
    return _get(practitioner_list(organisation=organisation), pk, field)


def user_by_username(*, organisation, username, field="admin"):
    user = User.objects.filter(organisation=organisation, username=username, is_active=True).first()
    if user is None:
        raise NotFound(f"Unknown staff user {username!r}.", field=field)
    return user


def division_list(*, organisation):
    return Division.objects.filter(organisation=organisation).order_by("id")


def division_get(*, organisation, pk, field="division_id"):
    return _get(Division.objects.filter(organisation=organisation), pk, field)
