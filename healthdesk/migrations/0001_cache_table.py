"""The database cache's table, made by `migrate` like every other table the schema needs.

Without Redis the rate-limit counter lives in this table (settings.SHARED_CACHE); it used to come only from
`createcachetable`, so a deployer who ran `migrate` alone got 503 from every partner API. Made whatever the
cache setting is now, so turning Redis off later needs no extra step. Django's own command makes it, so the
columns are exactly what DatabaseCache expects, and a table an earlier `createcachetable` made is kept.
"""

from django.core.management.commands.createcachetable import Command as CreateCacheTable
from django.db import migrations

# settings.SHARED_CACHE's LOCATION when REDIS_URL is unset.
CACHE_TABLE = "healthdesk_cache"


def create_cache_table(apps, schema_editor):
    command = CreateCacheTable()
    command.verbosity = 0
    command.create_table(schema_editor.connection.alias, CACHE_TABLE, dry_run=False)


def drop_cache_table(apps, schema_editor):
    schema_editor.execute(f"DROP TABLE IF EXISTS {schema_editor.quote_name(CACHE_TABLE)}")


class Migration(migrations.Migration):
    initial = True
    dependencies = []
    operations = [migrations.RunPython(create_cache_table, drop_cache_table)]
