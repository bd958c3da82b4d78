"""Residents: archived ones are not found when asked to hide them; join tokens are derived, stable and distinct."""

import pytest

from directory import credentials, selectors, services
from healthdesk.exceptions import NotFound

pytestmark = pytest.mark.django_db


def test_archived_resident_is_found_by_default_and_hidden_on_request(tenant):
    services.resident_archive(resident=tenant.resident, actor=tenant.actor)
    assert selectors.resident_get(organisation=tenant.organisation, pk=tenant.resident.pk) == tenant.resident
    with pytest.raises(NotFound) as caught:
        selectors.resident_get(
            organisation=tenant.organisation, pk=tenant.resident.pk, include_archived=False, field="id"
        )
    assert caught.value.field == "id"


def test_join_token_is_stable_distinct_and_keyed_by_the_pepper(settings):
    first = credentials.resident_join_token(1)
    assert len(first) == 20 and first.isalnum()
    assert credentials.resident_join_token(1) == first
    assert credentials.resident_join_token(2) != first
    settings.HEALTHDESK_SECRET_PEPPER = "another pepper"
    assert credentials.resident_join_token(1) != first


def test_division_pairs_follow_the_residents_given_in_resident_then_division_order(tenant, other_tenant):
    from tests.factories import DivisionFactory, ResidentFactory

    first, second = DivisionFactory.create_batch(2, organisation=tenant.organisation)
    later = ResidentFactory(organisation=tenant.organisation)
    later.divisions.set([second, first])
    tenant.resident.divisions.set([second])
    other_tenant.resident.divisions.set([DivisionFactory(organisation=other_tenant.organisation)])
    residents = selectors.resident_list(organisation=tenant.organisation)
    assert list(selectors.resident_division_pairs(residents=residents)) == [
        (tenant.resident.pk, second.pk), (later.pk, first.pk), (later.pk, second.pk),
    ]
    assert list(selectors.resident_division_pairs(residents=residents[:1])) == [(tenant.resident.pk, second.pk)]
