"""Make a user's email unique per organisation whatever its case (issue #16, Trust II finding 4).

The check runs first so that an upgrade over rows that already clash stops with the rows to fix, instead of
PostgreSQL's or SQLite's bare "could not create unique index".
"""

from django.db import migrations, models
from django.db.models import Count, F, Q
from django.db.models.functions import Lower

CONSTRAINT = "user_email_ci_unique_per_organisation"


def clashing_emails(User):
    """(organisation id, lower-cased email, count) for each email held by several users of one organisation."""
    return list(
        User.objects.exclude(email="")
        .annotate(email_lower=Lower("email"))
        .values("organisation_id", "email_lower")
        .annotate(users=Count("id"))
        .filter(users__gt=1)
        .order_by("organisation_id", "email_lower")
        .values_list("organisation_id", "email_lower", "users")
    )


def refuse_case_clashes(apps, schema_editor):
    clashes = clashing_emails(apps.get_model("directory", "User"))
    if clashes:
        listed = "; ".join(f"organisation {org}: {email} ({n} users)" for org, email, n in clashes[:20])
        more = f"; and {len(clashes) - 20} more" if len(clashes) > 20 else ""
        raise RuntimeError(
            f"Cannot make user emails unique per organisation regardless of case: {len(clashes)} email(s) are "
            f"held by several users of one organisation when case is ignored: {listed}{more}. Give each of those "
            f"users a distinct email (or blank it) in the admin, then run migrate again. Nothing was changed."
        )


class Migration(migrations.Migration):

    dependencies = [
        ("directory", "0004_organisation_division_updated_at"),
    ]

    operations = [
        migrations.RunPython(refuse_case_clashes, migrations.RunPython.noop),
        migrations.RemoveConstraint(
            model_name="user",
            name="user_email_unique_per_organisation",
        ),
        migrations.AddConstraint(
            model_name="user",
            constraint=models.UniqueConstraint(
                F("organisation"),
                Lower("email"),
                condition=~Q(email=""),
                name=CONSTRAINT,
            ),
        ),
    ]
