"""Cliniko's OpenAPI adjustments."""

BOOKING_COMPONENT = "ClinikoBooking"


def bookings_any_of(result, generator, request, public):
    """Postprocessing hook: a booking is *any of* the three appointment shapes, as Cliniko's specification says.

    drf-spectacular writes a polymorphic serializer as `oneOf`, which a validator rejects whenever a booking
    also fits another shape (their shared fields make that the usual case).
    """
    schema = result.get("components", {}).get("schemas", {}).get(BOOKING_COMPONENT)
    if schema and "oneOf" in schema:
        schema["anyOf"] = schema.pop("oneOf")
    return result
