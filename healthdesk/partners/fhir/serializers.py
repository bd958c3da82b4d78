"""Rows as FHIR R4 resources: one function per resource, the one description of how a row reads in FHIR.

Each takes a row whose related rows a selector has already fetched (identifiers, attendees with their
residents), so a page of any length costs a fixed number of queries.
"""

from django.utils import timezone

from healthdesk.partners.fhir.fields import instant, version_of

# Identifier systems: healthdesk's own numbers, and each partner system's ids (`urn:healthdesk:id:updox`).
REFERENCE_CODE_SYSTEM = "urn:healthdesk:reference-code"
CUSTOMER_NUMBER_SYSTEM = "urn:healthdesk:customer-number"
PARTNER_ID_SYSTEM = "urn:healthdesk:id:"
GENDERS = {"male": "male", "female": "female", "other": "other"}


def meta(row):
    return {"versionId": version_of(row.updated_at), "lastUpdated": instant(row.updated_at)}


def organisation_id(organisation_pk):
    return f"org-{organisation_pk}"


def division_id(division_pk):
    return f"div-{division_pk}"


def family_name(person):
    """The surname with its prefix ("van Dijk"): FHIR's `family` has no prefix of its own, so the prefix belongs
    to it, as it does wherever a dialect has no prefix field."""
    return " ".join(part for part in (getattr(person, "surname_prefix", ""), person.last_name) if part)


def human_name(person, *, titles=""):
    name = {"use": "official"}
    family = family_name(person)
    if family:
        name["family"] = family
    if person.first_name:
        name["given"] = [person.first_name]
    if titles:
        name["prefix"] = [titles]
    text = " ".join(part for part in (person.first_name, family) if part)
    if text:
        name["text"] = text
    return name


def patient_identifiers(resident):
    identifiers = []
    if resident.reference_code:
        identifiers.append({"system": REFERENCE_CODE_SYSTEM, "value": resident.reference_code})
    if resident.customer_number:
        identifiers.append({"system": CUSTOMER_NUMBER_SYSTEM, "value": resident.customer_number})
    identifiers.extend(
        {"system": PARTNER_ID_SYSTEM + identifier.system, "value": identifier.value}
        for identifier in resident.identifiers.all()
    )
    return identifiers


def patient(resident):
    """A resident as a Patient; an archived resident is `active: false`."""
    body = {
        "resourceType": "Patient",
        "id": str(resident.pk),
        "meta": meta(resident),
        "active": resident.archived_at is None,
        "name": [human_name(resident, titles=resident.titles)],
        "managingOrganization": {"reference": f"Organization/{organisation_id(resident.organisation_id)}"},
    }
    identifiers = patient_identifiers(resident)
    if identifiers:
        body["identifier"] = identifiers
    telecom = [
        {"system": system, "value": value, "use": use}
        for system, value, use in (
            ("phone", resident.phone_number, "home"),
            ("email", resident.email, "home"),
        )
        if value
    ]
    if telecom:
        body["telecom"] = telecom
    body["gender"] = GENDERS.get(resident.gender, "unknown")
    if resident.date_of_birth:
        body["birthDate"] = resident.date_of_birth.isoformat()
    if resident.home_address1 or resident.home_city or resident.home_zip:
        address = {"use": "home"}
        if resident.home_address1:
            address["line"] = [resident.home_address1]
        if resident.home_city:
            address["city"] = resident.home_city
        if resident.home_zip:
            address["postalCode"] = resident.home_zip
        body["address"] = [address]
    return body


def practitioner(user):
    body = {
        "resourceType": "Practitioner",
        "id": str(user.pk),
        "meta": meta(user),
        "active": user.is_active,
        "name": [human_name(user, titles=user.titles)],
    }
    if user.email:
        body["telecom"] = [{"system": "email", "value": user.email, "use": "work"}]
    return body


def organization(organisation):
    return {
        "resourceType": "Organization",
        "id": organisation_id(organisation.pk),
        "meta": meta(organisation),
        "identifier": [{"system": "urn:healthdesk:organisation", "value": organisation.slug}],
        "active": True,
        "name": organisation.name,
    }


def division_organization(division):
    """A division (a wing, a team) is an Organization that is part of its organisation."""
    return {
        "resourceType": "Organization",
        "id": division_id(division.pk),
        "meta": meta(division),
        "active": True,
        "name": division.name,
        "partOf": {"reference": f"Organization/{organisation_id(division.organisation_id)}"},
    }


def appointment_status(appointment, now):
    """FHIR's status: cancelled; fulfilled once it has ended; arrived when an attendee arrived; else booked."""
    if appointment.cancelled_at is not None:
        return "cancelled"
    if appointment.ends_at <= now:
        return "fulfilled"
    if any(attendee.arrived and attendee.cancelled_at is None for attendee in appointment.attendees.all()):
        return "arrived"
    return "booked"


def appointment(row, now=None):
    """An appointment with its practitioner and every attendee (a declined participant once cancelled)."""
    now = now or timezone.now()
    participants = []
    if row.practitioner_id:
        practitioner_row = row.practitioner
        participants.append(
            {
                "actor": {
                    "reference": f"Practitioner/{row.practitioner_id}",
                    "display": " ".join(p for p in (practitioner_row.first_name, practitioner_row.last_name) if p),
                },
                "required": "required",
                "status": "accepted",
            }
        )
    for attendee in row.attendees.all():
        participants.append(
            {
                "actor": {"reference": f"Patient/{attendee.resident_id}", "display": attendee.resident.full_name},
                "required": "required",
                "status": "declined" if attendee.cancelled_at else "accepted",
            }
        )
    if not participants:  # FHIR requires one; a group no one has joined yet still needs a seat
        participants.append({"required": "information-only", "status": "needs-action"})
    body = {
        "resourceType": "Appointment",
        "id": str(row.pk),
        "meta": meta(row),
        "status": appointment_status(row, now),
        "start": instant(row.starts_at),
        "end": instant(row.ends_at),
        "minutesDuration": row.duration_minutes,
        "created": row.created_at.date().isoformat(),
        "participant": participants,
    }
    if row.kind == "group":
        body["appointmentType"] = {"text": "group"}
    if row.summary:
        body["description"] = row.summary
    if row.details:
        body["comment"] = row.details
    if row.cancelled_at and row.cancellation_note:
        body["cancelationReason"] = {"text": row.cancellation_note}
    return body
