"""A user's email is unique per organisation whatever its case (issue #16, Trust II finding 4): the database
holds the rule, so a race between two requests cannot slip past the service's check."""

import pytest
from django.db import IntegrityError, transaction

from directory import services
from directory.actors import Actor
from directory.models import User
from healthdesk.exceptions import Conflict

pytestmark = pytest.mark.django_db


def test_the_database_refuses_a_case_variant_in_the_same_organisation(tenant):
    User.objects.create(username="a-1", organisation=tenant.organisation, email="Jan.Akkermans@Example.com")
    with pytest.raises(IntegrityError), transaction.atomic():
        User.objects.create(username="a-2", organisation=tenant.organisation, email="jan.akkermans@example.com")


def test_case_variants_in_another_organisation_and_blank_emails_are_fine(tenant, other_tenant):
    User.objects.create(username="a-1", organisation=tenant.organisation, email="Jan@Example.com")
    User.objects.create(username="a-2", organisation=other_tenant.organisation, email="jan@example.com")
    User.objects.create(username="a-3", organisation=tenant.organisation, email="")
    User.objects.create(username="a-4", organisation=tenant.organisation, email="")
    assert User.objects.filter(email__iexact="jan@example.com").count() == 2


def test_the_service_refuses_a_case_variant_as_email_taken(tenant):
    actor = Actor.system("test")
    services.user_create(organisation=tenant.organisation, actor=actor, email="Jan@Example.com", last_name="A")
    before = User.objects.count()
    with pytest.raises(Conflict) as refused:
        services.user_create(organisation=tenant.organisation, actor=actor, email="JAN@example.COM", last_name="B")
    assert (refused.value.field, refused.value.code) == ("email", "email_taken")
    assert User.objects.count() == before
