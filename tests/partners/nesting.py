"""Bodies for the JSON nesting limit (issue #16, Trust II finding 2): every partner's JSON parser refuses deeper
nesting than `healthdesk.partners.parsers.MAX_JSON_DEPTH` in its own error shape, and accepts that depth."""

import json

from healthdesk.partners.parsers import MAX_JSON_DEPTH

# About 2 KB of brackets: deep enough that Python's json module raised RecursionError (a 500) before the limit.
TOO_DEEP = "[" * 1000 + "]" * 1000


def with_deep_extra(body):
    """The body with an extra, ignored member nested exactly to the limit (the body's object is level one)."""
    marker = "__deep__"
    text = json.dumps({**body, "nesting_probe": marker})
    inner = MAX_JSON_DEPTH - 1
    return text.replace(json.dumps(marker), "[" * inner + "]" * inner)


def depth(text):
    """How deep the brackets of a JSON text go (strings aside): the tests check their own bodies with it."""
    level = deepest = 0
    in_string = escaped = False
    for char in text:
        if in_string:
            escaped, in_string = (False, True) if escaped else (char == "\\", char != '"')
        elif char == '"':
            in_string = True
        elif char in "[{":
            level += 1
            deepest = max(deepest, level)
        elif char in "]}":
            level -= 1
    return deepest
