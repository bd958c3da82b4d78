"""A password validator for guessable long passwords that pass Django's length and common-word checks."""

import re

from django.core.exceptions import ValidationError

# Rows and columns of a QWERTY keyboard, the digits and the alphabet: walking along any of them, either way,
# is among the first things a cracker tries.
SEQUENCES = (
    "`1234567890-=", "qwertyuiop[]", "asdfghjkl;'", "zxcvbnm,./", "abcdefghijklmnopqrstuvwxyz",
    "1qaz", "2wsx", "3edc", "4rfv", "5tgb", "6yhn", "7ujm", "8ik,", "9ol.", "0p;/",
)
_NEXT = {(line[i], line[i + 1]) for line in SEQUENCES for i in range(len(line) - 1)}
_NEXT |= {(b, a) for a, b in _NEXT}


def _sequence_characters(password):
    """How many characters stand in runs of three or more neighbouring keys (or letters, or digits)."""
    text, total, run = password.lower(), 0, 1
    for i in range(1, len(text) + 1):
        if i < len(text) and (text[i - 1], text[i]) in _NEXT:
            run += 1
            continue
        if run >= 3:
            total += run
        run = 1
    return total


class GuessablePatternValidator:
    """Refuses a password that is a repeated unit (`passwordpassword`), mostly a keyboard or alphabet walk
    (`qwertyuiopasdf`, `1qaz2wsx…`, `abcdef…`), or made of fewer than `min_distinct` different characters."""

    def __init__(self, min_distinct=6):
        self.min_distinct = min_distinct

    def validate(self, password, user=None):
        if re.fullmatch(r"(.+?)\1+", password, flags=re.DOTALL | re.IGNORECASE):
            raise ValidationError("This password only repeats a shorter one.", code="password_repeated")
        if _sequence_characters(password) * 2 > len(password):
            raise ValidationError("This password is mostly a keyboard or alphabet sequence.",
                                  code="password_keyboard_sequence")
        if len(set(password.lower())) < self.min_distinct:
            raise ValidationError(f"Use at least {self.min_distinct} different characters.",
                                  code="password_low_variety")

    def get_help_text(self):
        return (f"Your password cannot repeat a shorter one, be mostly a keyboard or alphabet sequence, or use "
                f"fewer than {self.min_distinct} different characters.")
