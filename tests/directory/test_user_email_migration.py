"""The migration that makes user emails case-insensitively unique stops, naming the rows, when existing users
already clash; once they are fixed it applies."""

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

pytestmark = pytest.mark.django_db(transaction=True)

BEFORE = [("directory", "0004_organisation_division_updated_at")]
AFTER = [("directory", "0005_user_email_case_insensitive_unique")]


def migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


def test_existing_case_clashes_stop_the_migration_with_the_rows_to_fix(tenant):
    old_apps = migrate(BEFORE)
    try:
        User = old_apps.get_model("directory", "User")
        org = tenant.organisation.pk
        User.objects.create(username="clash-1", organisation_id=org, email="Jan@Example.com", password="!")
        User.objects.create(username="clash-2", organisation_id=org, email="jan@example.com", password="!")
        with pytest.raises(RuntimeError) as stopped:
            migrate(AFTER)
        assert f"organisation {org}: jan@example.com (2 users)" in str(stopped.value)
        assert "Nothing was changed" in str(stopped.value)
        User.objects.filter(username="clash-2").update(email="jan.other@example.com")
    finally:
        migrate(AFTER)
    assert ("directory", AFTER[0][1]) in MigrationExecutor(connection).recorder.applied_migrations()
