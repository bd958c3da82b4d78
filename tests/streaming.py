"""Streamed JSON lists read the way a partner app reads them: to the end, inside the request being measured."""

from functools import cache


@cache
def _readable(cls):
    return type(f"Read{cls.__name__}", (cls,), {
        "content": property(lambda self: self.read_body),
        "text": property(lambda self: self.read_body.decode(self.charset)),
    })


def consumed(response):
    """The response with a streamed JSON body read at once (so its queries fall inside a caller's query count),
    then readable as `.content` and `.json()` like any other, and still `streaming`."""
    if response.streaming and response.get("Content-Type", "").startswith("application/json"):
        body = b"".join(response.streaming_content)
        response.streaming_content = [body]
        response.read_body = body
        response.__class__ = _readable(type(response))
    return response
