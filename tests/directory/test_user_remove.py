"""user_remove: delete a user without history, deactivate one whose appointments must keep their practitioner."""

import pytest

from directory import selectors, services
from directory.models import User
from tests.factories import AppointmentFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_a_user_without_appointments_is_deleted(tenant):
    user = UserFactory(organisation=tenant.organisation)
    assert services.user_remove(user=user, actor=tenant.actor) is True
    assert not User.objects.filter(pk=user.pk).exists()


def test_a_user_with_appointments_is_deactivated_and_leaves_the_list(tenant):
    user = UserFactory(organisation=tenant.organisation)
    appointment = AppointmentFactory(organisation=tenant.organisation, practitioner=user)
    assert services.user_remove(user=user, actor=tenant.actor) is False
    user.refresh_from_db()
    assert user.is_active is False
    assert user not in selectors.user_list(organisation=tenant.organisation)
    appointment.refresh_from_db()
    assert appointment.practitioner_id == user.pk


def test_a_user_with_cancelled_or_deleted_appointments_is_still_kept(tenant):
    user = UserFactory(organisation=tenant.organisation)
    AppointmentFactory(organisation=tenant.organisation, practitioner=user, deleted_at="2020-01-01T00:00:00Z")
    assert services.user_remove(user=user, actor=tenant.actor) is False
    assert User.objects.filter(pk=user.pk, is_active=False).exists()
