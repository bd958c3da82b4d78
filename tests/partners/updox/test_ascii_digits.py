"""Issue #16 (Trust II) finding 3 for Updox: a duration in non-ASCII digits fails its item, not the batch."""

import pytest

from scheduling.models import Appointment
from sync.models import SyncItemResult
from tests.partners.updox.support import counts, item

NOT_ASCII = ["²", "٣", "３", "1²"]


@pytest.mark.parametrize("value", NOT_ASCII)
def test_updox_duration_in_other_digits_fails_only_its_item(sync, value):
    before = counts()
    response = sync([item("ok-1"), item("bad-1", duration=value)])
    assert response.status_code == 200
    result = response.json()["statuses"]
    assert [s["success"] for s in result] == [True, False]
    assert "duration" in result[1]["message"]
    assert SyncItemResult.objects.filter(outcome="failed").count() == 1
    assert Appointment.objects.count() == before["Appointment"] + 1
