"""Webcamconsult's words for shared values."""

from directory.choices import Gender

# `client_full_name` starts with the Dutch salutation for the client's gender (`Dhr. Dr. T de Ester`).
SALUTATIONS = {Gender.MALE: "Dhr.", Gender.FEMALE: "Mevr."}


def client_full_name(resident):
    salutation = SALUTATIONS.get(resident.gender, "")
    parts = (salutation, resident.titles, resident.initials, resident.surname_prefix, resident.last_name)
    return " ".join(part for part in parts if part)
