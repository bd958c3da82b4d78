"""A big sync run in the back office: its page shows the first items, failed first, and links to every item a
page at a time, so a 10 000-item run opens as fast as a small one."""

import pytest
from django.contrib.auth.models import Group
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from directory.staff_groups import FRONT_DESK
from sync.models import SyncItemResult, SyncRun
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def make_run(organisation, items, failed_at=()):
    run = SyncRun.objects.create(organisation=organisation, channel="updox", started_at=timezone.now(),
                                 received=items, failed=len(failed_at), created=items - len(failed_at))
    SyncItemResult.objects.bulk_create(
        SyncItemResult(run=run, position=n, external_id=f"x{n}",
                       outcome="failed" if n in failed_at else "created",
                       message=f"date: not a date (item {n})" if n in failed_at else "created")
        for n in range(items)
    )
    return run


@pytest.fixture
def front_desk(client, tenant):
    user = UserFactory(organisation=tenant.organisation, roles=["front_desk"])
    user.groups.add(Group.objects.get(name=FRONT_DESK))
    client.force_login(user)
    return client


def test_a_big_runs_page_shows_the_first_items_failed_first(front_desk, tenant):
    small = make_run(tenant.organisation, 3)
    front_desk.get(f"/admin/sync/syncrun/{small.pk}/change/")  # warms the per-process content-type cache
    with CaptureQueriesContext(connection) as small_captured:
        front_desk.get(f"/admin/sync/syncrun/{small.pk}/change/")
    run = make_run(tenant.organisation, 10_000, failed_at={7_777})
    with CaptureQueriesContext(connection) as captured:
        page = front_desk.get(f"/admin/sync/syncrun/{run.pk}/change/")
    assert page.status_code == 200
    html = page.content.decode()
    assert html.count("created</td>") + html.count("created</p>") <= 50
    assert html.index("not a date (item 7777)") < html.index("x0<"), "the failed item comes first"
    assert "7778" in html, "items are numbered from 1"
    assert f"?run__id__exact={run.pk}&outcome__exact=failed" in html
    assert len(captured) == len(small_captured), "the page costs the same queries for 3 items as for 10 000"


def test_front_desk_reads_which_item_failed_and_why_a_page_at_a_time(front_desk, tenant):
    run = make_run(tenant.organisation, 250, failed_at={3, 200})
    failed = front_desk.get(f"/admin/sync/syncitemresult/?run__id__exact={run.pk}&outcome__exact=failed")
    assert failed.status_code == 200
    assert failed.context["cl"].result_count == 2
    assert "not a date (item 200)" in failed.content.decode()
    every = front_desk.get(f"/admin/sync/syncitemresult/?run__id__exact={run.pk}")
    assert len(every.context["cl"].result_list) == 100 and every.context["cl"].result_count == 250


def test_another_organisations_items_are_not_shown(front_desk, other_tenant):
    run = make_run(other_tenant.organisation, 5, failed_at={1})
    listing = front_desk.get(f"/admin/sync/syncitemresult/?run__id__exact={run.pk}")
    assert listing.context["cl"].result_count == 0
    assert front_desk.get(f"/admin/sync/syncrun/{run.pk}/change/").status_code in (302, 404)
