"""Writes on the directory: organisations, API clients and their secrets, access tokens, residents, users."""

from dataclasses import dataclass
from datetime import timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models.deletion import ProtectedError, RestrictedError
from django.utils import timezone
from django.utils.text import slugify

from directory import audit, credentials
from directory.actors import Actor
from directory.models import AccessToken, ApiClient, Division, Organisation, Resident, ResidentIdentifier, User
from healthdesk.exceptions import Conflict, Invalid, NotFound

LAST_USED_RESOLUTION = timedelta(minutes=1)
SYSTEM = Actor.system(channel="system")


# Organisations ---------------------------------------------------------------------------------------------
def organisation_create(*, slug, name, time_zone="UTC"):
    """Create a tenant; the slug is its Updox accountId and support account_id."""
    if slugify(slug) != slug:
        raise Invalid("Use lowercase letters, digits and hyphens.", field="slug")
    try:
        ZoneInfo(time_zone)
    except (ZoneInfoNotFoundError, ValueError):
        raise Invalid(f"Unknown time zone {time_zone!r}.", field="time_zone") from None
    if Organisation.objects.filter(slug=slug).exists():
        raise Conflict(f"Organisation {slug!r} already exists.", field="slug")
    return Organisation.objects.create(slug=slug, name=name, time_zone=time_zone)


def organisation_get(*, slug):
    try:
        return Organisation.objects.get(slug=slug)
    except Organisation.DoesNotExist:
        raise NotFound(f"No organisation {slug!r}.", field="slug") from None


# API clients -----------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class IssuedCredentials:
    """A new client and its secret; the secret exists in plain text only here, once."""

    client: ApiClient
    secret: str


def api_client_create(*, organisation, name, is_vendor=False, created_by=None, actor=SYSTEM):
    """Create an API client with a fresh key and secret; only the secret's digest is stored."""
    secret = credentials.new_secret()
    with transaction.atomic():
        client = ApiClient.objects.create(
            organisation=organisation,
            name=name,
            key=credentials.new_key(),
            secret_prefix=credentials.prefix(secret),
            secret_digest=credentials.digest(secret),
            is_vendor=is_vendor,
            created_by=created_by,
        )
        if is_vendor:
            client.granted_organisations.add(organisation)
        audit.record(actor=actor, organisation=organisation, action=audit.CREATE, instance=client,
                     changes={"name": name, "key": client.key, "is_vendor": is_vendor})
    return IssuedCredentials(client=client, secret=secret)


API_CLIENT_FIELDS = ("name", "organisation", "is_vendor")


@transaction.atomic
def api_client_update(*, client, actor, **fields):
    """Rename a client, move it, or make it a vendor; the audit records what changed (never a secret)."""
    _check_fields(fields, set(API_CLIENT_FIELDS), "ApiClient")
    stored = ApiClient.objects.select_for_update().get(pk=client.pk)
    before = audit.snapshot(stored, fields)
    for name, value in fields.items():
        setattr(stored, name, value)
    stored.full_clean(exclude=["secret_digest", "secret_prefix", "key"])
    stored.save(update_fields=list(fields))
    changes = audit.diff(before, stored)
    if changes:
        audit.record(actor=actor, organisation=stored.organisation, action=audit.UPDATE, instance=stored,
                     changes=changes)
    return stored


def api_client_rotate(*, client, actor=SYSTEM):
    """Replace a client's secret; the old one stops working at once, and live access tokens with it."""
    secret = credentials.new_secret()
    with transaction.atomic():
        client.secret_prefix = credentials.prefix(secret)
        client.secret_digest = credentials.digest(secret)
        client.save(update_fields=["secret_prefix", "secret_digest"])
        client.access_tokens.all().delete()
        audit.record(actor=actor, organisation=client.organisation, action=audit.UPDATE, instance=client,
                     changes={"secret": "rotated"})
    return IssuedCredentials(client=client, secret=secret)


@transaction.atomic
def api_client_revoke(*, client, actor=SYSTEM):
    """Revoke a client: every credential it holds stops working. Revoking twice is harmless."""
    if client.revoked_at is None:
        client.revoked_at = timezone.now()
        client.save(update_fields=["revoked_at"])
        client.access_tokens.all().delete()
        audit.record(actor=actor, organisation=client.organisation, action=audit.REVOKE, instance=client,
                     changes={"revoked_at": [None, client.revoked_at.isoformat()]})
    return client


def api_client_grant(*, client, organisation):
    """Let a vendor client sync for one more organisation."""
    if not client.is_vendor:
        raise Invalid("Only vendor clients are granted organisations.", field="client")
    client.granted_organisations.add(organisation)


def _touch(client):
    now = timezone.now()
    if client.last_used_at is None or now - client.last_used_at >= LAST_USED_RESOLUTION:
        ApiClient.objects.filter(pk=client.pk).update(last_used_at=now)
        client.last_used_at = now


def api_client_authenticate(*, secret):
    """The live client whose secret this is, or None; looked up by prefix, compared in constant time."""
    if not secret:
        return None
    # Every partner request passes here: no ORDER BY (Meta.ordering) to compile or sort for a prefix match.
    candidates = ApiClient.objects.select_related("organisation").filter(
        secret_prefix=credentials.prefix(secret), revoked_at__isnull=True
    ).order_by()
    for client in candidates:
        if credentials.matches(secret, client.secret_digest):
            _touch(client)
            return client
    return None


def api_client_authenticate_pair(*, key, secret):
    """The live client with this public key and secret, or None."""
    if not key or not secret:
        return None
    # `key` is unique: at most one row, so no ORDER BY … LIMIT 1 (what first() adds).
    live = ApiClient.objects.select_related("organisation").filter(key=key, revoked_at__isnull=True).order_by()
    client = next(iter(live), None)
    if client is None or not credentials.matches(secret, client.secret_digest):
        return None
    _touch(client)
    return client


def api_client_organisation_for(*, client, slug):
    """The organisation `slug` if this client may act for it (its own, or granted to a vendor), else None."""
    if client.organisation.slug == slug:
        return client.organisation
    if client.is_vendor:
        return client.granted_organisations.filter(slug=slug).first()
    return None


# Connect4 access tokens ------------------------------------------------------------------------------------
def access_token_issue(*, client):
    """Issue an access token for a client; stored as a digest, expires after the configured time."""
    token = credentials.new_secret(24)
    AccessToken.objects.filter(client=client, expires_at__lte=timezone.now()).delete()  # expired ones go
    AccessToken.objects.create(
        client=client,
        token_prefix=credentials.prefix(token),
        token_digest=credentials.digest(token),
        expires_at=timezone.now() + settings.HEALTHDESK_CONNECT4_TOKEN_TTL,
    )
    return token


def access_token_authenticate(*, token, key, secret):
    """The client if token, key and secret all belong to the same live client and the token is unexpired."""
    if not token or not key or not secret:
        return None
    # One query for token, client and organisation: this runs before every Connect4 request.
    tokens = AccessToken.objects.select_related("client__organisation").filter(
        token_prefix=credentials.prefix(token), expires_at__gt=timezone.now(),
        client__key=key, client__revoked_at__isnull=True,
    )
    for access_token in tokens:
        client = access_token.client
        if credentials.matches(token, access_token.token_digest) and credentials.matches(secret, client.secret_digest):
            _touch(client)
            return client
    return None


# Residents -------------------------------------------------------------------------------------------------
RESIDENT_FIELDS = {f.name for f in Resident._meta.concrete_fields} - {
    "id", "organisation", "created_at", "updated_at", "created_by", "updated_by", "created_via",
}


def _check_fields(fields, allowed, model_name):
    unknown = set(fields) - allowed
    if unknown:
        name = sorted(unknown)[0]
        raise Invalid(f"{model_name} has no field {name!r}.", field=name)


def _divisions_of(organisation, divisions):
    divisions = list(divisions)
    ids = {d.pk if isinstance(d, Division) else d for d in divisions}
    found = list(Division.objects.filter(organisation=organisation, pk__in=ids))
    if len(found) != len(ids):
        raise Invalid("Unknown division.", field="division_ids")
    return found


@transaction.atomic
def resident_create(*, organisation, actor, divisions=(), identifiers=None, **fields):
    """Create a resident of the organisation, with divisions and partner identifiers."""
    _check_fields(fields, RESIDENT_FIELDS, "Resident")
    division_rows = _divisions_of(organisation, divisions)
    resident = Resident(organisation=organisation, created_by=actor.user, created_via=actor.channel, **fields)
    resident.full_clean(exclude=["organisation", "created_by", "updated_by", "photo"])
    resident.save()
    if division_rows:
        resident.divisions.set(division_rows)
    for system, value in (identifiers or {}).items():
        resident_identify(resident=resident, system=system, value=value)
    changes = audit.snapshot(resident, fields)
    if division_rows:
        changes["divisions"] = sorted(d.pk for d in division_rows)
    audit.record(actor=actor, organisation=organisation, action=audit.CREATE, instance=resident, changes=changes)
    return resident


@transaction.atomic
def resident_update(*, resident, actor, divisions=None, **fields):
    """Change a resident's fields (and divisions when given)."""
    _check_fields(fields, RESIDENT_FIELDS, "Resident")
    # The stored row, not `resident`: the admin's form has already set the new values on it.
    before = audit.snapshot(Resident.objects.get(pk=resident.pk), fields)
    for name, value in fields.items():
        setattr(resident, name, value)
    resident.updated_by = actor.user
    resident.full_clean(exclude=["organisation", "created_by", "updated_by", "photo"])
    resident.save()
    changes = audit.diff(before, resident)
    if divisions is not None:
        old = sorted(resident.divisions.values_list("pk", flat=True))
        new_rows = _divisions_of(resident.organisation, divisions)
        resident.divisions.set(new_rows)
        if old != sorted(d.pk for d in new_rows):
            changes["divisions"] = [old, sorted(d.pk for d in new_rows)]
    audit.record(actor=actor, organisation=resident.organisation, action=audit.UPDATE, instance=resident,
                 changes=changes)
    return resident


@transaction.atomic
def resident_archive(*, resident, actor):
    """Archive a resident: kept with their history, hidden from lists."""
    if resident.archived_at is None:
        resident.archived_at = timezone.now()
        resident.updated_by = actor.user
        resident.save(update_fields=["archived_at", "updated_by", "updated_at"])
        audit.record(actor=actor, organisation=resident.organisation, action=audit.DELETE, instance=resident,
                     changes={"archived_at": [None, resident.archived_at.isoformat()]})
    return resident


def resident_identify(*, resident, system, value):
    """Record a resident's id in a partner system; the same id may not name two residents."""
    value = str(value)
    try:
        with transaction.atomic():
            identifier, _ = ResidentIdentifier.objects.get_or_create(
                organisation_id=resident.organisation_id, system=system, value=value,
                defaults={"resident": resident},
            )
    except IntegrityError:
        raise Conflict(f"{system} id {value!r} is already in use.", field="identifier") from None
    if identifier.resident_id != resident.pk:
        raise Conflict(f"{system} id {value!r} belongs to another resident.", field="identifier")
    return identifier


# Users -----------------------------------------------------------------------------------------------------
USER_FIELDS = {
    "username", "email", "first_name", "last_name", "titles", "initials", "address", "postal_code", "city",
    "phone", "roles", "is_staff", "is_active",
}


def _check_email_free(organisation, email, exclude_pk=None):
    if not email:
        return
    clash = User.objects.filter(organisation=organisation, email__iexact=email)
    if exclude_pk is not None:
        clash = clash.exclude(pk=exclude_pk)
    if clash.exists():
        raise Conflict("Email is already in use.", field="email", code="email_taken")


def _save_user(user, exclude_pk=None):
    """Save the user; a request that lost a race for its email (in any case) gets the same email_taken as one
    that came second.

    The check before saving is not atomic: case variants posted at the same moment all pass it, and the
    database's case-insensitive constraint (or the username made from the email) stops all but one. The
    savepoint lets the check run again and see the winner; any other integrity failure stays what it was.
    """
    try:
        with transaction.atomic():
            user.save()
    except IntegrityError:
        _check_email_free(user.organisation, user.email, exclude_pk=exclude_pk)
        raise


@transaction.atomic
def user_create(*, organisation, actor, password=None, **fields):
    """Create a staff user of the organisation; the email is unique within it."""
    _check_fields(fields, USER_FIELDS, "User")
    _check_email_free(organisation, fields.get("email"))
    if not fields.get("username"):
        base = slugify(fields.get("email", "").split("@")[0] or fields.get("last_name") or "user")[:100] or "user"
        fields["username"] = _unique_username(f"{organisation.slug}-{base}")
    user = User(organisation=organisation, **fields)
    if password:
        user.set_password(password)
    else:
        user.set_unusable_password()
    try:
        user.full_clean(exclude=["password", "organisation"])
    except ValidationError as exc:
        # A case variant of this email that won a race a moment ago also took the username made from it: say
        # what the caller can act on, the email, as a request that came second is told.
        if "username" in getattr(exc, "error_dict", {}):
            _check_email_free(organisation, fields.get("email"))
        raise
    _save_user(user)
    audit.record(actor=actor, organisation=organisation, action=audit.CREATE, instance=user,
                 changes=audit.snapshot(user, fields))
    return user


def _unique_username(base):
    candidate, n = base[:140], 1
    while User.objects.filter(username=candidate).exists():
        n += 1
        candidate = f"{base[:140]}-{n}"
    return candidate


@transaction.atomic
def user_update(*, user, actor, is_superuser=None, **fields):
    """Change a staff user's profile fields; `is_superuser` only from a caller that checked a superuser asks."""
    _check_fields(fields, USER_FIELDS, "User")
    if is_superuser is not None:
        fields["is_superuser"] = is_superuser
    if "email" in fields:
        _check_email_free(user.organisation, fields["email"], exclude_pk=user.pk)
    # The stored row, not `user`: the admin's form has already set the new values on it.
    before = audit.snapshot(User.objects.get(pk=user.pk), fields)
    for name, value in fields.items():
        setattr(user, name, value)
    user.full_clean(exclude=["password", "organisation"])
    _save_user(user, exclude_pk=user.pk)
    audit.record(actor=actor, organisation=user.organisation, action=audit.UPDATE, instance=user,
                 changes=audit.diff(before, user))
    return user


@transaction.atomic
def user_deactivate(*, user, actor):
    """Deactivate instead of deleting: past appointments and tickets keep their practitioner and author."""
    if user.is_active:
        user.is_active = False
        user.save(update_fields=["is_active", "updated_at"])
        audit.record(actor=actor, organisation=user.organisation, action=audit.DELETE, instance=user,
                     changes={"is_active": [True, False]})
    return user


@transaction.atomic
def user_remove(*, user, actor):
    """Remove a user: one with appointments (or any other protected history) is deactivated and kept, so
    that history keeps its practitioner; anyone else is deleted. Returns True if the row was deleted."""
    if user.appointments.exists():
        user_deactivate(user=user, actor=actor)
        return False
    try:
        with transaction.atomic():
            pk, organisation = user.pk, user.organisation
            user.delete()
            audit.record(actor=actor, organisation=organisation, action=audit.DELETE, instance=User(pk=pk),
                         changes={"deleted": True})
    except (ProtectedError, RestrictedError):
        user_deactivate(user=user, actor=actor)
        return False
    return True
