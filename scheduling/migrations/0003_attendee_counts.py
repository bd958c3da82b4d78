"""Attendee counts per organisation and state, kept by PostgreSQL statement-level triggers for every writer."""

import django.db.models.deletion
from django.db import migrations, models

SHARDS = 8
STATE = "CASE WHEN deleted_at IS NOT NULL THEN 'deleted' WHEN cancelled_at IS NOT NULL THEN 'cancelled' ELSE 'live' END"
MOVED = {
    "insert": f"SELECT organisation_id, {STATE} AS state, 1 AS delta FROM new_rows",
    "delete": f"SELECT organisation_id, {STATE} AS state, -1 AS delta FROM old_rows",
}
MOVED["update"] = f"{MOVED['insert']} UNION ALL {MOVED['delete']}"
TRANSITION_TABLES = {
    "insert": "NEW TABLE AS new_rows",
    "delete": "OLD TABLE AS old_rows",
    "update": "NEW TABLE AS new_rows OLD TABLE AS old_rows",
}


def function(event):
    # The rows the statement moved into (+1) or out of (-1) each (organisation, state), added to this connection's
    # shard; ordered, so two writers that share a shard lock its rows in the same order. A trigger with transition
    # tables takes one event, hence one function per event.
    return f"""
CREATE OR REPLACE FUNCTION scheduling_attendee_count_{event}() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO scheduling_attendeecount (organisation_id, state, shard, n)
    SELECT organisation_id, state, pg_backend_pid() %% {SHARDS}, sum(delta)
    FROM ({MOVED[event]}) AS moved
    GROUP BY organisation_id, state
    HAVING sum(delta) <> 0
    ORDER BY organisation_id, state
    ON CONFLICT (organisation_id, state, shard) DO UPDATE SET n = scheduling_attendeecount.n + EXCLUDED.n;
    RETURN NULL;
END
$$;"""


def install(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return  # elsewhere (SQLite, the embedded default) the lists count their rows
    for event in ("insert", "update", "delete"):
        schema_editor.execute(function(event))
        schema_editor.execute(
            f"CREATE TRIGGER scheduling_attendee_count_{event} AFTER {event.upper()} ON scheduling_attendee "
            f"REFERENCING {TRANSITION_TABLES[event]} FOR EACH STATEMENT "
            f"EXECUTE FUNCTION scheduling_attendee_count_{event}()"
        )
    schema_editor.execute(
        f"INSERT INTO scheduling_attendeecount (organisation_id, state, shard, n) "
        f"SELECT organisation_id, {STATE}, 0, count(*) FROM scheduling_attendee GROUP BY 1, 2"
    )


def uninstall(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for event in ("insert", "update", "delete"):
        schema_editor.execute(f"DROP TRIGGER IF EXISTS scheduling_attendee_count_{event} ON scheduling_attendee")
        schema_editor.execute(f"DROP FUNCTION IF EXISTS scheduling_attendee_count_{event}()")


class Migration(migrations.Migration):

    dependencies = [
        ("directory", "0004_organisation_division_updated_at"),
        ("scheduling", "0002_cliniko_attendee_list_indexes"),
    ]

    operations = [
        migrations.CreateModel(
            name="AttendeeCount",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("state", models.CharField(max_length=10)),
                ("shard", models.PositiveSmallIntegerField()),
                ("n", models.BigIntegerField(default=0)),
                (
                    "organisation",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE, related_name="+", to="directory.organisation"
                    ),
                ),
            ],
            options={
                "constraints": [
                    models.UniqueConstraint(
                        fields=("organisation", "state", "shard"), name="attendee_count_shard_unique"
                    )
                ],
            },
        ),
        migrations.RunPython(install, uninstall, elidable=False),
    ]
