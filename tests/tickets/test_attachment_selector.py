"""tickets.selectors.attachment_get: an attachment is found only within its organisation."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from healthdesk.exceptions import NotFound
from tickets import selectors, services

pytestmark = pytest.mark.django_db


def attached(tenant):
    ticket = services.ticket_create(
        organisation=tenant.organisation, actor=tenant.actor, title="Scan", resident=tenant.resident,
        attachments=[("attachment_1", SimpleUploadedFile("note.txt", b"hello"))],
    )
    return ticket.attachments.get()


def test_attachment_get_finds_the_organisations_attachment(tenant):
    attachment = attached(tenant)
    found = selectors.attachment_get(organisation=tenant.organisation, pk=attachment.pk)
    assert found == attachment
    assert found.content_type == "text/plain"


@pytest.mark.parametrize("pk", ["other", 999_999, "abc", None])
def test_attachment_get_of_another_organisation_or_unknown_is_not_found(tenant, other_tenant, pk):
    if pk == "other":
        pk = attached(other_tenant).pk
    with pytest.raises(NotFound) as caught:
        selectors.attachment_get(organisation=tenant.organisation, pk=pk)
    assert caught.value.field == "id"
