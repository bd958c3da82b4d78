"""The JSON parser every partner API reads request bodies with."""

import io
import re

from rest_framework.exceptions import ParseError
from rest_framework.parsers import JSONParser

# No partner document nests deeper than a few levels. Python's json module recurses once per level, so about
# 1,000 levels (2 KB of "[") raised RecursionError, a 500 on every JSON endpoint (issue #16, Trust II finding 2).
MAX_JSON_DEPTH = 64

# What the depth scan looks at: an escape pair inside a string (skipped whole, so \" does not end the string),
# a quote, or a bracket. Linear in the body, whatever it holds.
_STRUCTURE = re.compile(rb'\\.|["\[\]{}]', re.DOTALL)


def json_too_deep(raw, limit=MAX_JSON_DEPTH):
    """Whether the brackets of a JSON body (outside strings) nest deeper than `limit`; malformed bodies are left
    to the JSON parser."""
    if raw.count(b"[") + raw.count(b"{") <= limit:
        return False
    level = 0
    in_string = False
    for match in _STRUCTURE.finditer(raw):
        token = match.group()
        if len(token) == 2:
            continue
        if token == b'"':
            in_string = not in_string
        elif in_string:
            continue
        elif token in b"[{":
            level += 1
            if level > limit:
                return True
        else:
            level -= 1
    return False


class PartnerJSONParser(JSONParser):
    """DRF's JSON parser that refuses bodies nested deeper than MAX_JSON_DEPTH as a ParseError (400 in each
    partner's shape) before parsing them."""

    def parse(self, stream, media_type=None, parser_context=None):
        raw = stream.read()
        if json_too_deep(raw):
            raise ParseError(f"JSON nested deeper than {MAX_JSON_DEPTH} levels.")
        return super().parse(io.BytesIO(raw), media_type, parser_context)
