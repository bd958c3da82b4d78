"""Connect4's wire format: the `{"status": …}` envelope in JSON or XML, and its error bodies."""

import re
from xml.etree.ElementTree import Element, SubElement, tostring

from rest_framework.negotiation import DefaultContentNegotiation
from rest_framework.renderers import BaseRenderer

from healthdesk.partners.base import Partner, register
from healthdesk.partners.renderers import FastJSONRenderer


class Connect4Partner(Partner):
    name = "connect4"
    # The support API lives under /api/v1/; every other /api/ path is Connect4's.
    path_pattern = r"^/api/(?!v1/|io/)"
    error_component = "Connect4ErrorEnvelope"

    def problem_body(self, problem, request=None):
        return {"status": False, "message": problem.message}

    def problem_status(self, problem):
        # The document knows 200, 401, 404 and "invalid": a state conflict is invalid input to a Connect4 app.
        return 400 if problem.status == 409 else problem.status


CONNECT4 = register(Connect4Partner())


_XML_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_.-]*$")
_XML_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def _xml_text(value):
    if isinstance(value, bool):
        return "true" if value else "false"
    return _XML_ILLEGAL.sub("", str(value))


def _xml_fill(element, value):
    if value is None:
        element.set("nil", "true")
    elif isinstance(value, dict):
        for key, item in value.items():
            key = str(key)
            if _XML_NAME.match(key) and not key.lower().startswith("xml"):
                child = SubElement(element, key)
            else:
                # Keys such as category ids ("6") are not XML names: keep them as an attribute.
                child = SubElement(element, "entry", key=_xml_text(key))
            _xml_fill(child, item)
    elif isinstance(value, (list, tuple)):
        for item in value:
            _xml_fill(SubElement(element, "item"), item)
    else:
        element.text = _xml_text(value)


class Connect4XMLRenderer(BaseRenderer):
    """The same structure as the JSON: one element per key, `item` per list entry, `nil="true"` for null.

    Chosen by `Accept: application/xml` or `format=xml`, for answers and errors alike.
    """

    media_type = "application/xml"
    format = "xml"
    charset = "utf-8"

    def render(self, data, accepted_media_type=None, renderer_context=None):
        if data is None:
            return b""
        root = Element("response")
        _xml_fill(root, data)
        return b'<?xml version="1.0" encoding="UTF-8"?>\n' + tostring(root, encoding="unicode").encode("utf-8")


RENDERERS = (FastJSONRenderer, Connect4XMLRenderer)


class Connect4ContentNegotiation(DefaultContentNegotiation):
    """`format=xml` picks XML; any other `format` value falls back to JSON rather than DRF's 404, since the
    document promises JSON or XML and nothing else (a partner's stray parameter must not look like a bad URL)."""

    def select_renderer(self, request, renderers, format_suffix=None):
        requested = format_suffix or request.query_params.get(self.settings.URL_FORMAT_OVERRIDE)
        if requested and requested not in {renderer.format for renderer in renderers}:
            format_suffix = renderers[0].format
        return super().select_renderer(request, renderers, format_suffix)
