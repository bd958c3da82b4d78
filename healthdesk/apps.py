from django.apps import AppConfig
from django.contrib.admin import apps as admin_apps


class HealthdeskConfig(AppConfig):
    """The project package as an app: cross-domain commands (demo data) and templates."""

    name = "healthdesk"
    default = True

    def ready(self):
        from django.db.models.signals import post_migrate

        from directory.staff_groups import ensure_staff_groups
        from healthdesk import checks  # noqa: F401 — registers the deploy checks
        from healthdesk.numbers import ascii_only_integer_fields

        ascii_only_integer_fields()

        # Sent once per app with models; idempotent, and the last run sees every app's permissions.
        post_migrate.connect(ensure_staff_groups, dispatch_uid="healthdesk.staff_groups")


class HealthdeskAdminConfig(admin_apps.AdminConfig):
    """Django's admin with healthdesk's site as the default, so `admin.site` is the dashboard site."""

    default = False
    default_site = "healthdesk.admin_site.HealthdeskAdminSite"
