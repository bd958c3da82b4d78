"""Attachment checks: size limit and the real content type, sniffed from the bytes rather than trusted."""

import os

import filetype
from django.conf import settings

from healthdesk.exceptions import Invalid

ALLOWED_TYPES = {
    "application/pdf",
    "image/png",
    "image/jpeg",
    "image/gif",
    "image/webp",
    "image/heic",
    "text/plain",
}
SNIFF_BYTES = 8192


def _sniff(head):
    kind = filetype.guess(head)
    if kind is not None:
        return kind.mime
    if b"\x00" not in head:
        try:
            head.decode("utf-8")
        except UnicodeDecodeError:
            # A multi-byte character cut at the sniff boundary is still text.
            try:
                head[:-3].decode("utf-8")
            except UnicodeDecodeError:
                return None
        return "text/plain"
    return None


def check(upload, *, field):
    """(safe file name, sniffed content type, upload) for an acceptable file; Invalid naming `field` otherwise."""
    if upload.size > settings.HEALTHDESK_MAX_UPLOAD_BYTES:
        raise Invalid(
            f"{field} is larger than {settings.HEALTHDESK_MAX_UPLOAD_BYTES} bytes.", field=field
        )
    if upload.size == 0:
        raise Invalid(f"{field} is empty.", field=field)
    upload.seek(0)
    head = upload.read(SNIFF_BYTES)
    upload.seek(0)
    content_type = _sniff(head)
    if content_type not in ALLOWED_TYPES:
        raise Invalid(f"{field} has a file type that is not accepted.", field=field)
    name = os.path.basename(upload.name or field).strip() or field
    return name[:255], content_type, upload
