"""JSON rendering for the partner APIs: DRF's output, byte for byte, written by orjson."""

import orjson
from rest_framework.renderers import JSONRenderer
from rest_framework.utils.encoders import JSONEncoder

# DRF escapes these two for JavaScript embedding; orjson writes them raw.
_LINE_SEPARATORS = ((b"\xe2\x80\xa8", b"\\u2028"), (b"\xe2\x80\xa9", b"\\u2029"))


# Datetimes go to DRF's encoder, which writes them its own way (milliseconds, `Z` for UTC); integer keys (Connect4
# keys categories by id) become strings, as json.dumps makes them.
OPTIONS = orjson.OPT_PASSTHROUGH_DATETIME | orjson.OPT_NON_STR_KEYS


class FastJSONRenderer(JSONRenderer):
    """What `JSONRenderer` writes (compact, UTF-8, DRF's date, decimal and lazy-text encodings), several times
    faster on big lists; anything orjson cannot write natively goes through DRF's own encoder."""

    def render(self, data, accepted_media_type=None, renderer_context=None):
        if data is None:
            return b""
        if self.get_indent(accepted_media_type or "", renderer_context or {}):
            return super().render(data, accepted_media_type, renderer_context)
        try:
            body = orjson.dumps(data, default=_drf_default, option=OPTIONS)
        except orjson.JSONEncodeError:
            # An integer beyond 64 bits, a float that is not finite, a key that is not a string: DRF decides.
            return super().render(data, accepted_media_type, renderer_context)
        for raw, escaped in _LINE_SEPARATORS:
            if raw in body:
                body = body.replace(raw, escaped)
        return body


_encoder = JSONEncoder()


def _drf_default(value):
    return _encoder.default(value)
