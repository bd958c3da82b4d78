"""Audit trail writes: called by every service that creates, changes or deletes personal data, inside its
transaction, and by partner reads of resident records."""

from datetime import date, datetime
from decimal import Decimal

from directory.models import AuditEvent
from healthdesk import bulk
from healthdesk.redact import scrub

CREATE, UPDATE, DELETE, READ, REVOKE = "create", "update", "delete", "read", "revoke"


def _plain(value):
    if isinstance(value, (datetime, date)):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    if hasattr(value, "pk"):
        return value.pk
    if isinstance(value, (list, tuple, set)):
        return [_plain(v) for v in value]
    return value


def _storable(query):
    """A request's query as JSON any database stores: no NUL characters (PostgreSQL refuses them), bounded."""
    def clean(text):
        return str(text).replace("\x00", "")[:200]

    return {clean(name): [clean(v) for v in values][:10] for name, values in list(query.items())[:20]}


def snapshot(instance, fields):
    """The current values of `fields`, to diff against after a change."""
    return {name: _plain(getattr(instance, name)) for name in fields}


def diff(before, instance):
    """{field: [old, new]} for the fields of `before` whose value changed on `instance`."""
    after = snapshot(instance, before)
    return {name: [before[name], after[name]] for name in before if before[name] != after[name]}


def _row(actor, organisation, action, object_type, object_id, changes):
    return AuditEvent(
        organisation=organisation, actor_user=actor.user, actor_client=actor.client, channel=actor.channel,
        action=action, object_type=object_type, object_id=str(object_id), changes=scrub(changes or {}),
    )


def label(instance_or_model):
    return instance_or_model._meta.label_lower


def record(*, actor, organisation, action, instance, changes=None):
    """One audit event for one object."""
    return _row(actor, organisation, action, label(instance), instance.pk, changes).save()


def record_many(*, actor, organisation, action, model, changes_by_id):
    """Audit events for a bulk write, in one INSERT: `changes_by_id` maps object id to its changes."""
    bulk.insert(
        AuditEvent,
        [{"object_id": str(pk), "changes": scrub(changes or {})} for pk, changes in changes_by_id.items()],
        defaults={"organisation": organisation, "actor_user": actor.user, "actor_client": actor.client,
                  "channel": actor.channel, "action": action, "object_type": label(model)},
    )


def record_read(*, actor, organisation, model, ids=None, query=None):
    """A partner read of personal records, one event per request: the ids read for a record, or the list's
    query for a list (a list can be too long to name every row)."""
    changes = {"ids": [str(i) for i in ids]} if ids is not None else {"list": _storable(query or {})}
    object_id = str(ids[0]) if ids is not None and len(ids) == 1 else ""
    _row(actor, organisation, READ, label(model), object_id, changes).save()
