"""The Updox translation's fast paths give exactly what DRF's own paths give."""

import pytest
from rest_framework import serializers

from healthdesk.partners.serializers import RowsListSerializer
from healthdesk.partners.updox.serializers import AppointmentsSyncInput, UpdoxItemStatusOutput
from sync.services import ItemStatus


def test_item_statuses_render_the_ids_exactly_as_sent():
    statuses = [
        ItemStatus(0, 3456, "created", "created", 1), ItemStatus(1, "a", "updated", "updated", 2),
        ItemStatus(2, None, "failed", "item: must be an object."), ItemStatus(3, 1.5, "unchanged", "unchanged", 3),
        ItemStatus(4, {"x": [1]}, "failed", "id: must be a string."),
    ]
    fast = UpdoxItemStatusOutput(statuses, many=True)
    assert isinstance(fast, RowsListSerializer)  # 10 000 statuses a request: the list path that costs little
    assert fast.data == serializers.ListSerializer(child=UpdoxItemStatusOutput(), instance=statuses).data
    assert [type(s["id"]) for s in fast.data] == [int, str, type(None), float, dict]
    assert fast.data[0] == {"id": 3456, "success": True, "message": "created"}


@pytest.mark.parametrize("appointments", [
    [{"id": 1}, None, 3, "x", [1], {"nested": {"a": [1.5, None]}}], [],
])
def test_items_stay_as_sent(appointments):
    data = AppointmentsSyncInput(data={"appointments": appointments})
    assert data.is_valid(), data.errors
    assert data.validated_data["appointments"] == appointments


@pytest.mark.parametrize(("appointments", "error"), [
    ({"id": 1}, 'Expected a list of items but got type "dict".'), ("x", 'Expected a list of items but got type "str".'),
    (None, "This field may not be null."),
])
def test_appointments_not_a_list_are_refused_as_before(appointments, error):
    data = AppointmentsSyncInput(data={"appointments": appointments})
    assert not data.is_valid()
    assert [str(e) for e in data.errors["appointments"]] == [error]
